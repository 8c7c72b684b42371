"""Pass one over an upload: what the workbook holds, sheet by sheet, for the uploader to confirm.

Every sheet is read. A sheet without a header (an instructions sheet such as 说明) is listed with
that reason, hidden sheets, rows and columns are counted and left out unless the uploader includes
them, and each column carries the field proposed for it and a few sample values.
"""

import re
from decimal import Decimal

from rongjia.core.masking import mask_id_number, mask_phone

from .header import find_header, skip_reason
from .mapping import propose_mapping
from .workbook import Ledger, SheetData

SAMPLES = 3
_ID_LIKE = re.compile(r"^\d{14,17}[\dXx]$")
_DATE_LIKE = re.compile(r"^\d{4}[-./]\d{1,2}([-./]\d{1,2})?$")
_PHONE_LIKE = re.compile(r"^[\d\-+() /、,，]{7,}$")


def read_layout(ledger: Ledger, *, remembered: dict[str, str]) -> list[dict]:
    return [_sheet_layout(sheet, remembered) for sheet in ledger.sheets]


def _sheet_layout(sheet: SheetData, remembered: dict[str, str]) -> dict:
    entry = {"index": sheet.index, "name": sheet.name, "hidden": sheet.hidden, "header_rows": [],
             "first_data_row": 0, "columns": [], "rows": 0, "hidden_rows": 0, "skipped": [], "no_header": True}
    found = find_header(sheet)
    if found is None:
        return entry
    proposal = propose_mapping(found.columns, remembered=remembered)
    samples: dict[int, list[str]] = {column.index: [] for column in found.columns}
    for number, values, why in sheet_data_rows(sheet, found.first_data_row, found.columns,
                                                include_hidden_rows=True):
        if why:
            entry["skipped"].append({"row": number, "why": why})
            continue
        if number in sheet.hidden_rows:
            entry["hidden_rows"] += 1
            continue
        entry["rows"] += 1
        for column in found.columns:
            value = values[column.index] if column.index < len(values) else None
            if value not in (None, "") and len(samples[column.index]) < SAMPLES:
                samples[column.index].append(masked_sample(shown(value)))
    entry.update(header_rows=list(found.header_rows), first_data_row=found.first_data_row, no_header=False,
                 columns=[{"index": column.index, "header": column.header, "key": column.key, "hidden": column.hidden,
                           "field": "" if column.hidden else proposal.get(column.index, ""),
                           "samples": samples[column.index]} for column in found.columns])
    return entry


def sheet_data_rows(sheet: SheetData, first_data_row: int, columns, *, include_hidden_rows: bool):
    """(row number, values, why skipped or "") for each row under the header; hidden rows left out unless asked.

    A value merged down over several data rows (one 村 or 人员类别 for a group of people) belongs to each of
    them, as the uploader sees it in Excel: it is given to every row of the merge, not only to the first.
    """
    merged_down = {}  # first row → [(column, last row)] of the merges that start in the data area
    for first_row, first_col, last_row, _last_col in sheet.merges:
        if first_row >= first_data_row and last_row > first_row:
            merged_down.setdefault(first_row, []).append((first_col, last_row))
    carried: dict[int, tuple[object, int]] = {}  # column → (value, last row it covers)
    for number, values in sheet.iter_rows():
        if number < first_data_row:
            continue
        if merged_down or carried:
            values = _fill_merged(number, values, merged_down, carried)
        if number in sheet.hidden_rows and not include_hidden_rows:
            continue
        if not any(value not in (None, "") for value in values):
            continue
        yield number, values, skip_reason(values, columns)


def _fill_merged(number: int, values: list, merged_down: dict, carried: dict) -> list:
    for column, last_row in merged_down.get(number, ()):
        if column < len(values) and values[column] not in (None, ""):
            carried[column] = (values[column], last_row)
    for column, (value, last_row) in list(carried.items()):
        if number > last_row:
            del carried[column]
        elif values[column:column + 1] in ([], [None], [""]):
            values = list(values) + [None] * (column + 1 - len(values))
            values[column] = value
    return values


def masked_sample(text: str) -> str:
    """A sample value as the mapping page shows it and the job stores it: ID numbers and phones masked.

    The layout is kept in the database in clear, unlike the people's encrypted fields.
    """
    compact = "".join(text.split())
    if _ID_LIKE.match(compact):
        return mask_id_number(compact.upper())
    if _DATE_LIKE.match(compact):
        return text
    if _PHONE_LIKE.match(compact) and sum(c.isdigit() for c in compact) >= 7:
        return "/".join(mask_phone(piece) for piece in re.split(r"[/、,，]", compact) if piece)
    return text[:40]


def shown(value) -> str:
    """A cell as the uploader saw it: a whole number without ".0", a date as 2001-12-01."""
    if isinstance(value, float) and value.is_integer():
        # Excel keeps 15 significant digits: a long number reads back as Excel shows it (…011000), not as
        # the float's binary tail (…011264), so a truncated ID number looks truncated to the uploader too.
        return str(int(Decimal(f"{value:.15g}"))) if abs(value) >= 1e15 else str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    return str(value)
