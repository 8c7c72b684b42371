"""The messy-ledger generator makes the files it promises: each file opened as a reader would (python-calamine for
values, openpyxl for what calamine cannot tell) holds exactly the people, hidden parts and problems its Expected
says, so the intake tests built on them test the importer and not the generator."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from rongjia.core.idnumber import parse_id_number
from tests.people import messy_ledgers as ledgers

SMALL = {"caijibiao": {}, "huamingce": {}, "problem_rows": {}, "gbk_csv": {}, "utf8_csv": {}, "template_like": {},
         "street_summary": {"n": 400}}


def sheet_rows(content: bytes, name: str) -> dict[int, list]:
    """1-based row number -> values, as calamine reads them."""
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_name(name)
    return dict(enumerate(sheet.to_python(skip_empty_area=False), start=1))


def as_text(value) -> str:
    """An ID cell as text, a number turned back the way Excel shows it (15 significant digits)."""
    return str(int(Decimal(f"{value:.15g}"))) if isinstance(value, float) else str(value)


def month_of(value) -> tuple[int, int]:
    """(year, month) of a ledger's year-month cell in any of the generator's forms."""
    if isinstance(value, date):
        return value.year, value.month
    if isinstance(value, float):
        year, month = f"{value:.2f}".split(".")
        return int(year), int(month)
    text = value.replace("年", ".").replace("月", "").replace("-", ".")
    year, month = text.split(".")[:2]
    return int(year), int(month)


def is_valid(number: str) -> bool:
    try:
        parse_id_number(number, today=date(2026, 1, 1))
    except ValidationError:
        return False
    return True


@pytest.mark.parametrize("name", sorted(SMALL))
def test_one_seed_gives_the_same_bytes(name):
    builder = ledgers.BUILDERS[name]
    first, second = builder(**SMALL[name]), builder(**SMALL[name])
    assert first[0] == second[0] and first[1] == second[1]
    assert first[2].people == second[2].people


@pytest.mark.parametrize("name", sorted(SMALL))
def test_people_are_true_to_their_ids_and_carry_the_fields_of_the_columns(name):
    _content, _filename, expected = ledgers.BUILDERS[name](**SMALL[name])
    numbers = [person["id_number"] for person in expected.people]
    assert len(set(numbers)) == len(numbers)
    for person in expected.people:
        assert is_valid(person["id_number"]), person
        assert person["sex"] == ledgers.sex_of(person["id_number"])
        assert person["birth"] == ledgers.birth_of(person["id_number"])
        assert set(ledgers.META_KEYS) <= set(person)
        for sheet, fields in expected.fields.items():
            if person["sheet"] == sheet:
                wanted = {key for key in fields.values() if key and key not in ("sex", "birth")}
                assert wanted <= set(person), (wanted - set(person))
        assert not person["held"] or person["held"] in ledgers.HOLD_REASONS
        if person["region_code"]:
            assert person["region_code"] in ledgers.VILLAGES.values()
        if not person["held"] and "name" in person:
            assert person["name"] and " " not in person["name"] and "\u3000" not in person["name"]


def test_caijibiao_holds_two_group_sheets_with_a_two_row_header_and_hidden_parts():
    content, filename, expected = ledgers.caijibiao()
    assert filename.endswith(".xlsx")
    workbook = load_workbook(io.BytesIO(content))
    assert workbook.sheetnames == ["说明", "一组", "二组", "字典"]
    assert [workbook[name].sheet_state for name in workbook.sheetnames] == ["visible"] * 3 + ["hidden"]
    assert expected.data_sheets == ["一组", "二组"] and expected.hidden_sheets == ["字典"]
    assert len(expected.people) == 56 and {p["sheet"] for p in expected.people} == {"一组", "二组"}
    assert sum(p["sheet"] == "二组" for p in expected.people) == 28  # "only the first sheet" drops 28

    for name in expected.data_sheets:
        sheet = workbook[name]
        merged = {str(cell_range) for cell_range in sheet.merged_cells.ranges}
        assert {"A1:S1", "A3:A4", "I3:L3"} <= merged
        assert [letter for letter, dim in sheet.column_dimensions.items() if dim.hidden] == ["P"]
        assert {row for row, dim in sheet.row_dimensions.items() if dim.hidden} == expected.hidden_rows[name]
        rows = sheet_rows(content, name)
        assert rows[3][14] == "联系\n电话" and rows[4][8:12] == ["入伍时间", "退役时间", "部队番号", "退役方式"]
        skipped_words = {"total": "合计", "footer": "填表人", "group_heading": "第二小组"}
        for row, kind in expected.skipped[name].items():
            assert str(rows[row][0]).startswith(skipped_words[kind])
        for person in (p for p in expected.people if p["sheet"] == name):
            cells = rows[person["row"]]
            assert cells[1].replace(" ", "").replace("\u3000", "") == person["name"]
            assert as_text(cells[5]) == person["id_in_file"]
            assert isinstance(cells[5], float) == (person["held"] == "truncated_id")
            assert person["phone"] in cells[14] and cells[15] != person["phone"]
            assert cells[17] == person["village"] and cells[18] == person["notes"]
            id_facts = ledgers.birth_of(person["id_number"])
            assert month_of(cells[4]) == (id_facts.year, id_facts.month)
            assert month_of(cells[8]) == (person["enlisted_on"].year, person["enlisted_on"].month)
            assert month_of(cells[9]) == (person["discharged_on"].year, person["discharged_on"].month)
            ledger_sex = {"男": "M", "女": "F"}[cells[2]]
            assert (ledger_sex != person["sex"]) == (person["held"] == "sex_mismatch")


def test_caijibiao_carries_each_silent_corruption_case():
    content, _filename, expected = ledgers.caijibiao()
    people = expected.people
    truncated = [p for p in people if p["held"] == "truncated_id"]
    assert len(truncated) == 3 and all(p["id_in_file"].endswith("000") for p in truncated)
    passing = [p for p in truncated if is_valid(p["id_in_file"])]
    # at least one that nothing but the truncation rule catches: valid, and the ledger's 性别/出生年月 agree
    assert any(p["sex"] == "F" and ledgers.sex_of(p["id_in_file"]) == "F" for p in passing)
    assert sorted(p["held"] for p in people if p["held"] and p["held"] != "truncated_id") == [
        "sex_mismatch", "ten_digit_phone"]
    assert expected.person("黎平")["row"] == 5 and expected.person("王芳")["sex"] == "F"
    assert [(p["phone"], p["phone_alt"]) for p in people if p["phone_alt"]] == [("13812345678", "0931-8123456")]
    assert len(expected.person_with("held", "ten_digit_phone")["phone"]) == 10
    (dead,) = expected.deceased()
    assert dead["hidden"] and dead["notes"] == "已故" and dead["row"] in expected.hidden_rows[dead["sheet"]]
    rows = sheet_rows(content, "一组")
    typed = [row for row in rows.values() if "2024.10" in row]
    assert len(typed) == 1 and expected.person_with("discharged_on", date(2024, 10, 1))
    number_dates = [cell for row in list(rows.values())[4:] for cell in row[8:10] if isinstance(cell, float)]
    assert number_dates and any(f"{value:.2f}".endswith(".12") for value in number_dates)
    assert {"汉", "回族", "中共党员", "党员", "群众", "团员", "高中", "中专", "初中"} <= {
        cell for name in expected.data_sheets for row in sheet_rows(content, name).values() for cell in row[3:8]}
    categories = {cell for name in expected.data_sheets for row in sheet_rows(content, name).values()
                  for cell in [row[13]]}
    assert any("烈属" in str(c) for c in categories) and any("伤残军人" in str(c) for c in categories)
    assert any("60周岁以上农村籍" == c for c in categories) and any("退役士兵" == c for c in categories)


def test_huamingce_has_other_headers_under_a_title_and_places_in_its_addresses():
    content, _filename, expected = ledgers.huamingce()
    rows = sheet_rows(content, "花名册")
    assert rows[3] == ledgers.HUAMINGCE_HEADERS and rows[1][0] == "汤山街道优抚对象花名册"
    assert len(expected.people) == 40 and expected.uploader == "street_worker"
    for person in expected.people:
        cells = rows[person["row"]]
        assert cells[0] == person["id_in_file"] and cells[0].upper() == person["id_number"]
        assert cells[1].strip() == person["name"] and cells[3] == person["address_detail"]
        village = next(v for v, code in ledgers.VILLAGES.items() if code == person["region_code"])
        assert village in person["address_detail"] or ledgers.OFFICIAL_NAMES[village] in person["address_detail"]
        assert "village" not in person and "ethnicity" not in person and "political_status" not in person
    assert any(p["id_in_file"].endswith("x") for p in expected.people)
    assert any("１" in str(rows[p["row"]][2]) for p in expected.people)


def test_problem_rows_carry_one_problem_each():
    content, _filename, expected = ledgers.problem_rows()
    reasons = [p["held"] for p in expected.people if p["held"]]
    assert len(reasons) == 20 and len(expected.people) == 30
    assert sorted(set(reasons)) == sorted(ledgers.HOLD_REASONS)  # every reason, and only those
    assert reasons.count("two_ids_same") == 2 and reasons.count("truncated_id") == 3
    twins = [p for p in expected.people if p["held"] == "two_ids_same"]
    assert twins[0]["id_in_file"] == twins[1]["id_in_file"] and twins[0]["name"] != twins[1]["name"]
    sheet = load_workbook(io.BytesIO(content))["人员"]
    formula_row = expected.person_with("held", "formula")["row"]
    assert sheet.cell(formula_row, 5).data_type == "f" and sheet.cell(formula_row, 5).value == "=1+1"
    truncated = [p for p in expected.people if p["held"] == "truncated_id"]
    assert any(is_valid(p["id_in_file"]) for p in truncated)
    assert any("E+17" in p["id_in_file"] for p in truncated)
    rows = sheet_rows(content, "人员")
    for person in expected.people:
        assert as_text(rows[person["row"]][1]) == person["id_in_file"] or "E+17" in person["id_in_file"]
    (dead,) = expected.deceased()
    assert rows[dead["row"]][8] == "已故" and not dead["held"]
    before_birth = expected.person_with("held", "category_before_birth")
    assert before_birth["category_start"] < before_birth["birth"]


def test_the_csv_files_are_gbk_and_utf8_with_a_bom():
    gbk, gbk_name, gbk_expected = ledgers.gbk_csv()
    with pytest.raises(UnicodeDecodeError):
        gbk.decode("utf-8")
    gbk_rows = list(csv.reader(io.StringIO(gbk.decode("gbk"))))
    assert gbk_rows[0] == ledgers.FLAT_HEADERS and len(gbk_rows) == 31 and gbk_name.endswith(".csv")
    assert [p["id_in_file"] for p in gbk_expected.people if p["held"]] == [
        row[2] for row in gbk_rows if row[2].endswith("E+17")]
    utf8, _name, utf8_expected = ledgers.utf8_csv()
    assert utf8.startswith(b"\xef\xbb\xbf") and utf8_expected.encoding == "utf-8"
    utf8_rows = list(csv.reader(io.StringIO(utf8.decode("utf-8-sig"))))
    for person in utf8_expected.people:
        row = utf8_rows[person["row"] - 1]
        assert row[2] == person["id_number"] and row[1].replace(" ", "").replace("\u3000", "") == person["name"]
    assert not set(gbk_expected.by_id()) & set(utf8_expected.by_id())


def test_the_xls_file_opens_with_one_number_id():
    content, filename, expected = ledgers.xls_file()
    assert filename.endswith(".xls") and content.startswith(b"\xd0\xcf\x11\xe0")
    rows = sheet_rows(content, "名单")
    assert rows[2] == ledgers.FLAT_HEADERS and len(expected.people) == 30
    numbers = [p for p in expected.people if isinstance(rows[p["row"]][2], float)]
    assert [p["held"] for p in numbers] == ["truncated_id"]
    assert as_text(rows[numbers[0]["row"]][2]) == numbers[0]["id_in_file"]


def test_the_street_summary_is_large_and_plain():
    content, _filename, expected = ledgers.street_summary()
    rows = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()
    assert len(rows) == 20_001 == len(expected.people) + 1
    assert rows[0] == ledgers.SUMMARY_HEADERS
    assert [row[3] for row in rows[1:]] == [p["id_number"] for p in expected.people]
    assert {row[5] for row in rows[1:]} == set(ledgers.VILLAGES)
    assert not any(p["held"] or p["hidden"] for p in expected.people)
    sheet = load_workbook(io.BytesIO(content), read_only=True)["汇总"]
    assert (sheet.max_row, sheet.max_column) == (20_001, 10)


def test_template_like_has_our_own_columns_and_the_hidden_code_sheet():
    from rongjia.people.importing.columns import HEADERS

    content, _filename, expected = ledgers.template_like()
    workbook = load_workbook(io.BytesIO(content))
    assert workbook["代码表"].sheet_state == "hidden"
    rows = sheet_rows(content, "人员信息")
    assert rows[1] == HEADERS and expected.hidden_sheets == ["代码表"]
    for person in expected.people:
        values = dict(zip(HEADERS, rows[person["row"]], strict=True))
        assert values["身份证号"] == person["id_number"] and values["住址区划代码"] == ledgers.VILLAGE_CODE
