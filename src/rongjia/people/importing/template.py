"""The ledger template (and the export that can be imported again): Chinese headers, lists for coded columns."""

from io import BytesIO

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from rongjia.core.exports import safe_cell

from ..models import Category
from ..reference import EDUCATION_CHOICES, ETHNIC_CHOICES, POLITICAL_CHOICES
from .columns import COLUMNS

SHEET, LISTS = "人员信息", "代码表"
MAX_TEMPLATE_ROWS = 5000  # how far down the drop-down lists reach in the template


def _lists() -> dict[str, list[str]]:
    return {
        "ethnicity": [label for _code, label in ETHNIC_CHOICES],
        "political_status": [label for _code, label in POLITICAL_CHOICES],
        "education": [label for code, label in EDUCATION_CHOICES if code],
        "categories": list(Category.objects.filter(active=True).values_list("name", flat=True)),
    }


def template_workbook(rows=()) -> bytes:
    """The template, optionally filled with `rows` (lists in COLUMNS order) — export_people writes through it."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET
    sheet.append([safe_cell(column.header) for column in COLUMNS])
    for row in rows:
        sheet.append([safe_cell(value) for value in row])
    blank = sheet.max_row == 1
    for index, column in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font = Font(bold=True, color="C00000" if column.required else "000000")
        if column.hint or column.required:
            cell.comment = Comment(("必填。" if column.required else "") + column.hint, "戎家")
        sheet.column_dimensions[get_column_letter(index)].width = column.width
        if blank and column.key in ("id_number", "phone", "region_code"):
            for row in range(2, MAX_TEMPLATE_ROWS + 2):  # text, so Excel keeps every digit
                sheet.cell(row=row, column=index).number_format = "@"
    _add_lists(workbook, sheet)
    sheet.freeze_panes = "A2"
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _add_lists(workbook, sheet) -> None:
    """Drop-down lists for coded columns, kept on a hidden sheet (an inline list is capped at 255 characters)."""
    lists_sheet = workbook.create_sheet(LISTS)
    lists_sheet.sheet_state = "hidden"
    for list_index, (key, values) in enumerate(_lists().items(), start=1):
        letter = get_column_letter(list_index)
        for row, value in enumerate(values, start=1):
            # reference names an administrator typed: a category "=HYPERLINK(…)" would run here
            lists_sheet.cell(row=row, column=list_index, value=safe_cell(value))
        column_index = next(i for i, c in enumerate(COLUMNS, start=1) if c.key == key)
        target = get_column_letter(column_index)
        validation = DataValidation(type="list", formula1=f"'{LISTS}'!${letter}$1:${letter}${max(len(values), 1)}",
                                    allow_blank=True, showErrorMessage=key != "categories")
        validation.error = "请从列表中选择"
        sheet.add_data_validation(validation)
        validation.add(f"{target}2:{target}{MAX_TEMPLATE_ROWS + 1}")
