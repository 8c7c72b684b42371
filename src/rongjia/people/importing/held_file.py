"""The held rows as a workbook the uploader fixes in Excel and uploads again.

One sheet per ledger sheet, headed by the ledger's own headers for the columns that were imported,
the Excel row each came from, and a 错误说明 column; the cells a reason is about are red. Every cell
is text, so an ID number keeps all 18 digits on the way back.
"""

import json
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from rongjia.core.exports import safe_cell

from ..models import ImportJob, ImportRow

RED = PatternFill("solid", fgColor="FFC7CE")
ROW_HEADER, REASON_HEADER = "原行号", "错误说明"


def held_workbook(job: ImportJob) -> bytes:
    workbook = Workbook(write_only=False)
    workbook.remove(workbook.active)
    held = job.rows.filter(kind=ImportRow.Kind.HELD).order_by("sheet", "row")
    for entry in job.layout:
        rows = [row for row in held if row.sheet == entry["index"]]
        if not rows:
            continue
        chosen = job.mapping.get(str(entry["index"]), {})
        columns = [(c["header"], chosen.get(str(c["index"]))) for c in entry["columns"] if chosen.get(str(c["index"]))]
        sheet = workbook.create_sheet(entry["name"][:31] or str(entry["index"] + 1))
        sheet.append([safe_cell(header) for header, _key in columns] + [ROW_HEADER, REASON_HEADER])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            cells = json.loads(row.data or "{}")
            sheet.append([safe_cell(cells.get(key, "")) for _header, key in columns]
                         + [row.row, "；".join(reason for _field, reason in row.reasons)])
            bad = {field for field, _reason in row.reasons}
            for position, (_header, key) in enumerate(columns, start=1):
                target = sheet.cell(row=sheet.max_row, column=position)
                target.number_format = "@"
                if key in bad:
                    target.fill = RED
        sheet.freeze_panes = "A2"
    if not workbook.sheetnames:
        workbook.create_sheet("无待处理行")
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
