"""Spreadsheet exports shared by every list: a table that reads well, and a note of what it holds.

Every export is named `<place>_<what>_<YYYYMMDD>.xlsx` (古泉社区_服务对象_20261203.xlsx): the region the list
was narrowed to or the viewer's own area, the table's title, and the day it was made. The table's header
row is bold and frozen, and its columns are as wide as the header and the first rows need (a Chinese
character counts as two). What the list was filtered by is written on a first sheet, 说明, beside the
area, the row count and the time; the table sheet is the one the file opens on, and its first row is still
the header, so a sheet read back (or imported again) finds the columns where it always did.

Every cell passes through `safe_cell` (formula injection), the note's included.
"""

import itertools
import re
import unicodedata
from collections.abc import Iterable
from datetime import date, datetime
from io import BytesIO
from urllib.parse import quote

from django import forms
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from .masking import mask_id_number, mask_phone
from .regions import level_of_prefix, pad_code
from .scoping import covers_code
from .validators import FORMULA_STARTS

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SAMPLE_ROWS = 100  # the rows a column's width is fitted to: the whole file is never held to measure it
MIN_WIDTH, MAX_WIDTH = 6, 60  # in characters of the default font; a longer cell wraps when opened
# Characters a file name or a sheet title may not hold (Windows, Excel).
_NOT_IN_NAMES = re.compile(r'[\\/:*?"<>|\[\]\x00-\x1f]')
# A number typed into a search box by mistake (an ID number, a mobile, a bank account) is never written
# into the note in full: each kind gets the mask the pages give it. Region codes (12 digits) are left alone.
_LONG_NUMBER = re.compile(r"(?<!\d)(\d{17}[\dXx]|\d{15}|1\d{10}|\d{13,})(?![\dXx*])")  # "…03****": masked


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


# --- what the file is called and what its note says -------------------------------------------------------

def export_place(user, region_prefix: str = "") -> str:
    """The area a file is named after: the region the list was narrowed to (when it is a whole region inside
    the viewer's scope), else the viewer's own area ("" for an account without one)."""
    from .models import Region

    if region_prefix and level_of_prefix(region_prefix) and covers_code(user, region_prefix):
        name = Region.objects.current().filter(code=pad_code(region_prefix)).values_list("name", flat=True).first()
        if name:
            return name
    unit = getattr(user, "org_unit", None)
    return unit.region.name if unit is not None else ""


def export_filename(place: str, what: str, extension: str = "xlsx", day: date | None = None) -> str:
    """'古泉社区_服务对象_20261203.xlsx': the parts that are given, joined; never a character Windows refuses."""
    day = day or timezone.localdate()
    parts = [_NOT_IN_NAMES.sub("", str(part)).strip() for part in (place, what)]
    return "_".join([*(part for part in parts if part), f"{day:%Y%m%d}"]) + f".{extension}"


def form_filters(form: forms.Form) -> list[tuple[str, str]]:
    """The filters a bound list form holds, as (label, value) lines a person reads: choices by their labels,
    records by their names; empty, hidden and invalid fields left out."""
    form.is_valid()
    lines = []
    for name, field in form.fields.items():
        value = form.cleaned_data.get(name) if hasattr(form, "cleaned_data") else None
        if field.widget.is_hidden or value in (None, "", [], (), False) or not field.label:
            continue
        lines.append((str(field.label), _shown(field, value)))
    return lines


def _shown(field: forms.Field, value) -> str:
    if hasattr(field, "shown"):  # a field that words its own value (a region code as the place's path)
        return field.shown(str(value))
    if isinstance(value, (list, tuple)) or hasattr(value, "model"):  # several choices, or a queryset of them
        return "、".join(_shown(field, item) for item in value)
    if isinstance(value, bool):
        return _("yes")
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if hasattr(value, "pk"):  # a record: its name (the field's choices would query every row)
        return masked_numbers(str(value))
    labels = {str(key): label for key, label in getattr(field, "choices", ()) if not isinstance(label, (list, tuple))}
    return str(labels[str(value)]) if str(value) in labels else masked_numbers(str(value))


def masked_numbers(text: str) -> str:
    """`text` with every long number in it masked as the pages mask its kind."""
    def mask(match: re.Match) -> str:
        number = match.group(1)
        if len(number) in (15, 18):
            return mask_id_number(number)
        return mask_phone(number) if len(number) == 11 else "*" * len(number)

    return _LONG_NUMBER.sub(mask, text)


# --- the workbook -----------------------------------------------------------------------------------------

def display_width(value) -> int:
    """How many characters wide a value shows: a Chinese (full-width) character counts two."""
    if value is None:
        return 0
    if isinstance(value, datetime):
        return 16
    if isinstance(value, date):
        return 10
    lines = str(value).splitlines() or [""]
    return max(sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in line) for line in lines)


def column_widths(headers: list, sample: list) -> list[int]:
    """Each column as wide as its header and the sampled rows need, within MIN_WIDTH and MAX_WIDTH."""
    widths = []
    for index, header in enumerate(headers):
        widest = max([display_width(header), *(display_width(row[index]) for row in sample if index < len(row))])
        widths.append(min(MAX_WIDTH, max(MIN_WIDTH, widest + 2)))
    return widths


def xlsx_workbook(*, title: str, headers: list, rows: Iterable, place: str = "",
                  filters: Iterable[tuple[str, str]] | None = None) -> tuple[bytes, int]:
    """The workbook's bytes and its row count: the note sheet 说明 first, then the table (the one it opens on).

    Write-only: rows are streamed and never held, so the widths are set from the first SAMPLE_ROWS rows and
    the pane frozen before any row is written (a write-only sheet takes neither afterwards).
    """
    workbook = Workbook(write_only=True)
    note = workbook.create_sheet(title=pgettext("export note", "Notes"))
    table = workbook.create_sheet(title=sheet_title(title, avoid=note.title))
    rows = iter(rows)
    sample = [[safe_cell(cell) for cell in row] for row in itertools.islice(rows, SAMPLE_ROWS)]
    for index, width in enumerate(column_widths(headers, sample), start=1):
        table.column_dimensions[get_column_letter(index)].width = width
    table.freeze_panes = "A2"
    # One selected tab, not two grouped: the views are written with a sheet's first row, so they are set now.
    note.sheet_view.tabSelected, table.sheet_view.tabSelected = False, True
    bold = Font(bold=True)
    table.append([_bold_cell(table, safe_cell(header), bold) for header in headers])
    count = 0
    for row in itertools.chain(sample, ([safe_cell(cell) for cell in row] for row in rows)):
        table.append(row)
        count += 1
    _write_note(note, title=title, place=place, filters=None if filters is None else list(filters), count=count,
                bold=bold)
    workbook.active = 1
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue(), count


def sheet_title(title: str, avoid: str = "") -> str:
    """A title Excel accepts: 31 characters at most, none of []:*?/\\, and not the note sheet's."""
    cleaned = _NOT_IN_NAMES.sub("-", str(title)).strip()[:31] or "Sheet"
    return cleaned if cleaned != avoid else f"{cleaned[:29]} 1"


def _bold_cell(sheet, value, font: Font) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    cell.font = font
    return cell


def _write_note(note, *, title: str, place: str, filters: list | None, count: int, bold: Font) -> None:
    """说明: what the table holds, of which area, under which filters, how many rows, made when.

    `filters` None: the caller does not say (no line, rather than a "none" that may be untrue); [] says none.
    """
    made_at = timezone.localtime().strftime("%Y-%m-%d %H:%M")
    lines = [(pgettext("export note", "Contents"), title), (pgettext("export note", "Area"), place or "—")]
    if filters is not None:
        filter_lines = [f"{label}：{masked_numbers(str(value))}" for label, value in filters]
        lines += [(pgettext("export note", "Filter"), line)
                  for line in filter_lines or [pgettext("export note", "None: every row")]]
    lines += [(pgettext("export note", "Rows"), count), (pgettext("export note", "Made at"), made_at)]
    note.column_dimensions["A"].width = max(display_width(label) for label, _value in lines) + 2
    note.column_dimensions["B"].width = min(MAX_WIDTH * 2, max(display_width(value) for _label, value in lines) + 2)
    for label, value in lines:
        note.append([_bold_cell(note, safe_cell(label), bold), safe_cell(value)])


def content_disposition(filename: str, *, ascii_name: str, inline: bool = False) -> str:
    """`filename=` an ASCII name for old clients; `filename*=` the Chinese one (RFC 6266)."""
    fallback = ascii_name if ascii_name.isascii() and ascii_name else "export"
    fallback = re.sub(r'["\\\r\n;]', "", fallback)
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def xlsx_response(*, title: str, headers: list[str], rows, filename: str = "", place: str = "",
                  filters: Iterable[tuple[str, str]] | None = None) -> HttpResponse:
    """Stream `rows` (iterables of cells) into the table sheet of a workbook named `<place>_<title>_<day>.xlsx`.

    `place` is the area the list covers (`export_place`) and `filters` the (label, value) lines of what it
    was narrowed by (`form_filters`; [] for none); without a place the name is `<title>_<day>.xlsx`, and
    without filters the note has no filter line. `filename` is the ASCII name old clients fall back to.
    """
    content, _count = xlsx_workbook(title=title, headers=headers, rows=rows, place=place, filters=filters)
    response = HttpResponse(content, content_type=XLSX_TYPE)
    day = timezone.localdate()
    ascii_name = filename if filename.isascii() and filename else f"export-{day:%Y%m%d}.xlsx"
    response["Content-Disposition"] = content_disposition(export_filename(place, title, day=day),
                                                          ascii_name=ascii_name)
    return response
