"""Ledger intake, header and mapping (issue 17): finding the header of a station's own ledger, naming its
columns, skipping the rows that are not people, and proposing, checking and remembering the mapping."""

import pytest
from django.utils import translation

from rongjia.people.importing.fields import BY_KEY, FIELDS, header_key, propose_field
from rongjia.people.importing.header import SourceColumn, find_header, skip_reason
from rongjia.people.importing.mapping import (
    mapping_problems,
    propose_mapping,
    remember,
    remembered_for,
    unmapped,
)
from rongjia.people.importing.workbook import SheetData
from rongjia.people.models import ColumnMemory
from tests.factories import HOME_COUNTY, STREET_CODE, VILLAGE2_CODE, VILLAGE_CODE, OrgUnitFactory, unit_at

ID = "320115197001011234"


def sheet_of(rows, *, merges=(), hidden_columns=(), hidden_rows=()) -> SheetData:
    """A sheet as the reader gives it: rows[0] is Excel row 1; merges (first row, first col, last row, last col)."""
    return SheetData.from_rows("Sheet1", rows, merges=merges, hidden_columns=hidden_columns, hidden_rows=hidden_rows)


def headers(found) -> list[str]:
    return [column.header for column in found.columns]


def columns_of(*headers_, hidden=()) -> list[SourceColumn]:
    return [SourceColumn(index=i, header=h, key=header_key(h), hidden=i in hidden) for i, h in enumerate(headers_)]


def fields_of(columns, mapping) -> dict[str, str]:
    return {column.header: mapping[column.index] for column in columns}


# --- fields ------------------------------------------------------------------------------------------

DESIGN_KEYS = {
    "name", "id_number", "sex", "birth", "phone", "phone_alt", "village", "region_code", "address_detail",
    "ethnicity", "political_status", "education", "health", "categories", "category_start", "registered_on",
    "status", "enlisted_on", "discharged_on", "military_unit", "branch", "rank", "discharge_mode",
    "disability_grade", "disability_cause", "awards", "household", "notes"}


def test_the_catalogue_has_every_field_of_the_design_and_each_header_word_means_one_field():
    assert set(BY_KEY) == DESIGN_KEYS and len(FIELDS) == len(DESIGN_KEYS)
    words = [word for f in FIELDS for word in f.synonyms]
    assert len(words) == len(set(words)), [w for w in words if words.count(w) > 1]
    assert all(word == header_key(word) for word in words)
    assert {f.key for f in FIELDS if f.repeatable} == {"notes"}
    assert {f.group for f in FIELDS} == {"person", "service", "household", "other"}


@pytest.mark.parametrize("text, key", [
    ("联系\n电话", "联系电话"),
    ("姓　名", "姓名"),
    (" 身份证号 ", "身份证号"),
    ("\ufeff*身份证号", "身份证号"),
    ("＊姓名", "姓名"),
    ("联系电话（旧）", "联系电话(旧)"),
    ("村（社区）", "村(社区)"),
    ("ＩＤ号", "ID号"),
    (None, ""),
    (2023.0, "2023.0"),
])
def test_header_key_drops_spaces_breaks_and_stars_but_keeps_brackets(text, key):
    assert header_key(text) == key


@pytest.mark.parametrize("header, field", [
    *[(word, "id_number") for word in ["身份证号", "身份证号码", "公民身份号码", "公民身份证号码", "身份证",
                                       "证件号码"]],
    *[(word, "phone") for word in ["联系电话", "电话", "手机", "手机号", "手机号码", "联系方式", "电话号码"]],
    *[(word, "village") for word in ["所在社区/村", "所在村", "村（社区）", "社区", "村居", "所属村", "村组"]],
    *[(word, "address_detail") for word in ["现住址", "家庭住址", "住址", "户籍地", "户籍地址", "详细地址",
                                            "居住地址"]],
    *[(word, "enlisted_on") for word in ["入伍时间", "参军时间", "入伍年月", "服役情况/入伍时间"]],
    *[(word, "discharged_on") for word in ["退役时间", "退伍时间", "退役年月"]],
    *[(word, "military_unit") for word in ["部队番号", "服役部队", "原部队"]],
    *[(word, "discharge_mode") for word in ["退役方式", "安置方式", "退役安置方式"]],
    *[(word, "disability_grade") for word in ["评残等级", "伤残等级", "残疾等级"]],
    *[(word, "categories") for word in ["人员类别", "类别", "优抚类别", "人员类型", "对象类别"]],
    *[(word, "status") for word in ["人员状态", "状态", "在册状态", "是否健在"]],
    *[(word, "birth") for word in ["出生年月", "出生日期", "出生年月日"]],
    ("性别", "sex"), ("姓 名", "name"), ("民族", "ethnicity"), ("政治面貌", "political_status"),
    ("学历", "education"), ("健康状况", "health"), ("备用电话", "phone_alt"), ("住址区划代码", "region_code"),
    ("军种", "branch"), ("军衔", "rank"), ("伤残性质", "disability_cause"), ("奖惩情况", "awards"),
    ("家庭成员", "household"), ("备注", "notes"), ("类别起始日期", "category_start"), ("登记日期", "registered_on"),
    # a line break typed inside the header cell, and a fill-in hint in brackets
    ("联系\n电话", "phone"), ("身份证号码\n（18位）", "id_number"), ("出生年月(年.月)", "birth"),
    ("入伍时间（如2001.12）", "enlisted_on"), ("*姓名(必填)", "name"),
    # the last part of a two-row header names the column
    ("服役情况/退役时间", "discharged_on"), ("服役情况/部队番号", "military_unit"), ("联系方式/手机", "phone"),
])
def test_a_header_is_proposed_the_field_it_names(header, field):
    assert propose_field(header) == field


@pytest.mark.parametrize("header", [
    "联系电话（旧）", "联系电话(原)", "电话（已停用）", "住址（曾用）", "手机号（作废）", "联系电话/旧",
    "家庭成员/姓名",  # a relative's name under a 家庭成员 heading is not the person's
    "序号", "编号", "", "联系电话备注", "户主姓名", "姓名拼音",
])
def test_a_stale_or_unknown_header_is_not_proposed(header):
    assert propose_field(header) == ""


# --- find_header -------------------------------------------------------------------------------------

def test_a_merged_title_a_fill_in_line_and_a_two_row_header_are_read_as_one_header():
    sheet = sheet_of([
        ["古泉村退役军人信息采集表"] + [None] * 9,
        ["填报单位：古泉村（盖章）", None, None, None, None, None, "填报日期：2024年5月", None, None, None],
        ["序号", "姓名", "性别", "公民身份号码", "服役情况", None, None, "联系\n电话", "现住址", "备注"],
        [None, None, None, None, "入伍时间", "退役时间", "部队番号", None, None, None],
        [1, "张三", "男", ID, "2001.12", "2005.12", "35181部队", "13812345678", "古泉村1组", None],
    ], merges=[(1, 0, 1, 9), (2, 0, 2, 5), (2, 6, 2, 9), (3, 4, 3, 6),
               (3, 0, 4, 0), (3, 1, 4, 1), (3, 2, 4, 2), (3, 3, 4, 3), (3, 7, 4, 7), (3, 8, 4, 8), (3, 9, 4, 9)])
    found = find_header(sheet)
    assert found.header_rows == (3, 4) and found.first_data_row == 5
    assert headers(found) == ["序号", "姓名", "性别", "公民身份号码", "服役情况/入伍时间", "服役情况/退役时间",
                              "服役情况/部队番号", "联系电话", "现住址", "备注"]
    assert [column.index for column in found.columns] == list(range(10))
    mapping = propose_mapping(found.columns, remembered={})
    assert list(mapping.values()) == ["", "name", "sex", "id_number", "enlisted_on", "discharged_on",
                                      "military_unit", "phone", "address_detail", "notes"]
    assert mapping_problems(found.columns, mapping) == []
    assert [column.header for column in unmapped(found.columns, mapping)] == ["序号"]


def test_a_two_row_header_without_merges_joins_the_heading_to_the_columns_under_it():
    """A CSV, or a sheet whose merges were undone: "服役情况" over its first column, blanks over the others."""
    sheet = sheet_of([
        ["姓名", "身份证号", "服役情况", "", "", "联系电话"],
        ["", "", "入伍时间", "退役时间", "退役方式", ""],
        ["张三", ID, "2001.12", "2005.12", "退伍", "13812345678"],
    ])
    found = find_header(sheet)
    assert found.header_rows == (1, 2) and found.first_data_row == 3
    assert headers(found) == ["姓名", "身份证号", "服役情况/入伍时间", "服役情况/退役时间", "服役情况/退役方式",
                              "联系电话"]


def test_a_title_over_a_one_row_header_is_not_joined_to_it():
    sheet = sheet_of([
        ["汤山街道优抚对象花名册", None, None, None],
        ["单位：汤山街道", None, "2024年5月", None],
        ["姓名", "身份证号", "人员类别", "联系电话"],
        ["张三", ID, "烈属", "13812345678"],
    ], merges=[(1, 0, 1, 3), (2, 0, 2, 1), (2, 2, 2, 3)])
    found = find_header(sheet)
    assert found.header_rows == (3,) and found.first_data_row == 4
    assert headers(found) == ["姓名", "身份证号", "人员类别", "联系电话"]


def test_sub_columns_under_a_merged_heading_that_are_not_fields_stay_unmapped():
    """联系电话 merged over 新 and 旧: neither column is silently taken as the phone."""
    sheet = sheet_of([
        ["姓名", "身份证号", "联系电话", None],
        [None, None, "新", "旧"],
        ["张三", ID, "13812345678", "13900000000"],
    ], merges=[(1, 0, 2, 0), (1, 1, 2, 1), (1, 2, 1, 3)])
    found = find_header(sheet)
    assert found.header_rows == (1, 2) and found.first_data_row == 3
    assert headers(found) == ["姓名", "身份证号", "联系电话/新", "联系电话/旧"]
    assert list(propose_mapping(found.columns, remembered={}).values()) == ["name", "id_number", "", ""]


def test_a_header_on_row_12_under_an_explanation_is_found():
    notes = [[f"{n}. 本表由村（社区）退役军人服务站填写，身份证号请设为文本格式。"] for n in range(1, 11)]
    sheet = sheet_of([["填表说明"], *notes,
                              ["序号", "姓名", "身份证号码", "性别", "民族", "联系电话"],
                              [1, "李四", ID, "男", "汉", "13812345678"]])
    found = find_header(sheet)
    assert found.header_rows == (12,) and found.first_data_row == 13
    assert headers(found)[1:3] == ["姓名", "身份证号码"]


def test_a_header_below_row_20_or_a_sheet_of_instructions_has_no_header():
    assert find_header(sheet_of([["说明"], ["1. 请按模板填写姓名、身份证号。"], ["2. 日期如 2001.12"]])) is None
    assert find_header(sheet_of([[None]] * 20 + [["姓名", "身份证号"], ["张三", ID]])) is None
    assert find_header(sheet_of([])) is None


def test_a_header_broken_over_two_lines_and_spaced_for_alignment_is_read():
    sheet = sheet_of([["姓　名", "身份证\n号码", "联系\n电话", " 备 注 "], ["张三", ID, "13812345678", ""]])
    found = find_header(sheet)
    assert headers(found) == ["姓名", "身份证号码", "联系电话", "备注"]
    assert list(propose_mapping(found.columns, remembered={}).values()) == ["name", "id_number", "phone", "notes"]


def test_a_hidden_old_phone_column_beside_the_visible_one_is_not_proposed():
    sheet = sheet_of([["姓名", "身份证号", "联系电话（旧）", "联系电话"], ["张三", ID, "13900000000", "13812345678"]],
                     hidden_columns={2})
    found = find_header(sheet)
    assert [(c.header, c.key, c.hidden) for c in found.columns[2:]] == [
        ("联系电话（旧）", "联系电话(旧)", True), ("联系电话", "联系电话", False)]
    mapping = propose_mapping(found.columns, remembered={})
    assert mapping == {0: "name", 1: "id_number", 2: "", 3: "phone"}
    assert mapping_problems(found.columns, mapping) == []


def test_a_hidden_column_left_of_the_visible_one_with_the_same_name_does_not_win():
    columns = columns_of("姓名", "联系电话", "身份证号", "手机", hidden={1})
    assert propose_mapping(columns, remembered={}) == {0: "name", 1: "", 2: "id_number", 3: "phone"}


def test_a_roster_with_other_names_and_order_is_mapped():
    sheet = sheet_of([
        ["2024年汤山街道优抚对象花名册"] + [None] * 11,
        ["编号", "所属村", "对象类别", "公民身份证号码", "名字", "性 别", "出生年月日", "手机号码", "户籍地",
         "评残等级", "伤残性质", "是否健在"],
        ["001", "古泉村", "伤残军人", ID, "王五", "男", "1970-01-01", "13812345678", "古泉村3组", "六级", "因战", "是"],
    ], merges=[(1, 0, 1, 11)])
    found = find_header(sheet)
    assert found.header_rows == (2,)
    mapping = propose_mapping(found.columns, remembered={})
    assert list(mapping.values()) == ["", "village", "categories", "id_number", "name", "sex", "birth", "phone",
                                      "address_detail", "disability_grade", "disability_cause", "status"]


def test_a_first_person_without_digits_under_a_merged_header_cell_is_not_read_as_a_second_header_row():
    """备注 merged over two columns for width; the first person has only a name and a note so far."""
    sheet = sheet_of([
        ["姓名", "身份证号", "性别", "民族", "备注", None],
        ["张三", None, None, None, "待补", "身份证"],
        ["李四", ID, "男", "汉", None, None],
    ], merges=[(1, 4, 1, 5)])
    found = find_header(sheet)
    assert found.header_rows == (1,) and found.first_data_row == 2


def test_a_fill_in_line_over_a_two_row_header_is_not_joined_to_it():
    sheet = sheet_of([
        ["填报单位：古泉村", None, None, "日期：2024.5", None],
        ["姓名", "身份证号", "服役情况", None, "联系电话"],
        [None, None, "入伍时间", "退役时间", None],
        ["张三", ID, "2001.12", "2005.12", "13812345678"],
    ], merges=[(1, 0, 1, 2), (1, 3, 1, 4), (2, 2, 2, 3), (2, 0, 3, 0), (2, 1, 3, 1), (2, 4, 3, 4)])
    found = find_header(sheet)
    assert found.header_rows == (2, 3) and found.first_data_row == 4
    assert headers(found) == ["姓名", "身份证号", "服役情况/入伍时间", "服役情况/退役时间", "联系电话"]


# --- rows that are not people ------------------------------------------------------------------------

HEADER = columns_of("序号", "姓名", "身份证号", "联系电话", "备注")


@pytest.mark.parametrize("values, reason", [
    ([None, None, None, None, None], "Blank row"),
    (["", " ", "\u3000", None, ""], "Blank row"),
    (["合计", None, None, None, "56人"], "Total row"),
    (["小计：", None, None, None, 12], "Total row"),
    ([None, "总计", None, None, None], "Total row"),
    (["填表人：张丽", None, "审核人：王强", None, "填报日期：2024.5.1"], "Signature"),
    (["审核人", "王强", None, None, None], "Signature"),
    (["制表人：李", None, None, None, None], "Signature"),
    (["单位负责人：", None, None, None, None], "Signature"),
    (["联系电话", "025-52710000", None, None, None], "Signature"),
    (["联系电话：025-52710000", None, None, None, None], "Signature"),
    (["注：1.人员类别可填多个", None, None, None, None], "Signature"),
    (["第一小组", None, None, None, None], "Group heading"),
    (["一组", None, None, None, None], "Group heading"),
    ([None, "二社", None, None, None], "Group heading"),
    (["古泉村", None, None, None, None], "Group heading"),
    ([None, "第3组", None, None, None], "Group heading"),
    (["序号", "姓名", "身份证号", "联系电话", "备注"], "header repeated"),
    (["甲", "1", "2", "3", "4"], "Column numbers"),
])
def test_rows_that_are_not_people_are_skipped_with_a_reason(values, reason):
    with translation.override("en"):
        assert reason in skip_reason(values, HEADER)


@pytest.mark.parametrize("values", [
    [1, "张三", ID, "13812345678", None],
    [None, "张三", None, None, None],  # a person with the rest missing: held, not skipped
    [None, "李村", None, None, None],  # a name that ends like a place, in the name column
    [2, "合一", ID, None, "小计两次"],  # 合/小 in a name or a note is not a total
    [3, "刘填", ID, None, "填表人已核实"],
    ["", "赵六", 3.20115197001011e17, None, None],
])
def test_people_rows_are_not_skipped(values):
    assert skip_reason(values, HEADER) == ""


def test_a_repeated_two_row_header_is_skipped_row_by_row():
    columns = columns_of("姓名", "身份证号", "服役情况/入伍时间", "服役情况/退役时间")
    with translation.override("en"):
        assert skip_reason(["姓名", "身份证号", "服役情况", None], columns) == "The header repeated"
        assert skip_reason([None, None, "入伍时间", "退役时间"], columns) == "The header repeated"


def test_a_ledger_with_groups_totals_and_a_footer_yields_only_its_people():
    sheet = sheet_of([
        ["古泉村优抚对象花名册", None, None, None],
        ["序号", "姓名", "身份证号", "人员类别"],
        ["第一小组", None, None, None],
        [1, "张三", ID, "烈属"],
        [2, "李四", "320115197001011250", "伤残军人"],
        ["小计", None, None, "2人"],
        ["二组", None, None, None],
        [3, "王五", "32011519700101127X", "在乡复员军人"],
        [None, None, None, None],
        ["合计", None, None, "3人"],
        ["填表人：张丽", None, "审核人：王强", None],
    ], merges=[(1, 0, 1, 3), (3, 0, 3, 3), (7, 0, 7, 3)])
    found = find_header(sheet)
    assert found.first_data_row == 3
    kept, skipped = [], []
    for number, values in sheet.iter_rows():
        if number >= found.first_data_row:
            (skipped if skip_reason(values, found.columns) else kept).append(number)
    assert kept == [4, 5, 8] and skipped == [3, 6, 7, 9, 10, 11]


# --- mapping -----------------------------------------------------------------------------------------

def test_two_columns_for_one_field_are_refused_and_name_both():
    columns = columns_of("姓名", "身份证号", "公民身份号码", "现住址", "户籍地")
    mapping = {0: "name", 1: "id_number", 2: "id_number", 3: "address_detail", 4: "address_detail"}
    with translation.override("en"):
        problems = mapping_problems(columns, mapping)
    assert len(problems) == 2
    assert "“身份证号”、“公民身份号码”" in problems[0] and "“身份证号”" in problems[0].split("correspond")[1]
    assert "“现住址”、“户籍地”" in problems[1] and "详细地址" in problems[1]


def test_several_columns_may_go_into_notes():
    columns = columns_of("姓名", "身份证号", "备注", "其他情况")
    mapping = propose_mapping(columns, remembered={})
    assert mapping == {0: "name", 1: "id_number", 2: "notes", 3: "notes"}
    assert mapping_problems(columns, mapping) == []


def test_a_mapping_without_name_or_id_number_or_with_an_unknown_field_is_refused():
    columns = columns_of("名称", "证号", "电话")
    with translation.override("en"):
        problems = mapping_problems(columns, {0: "", 1: "", 2: "telephone"})
    assert len(problems) == 3
    assert "“电话”" in problems[0] and "telephone" in problems[0]
    assert "“姓名”" in problems[1] and "“身份证号”" in problems[2]


def test_a_proposal_gives_a_field_one_column_and_a_second_phone_the_alternate():
    columns = columns_of("姓名", "身份证号", "联系电话", "手机", "现住址", "户籍地")
    mapping = propose_mapping(columns, remembered={})
    assert fields_of(columns, mapping) == {"姓名": "name", "身份证号": "id_number", "联系电话": "phone",
                                           "手机": "phone_alt", "现住址": "address_detail", "户籍地": ""}
    assert mapping_problems(columns, mapping) == []
    with_alternate = columns_of("姓名", "身份证号", "联系电话", "手机", "备用电话")
    assert list(propose_mapping(with_alternate, remembered={}).values()) == ["name", "id_number", "phone", "",
                                                                             "phone_alt"]


def test_what_a_unit_remembered_wins_over_the_synonyms():
    columns = columns_of("姓名", "身份证号", "户籍地", "身份", "电话")
    remembered = {"户籍地": "", "身份": "categories", "电话": "no_such_field"}
    mapping = propose_mapping(columns, remembered=remembered)
    assert fields_of(columns, mapping) == {"姓名": "name", "身份证号": "id_number", "户籍地": "",
                                           "身份": "categories", "电话": "phone"}


# --- remembered mappings -----------------------------------------------------------------------------

@pytest.mark.django_db
def test_the_nearest_unit_remembered_mapping_wins_and_reaches_the_units_below():
    county, street, village = unit_at(HOME_COUNTY + "000000"), unit_at(STREET_CODE), unit_at(VILLAGE_CODE)
    ColumnMemory.objects.create(unit=county, key="身份", field="categories")
    ColumnMemory.objects.create(unit=county, key="户籍地", field="address_detail")
    ColumnMemory.objects.create(unit=street, key="户籍地", field="")
    ColumnMemory.objects.create(unit=village, key="身份", field="notes")
    assert remembered_for(village) == {"身份": "notes", "户籍地": ""}
    assert remembered_for(unit_at(VILLAGE2_CODE)) == {"身份": "categories", "户籍地": ""}
    assert remembered_for(county) == {"身份": "categories", "户籍地": "address_detail"}
    hosted = OrgUnitFactory(region=street.region)  # a 派驻站 beside the street's station
    assert remembered_for(hosted) == {"身份": "categories", "户籍地": ""}
    assert remembered_for(unit_at("320114000000")) == {}  # another county
    assert remembered_for(None) == {}


@pytest.mark.django_db
def test_remember_upserts_what_the_user_confirmed(cast):
    village = cast.village_worker.org_unit
    columns = columns_of("姓名", "身份证号", "户籍地", "联系电话（旧）", "联系电话", hidden={3})
    remember(village, columns, {0: "name", 1: "id_number", 2: "address_detail", 3: "", 4: "phone"},
             cast.village_worker)
    assert remembered_for(village) == {"姓名": "name", "身份证号": "id_number", "户籍地": "address_detail",
                                       "联系电话": "phone"}  # the hidden column left out is not "not imported"
    remember(village, columns, {0: "name", 1: "id_number", 2: "", 3: "phone", 4: ""}, cast.village_worker)
    assert remembered_for(village) == {"姓名": "name", "身份证号": "id_number", "户籍地": "",
                                       "联系电话(旧)": "phone", "联系电话": ""}
    assert ColumnMemory.objects.filter(unit=village).count() == 5
    next_upload = columns_of("姓名", "身份证号", "户籍地", "联系电话")
    assert propose_mapping(next_upload, remembered=remembered_for(village)) == {0: "name", 1: "id_number", 2: "", 3: ""}


@pytest.mark.django_db
def test_remember_skips_a_key_given_two_fields_and_an_unknown_field(cast):
    village = cast.village_worker.org_unit
    columns = columns_of("姓名", "备注", "备注", "电话")
    remember(village, columns, {0: "name", 1: "notes", 2: "household", 3: "telephone"}, cast.village_worker)
    assert remembered_for(village) == {"姓名": "name"}

