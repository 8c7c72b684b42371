"""The columns of the people ledger, as stations keep it and as the template writes it.

The headers are Chinese because the ledgers are; the keys are what the code calls them. The
same columns serve import, the template and `export_people`, so a file exported can be
imported again unchanged.
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
    Column("region_code", "住址区划代码", required=True, width=16, hint="12位统计用区划代码，须在本辖区内"),
    Column("address_detail", "详细地址", width=24),
    Column("ethnicity", "民族", width=8, hint="默认汉族"),
    Column("political_status", "政治面貌", width=14, hint="默认群众"),
    Column("education", "文化程度", width=10),
    Column("health", "健康状况", width=10),
    Column("categories", "人员类别", width=18, hint="可填多个，用“、”分隔"),
    Column("category_start", "类别起始日期", width=14, hint="如 2020-01-01；默认同登记日期"),
    Column("registered_on", "登记日期", width=12, hint="如 2024-05-01；默认今天"),
]
# Other names the ledgers in use give the same columns.
ALIASES = {"身份证号码": "身份证号", "公民身份号码": "身份证号", "身份证": "身份证号", "电话": "联系电话",
           "手机": "联系电话", "手机号": "联系电话", "手机号码": "联系电话", "联系方式": "联系电话",
           "区划代码": "住址区划代码", "人员类型": "人员类别", "类别": "人员类别", "优抚类别": "人员类别",
           "住址": "详细地址", "家庭住址": "详细地址", "学历": "文化程度"}
BY_HEADER = {column.header: column for column in COLUMNS}
BY_HEADER |= {alias: BY_HEADER[header] for alias, header in ALIASES.items()}
HEADERS = [column.header for column in COLUMNS]
MAX_CELL = 200  # longer than any field: a pasted paragraph, not a ledger value
MAX_ROWS = 200_000
