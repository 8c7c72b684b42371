"""Acceptance of the ledger intake (issue 17): what a station sees end to end, through the services and the page.

Each test is one acceptance line of the issue: the station's export re-imported changes nothing, updates go in
field by field through the person services, held rows come back as their own file and go in once, bad files are
refused with nothing written, "all or nothing", remembered column mappings, and places outside the uploader's area.
Messages are matched under English (`override("en")`) or by field and code, never by the Chinese translation.
"""

import io
import random
from pathlib import Path

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook, load_workbook

from rongjia.people.importing import import_commit, import_start
from rongjia.people.importing.held_file import held_workbook
from rongjia.people.importing.services_intake import (
    accept_changes,
    accept_update,
    answer_places,
    confirm_columns,
    place_questions,
    proposed_mapping,
    skip_row,
)
from rongjia.people.models import (
    Award,
    ColumnMemory,
    HouseholdMember,
    ImportJob,
    ImportRow,
    Person,
    PersonCategory,
    ServiceRecord,
    StatusChange,
)
from rongjia.people.services import id_index, person_update
from tests.factories import STREET_CODE, VILLAGE2_CODE, VILLAGE_CODE, person_at, unit_at
from tests.people import messy_ledgers
from tests.people.ledgers import good_row, id_for, upload, workbook_bytes
from tests.people.test_intake_flow import checked, committed, held_keys
from tests.people.test_intake_workbook import XLS_SHEETS, biff8_workbook, bomb, compound_file

Kind = ImportRow.Kind
State = ImportJob.State
PEOPLE_MODELS = (Person, PersonCategory, StatusChange, ServiceRecord, Award, HouseholdMember)


@pytest.fixture(autouse=True)
def media(tmp_path):
    """Uploads land in a folder of the test's own, so "nothing written" can look at the disk too."""
    with override_settings(MEDIA_ROOT=tmp_path / "media"):
        yield tmp_path / "media"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def books() -> dict:
    """Everything an import could write about people: each person's version, their rows and their history."""
    types = ContentType.objects.get_for_models(*PEOPLE_MODELS).values()
    return {"people": sorted(Person.objects.values_list("pk", "version")),
            **{model.__name__: model.objects.count() for model in PEOPLE_MODELS},
            "history": LogEntry.objects.filter(content_type__in=types).count()}


def ledger(rows: list[dict], headers: list[str]) -> tuple[bytes, str, None]:
    """A one-sheet ledger in the shape `checked` takes (content, name, no Expected)."""
    return workbook_bytes(rows, headers=headers), "台账.xlsx", None


NAMES = "黎平 王芳 张伟 李娜 刘洋 陈静 杨勇 赵敏 周杰 吴霞 徐明 孙丽 马超 朱红 胡斌 郭燕 何亮 高梅 林涛 罗英".split()


def named_row(n: int, **overrides) -> dict:
    """tests.people.ledgers.good_row with a real name (a name with digits is held as a wrong column)."""
    return good_row(n, 姓名=NAMES[n % len(NAMES)], **overrides)


def by_id(number: str) -> Person:
    return Person.objects.get(id_hash=id_index(number))


# --- 1. round trip ------------------------------------------------------------------------------------------------

def test_the_stations_export_re_imported_changes_nothing(cast, tmp_path):
    """People registered from a ledger and from the form, exported in full by `export_people`, imported again."""
    job, expected = checked(cast.village_worker, messy_ledgers.template_like())
    assert held_keys(job) == {}
    committed(cast.village_worker, job)
    person_at(cast.village_worker, name="黎平", seq=801, phone="13912345678", ethnicity="03", political_status="01",
              education="college", health="一般", address_detail="3组8号", categories=("退役士兵", "残疾军人"))
    person_at(cast.village_worker, name="王芳", birth="19660202", seq=802, categories=("烈士遗属",))
    registered = len(expected.people) + 2
    assert Person.objects.count() == registered

    out = tmp_path / "export.xlsx"
    call_command("export_people", str(out), "--as", "county_director", "--full", stdout=io.StringIO())
    before = books()

    again, _expected = checked(cast.village_worker, (out.read_bytes(), out.name, None))

    assert again.state == State.UNCHANGED, again.message
    assert (again.unchanged_count, again.created_count, again.update_count, again.held_count) == (registered, 0, 0, 0)
    assert not again.rows.exists()  # no held rows, no updates to accept
    assert again.changes == {}, again.changes  # nothing the check would rewrite: the export is already clean
    with pytest.raises(ValidationError):  # nothing to import: the button is refused, not a no-op commit
        import_commit(actor=cast.village_worker, job=again)
    assert books() == before


# --- 2. updates ---------------------------------------------------------------------------------------------------

UPDATE_HEADERS = ["姓名", "身份证号", "联系电话", "住址区划代码", "详细地址", "人员类别"]


def test_an_update_goes_in_field_by_field_through_the_person_services(cast):
    first = [named_row(n) for n in (1, 2, 3)]
    committed(cast.village_worker, checked(cast.village_worker, ledger(first, UPDATE_HEADERS))[0])
    one, two, three = (by_id(id_for(n)) for n in (1, 2, 3))
    assert one.phone == "13800000000" and one.version == 1

    second = [named_row(1, 联系电话="13911112222", 人员类别="退役士兵、残疾军人"), named_row(2),
              named_row(3, 联系电话="13933334444")]
    job, _expected = checked(cast.village_worker, ledger(second, UPDATE_HEADERS))

    assert (job.update_count, job.unchanged_count, job.created_count, job.held_count) == (2, 1, 0, 0)
    rows = {row.person_id: row for row in job.rows.filter(kind=Kind.UPDATE)}
    assert set(rows) == {one.pk, three.pk}
    # Phones are stored in the job masked, like everywhere else a page shows them.
    assert rows[one.pk].differences == [["phone", "138****0000", "139****2222"], ["categories", "", "残疾军人"]]
    assert [field for field, _was, _now in rows[three.pk].differences] == ["phone"]
    with pytest.raises(ValidationError):  # only what the row differs in can be accepted
        accept_update(actor=cast.village_worker, job=job, row=rows[one.pk], fields=["phone", "health"])
    accept_update(actor=cast.village_worker, job=job, row=rows[one.pk], fields=["phone"])
    accept_update(actor=cast.village_worker, job=job, row=rows[three.pk], fields=["phone"])
    # Edited by someone else between the check and the commit: the import must not overwrite it.
    person_update(actor=cast.village_worker, person=three, version=three.version, health="较差")
    history_before = LogEntry.objects.get_for_object(one).count()

    job = committed(cast.village_worker, job)

    one.refresh_from_db()
    assert one.phone == "13911112222" and one.version == 2
    assert LogEntry.objects.get_for_object(one).count() == history_before + 1
    entry = LogEntry.objects.get_for_object(one).latest("timestamp")  # person_update's, naming the uploader
    assert entry.action == LogEntry.Action.UPDATE and entry.actor == cast.village_worker
    assert "phone" in entry.changes_dict
    assert [span.category.name for span in one.category_spans.filter(end_date=None)] == ["退役士兵"]
    three.refresh_from_db()
    assert three.phone == "13800000000" and three.health == "较差" and three.version == 2
    two.refresh_from_db()
    assert two.version == 1
    assert job.update_count == 1
    assert "changed since the check" in job.message, job.message


# --- 3. held rows downloaded, fixed in Excel, uploaded again ---------------------------------------------------------

HELD_HEADERS = ["姓名", "身份证号", "联系电话", "住址区划代码", "人员类别"]


def bad_checksum(number: str) -> str:
    return number[:17] + ("0" if number[17] != "0" else "1")


def test_held_rows_come_back_as_their_own_file_and_go_in_once(cast):
    rows = [named_row(11), named_row(12, 联系电话="1381234567"), named_row(13),
            named_row(14, 身份证号=bad_checksum(id_for(14))), named_row(15, 人员类别="五保户")]
    original = ledger(rows, HELD_HEADERS)
    job, _expected = checked(cast.village_worker, original)
    held = {row: fields for (_sheet, row), fields in held_keys(job).items()}
    assert held == {3: ["phone"], 5: ["id_number"], 6: ["categories"]}, held
    job = committed(cast.village_worker, job)
    assert job.created_count == 2

    workbook = load_workbook(io.BytesIO(held_workbook(job)))
    (sheet,) = workbook.worksheets
    header = [cell.value for cell in sheet[1]]
    assert header == HELD_HEADERS + ["原行号", "错误说明"]
    lines = {line[header.index("原行号")].value: line for line in sheet.iter_rows(min_row=2)}
    assert set(lines) == {3, 5, 6}
    for row, fields in held.items():
        line = lines[row]
        red = {header[cell.column - 1] for cell in line if cell.fill.fgColor.rgb.endswith("FFC7CE")}
        assert red == {HELD_HEADERS[["name", "id_number", "phone", "region_code", "categories"].index(f)]
                       for f in fields}
        assert line[header.index("错误说明")].value  # why, in words
    assert lines[5][1].value == bad_checksum(id_for(14))  # every digit kept as text
    lines[3][2].value = "13812345678"
    lines[5][1].value = id_for(14)
    lines[6][4].value = "退役士兵"
    fixed = io.BytesIO()
    workbook.save(fixed)

    refiled, _expected = checked(cast.village_worker, (fixed.getvalue(), "待处理行.xlsx", None))
    assert held_keys(refiled) == {}
    refiled = committed(cast.village_worker, refiled)
    assert refiled.created_count == 3
    assert by_id(id_for(12)).phone == "13812345678"
    assert not Person.objects.filter(notes__contains="错").exists()  # 错误说明 is not imported as notes

    # The original ledger again: the five people are on file once each; its three bad cells are still bad.
    again, _expected = checked(cast.village_worker, original)
    assert (again.created_count, again.update_count, again.unchanged_count) == (0, 0, 2), again.message
    assert {row: fields for (_sheet, row), fields in held_keys(again).items()} == held
    with pytest.raises(ValidationError):  # nothing to import
        import_commit(actor=cast.village_worker, job=again)
    hashes = sorted(Person.objects.values_list("id_hash", flat=True))
    assert hashes == sorted(id_index(id_for(n)) for n in range(11, 16))  # each person once


# --- 4. bad input -----------------------------------------------------------------------------------------------------

def encrypted_xlsx() -> bytes:
    """What Excel writes for an .xlsx with a password to open: a compound file, not a zip."""
    return compound_file({"EncryptionInfo": b"\x04\x00\x04\x00" + bytes(200), "EncryptedPackage": bytes(5000)})


def fifty_sheets() -> bytes:
    workbook = Workbook()
    workbook.active.append(["姓名", "身份证号"])
    for number in range(1, 50):
        workbook.create_sheet(f"{number + 1}组").append(["姓名", "身份证号"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def big_csv() -> bytes:
    """A well-formed ledger of a little over 1 MB: refused for its size alone (the limit is lowered to 1 MB)."""
    lines = ["姓名,身份证号"] + [f"{NAMES[n % len(NAMES)]},{id_for(n)}" for n in range(45_000)]
    content = "\r\n".join(lines).encode()
    assert len(content) > 1024 * 1024
    return content


HIGH = bytes(0x80 | byte for byte in range(256))  # every byte with its high bit set: neither ASCII nor NUL
BAD_FILES = {
    # id: (builder, file name, what the message says)
    "password xlsx": (encrypted_xlsx, "台账.xlsx", "protected by a password"),
    "password xls": (lambda: compound_file({"Workbook": biff8_workbook(XLS_SHEETS, password=True)}), "台账.xls",
                     "protected by a password"),
    "zip bomb": (lambda: bomb(64 << 20), "台账.xlsx", "unpacks to more than"),
    "over the size limit": (big_csv, "台账.csv", "larger than 1 MB"),
    "empty": (lambda: b"", "台账.xlsx", "file is empty"),
    "50 sheets": (fifty_sheets, "台账.xlsx", "has 50 sheets"),
    "utf-16 csv": (lambda: "姓名\t身份证号\r\n黎平\t320115197001011234\r\n".encode("utf-16"), "台账.csv",
                   "encoding cannot be recognised"),
    "random high bytes csv": (lambda: b"name,id\r\n" + random.Random(4).randbytes(3000).translate(HIGH), "台账.csv",
                              "encoding cannot be recognised"),
}


def assert_nothing_written(media_root: Path) -> None:
    """No job, no row, no person, and no file kept under MEDIA_ROOT."""
    stored = [path for path in media_root.rglob("*") if path.is_file()] if media_root.exists() else []
    assert (ImportJob.objects.count(), ImportRow.objects.count(), Person.objects.count(), stored) == (0, 0, 0, [])


@pytest.mark.parametrize("case", BAD_FILES.values(), ids=BAD_FILES.keys())
@override_settings(UPLOAD_MAX_BYTES=1024 * 1024)
def test_a_bad_file_is_refused_by_the_service_with_nothing_written(cast, media, case):
    build, name, says = case
    with pytest.raises(ValidationError) as refused:
        import_start(actor=cast.village_worker, uploaded_file=upload(build(), name))
    (message,) = refused.value.message_dict["file"]
    assert says in message, message
    assert_nothing_written(media)


@pytest.mark.parametrize("case", BAD_FILES.values(), ids=BAD_FILES.keys())
@override_settings(UPLOAD_MAX_BYTES=1024 * 1024)
def test_a_bad_file_is_refused_by_the_upload_page_with_nothing_written(cast, client_for, media, case):
    build, name, says = case
    client = client_for(cast.village_worker)
    client.cookies["django_language"] = "en"  # the footer's language switch: the reasons are matched in English
    response = client.post(reverse("people:import_upload"), {"file": upload(build(), name)})
    assert response.status_code == 200  # the form again, with the reason under the file field
    page = response.content.decode()
    assert says in page
    assert_nothing_written(media)


# --- 5. all or nothing ------------------------------------------------------------------------------------------------

def test_all_or_nothing_writes_nothing_while_rows_are_held_and_commits_once_they_are_set_aside(cast):
    rows = [named_row(21), named_row(22, 联系电话="1381234567"), named_row(23),
            named_row(24, 身份证号=bad_checksum(id_for(24)))]
    job = import_start(actor=cast.village_worker, uploaded_file=upload(workbook_bytes(rows, headers=HELD_HEADERS)))
    job.refresh_from_db()
    confirm_columns(actor=cast.village_worker, job=job, mapping=proposed_mapping(job), include_hidden=[],
                    all_or_nothing=True)
    job.refresh_from_db()
    assert job.state == State.VALID and job.held_count == 2, job.message
    if job.changes:
        accept_changes(actor=cast.village_worker, job=job)
    before = books()

    with pytest.raises(ValidationError) as refused:
        import_commit(actor=cast.village_worker, job=job)

    assert "All or nothing" in refused.value.messages[0]
    job.refresh_from_db()
    assert job.state == State.VALID and books() == before

    for held in job.rows.filter(kind=Kind.HELD):
        skip_row(actor=cast.village_worker, job=job, row=held)
    job = import_commit(actor=cast.village_worker, job=job)
    job.refresh_from_db()
    assert job.state == State.DONE, job.message
    assert job.created_count == 2
    assert {person.name for person in Person.objects.all()} == {NAMES[21 % len(NAMES)], NAMES[23 % len(NAMES)]}


# --- 6. remembered column mappings --------------------------------------------------------------------------------

def uploaded(user, headers: list[str]) -> ImportJob:
    rows = [named_row(31, 优抚类型="退役士兵", 人员身份="退役士兵")]
    job = import_start(actor=user, uploaded_file=upload(workbook_bytes(rows, headers=headers)))
    job.refresh_from_db()
    assert job.state == State.MAPPING, job.message
    return job


def proposed(job: ImportJob) -> dict[str, str]:
    """header -> the field proposed for it, on the job's one sheet."""
    (entry,) = job.layout
    return {column["header"]: column["field"] for column in entry["columns"]}


def confirm(user, job: ImportJob, **by_header: str) -> None:
    """Confirm the proposal with some columns changed by header."""
    (entry,) = job.layout
    mapping = {entry["index"]: {c["index"]: by_header.get(c["header"], c["field"]) for c in entry["columns"]}}
    confirm_columns(actor=user, job=job, mapping=mapping, include_hidden=[], all_or_nothing=False)


def test_a_mapping_confirmed_at_a_station_is_proposed_at_its_next_upload(cast):
    first = uploaded(cast.village_worker, ["姓名", "身份证号", "优抚类型", "人员身份"])
    # 优抚类型 is in no synonym list; 人员身份 is one of 人员类别's synonyms.
    assert proposed(first) == {"姓名": "name", "身份证号": "id_number", "优抚类型": "", "人员身份": "categories"}

    confirm(cast.village_worker, first, 优抚类型="categories", 人员身份="")

    # Another ledger of the station, its columns in another order: the choice follows the header.
    second = uploaded(cast.village_worker, ["人员身份", "身份证号", "姓名", "优抚类型"])
    assert proposed(second) == {"人员身份": "", "身份证号": "id_number", "姓名": "name", "优抚类型": "categories"}


def test_a_mapping_confirmed_at_a_street_centre_is_offered_to_the_stations_below_it(cast):
    headers = ["姓名", "身份证号", "优抚类型"]
    # The 高庄社区 station already chose to leave the column out: its own choice is nearer than the street's.
    confirm(cast.village2_worker, uploaded(cast.village2_worker, headers), 优抚类型="")
    confirm(cast.street_worker, uploaded(cast.street_worker, headers), 优抚类型="categories")
    assert ColumnMemory.objects.get(unit=unit_at(STREET_CODE), key="优抚类型").field == "categories"

    assert proposed(uploaded(cast.village_worker, headers))["优抚类型"] == "categories"  # below the street
    assert proposed(uploaded(cast.village2_worker, headers))["优抚类型"] == ""  # its own choice wins
    assert proposed(uploaded(cast.outsider, headers))["优抚类型"] == ""  # another county: nothing offered


# --- 7. places ----------------------------------------------------------------------------------------------------

PLACE_HEADERS = ["姓名", "身份证号", "所在社区", "联系电话"]


def outsider_village() -> str:
    from rongjia.core.models import Region

    return Region.objects.filter(code__startswith="320114", code__endswith="204").values_list("code", flat=True)[0]


@pytest.mark.parametrize(("uploader", "named", "right"), [
    ("village_worker", "高庄社区", VILLAGE_CODE),  # a real village, but not the uploader's: only their own fits
    ("street_worker", "东风村", VILLAGE2_CODE),  # a name no region has: the street puts it at 高庄社区
], ids=["village outside the station", "unknown village under a street"])
def test_a_place_outside_the_uploaders_area_is_asked_and_only_an_answer_inside_it_is_taken(cast, uploader, named,
                                                                                              right):
    user = getattr(cast, uploader)
    rows = [named_row(41, 所在社区="古泉社区"), named_row(42, 所在社区=named), named_row(43, 所在社区=named)]
    job, _expected = checked(user, ledger(rows, PLACE_HEADERS))
    assert held_keys(job) == {("Sheet", 3): ["village"], ("Sheet", 4): ["village"]}
    assert job.places == {named: ""}
    assert [(text, waiting) for text, waiting, _choices in place_questions(job, user)] == [(named, 2)]

    before = (job.places, job.state, sorted(job.rows.values_list("row", "kind")), books())
    for outside in (outsider_village(), "320115003" + "999"):  # another county's village; a code no region has
        with pytest.raises(ValidationError) as refused:
            answer_places(actor=user, job=job, answers={named: outside})
        assert "not a current region in your area" in refused.value.messages[0]
        job.refresh_from_db()
        assert (job.places, job.state, sorted(job.rows.values_list("row", "kind")), books()) == before

    answer_places(actor=user, job=job, answers={named: right})
    job.refresh_from_db()
    assert job.state == State.VALID and held_keys(job) == {}, job.message
    job = committed(user, job)
    assert job.created_count == 3
    for n in (42, 43):
        person = by_id(id_for(n))
        assert person.address_region.code == right and person.station == unit_at(right)
    assert by_id(id_for(41)).address_region.code == VILLAGE_CODE
