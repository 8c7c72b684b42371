"""Exports that read well (issue 24): named <place>_<what>_<YYYYMMDD>.xlsx, the header row bold and frozen, the
columns fitted (a Chinese character counts two), and what the list was filtered by on a first sheet 说明 —
while the table stays the sheet the file opens on, its header in the first row."""

import io
from datetime import date
from urllib.parse import unquote

import pytest
from django.http import QueryDict
from django.utils import timezone
from openpyxl import load_workbook

from rongjia.core.exports import (
    MAX_WIDTH,
    display_width,
    export_filename,
    export_place,
    form_filters,
    xlsx_response,
    xlsx_workbook,
)
from rongjia.core.models import Region
from rongjia.people.forms import PersonFilterForm
from tests.factories import STREET_CODE, VILLAGE_CODE, person_at

TODAY = f"{timezone.localdate():%Y%m%d}"


def workbook(content: bytes):
    return load_workbook(io.BytesIO(content))


def note_lines(book) -> list[tuple]:
    return [tuple(row) for row in book.worksheets[0].iter_rows(values_only=True)]


def test_the_table_is_frozen_bold_and_fitted_and_the_note_sheet_says_what_it_holds():
    rows = [("张三丰", date(1950, 1, 1), "江苏省南京市江宁区秣陵街道殷巷社区", 3), ("李四", None, "x" * 200, 12)]
    content, count = xlsx_workbook(title="服务对象", headers=["姓名", "出生日期", "住址", "人数"], rows=iter(rows),
                                   place="古泉社区", filters=[("状态", "在册"), ("类别", "退役士兵")])
    book = workbook(content)
    assert count == 2 and book.sheetnames == ["说明", "服务对象"]
    table = book.active
    assert table.title == "服务对象"  # the file opens on the table
    assert table.freeze_panes == "A2" and all(cell.font.b for cell in table[1])
    assert [cell.value for cell in table[1]] == ["姓名", "出生日期", "住址", "人数"]  # the header is still row 1
    widths = {letter: table.column_dimensions[letter].width for letter in "ABCD"}
    assert widths["A"] == 8  # 张三丰: 6 + 2
    assert widths["B"] == 12 and widths["C"] == MAX_WIDTH and widths["D"] == 6  # a date; capped; the minimum
    assert note_lines(book) == [("内容", "服务对象"), ("范围", "古泉社区"), ("筛选条件", "状态：在册"),
                                ("筛选条件", "类别：退役士兵"), ("行数", 2), ("导出时间", note_lines(book)[-1][1])]
    assert note_lines(book)[-1][1].startswith(timezone.localdate().isoformat())
    assert not book.worksheets[0].sheet_view.tabSelected and table.sheet_view.tabSelected


def test_the_note_says_none_when_no_filter_was_used_and_nothing_when_the_caller_does_not_say():
    unfiltered = note_lines(workbook(xlsx_workbook(title="台账", headers=["a"], rows=[], filters=[])[0]))
    assert ("筛选条件", "无（全部记录）") in unfiltered and ("行数", 0) in unfiltered
    unsaid = note_lines(workbook(xlsx_workbook(title="台账", headers=["a"], rows=[])[0]))
    assert not any(label == "筛选条件" for label, _value in unsaid)


def test_the_note_never_holds_a_full_number_nor_a_formula():
    typed = [("搜索", "320115197709031231"), ("电话", "13912345678"), ("公式", "=HYPERLINK(1)"),
             ("区域代码", "320115003004")]
    content, _count = xlsx_workbook(title="服务对象", headers=["a"], rows=[], filters=typed)
    lines = note_lines(workbook(content))
    assert ("筛选条件", "搜索：32011519770903****") in lines and ("筛选条件", "电话：139****5678") in lines
    assert ("筛选条件", "区域代码：320115003004") in lines  # a region code is not a personal number
    assert ("筛选条件", "公式：=HYPERLINK(1)") in lines  # inside the text, not at its start: no formula
    content, _count = xlsx_workbook(title="=cmd", headers=["=x"], rows=[["+1"]], place="@SUM(1)")
    cells = [cell for sheet in workbook(content).worksheets for row in sheet.iter_rows(values_only=True)
             for cell in row]
    assert "'=cmd" in cells and "'@SUM(1)" in cells and "'+1" in cells


@pytest.mark.parametrize(("value", "width"), [("abc", 3), ("张三", 4), ("ＡＢ", 4), ("a\n张三丰", 6), (None, 0),
                                              (date(2026, 12, 3), 10)])
def test_a_chinese_character_counts_two(value, width):
    assert display_width(value) == width


def test_the_file_name_says_what_where_and_when():
    assert export_filename("古泉社区", "服务对象", day=date(2026, 12, 3)) == "古泉社区_服务对象_20261203.xlsx"
    assert export_filename("", "服务/对象:", "pdf", day=date(2026, 12, 3)) == "服务对象_20261203.pdf"
    response = xlsx_response(filename="people.xlsx", title="服务对象", headers=["a"], rows=[], place="古泉社区")
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="people.xlsx"; filename*=UTF-8\'\'')
    assert unquote(disposition.split("''", 1)[1]) == f"古泉社区_服务对象_{TODAY}.xlsx"


def test_the_place_is_the_filtered_region_inside_the_scope_else_the_viewers_area(cast):
    street, village = Region.objects.get(code=STREET_CODE).name, Region.objects.get(code=VILLAGE_CODE).name
    county = cast.county_director
    assert export_place(county, STREET_CODE[:9]) == street
    assert export_place(county, "320114") == export_place(county) == county.org_unit.region.name  # not its own
    assert export_place(county, "3201150") == county.org_unit.region.name  # no whole region
    assert export_place(cast.village_worker) == village


def test_the_filters_are_read_back_in_words(cast):
    form = PersonFilterForm.from_query(QueryDict("status=active&age_min=60&q=320115197709031231&sort=name"))
    lines = dict(form_filters(form))
    assert lines["状态"] == "在册" and lines["最小年龄"] == "60" and lines["搜索"] == "32011519770903****"
    assert "sort" not in lines and len(lines) == 3  # hidden fields (the order, the encrypted search) left out


def test_a_region_filter_is_read_back_as_the_place_not_the_code(cast):
    street = Region.objects.get(code=STREET_CODE).name
    lines = dict(form_filters(PersonFilterForm.from_query(QueryDict(f"region={STREET_CODE[:9]}"))))
    assert lines["地点"].endswith(street) and STREET_CODE[:9] not in lines["地点"]
    assert dict(form_filters(PersonFilterForm.from_query(QueryDict("region=99"))))["地点"] == "99"  # no such place


def test_the_people_export_is_named_for_the_area_and_notes_its_filters(cast, client_for):
    person_at(cast.village_worker, name="周建国")
    response = client_for(cast.village_worker).get("/people/export.xlsx?status=active")
    village = Region.objects.get(code=VILLAGE_CODE).name
    assert unquote(response["Content-Disposition"].split("''", 1)[1]) == f"{village}_服务对象_{TODAY}.xlsx"
    book = workbook(response.content)
    assert ("筛选条件", "状态：在册") in note_lines(book) and ("范围", village) in note_lines(book)
    assert book.active.freeze_panes == "A2" and book.active["A2"].value == "周建国"


def test_the_petitions_and_stations_exports_are_named_for_the_filtered_region(cast, client_for):
    street = Region.objects.get(code=STREET_CODE).name
    director = client_for(cast.county_director)
    for url, what in ((f"/petitions/export.xlsx?region={STREET_CODE[:9]}", "信访"),
                      (f"/stations/export.xlsx?region={STREET_CODE[:9]}", "服务中心（站）")):
        response = director.get(url)
        assert unquote(response["Content-Disposition"].split("''", 1)[1]) == f"{street}_{what}_{TODAY}.xlsx"
        assert any(label == "筛选条件" for label, _value in note_lines(workbook(response.content)))
