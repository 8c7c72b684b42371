"""The rows a job imports: every included sheet's data rows, read by the confirmed mapping.

The check and the commit both walk the file through here, so they see the same rows: hidden sheets
and rows only when the uploader included them, rows the uploader fixed taken from the grid, rows
the uploader set aside left out.
"""

import json
from collections.abc import Iterator

from ..models import ImportJob, ImportRow
from .header import SourceColumn
from .layout import sheet_data_rows
from .verdicts import LedgerRow
from .workbook import Ledger


def included_sheets(job: ImportJob) -> list[dict]:
    """The layout entries of the sheets this job imports: with a header, visible or included by the uploader."""
    include = set(job.options.get("include_hidden", []))
    return [entry for entry in job.layout if not entry["no_header"] and str(entry["index"]) in job.mapping
            and (not entry["hidden"] or entry["index"] in include)]


def job_rows(job: ImportJob, ledger: Ledger, decided: dict[tuple[int, int], ImportRow], *,
             only: set[tuple[int, int]] | None = None) -> Iterator[LedgerRow]:
    """LedgerRow for each data row; `decided`: by (sheet, row), the rows the uploader fixed or set aside, and at the
    commit also those the check held. `only`: just the rows at these (sheet, row) positions, read from the file."""
    include = set(job.options.get("include_hidden", []))
    sheets = {sheet.index: sheet for sheet in ledger.sheets}
    for entry in included_sheets(job):
        sheet = sheets[entry["index"]]
        mapping = {int(column): key for column, key in job.mapping[str(entry["index"])].items() if key}
        for number, values, why in sheet_data_rows(sheet, entry["first_data_row"], source_columns(entry),
                                                    include_hidden_rows=entry["index"] in include):
            if why or (only is not None and (sheet.index, number) not in only):
                continue
            own = decided.get((sheet.index, number))
            if own is not None and own.kind in (ImportRow.Kind.SKIPPED, ImportRow.Kind.HELD):
                continue  # set aside by the uploader, or (at the commit) held by the check
            if own is not None and own.kind == ImportRow.Kind.FIXED:
                yield LedgerRow(sheet.index, sheet.name, number, json.loads(own.data), confirmed=own.confirmed)
                continue
            formulas = getattr(sheet, "formula_cells", None)
            yield LedgerRow(sheet.index, sheet.name, number, raw_fields(values, mapping),
                            formulas=tuple(key for index, key in mapping.items() if (number, index) in formulas)
                            if formulas else ())


def fixed_rows(job: ImportJob, decided: dict[tuple[int, int], ImportRow]) -> Iterator[LedgerRow]:
    """The rows the uploader fixed in the grid, as the uploader left them (no need to open the file)."""
    names = {entry["index"]: entry["name"] for entry in job.layout}
    for (sheet, number), own in sorted(decided.items()):
        if own.kind == ImportRow.Kind.FIXED:
            yield LedgerRow(sheet, names.get(sheet, ""), number, json.loads(own.data), confirmed=own.confirmed)


def source_columns(entry: dict) -> list[SourceColumn]:
    """The header's columns as the read pass stored them in the job's layout."""
    return [SourceColumn(index=c["index"], header=c["header"], key=c["key"], hidden=c["hidden"])
            for c in entry["columns"]]


def raw_fields(values: list, mapping: dict[int, str]) -> dict[str, object]:
    """{field: cell} for one row; several columns mapped to notes are joined with their values in order."""
    raw: dict[str, object] = {}
    for index, key in sorted(mapping.items()):
        value = values[index] if index < len(values) else None
        if key == "notes" and raw.get("notes") not in (None, "") and value not in (None, ""):
            raw["notes"] = f"{raw['notes']}；{value}"
        elif key != "notes" or value not in (None, ""):
            raw[key] = value
    return raw
