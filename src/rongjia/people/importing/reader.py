"""Reading an uploaded ledger row by row, never the whole sheet at once.

openpyxl's read-only mode streams the sheet's XML, so memory stays flat in the file's size.
"""

import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils.cell import range_boundaries
from openpyxl.utils.exceptions import InvalidFileException

from .columns import BY_HEADER, COLUMNS, MAX_ROWS

HEADER_SEARCH_ROWS = 5  # a ledger may carry a title row or two above its header
MAX_MERGED_CELLS = 20_000  # cells hidden under merges that a report still lists row by row
_MERGE_CELL = re.compile(rb'<(?:\w+:)?mergeCell\s[^>]*?ref="([A-Z]+[0-9]+:[A-Z]+[0-9]+)"')


class FileRefused(Exception):
    """The file as a whole cannot be read as a ledger; the message says why, in the user's words."""


class HeaderIncomplete(FileRefused):
    """A header row was found but lacks required columns (more telling than "no header at all")."""


@dataclass
class Cell:
    value: object
    is_formula: bool = False
    merged: str = ""  # the merged range (e.g. "A3:A5") that hides this cell's own value


def _header_text(value) -> str:
    """A header's name without a BOM, a required-field star, spaces or a hint in brackets or on a second line."""
    text = str(value or "").replace("\ufeff", "").replace("*", "").replace("＊", "")
    for stop in ("\n", "（", "("):
        text = text.split(stop, 1)[0]
    return "".join(text.split())


def open_workbook(path):
    """The workbook, opened for streaming; FileRefused if it is not an xlsx workbook."""
    if not zipfile.is_zipfile(path):
        raise FileRefused(_("This is not an Excel workbook (.xlsx). Save the ledger as .xlsx and upload it again."))
    try:
        workbook = load_workbook(path, read_only=True, data_only=False)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise FileRefused(_("The workbook cannot be read (%(error)s).") % {"error": type(exc).__name__}) from None
    if not workbook.worksheets:
        raise FileRefused(_("The workbook has no worksheet."))
    return workbook


def rows(path) -> Iterator[tuple[int, dict[str, Cell]]]:
    """(Excel row number, {column key: Cell}) for each non-empty row under the header.

    Raises FileRefused before the first row when the header is missing or incomplete.
    """
    workbook = open_workbook(path)
    try:
        sheet, stream, positions = _ledger_sheet(workbook)
        hidden = _merged_away(sheet, set(positions.values()))
        count = 0
        for row_cells in stream:
            values = {key: _cell(row_cells[index]) if index < len(row_cells) else Cell(None)
                      for key, index in positions.items()}
            if hidden:
                number = _row_number(row_cells, default=0)
                for key, index in positions.items():
                    if (number, index) in hidden:
                        values[key].merged = hidden[number, index]
            if all(cell.value in (None, "") for cell in values.values()):
                continue
            count += 1
            if count > MAX_ROWS:
                raise FileRefused(_("The file has more than %(n)d rows: split it into smaller files.")
                                  % {"n": MAX_ROWS})
            yield _row_number(row_cells), values
    finally:
        workbook.close()


def _row_number(row_cells, default=None) -> int:
    """The row's number as Excel shows it (empty cells in read-only mode carry none, so ask the others)."""
    return next((cell.row for cell in row_cells if getattr(cell, "row", None)), default)


def _merged_away(sheet, columns: set[int]) -> dict[tuple[int, int], str]:
    """(row, 0-based column) → merged range, for the ledger cells a merge hides (all but its top-left).

    Read-only mode does not parse merges, and a ledger that merges 区划代码 over the rows of one
    village would otherwise read as blank cells: the rows would be imported without the value or
    refused as "required" with no word of why. The merges sit after the rows in the sheet's XML,
    so this streams the sheet once more in chunks (cheap next to parsing its cells).
    """
    source = getattr(sheet, "_get_source", None)
    if source is None:
        return {}
    refs, tail = set(), b""
    with source() as stream:
        while chunk := stream.read(1 << 20):
            text = tail + chunk
            refs.update(_MERGE_CELL.findall(text))
            tail = text[-300:]
    hidden = {}
    for ref in sorted(refs):
        min_col, min_row, max_col, max_row = range_boundaries(ref.decode())
        for column in (c for c in range(min_col, max_col + 1) if c - 1 in columns):  # ledger columns only
            for row in range(min_row, max_row + 1):
                if (row, column) != (min_row, min_col):
                    hidden[row, column - 1] = ref.decode()
                    if len(hidden) > MAX_MERGED_CELLS:
                        raise FileRefused(_("The sheet has too many merged cells: unmerge them and fill in every "
                                            "row."))
    return hidden


def _cell(cell) -> Cell:
    value = getattr(cell, "value", None)
    return Cell(value, getattr(cell, "data_type", None) == "f")


def _ledger_sheet(workbook):
    """The first sheet with a header row (a workbook may open with an instructions sheet)."""
    refusal = None
    for sheet in workbook.worksheets:
        if getattr(sheet, "sheet_state", "visible") != "visible":
            continue
        stream = sheet.iter_rows()
        try:
            return sheet, stream, _find_header(stream)
        except HeaderIncomplete as refused:
            refusal = refused
        except FileRefused as refused:
            refusal = refusal or refused
    raise refusal or FileRefused(_("The workbook has no worksheet."))


def _find_header(stream) -> dict[str, int]:
    for number, row_cells in enumerate(stream, start=1):
        headers = [_header_text(getattr(cell, "value", None)) for cell in row_cells]
        if "姓名" in headers or "身份证号" in headers:
            positions = {BY_HEADER[h].key: i for i, h in enumerate(headers) if h in BY_HEADER}
            missing = [c.header for c in COLUMNS if c.required and c.key not in positions]
            if missing:
                raise HeaderIncomplete(_("The header row (row %(row)d) lacks the required columns: %(names)s.")
                                  % {"row": number, "names": "、".join(missing)})
            return positions
        if number >= HEADER_SEARCH_ROWS:
            break
    raise FileRefused(_("No header row found: the first rows must hold the template's headers (姓名, 身份证号…). "
                        "Download the template and copy the ledger into it."))
