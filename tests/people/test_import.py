"""The ledger import (issue 17): every reason a row is held, with its row and column; the good rows go in while
the bad ones are held (all or nothing only when asked); a re-import is idempotent; the commit is one transaction.

Messages are matched in English (`translation.override("en")`), except those of the registration rule
(people/on_file.py), whose Chinese has long been settled.
"""

import os
from datetime import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from django.utils import translation

from rongjia.people.importing import import_commit, import_start
from rongjia.people.importing.columns import HEADERS
from rongjia.people.importing.services_intake import confirm_columns, proposed_mapping, skip_row
from rongjia.people.models import ImportJob, ImportRow, Person, PersonCategory, StatusChange
from tests.factories import OUTSIDER_COUNTY, VILLAGE2_CODE, VILLAGE_CODE, person_at, valid_id_number
from tests.people.ledgers import check, commit, good_row, held, name_for, read, report, upload, workbook_bytes

State = ImportJob.State


@pytest.fixture(autouse=True)
def media(tmp_path):
    with override_settings(MEDIA_ROOT=tmp_path):
        yield


def checked(user, rows, **kwargs) -> ImportJob:
    return check(user, workbook_bytes(rows, **kwargs))


def test_a_good_file_is_checked_then_committed(cast):
    job = checked(cast.village_worker, [good_row(1), good_row(2, 人员类别="转业干部、现役军人家属")])
    assert job.state == State.VALID and job.created_count == 2 and job.held_count == 0, job.message
    assert not Person.objects.exists()  # the check writes no person
    job = commit(cast.village_worker, job)
    assert job.state == State.DONE and Person.objects.count() == 2
    second = Person.objects.get(name=name_for(2))
    assert second.station.region_code == VILLAGE_CODE and second.sex == "F"  # sequence 102: even
    assert second.id_number == valid_id_number("19700101", sequence=102)
    assert set(PersonCategory.objects.filter(person=second).values_list("category__name", flat=True)) == {
        "转业干部", "现役军人家属"}
    line = StatusChange.objects.get(person=second)
    assert line.kind == "new" and str(line.date) == "2024-05-01" and "台账.xlsx" in line.reason


BAD_CELLS = [
    ({"身份证号": valid_id_number()[:-1] + ("0" if valid_id_number()[-1] != "0" else "1")}, "身份证号",
     "check digit"),
    ({"身份证号": "110105491231002"}, "身份证号", "15-digit"),
    ({"身份证号": 3.20115197001011e17}, "身份证号", "stored as a number"),  # Excel cut its last digits
    ({"住址区划代码": "320115999999"}, "住址区划代码", "No current region in your area"),
    ({"住址区划代码": OUTSIDER_COUNTY + "001001"}, "住址区划代码", "No current region in your area"),
    ({"住址区划代码": "3201"}, "住址区划代码", "12 digits"),
    ({"姓名": None}, "姓名", "name is missing"),
    ({"登记日期": "2024-13-45"}, "登记日期", "is not a date"),
    ({"登记日期": "2999-01-01"}, "登记日期", "future"),
    ({"联系电话": "call me"}, "联系电话", "not a phone number"),
    # Was "choose from the template's list" (请从模板的下拉列表中选择): the message now says what is accepted.
    ({"民族": "火星族"}, "民族", "汉族 or 汉"),
    ({"人员类别": "宇航员"}, "人员类别", "宇航员"),
    ({"详细地址": "长" * 40_000}, "详细地址", "characters long"),
]


@pytest.mark.parametrize("overrides, column, reason", BAD_CELLS)
def test_each_bad_cell_holds_its_row_with_row_and_column_and_the_good_rows_go_in(cast, overrides, column, reason):
    """Was: one bad row refused the whole file. Now the row is held with its reason and the others go in."""
    with translation.override("en"):
        job = checked(cast.village_worker, [good_row(1), good_row(2, **overrides), good_row(3)])
    assert job.state == State.VALID and (job.created_count, job.held_count, job.error_count) == (2, 1, 1)
    [(row, col, message)] = report(job)
    assert (row, col) == (3, column) and reason in message, message
    assert not Person.objects.exists()
    job = commit(cast.village_worker, job)
    assert job.state == State.DONE and job.created_count == 2
    assert set(Person.objects.values_list("name", flat=True)) == {name_for(1), name_for(3)}
    assert job.rows.get(kind=ImportRow.Kind.HELD).row == 3  # still held, for the grid or the held-rows file


def test_a_coded_value_written_as_stations_write_it_is_read_and_shown_as_a_change(cast):
    """汉, 中共党员, 高中, 烈属 were refused as not on the template's list; they are read, and shown was → now."""
    job = checked(cast.village_worker, [good_row(1, 民族="汉", 政治面貌="中共党员", 文化程度="高中")])
    assert job.state == State.VALID and job.held_count == 0, report(job)
    assert ["汉", "汉族", 1] in job.changes["ethnicity"]
    with pytest.raises(ValidationError):  # not before the changes are accepted as a set
        import_commit(actor=cast.village_worker, job=job)
    job = commit(cast.village_worker, job)
    person = Person.objects.get()
    assert (person.ethnicity, person.political_status) == ("01", "01")


def test_all_the_held_rows_are_kept_not_the_first_thousand(cast):
    rows = [good_row(n, 姓名=None) for n in range(1, 1052)] + [good_row(2000)]
    job = checked(cast.village_worker, rows)
    assert job.state == State.VALID and job.created_count == 1
    assert job.held_count == job.error_count == job.errors.count() == job.rows.count() == 1051
    assert max(row for row, _column, _message in report(job)) == 1052


def test_all_or_nothing_refuses_the_commit_while_a_row_is_held(cast):
    job = check(cast.village_worker, workbook_bytes([good_row(1), good_row(2, 姓名=None)]), all_or_nothing=True)
    assert job.state == State.VALID and job.options["all_or_nothing"] and job.held_count == 1
    with pytest.raises(ValidationError):
        import_commit(actor=cast.village_worker, job=job)
    job.refresh_from_db()
    assert job.state == State.VALID and not Person.objects.exists()
    skip_row(actor=cast.village_worker, job=job, row=job.rows.get(kind=ImportRow.Kind.HELD))
    job = commit(cast.village_worker, job)
    assert job.state == State.DONE and Person.objects.count() == 1


def test_a_duplicate_within_the_file_holds_both_rows_naming_each_other(cast):
    with translation.override("en"):
        job = checked(cast.village_worker, [good_row(1), good_row(2), good_row(3, 身份证号=good_row(1)["身份证号"])])
    assert held(job) == {2: ["id_number"], 4: ["id_number"]} and job.created_count == 1
    reasons = {row: message for row, _column, message in report(job)}
    assert "row 2" in reasons[4] and "again further down" in reasons[2]


def test_already_registered_elsewhere_is_held_here_unchanged(cast):
    person_at(cast.village2_worker, code=VILLAGE2_CODE, id_number=good_row(1)["身份证号"])
    job = checked(cast.street_worker, [good_row(1), good_row(2)])
    assert job.state == State.VALID and held(job) == {2: ["id_number"]} and report(job)[0][:2] == (2, "身份证号")
    # the village worker cannot see the other station: it is not named
    job = checked(cast.village_worker, [good_row(1)])
    assert job.state == State.INVALID and cast.village2_worker.org_unit.name not in report(job)[0][2]


def test_the_import_shares_the_registration_rule_and_audits_a_check_outside_the_area(cast):
    """people/on_file.py: named inside the area, neutral and recorded on the holding dossier outside it."""
    from auditlog.models import LogEntry

    held_elsewhere = person_at(cast.village2_worker, code=VILLAGE2_CODE, id_number=good_row(1)["身份证号"])
    inside = report(checked(cast.street_worker, [good_row(1)]))[0][2]
    assert cast.village2_worker.org_unit.name in inside  # the street sees the holding station
    assert not LogEntry.objects.filter(action=LogEntry.Action.ACCESS, object_pk=str(held_elsewhere.pk)).exists()
    outside = report(checked(cast.village_worker, [good_row(1)]))[0][2]
    assert "辖区外" in outside and "转入申请" in outside
    audit = LogEntry.objects.get(action=LogEntry.Action.ACCESS, object_pk=str(held_elsewhere.pk))
    assert audit.actor == cast.village_worker and audit.additional_data["what"] == "number_check"


def test_importing_the_same_file_again_changes_nothing_and_says_so(cast):
    rows = [good_row(n) for n in range(1, 6)]
    commit(cast.village_worker, checked(cast.village_worker, rows))
    before = (Person.objects.count(), StatusChange.objects.count())
    again = checked(cast.village_worker, rows)
    assert again.state == State.UNCHANGED and again.unchanged_count == 5 and "5" in again.message, again.message
    assert (again.update_count, again.held_count) == (0, 0)
    with pytest.raises(ValidationError):
        import_commit(actor=cast.village_worker, job=again)
    more = checked(cast.village_worker, rows + [good_row(6)])
    assert more.state == State.VALID and (more.created_count, more.unchanged_count) == (1, 5)
    assert (Person.objects.count(), StatusChange.objects.count()) == before


def test_a_row_registered_elsewhere_since_the_check_is_left_out_and_said(cast):
    job = checked(cast.village_worker, [good_row(1), good_row(2)])
    person_at(cast.village2_worker, code=VILLAGE2_CODE, id_number=good_row(2)["身份证号"])  # meanwhile
    with translation.override("en"):
        job = commit(cast.village_worker, job)
    assert job.state == State.DONE and job.created_count == 1 and "1 rows changed since the check" in job.message
    assert Person.objects.count() == 2  # the other station's and row 2's
    assert not Person.objects.filter(name=name_for(2)).exists()


def test_all_or_nothing_commit_writes_nothing_if_the_books_changed(cast):
    """The commit is one transaction: a row that became bad since the check rolls every row back."""
    job = check(cast.village_worker, workbook_bytes([good_row(1), good_row(2)]), all_or_nothing=True)
    person_at(cast.village2_worker, code=VILLAGE2_CODE, id_number=good_row(2)["身份证号"])  # meanwhile
    import_commit(actor=cast.village_worker, job=job)
    job.refresh_from_db()
    assert job.state == State.VALID and held(job) == {3: ["id_number"]}  # checked again: the new report
    assert Person.objects.count() == 1  # only the other station's


def test_an_xls_and_a_csv_are_read_and_a_file_that_is_no_spreadsheet_is_refused(cast):
    """Was: anything but .xlsx refused. An .xls and a CSV are read now; bytes that are no spreadsheet are refused at
    the upload, with a message and nothing stored."""
    from tests.people.test_intake_workbook import biff8_workbook, compound_file

    csv = f"姓名,身份证号\n张三,{good_row(1)['身份证号']}\n".encode()
    job = commit(cast.village_worker, check(cast.village_worker, csv, "台账.csv"))
    assert job.kind == "csv" and job.created_count == 1
    xls = compound_file({"Workbook": biff8_workbook([
        ("台账", False, {(0, 0): "姓名", (0, 1): "身份证号", (1, 0): "李四", (1, 1): good_row(2)["身份证号"]}, [])])})
    job = commit(cast.village_worker, check(cast.village_worker, xls, "台账.xls"))
    assert job.kind == "xls" and job.created_count == 1
    assert set(Person.objects.values_list("name", flat=True)) == {"张三", "李四"}
    with translation.override("en"):
        for content in (b"\x89PNG\r\n\x1a\n" + b"\0" * 64, b"PK\x03\x04 not really a zip"):
            with pytest.raises(ValidationError) as refused:
                import_start(actor=cast.village_worker, uploaded_file=upload(content))
            assert "file" in refused.value.message_dict
    assert ImportJob.objects.count() == 2
    # a CSV that is no ledger is read, and fails with why
    job = read(cast.village_worker, b"name,id\n1,2\n", "x.csv")
    assert job.state == State.FAILED and "姓名" in job.message and Person.objects.count() == 2


def test_wrong_headers_an_empty_sheet_and_titles_above_the_header(cast):
    job = read(cast.village_worker, workbook_bytes([{"姓名": "张三", "电话": "13800000000"}], headers=["姓名", "电话"]))
    assert job.state == State.MAPPING
    with pytest.raises(ValidationError) as refused:
        confirm_columns(actor=cast.village_worker, job=job, mapping=proposed_mapping(job), include_hidden=[],
                        all_or_nothing=False)
    assert "身份证号" in " ".join(refused.value.messages)
    assert checked(cast.village_worker, []).state == State.INVALID
    titled = checked(cast.village_worker, [good_row(1)], above=[["江宁区退役军人信息台账"], []])
    assert titled.state == State.VALID and titled.created_count == 1
    bom = ["\ufeff姓名*", *HEADERS[1:]]
    row = dict(zip(bom, good_row(2).values(), strict=True))
    assert checked(cast.village_worker, [row], headers=bom).state == State.VALID


def test_a_header_under_a_long_title_block_is_found_up_to_row_twenty(cast):
    """Was: a header below row 5 was not found. The first 20 rows are searched now."""
    block = [["江宁区退役军人信息采集表"], ["填报单位：古泉村"], *([["说明：请如实填写"]] * 10)]
    job = checked(cast.village_worker, [good_row(1)], above=block)  # the header in row 13
    assert job.state == State.VALID and job.created_count == 1
    assert job.layout[0]["header_rows"] == [13]
    too_far = read(cast.village_worker, workbook_bytes([good_row(1)], above=[["说明"]] * 25))
    assert too_far.state == State.FAILED and not Person.objects.exists()


def test_a_formula_is_held_not_evaluated(cast):
    with translation.override("en"):
        job = checked(cast.village_worker, [good_row(1, 姓名="=cmd|' /C calc'!A0"), good_row(2)])
    assert report(job)[0][:2] == (2, "姓名") and "formula" in report(job)[0][2]
    commit(cast.village_worker, job)
    assert list(Person.objects.values_list("name", flat=True)) == [name_for(2)]


def test_dates_as_text_as_typed_numbers_and_as_excel_dates(cast):
    """A number is a date only as typed (20240501, 2024.05); a bare 45413 is never read as an Excel day count
    (issue 17: 2024.10 became 1905-07-16). A cell Excel formats as a date is a date."""
    rows = [good_row(1, 登记日期="2024/5/1"), good_row(2, 登记日期=20240501), good_row(3, 登记日期=45413),
            good_row(4, 登记日期=datetime(2024, 5, 1)), good_row(5, 登记日期="2024.5.1"), good_row(6, 登记日期=2024.05),
            good_row(7, 登记日期="2024年5月1日")]
    job = checked(cast.village_worker, rows)
    assert held(job) == {4: ["registered_on"]}  # row 3 of the data, under the header
    job = commit(cast.village_worker, job)
    assert job.state == State.DONE and job.created_count == 6
    assert set(StatusChange.objects.values_list("date", flat=True)) == {datetime(2024, 5, 1).date()}


def test_only_holders_of_people_import_may_start_and_only_the_uploader_go_on(cast):
    with pytest.raises(PermissionDenied):
        import_start(actor=cast.leader, uploaded_file=upload(workbook_bytes([good_row(1)])))
    job = read(cast.village_worker, workbook_bytes([good_row(1)]))
    with pytest.raises(PermissionDenied):
        confirm_columns(actor=cast.county_director, job=job, mapping=proposed_mapping(job), include_hidden=[],
                        all_or_nothing=False)
    job = check(cast.village_worker, workbook_bytes([good_row(1)]))
    with pytest.raises(PermissionDenied):
        import_commit(actor=cast.county_director, job=job)
    assert not Person.objects.exists()


def test_ledgers_as_stations_keep_them_other_header_names_and_an_instructions_sheet(cast):
    from io import BytesIO

    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.title = "填表说明"
    workbook.active.append(["请按下表填写"])
    sheet = workbook.create_sheet("台账")
    sheet.append(["序号", "姓名", "公民身份号码", "手机号码", "区划代码", "人员类型"])
    sheet.append([1, "赵刚", good_row(1)["身份证号"], 13800001111, 320115003004, "退役士兵"])
    buffer = BytesIO()
    workbook.save(buffer)
    job = check(cast.village_worker, buffer.getvalue())
    assert job.state == State.VALID and job.created_count == 1, report(job)
    layout = {entry["name"]: entry for entry in job.layout}
    assert layout["填表说明"]["no_header"]
    assert [c["field"] for c in layout["台账"]["columns"]] == ["", "name", "id_number", "phone", "region_code",
                                                              "categories"]


def test_no_region_code_column_is_needed(cast):
    """Was: a 12-digit 住址区划代码 column was required, which no ledger has. Now the uploader's village is the
    default, and a 所在社区/村 column is matched by name within the uploader's area."""
    headers = ["姓名", "身份证号", "联系电话", "详细地址"]
    job = checked(cast.village_worker, [good_row(1)], headers=headers)
    assert job.state == State.VALID and job.created_count == 1, report(job)
    commit(cast.village_worker, job)
    assert Person.objects.get().address_region.code == VILLAGE_CODE


def test_the_uploaded_file_is_deleted_once_no_pass_needs_it(cast):
    job = checked(cast.village_worker, [good_row(1)])
    stored = job.file.path
    assert job.state == State.VALID and os.path.exists(stored)
    job = commit(cast.village_worker, job)
    assert job.state == State.DONE and not job.file and not os.path.exists(stored)
    # nothing new to import: no pass will read it again
    again = checked(cast.village_worker, [good_row(1)])
    assert again.state == State.UNCHANGED and not again.file
    # a file without a header fails: deleted too
    failed = read(cast.village_worker, workbook_bytes([], headers=["甲", "乙"]))
    assert failed.state == State.FAILED and not failed.file
    # held rows may still be fixed and the file checked again: it is kept until the job ends
    bad = checked(cast.village_worker, [good_row(2, 姓名=None)])
    assert bad.state == State.INVALID and bad.file and os.path.exists(bad.file.path)
