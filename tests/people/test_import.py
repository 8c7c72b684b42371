"""The ledger import: every reason a row is refused, with its row and column; all or nothing; idempotent."""

import os

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings

from rongjia.people.importing import import_commit, import_start
from rongjia.people.models import ImportJob, Person, PersonCategory, StatusChange
from tests.factories import OUTSIDER_COUNTY, VILLAGE2_CODE, VILLAGE_CODE, person_at, valid_id_number
from tests.people.ledgers import good_row, upload, workbook_bytes


@pytest.fixture(autouse=True)
def media(tmp_path):
    with override_settings(MEDIA_ROOT=tmp_path):
        yield


def start(user, rows, **kwargs) -> ImportJob:
    job = import_start(actor=user, uploaded_file=upload(workbook_bytes(rows, **kwargs)))
    job.refresh_from_db()
    return job


def report(job) -> list[tuple[int, str, str]]:
    return list(job.errors.values_list("row", "column", "message"))


def test_a_good_file_is_checked_then_committed(cast):
    job = start(cast.village_worker, [good_row(1), good_row(2, 人员类别="转业干部、现役军人家属")])
    assert job.state == "valid" and job.created_count == 2 and not Person.objects.exists()
    job = import_commit(actor=cast.village_worker, job=job)
    assert job.state == "done" and Person.objects.count() == 2
    second = Person.objects.get(name="测试2")
    assert second.station.region_code == VILLAGE_CODE and second.sex == "F"  # sequence 102: even
    assert second.id_number == valid_id_number("19700101", sequence=102)
    assert set(PersonCategory.objects.filter(person=second).values_list("category__name", flat=True)) == {
        "转业干部", "现役军人家属"}
    line = StatusChange.objects.get(person=second)
    assert line.kind == "new" and str(line.date) == "2024-05-01" and "台账.xlsx" in line.reason


@pytest.mark.parametrize("overrides, column, reason", [
    ({"身份证号": valid_id_number()[:-1] + ("0" if valid_id_number()[-1] != "0" else "1")}, "身份证号", "校验"),
    ({"身份证号": "110105491231002"}, "身份证号", "15位"),
    ({"身份证号": 3.20115197001011e17}, "身份证号", "文本"),
    ({"住址区划代码": "320115999999"}, "住址区划代码", "没有"),
    ({"住址区划代码": OUTSIDER_COUNTY + "001001"}, "住址区划代码", "辖区"),
    ({"住址区划代码": "3201"}, "住址区划代码", "12"),
    ({"姓名": None}, "姓名", "必填"),
    ({"登记日期": "2024-13-45"}, "登记日期", "日期"),
    ({"登记日期": "2999-01-01"}, "登记日期", "未来"),
    ({"联系电话": "call me"}, "联系电话", ""),
    ({"民族": "火星族"}, "民族", "列表"),
    ({"人员类别": "宇航员"}, "人员类别", "宇航员"),
    ({"详细地址": "长" * 40_000}, "详细地址", "过长"),
])
def test_each_bad_cell_is_reported_with_row_and_column_and_nothing_is_written(cast, overrides, column, reason):
    from django.utils import translation

    with translation.override("zh-hans"):
        job = start(cast.village_worker, [good_row(1), good_row(2, **overrides), good_row(3)])
    assert job.state == "invalid" and job.error_count == 1
    [(row, col, message)] = report(job)
    assert (row, col) == (3, column) and reason in message
    with pytest.raises(ValidationError):
        import_commit(actor=cast.village_worker, job=job)
    assert not Person.objects.exists()


def test_a_duplicate_within_the_file_names_the_first_row(cast):
    job = start(cast.village_worker, [good_row(1), good_row(2), good_row(3, 身份证号=good_row(1)["身份证号"])])
    assert report(job) == [(4, "身份证号", report(job)[0][2])] and "2" in report(job)[0][2]


def test_already_registered_elsewhere_is_an_error_here_unchanged(cast):
    person_at(cast.village2_worker, code=VILLAGE2_CODE, id_number=good_row(1)["身份证号"])
    job = start(cast.street_worker, [good_row(1), good_row(2)])
    assert job.state == "invalid" and report(job)[0][:2] == (2, "身份证号")
    # the village worker cannot see the other station: it is not named
    job = start(cast.village_worker, [good_row(1)])
    assert cast.village2_worker.org_unit.name not in report(job)[0][2]


def test_the_import_shares_the_registration_rule_and_audits_a_check_outside_the_area(cast):
    """people/on_file.py: named inside the area, neutral and recorded on the holding dossier outside it."""
    from auditlog.models import LogEntry

    held = person_at(cast.village2_worker, code=VILLAGE2_CODE, id_number=good_row(1)["身份证号"])
    inside = report(start(cast.street_worker, [good_row(1)]))[0][2]
    assert cast.village2_worker.org_unit.name in inside  # the street sees the holding station
    assert not LogEntry.objects.filter(action=LogEntry.Action.ACCESS, object_pk=str(held.pk)).exists()
    outside = report(start(cast.village_worker, [good_row(1)]))[0][2]
    assert "辖区外" in outside and "转入申请" in outside
    check = LogEntry.objects.get(action=LogEntry.Action.ACCESS, object_pk=str(held.pk))
    assert check.actor == cast.village_worker and check.additional_data["what"] == "number_check"


def test_importing_the_same_file_again_changes_nothing_and_says_so(cast):
    rows = [good_row(n) for n in range(1, 6)]
    import_commit(actor=cast.village_worker, job=start(cast.village_worker, rows))
    before = (Person.objects.count(), StatusChange.objects.count())
    again = start(cast.village_worker, rows)
    assert again.state == "unchanged" and again.unchanged_count == 5 and "5" in again.message
    with pytest.raises(ValidationError):
        import_commit(actor=cast.village_worker, job=again)
    more = start(cast.village_worker, rows + [good_row(6)])
    assert more.state == "valid" and (more.created_count, more.unchanged_count) == (1, 5)
    assert (Person.objects.count(), StatusChange.objects.count()) == before


def test_the_commit_checks_again_and_writes_nothing_if_the_books_changed(cast):
    job = start(cast.village_worker, [good_row(1), good_row(2)])
    person_at(cast.village2_worker, code=VILLAGE2_CODE, id_number=good_row(2)["身份证号"])  # meanwhile
    job = import_commit(actor=cast.village_worker, job=job)
    assert job.state == "invalid" and Person.objects.count() == 1


def test_a_file_that_is_not_a_workbook_is_refused(cast):
    with pytest.raises(ValidationError, match="xlsx"):
        import_start(actor=cast.village_worker, uploaded_file=upload(b"name,id\n1,2\n"))
    assert not ImportJob.objects.exists()
    # A zip signature that is no workbook passes the first look and fails the check, with a message.
    job = import_start(actor=cast.village_worker, uploaded_file=upload(b"PK\x03\x04 not really a zip"))
    job.refresh_from_db()
    assert job.state == "invalid" and "xlsx" in job.message and not Person.objects.exists()


def test_wrong_headers_an_empty_sheet_and_a_title_row(cast):
    assert "身份证号" in start(cast.village_worker, [], headers=["姓名", "电话"]).message
    assert start(cast.village_worker, []).state == "invalid"
    titled = start(cast.village_worker, [good_row(1)], above=[["江宁区退役军人信息台账"], []])
    assert titled.state == "valid" and titled.created_count == 1
    bom = ["\ufeff姓名*", *list(workbook_headers()[1:])]
    assert start(cast.village_worker, [dict(zip(bom, good_row(1).values(), strict=True))], headers=bom).state == "valid"


def workbook_headers():
    from rongjia.people.importing.columns import HEADERS

    return HEADERS


def test_a_formula_is_refused_not_evaluated(cast):
    job = start(cast.village_worker, [good_row(1, 姓名="=cmd|' /C calc'!A0")])
    assert job.state == "invalid" and report(job)[0][1] == "姓名"


def test_dates_as_text_as_numbers_and_as_excel_dates(cast):
    from datetime import datetime

    rows = [good_row(1, 登记日期="2024/5/1"), good_row(2, 登记日期=20240501), good_row(3, 登记日期=45413),
            good_row(4, 登记日期=datetime(2024, 5, 1)), good_row(5, 登记日期="2024.5.1")]
    job = import_commit(actor=cast.village_worker, job=start(cast.village_worker, rows))
    assert job.state == "done"
    assert set(StatusChange.objects.values_list("date", flat=True)) == {datetime(2024, 5, 1).date()}


def test_only_holders_of_people_import_may_start(cast):
    with pytest.raises(PermissionDenied):
        import_start(actor=cast.leader, uploaded_file=upload(workbook_bytes([good_row(1)])))
    job = start(cast.village_worker, [good_row(1)])
    with pytest.raises(PermissionDenied):
        import_commit(actor=cast.county_director, job=job)


def test_ledgers_as_stations_keep_them_other_header_names_and_an_instructions_sheet(cast, tmp_path):
    from io import BytesIO

    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.title = "填表说明"
    workbook.active.append(["请按下表填写"])
    sheet = workbook.create_sheet("台账")
    sheet.append(["序号", "姓名", "公民身份号码\n（18位）", "手机号码", "区划代码（12位）", "人员类型"])
    sheet.append([1, "赵刚", good_row(1)["身份证号"], 13800001111, 320115003004, "退役士兵"])
    buffer = BytesIO()
    workbook.save(buffer)
    job = import_start(actor=cast.village_worker, uploaded_file=upload(buffer.getvalue()))
    job.refresh_from_db()
    assert job.state == "valid" and job.created_count == 1


def test_the_uploaded_file_is_deleted_once_no_commit_needs_it(cast, tmp_path):
    job = start(cast.village_worker, [good_row(1)])
    stored = job.file.path
    assert job.state == "valid" and os.path.exists(stored)
    job = import_commit(actor=cast.village_worker, job=job)
    assert job.state == "done" and not job.file and not os.path.exists(stored)
    bad = start(cast.village_worker, [good_row(2, 姓名=None)])
    assert bad.state == "invalid" and not bad.file
