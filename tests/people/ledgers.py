"""Ledger files for the import tests: real xlsx files written with openpyxl, bad ones included."""

from datetime import date, timedelta
from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from rongjia.people.importing.columns import HEADERS
from tests.factories import VILLAGE_CODE, valid_id_number


def id_for(n: int) -> str:
    """A distinct valid ID number for each n (900 sequence numbers per birth date)."""
    born = date(1970, 1, 1) + timedelta(days=n // 900)
    return valid_id_number(born.strftime("%Y%m%d"), sequence=100 + n % 900)


def good_row(n: int = 1, **overrides) -> dict:
    row = {"姓名": f"测试{n}", "身份证号": id_for(n), "联系电话": "13800000000",
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
