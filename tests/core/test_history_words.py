"""History speaks the reader's language: every audited field by its verbose name, values by their labels and names,
是/否, "—", dates as 2026年12月3日, times in Asia/Shanghai, masks kept, bookkeeping left out, people by their real
names — on the audit page, in its export, on a dossier's timeline, and over the demo's whole audit log."""

import io
import re
from datetime import date, datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from auditlog.diff import model_instance_diff
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection, models
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.translation import override
from openpyxl import load_workbook

from rongjia.core import history
from rongjia.core.audit_selectors import describe_entries
from rongjia.core.crypto import EncryptedTextField
from rongjia.core.history import EMPTY, change_rows, field_words, is_shown, model_words, rows_for
from rongjia.core.models import OrgUnit, Region
from rongjia.core.templatetags.history_tags import real_name, stamp
from rongjia.people.models import Person
from rongjia.people.timeline import start_of
from tests.factories import VILLAGE_CODE, person_at, unit_at

CJK = re.compile(r"[\u4e00-\u9fff]")
RAW_WORDS = {"None", "True", "False"}
UPDATE, CREATE = LogEntry.Action.UPDATE, LogEntry.Action.CREATE
AUDITED = sorted(auditlog.get_models(), key=lambda model: model._meta.label)


def logged_fields(model):
    """The fields auditlog records for the model (its registration's include/exclude) that history shows."""
    options = auditlog.get_model_fields(model)
    fields = [*model._meta.concrete_fields, *model._meta.many_to_many]
    return [f for f in fields if (not options["include_fields"] or f.name in options["include_fields"])
            and f.name not in options["exclude_fields"] and is_shown(model, f)]


def value_words(model, field) -> dict[str, str]:
    """The stored values of the field that have a label other than themselves, and those labels."""
    return {value: str(label) for value, label in history._words(model, field).items() if str(label) != value}


def sample_change(model, field) -> tuple[list, str | None]:
    """A change auditlog could record for the field ("None" to a value, as at a creation), and what the
    after-value must read as (None: only the generic checks apply)."""
    if field.many_to_many:
        return {"type": "m2m", "operation": "add", "objects": ["甲"]}, "加入：甲"
    if field.is_relation:
        target = field.related_model._base_manager.order_by("pk").first()
        if target is None:
            return ["None", "999999"], "已不存在（#999999）"
        return ["None", str(target.pk)], target.name if field.related_model is Region else str(target)
    words = value_words(model, field)
    if words and not isinstance(field, models.JSONField):
        value = next(iter(words))
        return ["None", value], words[value]
    if isinstance(field, models.BooleanField):
        return ["False", "True"], "是"
    if isinstance(field, models.DateTimeField):
        return ["None", "2026-12-03 01:30:00"], "2026年12月3日 09:30"  # stored naive UTC, read in Asia/Shanghai
    if isinstance(field, models.DateField):
        return ["None", "2026-12-03"], None  # a day, or a month for the month fields: checked below
    if isinstance(field, models.TimeField):
        return ["None", "09:30:00"], "09:30"
    if isinstance(field, models.JSONField):
        return ["[]", '["甲", "乙"]'], "甲、乙"
    if isinstance(field, models.FileField):
        return ["", "people/photos/1/a.jpg"], "已上传文件"
    if isinstance(field, EncryptedTextField) or field.name in auditlog.get_model_fields(model)["mask_fields"]:
        return ["None", "138****5678"], "138****5678"
    return ["None", "7"], "7"


@pytest.mark.parametrize("model", AUDITED, ids=lambda model: model._meta.label)
def test_every_audited_field_reads_by_its_verbose_name_and_labels(db, model):
    with override("zh-hans"):
        for field in logged_fields(model):
            values, expected = sample_change(model, field)
            (row,) = change_rows(model, {field.name: values}, action=UPDATE)
            where = f"{model._meta.label}.{field.name}"
            assert row.label == field_words(model, field), where
            assert row.label not in (field.name, field.name.replace("_", " ")) and CJK.search(row.label), \
                f"{where} has no Chinese verbose name: give the field one (or a word in core/history_words.py)"
            assert not RAW_WORDS & {row.before, row.after}, (where, row)
            assert row.after not in value_words(model, field), (where, row)
            if expected is not None:
                assert row.after == expected, (where, row)
            if not isinstance(values, dict):
                assert row.before in (EMPTY, "否"), (where, row)


@pytest.mark.parametrize("model", AUDITED, ids=lambda model: model._meta.label)
def test_every_audited_model_has_a_chinese_name(model):
    with override("zh-hans"):
        assert CJK.search(model_words(model)), f"{model._meta.label}: give it a verbose_name"


def test_a_creation_leaves_out_bookkeeping_and_reverse_relations(cast):
    unit = unit_at(VILLAGE_CODE)
    changes = {name: [str(a), str(b)] for name, (a, b) in model_instance_diff(None, unit).items()}
    assert "people" in changes and "version" in changes  # auditlog lists them: a reverse relation, a counter
    with override("zh-hans"):
        (rows,) = rows_for([LogEntry(content_type=ContentType.objects.get_for_model(OrgUnit), action=CREATE,
                                     changes=changes)])
    labels = {row.label for row in rows}
    assert {"名称", "行政区划", "层级"} <= labels
    assert not any(".None" in row.text or row.before for row in rows)  # "people.Person.None"; nothing before
    assert {str(OrgUnit._meta.get_field(name).verbose_name) for name in ("id", "version", "created_at")} & labels \
        == set()
    assert next(row.after for row in rows if row.label == "行政区划") == unit.region.name  # a name, not a pk


def test_dates_have_no_invented_time_and_times_are_local():
    with override("zh-hans"):
        rows = change_rows(Person, {"deceased_on": ["None", "2026-12-03"], "updated_at": ["x", "y"]})
        assert rows == [("死亡日期", EMPTY, "2026年12月3日")]  # and the bookkeeping stamp is left out
        (row,) = change_rows(Person, {"deceased_on": ["2026-12-02", "2026-12-03"]})
        assert row.text == "2026年12月2日 → 2026年12月3日"
        moment = history._datetime(None, "2026-12-03 16:30:00.123456")
        assert moment == "2026年12月4日 00:30"  # 16:30 UTC is half past midnight in Shanghai, the next day
        assert history._date(Person._meta.get_field("deceased_on"), "2026-12-03") == "2026年12月3日"


def test_masked_values_stay_masked_and_an_empty_one_reads_as_a_dash():
    with override("zh-hans"):
        rows = change_rows(Person, {"phone": ["**ne", "139****5678"], "phone_alt": ["None", "13912345678"]})
    assert rows == [("电话", EMPTY, "139****5678"), ("备用电话", EMPTY, "139****5678")]  # masked here if stored clear
    for empty in ("", "None", "**ne"):  # "**ne": auditlog's own mask of "None", in entries from before decision 0008
        assert history._masked_text(Person._meta.get_field("phone"), empty) == EMPTY


def test_a_registered_state_reads_as_its_label():
    from rongjia.petitions.models import Petition

    with override("zh-hans"):
        (row,) = change_rows(Petition, {"state": ["registered", "accepted"]})
    assert (row.before, row.after) == ("登记", "受理")


def test_related_names_are_read_once_per_model_for_a_page(cast):
    units = list(OrgUnit.objects.order_by("pk")[:30])
    user_type = ContentType.objects.get_for_model(type(cast.auditor))
    entries = [LogEntry(content_type=user_type, action=UPDATE,
                        changes={"org_unit": [str(a.pk), str(b.pk)], "full_name": ["甲", "乙"]})
               for a, b in zip(units, units[1:], strict=False)]
    with CaptureQueriesContext(connection) as queries:
        rows = rows_for(entries)
    assert len(queries) == 1  # the units, all at once
    assert [row.text for row in rows[0]] == ["甲 → 乙", f"{units[0].name} → {units[1].name}"]  # name, unit


def test_people_by_real_name_with_the_account_on_hover(cast):
    cast.village_worker.full_name = "王小明"
    assert str(real_name(cast.village_worker)) == '<span title="village_worker">王小明</span>'
    assert str(real_name(history.actor_name(cast.village_worker))) == '<span title="village_worker">王小明</span>'
    assert real_name(None) == ""


def test_a_day_is_stamped_without_a_time_and_a_moment_in_local_time():
    assert stamp(start_of(date(2026, 12, 3))) == "2026-12-03"
    assert stamp(datetime(2026, 12, 3, 6, 5, tzinfo=ZoneInfo("UTC"))) == "2026-12-03 14:05"


def _edit_phone(actor, phone):
    from rongjia.core import services

    unit = unit_at(VILLAGE_CODE)
    services.org_unit_update(actor=actor, unit=unit, version=unit.version, phone=phone)
    return unit


def test_the_audit_page_names_the_actor_and_reads_the_change(cast, client_for):
    cast.village_worker.full_name = "王小明"
    cast.village_worker.save(update_fields=["full_name"])
    _edit_phone(cast.village_worker, "025-52716666")
    page = client_for(cast.auditor).get("/audit/?actor=王小明").content.decode()
    assert '<span title="village_worker">王小明</span>' in page
    assert "电话" in page and "→ 025-52716666" in page and ">单位 #" in page
    assert "∅" not in page and "None" not in page


def test_the_audit_list_reads_names_in_a_bounded_number_of_queries(cast, client_for):
    user_type = ContentType.objects.get_for_model(type(cast.auditor))
    units = list(OrgUnit.objects.order_by("pk")[:41])
    client = client_for(cast.auditor)

    def count_queries(n):
        LogEntry.objects.bulk_create([
            LogEntry(content_type=user_type, object_pk=str(cast.leader.pk), object_repr="领导", action=UPDATE,
                     actor=cast.security_admin, changes={"org_unit": [str(units[i].pk), str(units[i + 1].pk)]})
            for i in range(n)])
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/audit/?actor=security_admin").status_code == 200
        return len(queries)

    assert count_queries(40) == count_queries(2)  # the units of a page are read at once, not per entry


def test_the_export_reads_like_the_page_in_local_time(cast, client_for):
    cast.village_worker.full_name = "王小明"
    cast.village_worker.save(update_fields=["full_name"])
    _edit_phone(cast.village_worker, "025-52717777")
    entry = LogEntry.objects.filter(actor=cast.village_worker).latest("timestamp")
    response = client_for(cast.auditor).get("/audit/export.xlsx?actor=village_worker")
    header, row = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert header[:3] == ("时间", "操作人", "用户名")
    assert row[1:3] == ("王小明", "village_worker") and row[5] == "单位"
    local = entry.timestamp.astimezone(ZoneInfo("Asia/Shanghai")).replace(tzinfo=None)
    assert abs(row[0] - local) < timedelta(seconds=1)  # the clock time shown on the page, not UTC
    assert "电话：" in row[8] and "025-52717777" in row[8]


def test_the_timeline_reads_a_status_change_in_words(cast, client_for):
    person = person_at(cast.village_worker, phone="13912345678", registered_on=date(2020, 1, 1))
    client = client_for(cast.village_worker)
    form = {"kind": "lost", "day": date.today().isoformat(), "reason": "电话停机", "version": person.version}
    done = client.post(reverse("people:status_change", args=[person.pk]), form)
    assert done.status_code == 302
    page = client.get(reverse("people:person_timeline", args=[person.pk])).content.decode()
    assert "状态：在册 → 失联" in page
    assert "version" not in page and "lost" not in page and "active" not in page


def test_the_timeline_refuses_outsiders(cast, client_for):
    person = person_at(cast.village_worker)
    assert client_for(cast.outsider).get(reverse("people:person_timeline", args=[person.pk])).status_code == 404


@pytest.fixture
def demo_log(db, settings, tmp_path):
    """The demo's audit log: seed_demo for 江宁区 with 300 served people, the smallest demo the tests already use
    (every module seeds its records; the full 35,000 would add only more of the same kinds and take minutes)."""
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo", "--region", "320115", "--people", "300", stdout=StringIO())
    return LogEntry.objects.select_related("actor", "content_type").order_by("pk")


def test_the_demos_whole_audit_log_reads_in_words(demo_log):
    entries = list(demo_log)
    assert len(entries) > 1000 and len({e.content_type_id for e in entries}) > 40
    problems = []
    with override("zh-hans"):
        for start in range(0, len(entries), 500):
            chunk = entries[start:start + 500]
            for entry, rows in zip(chunk, describe_entries(chunk), strict=True):
                problems += _problems(entry, rows)
    assert not problems, problems[:20]


def _problems(entry, rows) -> list:
    model = entry.content_type.model_class()
    if entry.action == LogEntry.Action.ACCESS or model is None:
        return []
    fields = {f.name: f for f in [*model._meta.concrete_fields, *model._meta.many_to_many]}
    shown = {field_words(model, f): f for f in fields.values() if is_shown(model, f)}
    hidden = {field_words(model, f) for f in fields.values() if not is_shown(model, f)} - set(shown)
    found = [] if ".None" not in entry.object_repr else [(entry.pk, "object", entry.object_repr)]
    for row in rows:
        field = shown.get(row.label)
        raw_values = set(value_words(model, field)) if field is not None else set()
        if row.label in fields or row.label in hidden or not CJK.search(row.label):
            found.append((entry.pk, model._meta.label, "label", row.label))
        for text in filter(None, (row.before, row.after)):  # a creation has no "before", a deletion no "after"
            if text in RAW_WORDS or text in raw_values or text.endswith(".None"):
                found.append((entry.pk, model._meta.label, row.label, text))
    return found


def test_a_task_export_gives_submission_times_in_local_time(cast, client_for):
    from rongjia.worklist.models import Assignment
    from tests.worklist.conftest import assign

    task = assign(cast.county_director)
    submitted = datetime(2026, 12, 3, 16, 30, tzinfo=ZoneInfo("UTC"))
    Assignment.objects.filter(task=task).update(submitted_at=submitted)  # as if submitted then: tests only
    response = client_for(cast.county_director).get(reverse("worklist:task_export", args=[task.pk]))
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert {row[4] for row in rows[1:]} == {"2026-12-04 00:30"}  # half past midnight in Shanghai, not 16:30 UTC


def test_each_word_of_history_words_still_stands_for_a_field_or_model_without_a_name():
    """A word is dropped once its field or model gets a verbose name of its own (that name is then used)."""
    from rongjia.core.history_words import FIELD_WORDS, MODEL_WORDS

    unnamed = {(model._meta.label, field.name) for model in AUDITED for field in logged_fields(model)
               if field._verbose_name is None}
    for key in FIELD_WORDS:
        *model, name = key.split(".")
        assert any(name == field and (not model or ".".join(model) == label) for label, field in unnamed), key
    for label in MODEL_WORDS:
        model = next(m for m in AUDITED if m._meta.label == label)
        assert "verbose_name" not in model._meta.original_attrs, label
