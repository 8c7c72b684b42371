"""Spreadsheet exports shared by every list."""

from datetime import date, datetime
from io import BytesIO

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook

from .validators import FORMULA_STARTS

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def safe_cell(value):
    """Neutralise text a spreadsheet would run as a formula (CSV/xlsx injection).

    Every cell value the project writes passes through here (tests/security/test_spreadsheet_cells.py
    opens every workbook it produces): openpyxl stores text beginning with "=" as a live formula,
    and a leading "'" keeps it text.
    """
    if isinstance(value, datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, (int, float, date)) or value is None:
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def xlsx_response(*, filename: str, title: str, headers: list[str], rows) -> HttpResponse:
    """Stream `rows` (iterables of cells) into one sheet with a bold header row."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append([safe_cell(h) for h in headers])
    for row in rows:
        sheet.append([safe_cell(cell) for cell in row])
    buffer = BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response


