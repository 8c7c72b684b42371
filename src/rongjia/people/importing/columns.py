"""The columns of our own people ledger: the template a station may start from, and `export_people`.

The headers are Chinese because the ledgers are; the keys are the intake's field keys
(importing/fields.py), whose synonyms read these headers back, so a file exported can be imported
again unchanged. Any other ledger's columns are mapped by the intake; these are not required.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    required: bool = False
    width: int = 14
    hint: str = ""


COLUMNS = [
    Column("name", "姓名", required=True, width=10),
    Column("id_number", "身份证号", required=True, width=22, hint="18位，末位可为X；请设为文本格式"),
    Column("phone", "联系电话", width=15),
    Column("region_code", "住址区划代码", width=16, hint="可不填：按所在村（社区）名称定位；填则为12位统计用区划代码"),
    Column("address_detail", "详细地址", width=24),
    Column("ethnicity", "民族", width=8, hint="如 汉族、回族；不填则留空"),
    Column("political_status", "政治面貌", width=14, hint="如 中共党员、群众；不填则留空"),
    Column("education", "文化程度", width=10),
    Column("health", "健康状况", width=10),
    Column("categories", "人员类别", width=18, hint="可填多个，用“、”分隔"),
    Column("category_start", "类别起始日期", width=14, hint="如 2020-01-01；默认同登记日期"),
    Column("registered_on", "登记日期", width=12, hint="如 2024-05-01；默认今天"),
]
HEADERS = [column.header for column in COLUMNS]
