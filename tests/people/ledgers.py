"""Ledger files for the import tests: real xlsx files written with openpyxl, bad ones included, and the steps of
the intake (issue 17) as a test walks them: upload (the read pass proposes the columns), the proposal confirmed
(the check), the normalisations accepted and the commit."""

import re
from datetime import date, timedelta
from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from rongjia.people.importing import import_commit, import_start
from rongjia.people.importing.columns import HEADERS
from rongjia.people.importing.services_intake import accept_changes, confirm_columns, proposed_mapping
from rongjia.people.models import ImportJob, ImportRow
from tests.factories import VILLAGE_CODE, valid_id_number

# A name holds no digits (the check holds "测试1" as a wrong column): n is spelt in Chinese numerals.
NUMERALS = "零一二三四五六七八九"


def id_for(n: int) -> str:
    """A distinct valid ID number for each n (900 sequence numbers per birth date).

    A number ending in 000 is held as probably cut by Excel (issue 17): such an n is born ten years
    earlier instead, a decade no other n uses.
    """
    born = date(1970, 1, 1) + timedelta(days=n // 900)
    number = valid_id_number(born.strftime("%Y%m%d"), sequence=100 + n % 900)
    while number.endswith("000"):
        born = born.replace(year=born.year - 10)
        number = valid_id_number(born.strftime("%Y%m%d"), sequence=100 + n % 900)
    return number


def name_for(n: int) -> str:
    """A distinct name for each n: 测试一, 测试二, … 测试一二."""
    return "测试" + "".join(NUMERALS[int(digit)] for digit in str(n))


def good_row(n: int = 1, **overrides) -> dict:
    row = {"姓名": name_for(n), "身份证号": id_for(n), "联系电话": "13800000000",
           "住址区划代码": VILLAGE_CODE, "详细地址": f"{n}号", "民族": "汉族", "政治面貌": "群众",
           "文化程度": "高中/中专", "健康状况": "良好", "人员类别": "退役士兵", "类别起始日期": "2020-01-01",
           "登记日期": "2024-05-01"}
    row.update(overrides)
    return row


def workbook_bytes(rows: list[dict], *, headers=HEADERS, above=()) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for line in above:
        sheet.append(line)
    sheet.append(list(headers))
    for row in rows:
        sheet.append([row.get(header) for header in headers])
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(content: bytes, name: str = "台账.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/vnd.openxmlformats-officedocument."
                                                          "spreadsheetml.sheet")


# --- the intake's steps (the task backend runs each pass at once in tests) ------------------------------------

def read(user, content: bytes, name: str = "台账.xlsx") -> ImportJob:
    """Uploaded and read: MAPPING with the columns proposed, or FAILED with the reason."""
    job = import_start(actor=user, uploaded_file=upload(content, name))
    job.refresh_from_db()
    return job


def confirm(user, job: ImportJob, *, all_or_nothing: bool = False, include_hidden=()) -> ImportJob:
    """The proposed columns confirmed as they are, so the rows are checked."""
    assert job.state == ImportJob.State.MAPPING, (job.state, job.message)
    confirm_columns(actor=user, job=job, mapping=proposed_mapping(job), include_hidden=list(include_hidden),
                    all_or_nothing=all_or_nothing)
    job.refresh_from_db()
    return job


def check(user, content: bytes, name: str = "台账.xlsx", *, all_or_nothing: bool = False) -> ImportJob:
    """Uploaded, the proposed columns confirmed, every row checked: VALID, INVALID or UNCHANGED."""
    return confirm(user, read(user, content, name), all_or_nothing=all_or_nothing)


def commit(user, job: ImportJob) -> ImportJob:
    """The normalisations accepted (when the check listed any), then the commit."""
    if job.changes and not job.changes_accepted:
        accept_changes(actor=user, job=job)
    import_commit(actor=user, job=job)
    job.refresh_from_db()
    return job


def report(job: ImportJob) -> list[tuple[int, str, str]]:
    """The check's reasons (row, column label, message), in the file's order."""
    return list(job.errors.order_by("sheet", "row", "id").values_list("row", "column", "message"))


def held(job: ImportJob) -> dict[int, list[str]]:
    """Row number → the fields each held row is held for (one-sheet ledgers)."""
    return {row.row: [field for field, _message in row.reasons]
            for row in job.rows.filter(kind=ImportRow.Kind.HELD).order_by("row")}


def selects(html: str) -> dict[str, str]:
    """{select name: the selected option's value} of every select on the page (the mapping form as proposed)."""
    found = {}
    for name, body in re.findall(r'<select name="([^"]+)"[^>]*>(.*?)</select>', html, re.S):
        chosen = re.search(r'<option value="([^"]*)"[^>]*selected', body)
        found[name] = chosen.group(1) if chosen else ""
    return found
