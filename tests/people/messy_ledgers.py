"""Real-style station ledgers, built as bytes, for the intake acceptance tests and the import benchmark (issue 17).

Each builder returns `(content, filename, Expected)`. The files look like the ledgers stations keep — a 采集表 with a
说明 sheet and one sheet per 小组, a merged title, a two-row header, dates typed as 2001.12, ID numbers that Excel
turned into numbers, a hidden column of old phones, a hidden row of someone who died — and `Expected` says what an
importer must make of them: every person's CLEAN values, which rows must be held and why, what is hidden.

Everything is deterministic: a seeded `random.Random`, no clock (the files' own dates are fixed at FILLED_ON and the
zip entries carry a fixed stamp), so one seed always gives the same bytes.

Places are the real region names of 汤山街道 (320115003) that `tests.factories.build_world` loads; the station cast
member who may import each file is named in `Expected.uploader` (village_worker covers 古泉社区 only,
street_worker all of 汤山街道).

ID numbers come from disjoint sequence ranges per builder (see SEQUENCES), and no generated number has a sequence
ending in 00, so a number truncated by Excel (…x00 + check digit 0) can never be another generated person's number,
and files of different builders can be imported into one database without clashing.
"""

import csv
import io
import random
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from xml.sax.saxutils import escape as xml_escape

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from rongjia.core.idnumber import check_digit
from tests.factories import VILLAGE_CODE, valid_id_number

FILLED_ON = date(2022, 6, 30)  # the ledgers' 填报日期; the only "today" the generator knows
_ZIP_STAMP = (2022, 6, 30, 9, 0, 0)
_CORE_STAMP = b"2022-06-30T09:00:00Z"

# 汤山街道's villages and communities as a ledger writes them -> their 12-digit code (region names in the data:
# "古泉社区居委会", "孟塘村委会"; ledgers drop the 居委会/村委会).
VILLAGES = {
    "汤山社区": "320115003001", "青林社区": "320115003002", "作厂社区": "320115003003", "古泉社区": "320115003004",
    "孟墓社区": "320115003009", "鹤龄社区": "320115003010", "高庄社区": "320115003011", "上峰社区": "320115003012",
    "湖山村": "320115003201", "龙尚村": "320115003202", "孟塘村": "320115003204", "路西村": "320115003205",
    "建设村": "320115003206", "宁西村": "320115003209", "阜东村": "320115003210", "阜庄村": "320115003211",
}
OFFICIAL_NAMES = {"古泉社区": "古泉社区居委会", "高庄社区": "高庄社区居委会", "孟塘村": "孟塘村委会"}
HOME_VILLAGE = "古泉社区"  # VILLAGE_CODE, the village_worker's station
assert VILLAGES[HOME_VILLAGE] == VILLAGE_CODE
UNKNOWN_VILLAGE = "东风村"  # no such village or community anywhere in 江宁区 or 雨花台区
OUT_OF_SCOPE_VILLAGE = "高庄社区"  # real, in 汤山街道, but not the village_worker's

# Sequence-number ranges (the 3 digits after the birth date) per builder: no two builders can make the same number.
SEQUENCES = {
    "caijibiao": (100, 300), "huamingce": (300, 400), "problem_rows": (400, 500), "gbk_csv": (500, 550),
    "utf8_csv": (550, 600), "xls": (600, 650), "template_like": (650, 700), "street_summary": (700, 1000),
}
# Where the people were born (the ID's first six digits): mostly here, some from elsewhere.
BIRTH_REGIONS = ["320115"] * 6 + ["320121", "320104", "342501", "410323"]

# Why a row must be held: the keys used in Expected.people[i]["held"].
HOLD_REASONS = {
    "truncated_id": "the ID number was stored as a number by Excel and lost its last digits",
    "sex_mismatch": "the ledger's 性别 disagrees with the ID number",
    "birth_mismatch": "the ledger's 出生年月 disagrees with the ID number",
    "ten_digit_phone": "a mobile number with 10 digits",
    "bad_checksum": "the ID number's check digit is wrong",
    "id_length": "the ID number has 17 characters",
    "legacy_id": "an old 15-digit ID number",
    "id_birth": "the birth date inside the ID number does not exist",
    "no_id": "no ID number",
    "no_name": "no name",
    "category_before_birth": "the category starts before the person was born",
    "unknown_category": "a category that is not in the list (五保户)",
    "two_ids_same": "two rows of the file carry the same ID number (both rows are held)",
    "formula": "a formula (=1+1) where the phone should be; nothing is evaluated",
    "bad_date": "a date that does not exist (2020.13)",
    "unknown_place": "a village that exists nowhere in the uploader's scope (东风村)",
    "out_of_scope_place": "a real village outside the uploader's scope (高庄社区 for the 古泉社区 worker)",
}

# Ledger words -> the clean value normalise.py must reach (codes of people/reference.py, category names of
# people migration 0002).
ETHNICITY = {"汉": "01", "汉族": "01", "回族": "03"}
POLITICAL = {"中共党员": "01", "党员": "01", "群众": "13", "团员": "03"}
EDUCATION = {"高中": "senior", "中专": "senior", "初中": "junior", "小学": "primary", "大专": "college"}
CATEGORY_WORDS = {"烈属": "烈士遗属", "伤残军人": "残疾军人", "退役士兵": "退役士兵",
                  "60周岁以上农村籍": "60周岁以上农村籍退役士兵", "复员军人": "复员军人",
                  "带病回乡退伍军人": "带病回乡退伍军人"}
DISCHARGE = {"自主就业": "self", "复员": "demob", "转业": "transfer", "安排工作": "assigned"}
CHINESE_GRADES = "一二三四五六七八九十"

SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁"
            "任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万钱严武戴孔汤")
MALE_GIVEN = "伟强军勇杰涛明超亮华平刚斌辉鹏志峰磊林海波东宁俊飞鑫浩宇凯健文兵成国庆春生福忠德保荣"
FEMALE_GIVEN = "芳娟敏静丽艳霞燕玲红梅英秀兰萍琴云莉娜慧珍凤"

# Fields a person dict always carries, whatever the file's columns.
META_KEYS = ("sheet", "row", "hidden", "held", "sex", "birth", "status", "id_in_file", "region_code")


@dataclass
class Expected:
    """The truth about one generated file.

    `people`: one dict per person row of the file (hidden rows included, skip rows such as 合计 not), in file order.
    Every dict has META_KEYS:
      sheet (sheet name; "" for CSV), row (1-based Excel row / CSV line), hidden (the row or its sheet is hidden),
      held ("" or a HOLD_REASONS key that must be among the row's hold reasons), sex ("M"/"F") and birth (date) as
      the TRUE ID number says, status ("active" | "deceased"), id_in_file (the number as text the way the file gives
      it: "…000" for an Excel-truncated number, the lowercase x as written), region_code (the 12-digit code the row
      must be placed in; "" when it cannot be placed).
    Besides, one key per field the file has a column for (FIELD KEYS of the design), holding the CLEAN value:
      name (no spaces), id_number (the person's TRUE number, upper-case X), phone, phone_alt, village (as written),
      address_detail, ethnicity / political_status (GB codes), education (code), categories (list of category
      names), category_start / registered_on / enlisted_on / discharged_on (date, day 1 when the ledger gives a
      month), military_unit, discharge_mode (code), disability_grade (int), health, notes.
      A field the file has no column for is absent: the importer must leave it "not given" (no 汉族/群众 default).
      phone_alt comes with phone (a phone cell may hold two numbers). An empty cell gives "" / None / [].
      In a held row the value behind the reason stays as the file has it (phone "1381234567" or "=1+1",
      categories ["五保户"], category_start "2015.13" or a date before birth, village "东风村"), except id_number,
      always the person's true number (the file's version is id_in_file).
    """

    kind: str  # "xlsx" | "xls" | "csv"
    uploader: str  # the tests.factories.CAST member whose scope covers every placeable row
    people: list[dict]
    data_sheets: list[str]  # sheets that hold people, workbook order
    header_rows: dict[str, tuple[int, ...]]  # per data sheet: 1-based header rows (two for a two-row header)
    first_data_row: dict[str, int]  # the row right after the header
    headers: dict[str, list[str]]  # per data sheet: each column's header as shown (two-row headers joined with "/")
    fields: dict[str, dict[int, str]]  # per data sheet: 0-based column -> expected field key ("" = not imported)
    other_sheets: list[str] = field(default_factory=list)  # visible sheets without a header (说明)
    hidden_sheets: list[str] = field(default_factory=list)
    hidden_rows: dict[str, set[int]] = field(default_factory=dict)  # 1-based
    hidden_columns: dict[str, set[int]] = field(default_factory=dict)  # 0-based
    skipped: dict[str, dict[int, str]] = field(default_factory=dict)  # row -> "total" | "footer" | "group_heading"
    encoding: str = ""  # CSV only: what the reader must report ("utf-8" | "gb18030")

    def visible(self) -> list[dict]:
        return [person for person in self.people if not person["hidden"]]

    def importable(self) -> list[dict]:
        """The rows that go in with default options: visible and not held."""
        return [person for person in self.people if not person["hidden"] and not person["held"]]

    def held(self) -> dict[tuple[str, int], str]:
        """(sheet, row) -> reason key, for visible rows."""
        return {(p["sheet"], p["row"]): p["held"] for p in self.people if p["held"] and not p["hidden"]}

    def deceased(self) -> list[dict]:
        return [person for person in self.people if person["status"] == "deceased"]

    def person(self, name: str) -> dict:
        return self.person_with("name", name)

    def person_with(self, key: str, value) -> dict:
        """The one person whose `key` is `value` (fails when there are none or several)."""
        (found,) = [person for person in self.people if person.get(key) == value]
        return found

    def by_id(self) -> dict[str, dict]:
        return {person["id_number"]: person for person in self.people}


# --- people ------------------------------------------------------------------------------------------------------

class _Cast:
    """Draws people for one file: unique names and ID numbers from the builder's sequence range."""

    def __init__(self, rng: random.Random, builder: str, *, unique_names: bool = True):
        self.rng = rng
        self.low, self.high = SEQUENCES[builder]
        self.ids: set[str] = set()
        self.names: set[str] = set()
        self.unique_names = unique_names

    def birth(self, earliest: int = 1945, latest: int = 2000) -> date:
        start = date(earliest, 1, 1)
        return start + timedelta(days=self.rng.randrange((date(latest, 12, 31) - start).days))

    def name(self, female: bool) -> str:
        given = FEMALE_GIVEN if female else MALE_GIVEN
        while True:
            name = self.rng.choice(SURNAMES) + "".join(self.rng.choice(given) for _ in range(self.rng.choice((1, 2))))
            if not self.unique_names or name not in self.names:
                self.names.add(name)
                return name

    def id_number(self, born: date, female: bool, *, region: str | None = None) -> str:
        """A valid, unused number; the sequence's last digit is odd for a man (GB 11643), never …00."""
        region = region or self.rng.choice(BIRTH_REGIONS)
        while True:
            sequence = self.rng.randrange(self.low, self.high)
            if sequence % 100 == 0 or sequence % 2 == (1 if female else 0):
                continue
            number = valid_id_number(born.strftime("%Y%m%d"), region=region, sequence=sequence)
            if number not in self.ids:
                self.ids.add(number)
                return number

    def id_ending_in_x(self, born: date, female: bool) -> str:
        while not (number := self.id_number(born, female)).endswith("X"):
            self.ids.discard(number)
        return number

    def id_whose_truncation_passes(self, female: bool = True) -> str:
        """A valid number whose Excel-truncated form (last three digits -> 000) still passes the checksum, so only
        the truncation rule can catch it. Its truncated form says female, so the person is a woman: the ledger's
        性别 and 出生年月 agree with the truncated number too."""
        leads = sorted({s // 100 for s in range(self.low, self.high)})
        while True:
            born, region, lead = self.birth(), self.rng.choice(BIRTH_REGIONS), self.rng.choice(leads)
            first15 = f"{region}{born:%Y%m%d}{lead}"
            if check_digit(first15 + "00") != "0":
                continue
            for _ in range(50):
                sequence = lead * 100 + self.rng.randrange(1, 100)
                if self.low <= sequence < self.high and sequence % 100 and sequence % 2 == (0 if female else 1):
                    number = valid_id_number(f"{born:%Y%m%d}", region=region, sequence=sequence)
                    if number not in self.ids:
                        self.ids.add(number)
                        return number

    def mobile(self) -> str:
        return self.rng.choice(("13", "15", "18", "17", "19")) + str(self.rng.randrange(10**8, 10**9))

    def landline(self) -> str:
        return f"025-{self.rng.randrange(5271_0000, 5279_9999)}"


def truncated(number: str) -> str:
    """What Excel keeps of an 18-digit number typed into a General cell: 15 significant digits, then zeros."""
    return number[:15] + "000"


def sex_of(number: str) -> str:
    return "M" if int(number[16]) % 2 else "F"


def birth_of(number: str) -> date:
    return date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


def _veteran(cast: _Cast, *, village: str, female: bool | None = None, born: date | None = None) -> tuple[dict, dict]:
    """A served person: (clean values, the ledger's words for the coded fields)."""
    rng = cast.rng
    female = rng.random() < 0.1 if female is None else female
    born = born or cast.birth()
    number = cast.id_number(born, female)
    # enlisted at 18 to 21 (at 19 at the latest for the youngest), discharged 2 to 16 years later, by 2021
    enlisted = date(min(born.year + rng.randint(18, 21), 2019), rng.choice((3, 9, 11, 12)), 1)
    discharge_year = min(enlisted.year + rng.choice((2, 2, 3, 5, 8, 12, 16)), 2021)
    discharged = date(discharge_year, rng.choice((3, 6, 9, 11, 12)), 1)
    if discharged <= enlisted:
        discharged = date(enlisted.year + 2, enlisted.month, 1)
    words = {"ethnicity": rng.choice(("汉",) * 6 + ("汉族",) * 3 + ("回族",)),
             "political_status": rng.choice(("中共党员", "党员", "群众", "群众", "团员")),
             "education": rng.choice(("高中", "中专", "初中", "初中", "小学", "大专")),
             "discharge_mode": rng.choice(tuple(DISCHARGE)),
             "categories": ["退役士兵"]}
    grade = None
    roll = rng.random()
    if born <= date(FILLED_ON.year - 60, FILLED_ON.month, FILLED_ON.day) and roll < 0.5:
        words["categories"] = ["60周岁以上农村籍"]
    elif roll < 0.15:
        words["categories"] = rng.choice((["伤残军人"], ["退役士兵", "伤残军人"]))
        grade = rng.randint(5, 10)
    elif roll < 0.22:
        words["categories"] = ["退役士兵", "烈属"]
    person = {
        "name": cast.name(female), "id_number": number, "id_in_file": number, "sex": "F" if female else "M",
        "birth": born, "phone": cast.mobile(), "phone_alt": "", "village": village,
        "region_code": VILLAGES.get(village, ""), "address_detail": f"汤山街道{village}{rng.randint(1, 12)}组"
                                                                   f"{rng.randint(1, 88)}号",
        "ethnicity": ETHNICITY[words["ethnicity"]], "political_status": POLITICAL[words["political_status"]],
        "education": EDUCATION[words["education"]], "categories": [CATEGORY_WORDS[w] for w in words["categories"]],
        "enlisted_on": enlisted, "discharged_on": discharged,
        "military_unit": f"{rng.randrange(31000, 96999)}部队", "discharge_mode": DISCHARGE[words["discharge_mode"]],
        "disability_grade": grade, "notes": "", "status": "active", "hidden": False, "held": "",
    }
    return person, words


def _kept(person: dict, sheet: str, row: int, fields: dict[int, str]) -> dict:
    """The person as Expected lists them: META_KEYS plus the fields this file has a column for."""
    present = [key for key in fields.values() if key and key not in ("sex", "birth")]
    if "phone" in present:  # a phone cell may hold two numbers: the second is the alternate phone
        present.append("phone_alt")
    kept = {"sheet": sheet, "row": row} | {key: person[key] for key in META_KEYS if key not in ("sheet", "row")}
    return kept | {key: person[key] for key in present}


def _spaced(name: str, rng: random.Random) -> str:
    """A two-character name padded to the width of three, as ledgers align them ("黎　平", "王 芳")."""
    return name[0] + rng.choice(("\u3000", " ")) + name[1] if len(name) == 2 else name


def _grade_text(grade: int, rng: random.Random) -> object:
    return rng.choice((f"{CHINESE_GRADES[grade - 1]}级", f"{grade}级", grade))


# --- cells -------------------------------------------------------------------------------------------------------

def _month_cell(value: date, rng: random.Random, *, styles=("float",) * 6 + ("cn", "cn", "excel", "dash")):
    """A year-month as a ledger types it -> (cell value, number format or None).

    "float" is the number 2001.12 shown with two decimals; October cannot be typed that way without the number
    becoming 2001.1, so it is written as the text "2001.10" instead (as careful workers do)."""
    style = rng.choice(styles)
    if style == "float":
        if value.month == 10:
            return f"{value.year}.10", None
        return float(f"{value.year}.{value.month:02d}"), "0.00"
    if style == "cn":
        return f"{value.year}年{value.month}月", None
    if style == "excel":
        return datetime(value.year, value.month, 1), 'yyyy"年"m"月"'
    return f"{value.year}-{value.month:02d}", None


def _put(sheet, row: int, column: int, value, number_format: str | None = None):
    """Write one cell (column 0-based)."""
    cell = sheet.cell(row=row, column=column + 1, value=value)
    if number_format:
        cell.number_format = number_format
    return cell


def _saved(workbook: Workbook, *, replace: dict[str, bytes] | None = None) -> bytes:
    workbook.properties.creator = "戎家测试"
    workbook.properties.created = datetime(2022, 6, 30, 9, 0, 0)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return _fixed_stamps(buffer.getvalue(), replace or {})


def _fixed_stamps(content: bytes, replace: dict[str, bytes]) -> bytes:
    """The same xlsx with fixed zip timestamps and document dates (openpyxl stamps the clock on save), and the
    entries of `replace` swapped in."""
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = replace.get(info.filename) or source.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rb"\g<1>" + _CORE_STAMP, data)
            entry = zipfile.ZipInfo(info.filename, date_time=_ZIP_STAMP)
            entry.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(entry, data)
    return out.getvalue()


# --- 1. 退役军人信息采集表 ---------------------------------------------------------------------------------------

CAIJIBIAO_TOP = ["序号", "姓名", "性别", "民族", "出生年月", "身份证号码", "政治面貌", "文化程度",
                 "服役情况", None, None, None,
                 "评残等级", "人员类别", "联系\n电话", "联系电话（旧）", "现住址", "所在社区/村", "备注"]
CAIJIBIAO_SUB = {8: "入伍时间", 9: "退役时间", 10: "部队番号", 11: "退役方式"}
CAIJIBIAO_FIELDS = {0: "", 1: "name", 2: "sex", 3: "ethnicity", 4: "birth", 5: "id_number", 6: "political_status",
                    7: "education", 8: "enlisted_on", 9: "discharged_on", 10: "military_unit", 11: "discharge_mode",
                    12: "disability_grade", 13: "categories", 14: "phone", 15: "", 16: "address_detail",
                    17: "village", 18: "notes"}
OLD_PHONE_COLUMN = 15
CAIJIBIAO_SHOWN = [("服役情况/" + CAIJIBIAO_SUB[i]) if i in CAIJIBIAO_SUB else text.replace("\n", "")
                   for i, text in enumerate(CAIJIBIAO_TOP)]
# Fixed places of the special rows: (sheet position, index of the person within the sheet) -> what is special.
CAIJIBIAO_SPECIAL = {
    (0, 0): "spaced_fullwidth", (0, 1): "spaced_ascii", (0, 3): "truncated_passing", (0, 6): "two_phones",
    (0, 9): "ten_digit_phone", (0, 12): "deceased_hidden", (0, 15): "discharged_2024_10", (0, 18): "truncated",
    (1, 2): "sex_mismatch", (1, 7): "truncated", (1, 11): "official_village_name",
}


def caijibiao(n_per_group: int = 28, seed: int = 1):
    """古泉社区退役军人信息采集表: a 说明 sheet, then sheets 一组 and 二组 (n_per_group people each, 56 by default),
    then a hidden 字典 sheet of drop-down lists. For the village_worker (古泉社区)."""
    if n_per_group < 20:
        raise ValueError("the special rows need at least 20 people per group")
    rng = random.Random(seed)
    cast = _Cast(rng, "caijibiao")
    workbook = Workbook()
    notes = workbook.active
    notes.title = "说明"
    for line in ("填表说明", "1. 本表由各村（社区）退役军人服务站填报，每个小组一张工作表。",
                 "2. 身份证号码一律填写18位，请先将单元格设置为文本格式。",
                 "3. 出生年月、入伍时间、退役时间按“2001.12”格式填写。", "4. 人员类别可填多项，用顿号分隔。",
                 "5. “联系电话（旧）”列为历史号码，仅供核对，已隐藏。"):
        notes.append([line])
    notes.column_dimensions["A"].width = 60

    expected = Expected(kind="xlsx", uploader="village_worker", people=[], data_sheets=["一组", "二组"],
                        header_rows={}, first_data_row={}, headers={}, fields={}, other_sheets=["说明"],
                        hidden_sheets=["字典"])
    for position, title in enumerate(expected.data_sheets):
        sheet = workbook.create_sheet(title)
        _caijibiao_sheet(sheet, position, n_per_group, cast, expected)

    lists = workbook.create_sheet("字典")  # where the drop-down lists of a real 采集表 live
    lists.sheet_state = "hidden"
    lists.append(["民族", "政治面貌", "文化程度", "人员类别"])
    for row in zip(("汉族", "回族", "满族", "壮族"), ("中共党员", "团员", "群众", "民主党派"),
                   ("小学", "初中", "高中", "大专"), ("退役士兵", "伤残军人", "烈属", "60周岁以上农村籍"), strict=True):
        lists.append(list(row))
    return _saved(workbook), "古泉社区退役军人信息采集表.xlsx", expected


def _caijibiao_sheet(sheet, position: int, count: int, cast: _Cast, expected: Expected) -> None:
    rng, title, last = cast.rng, sheet.title, len(CAIJIBIAO_TOP) - 1
    sheet.append([f"{HOME_VILLAGE}退役军人信息采集表"])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=last + 1)
    sheet["A1"].font, sheet["A1"].alignment = Font(size=16, bold=True), Alignment(horizontal="center")
    sheet.append([f"填报单位：{HOME_VILLAGE}　　　填报日期：{FILLED_ON.year}年{FILLED_ON.month}月"])
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=last + 1)
    for column, text in enumerate(CAIJIBIAO_TOP):
        if text is not None:
            _put(sheet, 3, column, text).alignment = Alignment(wrap_text=True, horizontal="center")
        if column in CAIJIBIAO_SUB:
            _put(sheet, 4, column, CAIJIBIAO_SUB[column])
        elif text is not None:
            sheet.merge_cells(start_row=3, start_column=column + 1, end_row=4, end_column=column + 1)
    sheet.merge_cells(start_row=3, start_column=9, end_row=3, end_column=12)  # 服役情况 over its four columns
    sheet.column_dimensions[get_column_letter(OLD_PHONE_COLUMN + 1)].hidden = True
    for column, width in ((1, 9), (5, 21), (13, 16), (14, 15), (16, 28)):
        sheet.column_dimensions[get_column_letter(column + 1)].width = width
    sheet.freeze_panes = "C5"

    row, skipped, hidden_rows = 5, {}, set()
    if position == 1:  # the 二组 sheet opens with its group's heading, merged across
        _put(sheet, row, 0, "第二小组")
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=last + 1)
        skipped[row] = "group_heading"
        row += 1
    for index in range(count):
        special = CAIJIBIAO_SPECIAL.get((position, index), "")
        person, words = _caijibiao_person(cast, special)
        if special == "deceased_hidden":
            sheet.row_dimensions[row].hidden = True
            hidden_rows.add(row)
        _caijibiao_row(sheet, row, index + 1, person, words, special, rng)
        expected.people.append(_kept(person, title, row, CAIJIBIAO_FIELDS))
        row += 1
    _put(sheet, row, 0, "合计")
    _put(sheet, row, 1, f"{count}人")
    skipped[row] = "total"
    row += 2  # a blank row, then who filled it in
    _put(sheet, row, 0, "填表人：张建国")
    _put(sheet, row, 5, "审核人：李红")
    _put(sheet, row, 13, "联系电话：025-52710000")
    skipped[row] = "footer"

    expected.header_rows[title] = (3, 4)
    expected.first_data_row[title] = 5
    expected.headers[title] = list(CAIJIBIAO_SHOWN)
    expected.fields[title] = dict(CAIJIBIAO_FIELDS)
    expected.hidden_rows[title] = hidden_rows
    expected.hidden_columns[title] = {OLD_PHONE_COLUMN}
    expected.skipped[title] = skipped


def _caijibiao_person(cast: _Cast, special: str) -> tuple[dict, dict]:
    rng = cast.rng
    if special in ("spaced_fullwidth", "spaced_ascii"):
        name, female = ("黎平", False) if special == "spaced_fullwidth" else ("王芳", True)
        person, words = _veteran(cast, village=HOME_VILLAGE, female=female)
        cast.names.discard(person["name"])
        cast.names.add(name)
        person["name"] = name
    elif special == "truncated_passing":
        number = cast.id_whose_truncation_passes()
        person, words = _veteran(cast, village=HOME_VILLAGE, female=True, born=birth_of(number))
        cast.ids.discard(person["id_number"])
        person["id_number"] = number
    elif special == "discharged_2024_10":  # young enough to have served 2019-2024
        person, words = _veteran(cast, village=HOME_VILLAGE, female=False, born=cast.birth(1998, 2000))
        person |= {"enlisted_on": date(2019, 9, 1), "discharged_on": date(2024, 10, 1)}
    else:
        person, words = _veteran(cast, village=HOME_VILLAGE)
    if special.startswith("truncated"):
        person |= {"id_in_file": truncated(person["id_number"]), "held": "truncated_id"}
    elif special == "two_phones":
        person |= {"phone": "13812345678", "phone_alt": "0931-8123456"}
    elif special == "ten_digit_phone":
        person |= {"phone": person["phone"][:10], "held": "ten_digit_phone"}
    elif special == "deceased_hidden":
        person |= {"status": "deceased", "notes": "已故", "hidden": True}
    elif special == "sex_mismatch":
        person["held"] = "sex_mismatch"
    elif special == "official_village_name":
        person["village"] = OFFICIAL_NAMES[HOME_VILLAGE]
    if special not in ("two_phones",) and rng.random() < 0.15:
        person["notes"] = person["notes"] or rng.choice(("低保户", "独居", "子女在外地", "已迁居城区"))
    return person, words


def _caijibiao_row(sheet, row: int, serial: int, person: dict, words: dict, special: str, rng) -> None:
    name = person["name"]
    if special in ("spaced_fullwidth", "spaced_ascii"):
        name = name[0] + ("\u3000" if special == "spaced_fullwidth" else " ") + name[1]
    elif rng.random() < 0.5:
        name = _spaced(name, rng)
    ledger_sex = {"M": "男", "F": "女"}[person["sex"]]
    if special == "sex_mismatch":
        ledger_sex = "女" if ledger_sex == "男" else "男"
    _put(sheet, row, 0, serial)
    _put(sheet, row, 1, name)
    _put(sheet, row, 2, ledger_sex)
    _put(sheet, row, 3, words["ethnicity"])
    _put(sheet, row, 4, *_month_cell(person["birth"], rng))
    if special.startswith("truncated"):
        _put(sheet, row, 5, float(person["id_in_file"]))  # the XML holds 3.20115198001011e+17, as Excel's does
    else:
        _put(sheet, row, 5, person["id_number"], "@")
    _put(sheet, row, 6, words["political_status"])
    _put(sheet, row, 7, words["education"])
    _put(sheet, row, 8, *_month_cell(person["enlisted_on"], rng))
    if special == "discharged_2024_10":
        _put(sheet, row, 9, "2024.10", "@")
    else:
        _put(sheet, row, 9, *_month_cell(person["discharged_on"], rng))
    _put(sheet, row, 10, person["military_unit"])
    _put(sheet, row, 11, words["discharge_mode"])
    if person["disability_grade"]:
        _put(sheet, row, 12, _grade_text(person["disability_grade"], rng))
    _put(sheet, row, 13, "、".join(words["categories"]))
    phone = "13812345678/0931-8123456" if special == "two_phones" else person["phone"]
    _put(sheet, row, 14, phone, "@")
    if rng.random() < 0.45 or serial % 3 == 0:  # older numbers of many: never the person's current one
        old = f"13{rng.randrange(10**8, 10**9)}"
        _put(sheet, row, OLD_PHONE_COLUMN, old if old != person["phone"] else "13000000000", "@")
    _put(sheet, row, 16, person["address_detail"])
    _put(sheet, row, 17, person["village"])
    if person["notes"]:
        _put(sheet, row, 18, person["notes"])


# --- 2. 优抚对象花名册 -------------------------------------------------------------------------------------------

HUAMINGCE_HEADERS = ["公民身份号码", "姓名", "手机", "户籍地", "优抚类别", "参军时间", "备注"]
HUAMINGCE_FIELDS = {0: "id_number", 1: "name", 2: "phone", 3: "address_detail", 4: "categories", 5: "enlisted_on",
                    6: "notes"}
HUAMINGCE_VILLAGES = ("古泉社区", "高庄社区", "孟塘村", "湖山村", "上峰社区", "龙尚村")
_FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def huamingce(n: int = 40, seed: int = 2):
    """汤山街道优抚对象花名册: other column names and order, no village column (the place is in 户籍地), the
    header on row 3 under a merged title. For the street_worker (汤山街道)."""
    rng = random.Random(seed)
    cast = _Cast(rng, "huamingce")
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "花名册"
    width = len(HUAMINGCE_HEADERS)
    sheet.append(["汤山街道优抚对象花名册"])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    sheet["A1"].font, sheet["A1"].alignment = Font(size=16, bold=True), Alignment(horizontal="center")
    _put(sheet, 2, 0, "填报单位：汤山街道退役军人服务站（盖章）")
    sheet.merge_cells("A2:D2")
    _put(sheet, 2, 4, f"截止日期：{FILLED_ON.year}年{FILLED_ON.month}月{FILLED_ON.day}日")
    sheet.merge_cells("E2:G2")
    for column, text in enumerate(HUAMINGCE_HEADERS):
        _put(sheet, 3, column, text).font = Font(bold=True)
    sheet.column_dimensions["A"].width, sheet.column_dimensions["D"].width = 22, 30

    people = []
    for index in range(n):
        row = 4 + index
        village = HUAMINGCE_VILLAGES[index % len(HUAMINGCE_VILLAGES)]
        kind = ("烈属", "伤残军人", "带病回乡退伍军人", "复员军人", "60周岁以上农村籍", "伤残军人、复员军人")[index % 6]
        widow = kind == "烈属"
        born = cast.birth(1935, 1961) if kind != "伤残军人" else cast.birth(1950, 1998)
        person, _words = _veteran(cast, village=village, female=widow, born=born)
        person["categories"] = [CATEGORY_WORDS[word] for word in kind.split("、")]
        person["enlisted_on"] = None if widow else person["enlisted_on"]
        if index == 5:  # an X check digit typed in lower case
            cast.ids.discard(person["id_number"])
            number = cast.id_ending_in_x(born, widow)
            person |= {"id_number": number, "id_in_file": number[:-1] + "x"}
        address = rng.choice((f"江宁区汤山街道{village}{rng.randint(1, 9)}组", f"汤山街道{village}",
                              f"{village}{rng.randint(1, 120)}号", f"南京市江宁区汤山街道{village}"))
        if index == 7:
            address = f"{OFFICIAL_NAMES[village]}{rng.randint(1, 9)}组" if village in OFFICIAL_NAMES else address
        person |= {"address_detail": address, "notes": rng.choice(("", "", "", "独居", "低保", "孤老"))}
        phone = person["phone"]
        if index == 3:
            phone = f"{phone[:3]} {phone[3:7]} {phone[7:]}"
        elif index == 9:
            phone = phone.translate(_FULLWIDTH)
        name = person["name"] + (" " if index % 11 == 4 else "")
        _put(sheet, row, 0, person["id_in_file"], "@")
        _put(sheet, row, 1, name)
        _put(sheet, row, 2, phone, "@")
        _put(sheet, row, 3, address)
        _put(sheet, row, 4, kind)
        if person["enlisted_on"]:
            month = person["enlisted_on"]
            value, number_format = rng.choice((
                (f"{month.year}.{month.month:02d}", None), _month_cell(month, rng, styles=("float",)),
                (f"{month.year}年{month.month}月", None), (f"{month:%Y%m%d}", "@")))
            _put(sheet, row, 5, value, number_format)
        if person["notes"]:
            _put(sheet, row, 6, person["notes"])
        people.append(_kept(person, sheet.title, row, HUAMINGCE_FIELDS))
    footer = 4 + n + 1
    _put(sheet, footer, 0, "制表人：王敏")
    _put(sheet, footer, 3, "审核：李强")
    expected = Expected(kind="xlsx", uploader="street_worker", people=people, data_sheets=["花名册"],
                        header_rows={"花名册": (3,)}, first_data_row={"花名册": 4},
                        headers={"花名册": list(HUAMINGCE_HEADERS)}, fields={"花名册": dict(HUAMINGCE_FIELDS)},
                        hidden_rows={"花名册": set()}, hidden_columns={"花名册": set()},
                        skipped={"花名册": {footer: "footer"}})
    return _saved(workbook), "汤山街道优抚对象花名册.xlsx", expected


# --- 3. a file of problem rows -----------------------------------------------------------------------------------

PROBLEM_HEADERS = ["姓名", "身份证号", "性别", "出生年月", "联系电话", "所在社区/村", "人员类别", "类别起始日期",
                   "人员状态", "备注"]
PROBLEM_FIELDS = {0: "name", 1: "id_number", 2: "sex", 3: "birth", 4: "phone", 5: "village", 6: "categories",
                  7: "category_start", 8: "status", 9: "notes"}
# One problem per bad row (two rows share an ID number); None marks a good row and "deceased"/"two_phones"/
# "spaced_phone" good rows with something to clean.
PROBLEM_ROWS = (
    "truncated_id:passing", "truncated_id:number", "truncated_id:scientific_text", "sex_mismatch", "birth_mismatch",
    "ten_digit_phone", "bad_checksum", "id_length", "legacy_id", "id_birth", "category_before_birth",
    "unknown_category", "two_ids_same:first", "two_ids_same:second", "formula", "no_name", "bad_date",
    "unknown_place", "out_of_scope_place", "no_id",
    "good", "good", "good", "good", "good", "good", "good:deceased", "good:two_phones", "good:spaced_phone",
    "good:lower_x",
)


def problem_rows(seed: int = 3):
    """A one-row-header sheet for the village_worker: 20 bad rows, each with one problem (HOLD_REASONS), and 10
    good ones, shuffled."""
    rng = random.Random(seed)
    cast = _Cast(rng, "problem_rows")
    order = list(PROBLEM_ROWS)
    rng.shuffle(order)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "人员"
    sheet.append(PROBLEM_HEADERS)
    shared_number = ""
    people = []
    for offset, case in enumerate(order):
        row = 2 + offset
        person, cells, shared_number = _problem_case(cast, case, shared_number)
        for column, value in enumerate(cells):
            if isinstance(value, tuple):
                _put(sheet, row, column, *value)
            elif value not in (None, ""):
                _put(sheet, row, column, value)
        people.append(_kept(person, sheet.title, row, PROBLEM_FIELDS))
    expected = Expected(kind="xlsx", uploader="village_worker", people=people, data_sheets=["人员"],
                        header_rows={"人员": (1,)}, first_data_row={"人员": 2},
                        headers={"人员": list(PROBLEM_HEADERS)}, fields={"人员": dict(PROBLEM_FIELDS)},
                        hidden_rows={"人员": set()}, hidden_columns={"人员": set()}, skipped={"人员": {}})
    return _saved(workbook), "问题行.xlsx", expected


def _problem_case(cast: _Cast, case: str, shared_number: str) -> tuple[dict, list, str]:
    """(the person, the row's cells in PROBLEM_HEADERS order, the number two rows share)."""
    rng = cast.rng
    reason, _, variant = case.partition(":")
    # the plain truncated number is a man's: truncated, it reads as a woman's (the "wrong sex")
    female = variant == "passing" or (variant != "number" and rng.random() < 0.2)
    passing = cast.id_whose_truncation_passes() if variant == "passing" else ""
    person, _words = _veteran(cast, village=HOME_VILLAGE, female=female, born=birth_of(passing) if passing else None)
    if passing:
        cast.ids.discard(person["id_number"])
        person["id_number"] = person["id_in_file"] = passing
    start = date(max(person["birth"].year + 20, 2015), rng.choice((1, 3, 7)), 1)
    person |= {"category_start": start, "notes": "", "held": "" if reason == "good" else reason}
    number, born = person["id_number"], person["birth"]
    id_cell: object = (number, "@")
    sex_cell = "男" if person["sex"] == "M" else "女"
    birth_cell: object = f"{born.year}.{born.month:02d}"
    phone_cell: object = (person["phone"], "@")
    village_cell, category_cell, start_cell = HOME_VILLAGE, "、".join(person["categories"]), f"{start:%Y-%m-%d}"
    status_cell, name_cell = "在册", person["name"]

    if reason == "truncated_id":
        person["id_in_file"] = truncated(number)
        if variant == "scientific_text":  # a number pasted back as the text Excel showed
            person["id_in_file"] = f"{float(truncated(number)):.14E}"  # 3.20115198001011E+17
            id_cell = (person["id_in_file"], "@")
        else:
            id_cell = float(truncated(number))
    elif reason == "sex_mismatch":
        sex_cell = "女" if sex_cell == "男" else "男"
    elif reason == "birth_mismatch":
        birth_cell = f"{born.year - 1}.{born.month:02d}"
    elif reason == "ten_digit_phone":
        person["phone"] = person["phone"][:10]
        phone_cell = (person["phone"], "@")
    elif reason == "bad_checksum":
        wrong = "0123456789X"[("0123456789X".index(number[17]) + 1) % 11]
        person["id_in_file"] = number[:17] + wrong
        id_cell = (person["id_in_file"], "@")
    elif reason == "id_length":
        person["id_in_file"] = number[:17]
        id_cell = (person["id_in_file"], "@")
    elif reason == "legacy_id":
        person["id_in_file"] = number[:6] + number[8:17]  # the first-generation form: 2-digit year, no check digit
        id_cell = (person["id_in_file"], "@")
    elif reason == "id_birth":
        first17 = number[:6] + f"{born.year}0230" + number[14:17]
        person["id_in_file"] = first17 + check_digit(first17)
        id_cell = (person["id_in_file"], "@")
    elif reason == "category_before_birth":
        person["category_start"] = date(born.year - 3, 5, 1)
        start_cell = f"{person['category_start']:%Y-%m-%d}"
    elif reason == "unknown_category":
        person["categories"] = ["五保户"]
        category_cell = "五保户"
    elif reason == "two_ids_same":  # whichever of the two rows comes first in the file is copied by the other
        if not shared_number:
            shared_number = number
        else:
            person["id_in_file"] = shared_number  # someone else's number typed again: a copy slip
            id_cell = (shared_number, "@")
    elif reason == "formula":
        person["phone"] = phone_cell = "=1+1"
    elif reason == "no_name":
        person["name"], name_cell = "", None
    elif reason == "bad_date":
        person["category_start"] = start_cell = f"{start.year}.13"
    elif reason == "unknown_place":
        person |= {"village": UNKNOWN_VILLAGE, "region_code": ""}
        village_cell = UNKNOWN_VILLAGE
    elif reason == "out_of_scope_place":
        person |= {"village": OUT_OF_SCOPE_VILLAGE, "region_code": ""}
        village_cell = OUT_OF_SCOPE_VILLAGE
    elif reason == "no_id":
        person["id_in_file"] = ""
        id_cell = None
    elif variant == "deceased":
        person |= {"status": "deceased", "notes": "2021年3月病故"}
        status_cell = "已故"
    elif variant == "two_phones":
        person["phone_alt"] = cast.landline()
        phone_cell = (f"{person['phone']}、{person['phone_alt']}", "@")
    elif variant == "spaced_phone":
        phone = person["phone"]
        phone_cell = (f"{phone[:3]} {phone[3:7]} {phone[7:]}", "@")
    elif variant == "lower_x":
        cast.ids.discard(number)
        number = cast.id_ending_in_x(born, person["sex"] == "F")
        person |= {"id_number": number, "id_in_file": number[:-1] + "x"}
        id_cell = (person["id_in_file"], "@")
    cells = [name_cell, id_cell, sex_cell, birth_cell, phone_cell, village_cell, category_cell, start_cell,
             status_cell, person["notes"]]
    return person, cells, shared_number


# --- 4. .xls and .csv ---------------------------------------------------------------------------------------------

FLAT_HEADERS = ["序号", "姓名", "身份证号码", "性别", "联系电话", "所在社区/村", "人员类别", "入伍时间", "退役时间",
                "备注"]
FLAT_FIELDS = {0: "", 1: "name", 2: "id_number", 3: "sex", 4: "phone", 5: "village", 6: "categories",
               7: "enlisted_on", 8: "discharged_on", 9: "notes"}
FLAT_VILLAGES = ("古泉社区", "高庄社区", "汤山社区", "孟塘村", "湖山村", "阜庄村")


def _flat_people(n: int, seed: int, builder: str, *, sheet: str, first_row: int, truncated_at: int | None):
    """People for the one-sheet .csv/.xls lists: (Expected people, rows of cells as text or numbers)."""
    rng = random.Random(seed)
    cast = _Cast(rng, builder)
    people, rows = [], []
    for index in range(n):
        village = FLAT_VILLAGES[index % len(FLAT_VILLAGES)]
        person, words = _veteran(cast, village=village)
        id_text = person["id_number"]
        if index == truncated_at:  # Excel's CSV export writes a number cell as it showed it
            id_text = f"{float(person['id_number']):.5E}"
            person |= {"id_in_file": id_text, "held": "truncated_id"}
        name = _spaced(person["name"], rng) if rng.random() < 0.4 else person["name"]
        dates = [f"{d.year}.{d.month:02d}" if rng.random() < 0.6 else f"{d.year}年{d.month}月"
                 for d in (person["enlisted_on"], person["discharged_on"])]
        rows.append([str(index + 1), name, id_text, "男" if person["sex"] == "M" else "女", person["phone"], village,
                     "、".join(words["categories"]), *dates, person["notes"]])
        people.append(_kept(person, sheet, first_row + index, FLAT_FIELDS))
    return people, rows


def _flat_expected(kind: str, uploader: str, people: list[dict], sheet: str, header_row: int, **extra) -> Expected:
    return Expected(kind=kind, uploader=uploader, people=people, data_sheets=[sheet],
                    header_rows={sheet: (header_row,)}, first_data_row={sheet: header_row + 1},
                    headers={sheet: list(FLAT_HEADERS)}, fields={sheet: dict(FLAT_FIELDS)},
                    hidden_rows={sheet: set()}, hidden_columns={sheet: set()}, skipped={sheet: {}}, **extra)


def _csv_bytes(rows: list[list[str]], encoding: str) -> bytes:
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")  # as Excel saves a CSV
    writer.writerow(FLAT_HEADERS)
    writer.writerows(rows)
    return text.getvalue().encode(encoding)


def gbk_csv(n: int = 30, seed: int = 4):
    """A GBK CSV as Excel saves one on a Chinese Windows, one ID number in it already truncated to "3.20115E+17".
    For the street_worker. The sheet name of a CSV is ""."""
    people, rows = _flat_people(n, seed, "gbk_csv", sheet="", first_row=2, truncated_at=min(4, n - 1))
    return (_csv_bytes(rows, "gbk"), "汤山街道退役军人名单.csv",
            _flat_expected("csv", "street_worker", people, "", 1, encoding="gb18030"))


def utf8_csv(n: int = 30, seed: int = 7):
    """A UTF-8 CSV with a BOM, every row good. For the street_worker."""
    people, rows = _flat_people(n, seed, "utf8_csv", sheet="", first_row=2, truncated_at=None)
    return (_csv_bytes(rows, "utf-8-sig"), "退役军人名单（UTF-8）.csv",
            _flat_expected("csv", "street_worker", people, "", 1, encoding="utf-8"))


def xls_file(n: int = 30, seed: int = 8):
    """An Excel 97-2003 .xls (written with xlwt): a merged title, the header on row 2, dates as numbers 2001.12,
    one ID number stored as a number. For the street_worker. Raises ImportError when xlwt is not installed."""
    import xlwt

    people, rows = _flat_people(n, seed, "xls", sheet="名单", first_row=3, truncated_at=None)
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("名单")
    sheet.write_merge(0, 0, 0, len(FLAT_HEADERS) - 1, "汤山街道退役军人名单")
    text_style, month_style = xlwt.easyxf(num_format_str="@"), xlwt.easyxf(num_format_str="0.00")
    for column, header in enumerate(FLAT_HEADERS):
        sheet.write(1, column, header)
    for index, (cells, person) in enumerate(zip(rows, people, strict=True)):
        for column, value in enumerate(cells):
            if column == 0:
                sheet.write(2 + index, column, int(value))
            elif column == 2 and index == 6:
                person |= {"id_in_file": truncated(person["id_number"]), "held": "truncated_id"}
                sheet.write(2 + index, column, float(person["id_in_file"]))
            elif column in (7, 8) and re.fullmatch(r"\d{4}\.(0[1-9]|1[12])", value):
                sheet.write(2 + index, column, float(value), month_style)
            else:
                sheet.write(2 + index, column, value, text_style)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue(), "汤山街道退役军人名单.xls", _flat_expected("xls", "street_worker", people, "名单", 2)


def xls_or_csv(kind: str, n: int = 30):
    """One of the non-xlsx ledgers by kind: "xls", "gbk_csv" or "utf8_csv"."""
    return {"xls": xls_file, "gbk_csv": gbk_csv, "utf8_csv": utf8_csv}[kind](n)


# --- 5. a 20,000-row street summary ------------------------------------------------------------------------------

SUMMARY_HEADERS = ["序号", "姓名", "性别", "身份证号", "联系电话", "所在社区/村", "现住址", "人员类别", "入伍时间",
                   "退役时间"]
SUMMARY_FIELDS = {0: "", 1: "name", 2: "sex", 3: "id_number", 4: "phone", 5: "village", 6: "address_detail",
                  7: "categories", 8: "enlisted_on", 9: "discharged_on"}


def street_summary(n: int = 20_000, seed: int = 5):
    """汤山街道退役军人汇总: one large sheet, a one-row header, n good rows over all 16 villages of 汤山街道, IDs as
    text, dates as the text 2001.12. For the street_worker.

    openpyxl (without lxml) needs about 5 s to serialise 200,000 cells, so openpyxl writes the workbook around a
    header-only sheet and the sheet's XML is then written here directly: plain rows of numbers and inline strings,
    as valid as openpyxl's own."""
    rng = random.Random(seed)
    cast = _Cast(rng, "street_summary", unique_names=False)
    villages = list(VILLAGES)
    workbook = Workbook()
    workbook.active.title = "汇总"
    workbook.active.append(SUMMARY_HEADERS)
    rows: list[list[object]] = [SUMMARY_HEADERS]
    people = []
    for index in range(n):
        village = villages[index % len(villages)]
        person, words = _veteran(cast, village=village)
        enlisted, discharged = person["enlisted_on"], person["discharged_on"]
        rows.append([index + 1, person["name"], "男" if person["sex"] == "M" else "女", person["id_number"],
                     person["phone"], village, person["address_detail"], "、".join(words["categories"]),
                     f"{enlisted.year}.{enlisted.month:02d}", f"{discharged.year}.{discharged.month:02d}"])
        people.append(_kept(person, "汇总", 2 + index, SUMMARY_FIELDS))
    expected = Expected(kind="xlsx", uploader="street_worker", people=people, data_sheets=["汇总"],
                        header_rows={"汇总": (1,)}, first_data_row={"汇总": 2}, headers={"汇总": list(SUMMARY_HEADERS)},
                        fields={"汇总": dict(SUMMARY_FIELDS)}, hidden_rows={"汇总": set()},
                        hidden_columns={"汇总": set()}, skipped={"汇总": {}})
    content = _saved(workbook, replace={"xl/worksheets/sheet1.xml": _sheet_xml(rows)})
    return content, "汤山街道退役军人汇总.xlsx", expected


def _sheet_xml(rows: list[list[object]]) -> bytes:
    """A worksheet part holding `rows` (numbers as numbers, everything else as inline strings)."""
    letters = [get_column_letter(index + 1) for index in range(max(len(row) for row in rows))]
    parts = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
             '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
             f'<dimension ref="A1:{letters[-1]}{len(rows)}"/><sheetData>']
    for number, row in enumerate(rows, start=1):
        parts.append(f'<row r="{number}">')
        for letter, value in zip(letters, row, strict=False):
            if isinstance(value, int | float):
                parts.append(f'<c r="{letter}{number}"><v>{value}</v></c>')
            elif value not in (None, ""):
                parts.append(f'<c r="{letter}{number}" t="inlineStr"><is><t>{xml_escape(str(value))}</t></is></c>')
        parts.append("</row>")
    parts.append("</sheetData></worksheet>")
    return "".join(parts).encode()


# --- our own template, filled in ------------------------------------------------------------------------------------

def template_like(n: int = 20, seed: int = 6):
    """A ledger in our own template's columns (importing/columns.py COLUMNS), values written the way export_people
    writes them (names of the codes, dates as dates), with the template's hidden 代码表 sheet. For the
    village_worker."""
    from rongjia.people.importing.columns import COLUMNS

    rng = random.Random(seed)
    cast = _Cast(rng, "template_like")
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "人员信息"
    sheet.append([column.header for column in COLUMNS])
    names = {"ethnicity": {"01": "汉族", "03": "回族"}, "political_status": {"01": "中国共产党党员", "13": "群众",
                                                                         "03": "中国共产主义青年团团员"},
             "education": {"senior": "高中/中专", "junior": "初中", "primary": "小学", "college": "大专"}}
    fields = {index: column.key for index, column in enumerate(COLUMNS)}
    people = []
    for index in range(n):
        person, _words = _veteran(cast, village=HOME_VILLAGE)
        start = date(max(person["birth"].year + 20, 2018), rng.choice((1, 4, 7)), 1)
        person |= {"region_code": VILLAGE_CODE, "address_detail": f"{rng.randint(1, 12)}组{rng.randint(1, 88)}号",
                   "health": rng.choice(("良好", "一般", "较差")), "category_start": start,
                   "registered_on": FILLED_ON}
        values = {"name": person["name"], "id_number": person["id_number"], "phone": person["phone"],
                  "region_code": VILLAGE_CODE, "address_detail": person["address_detail"],
                  "ethnicity": names["ethnicity"][person["ethnicity"]],
                  "political_status": names["political_status"][person["political_status"]],
                  "education": names["education"][person["education"]], "health": person["health"],
                  "categories": "、".join(person["categories"]), "category_start": start,
                  "registered_on": FILLED_ON}
        for column, key in fields.items():
            number_format = "@" if key in ("id_number", "phone", "region_code") else (
                "yyyy-mm-dd" if key in ("category_start", "registered_on") else None)
            _put(sheet, 2 + index, column, values.get(key), number_format)
        people.append(_kept(person, sheet.title, 2 + index, fields))
    lists = workbook.create_sheet("代码表")
    lists.sheet_state = "hidden"
    for row in zip(("汉族", "回族"), ("群众", "中国共产党党员"), ("初中", "高中/中专"), strict=True):
        lists.append(list(row))
    expected = Expected(kind="xlsx", uploader="village_worker", people=people, data_sheets=["人员信息"],
                        header_rows={"人员信息": (1,)}, first_data_row={"人员信息": 2},
                        headers={"人员信息": [column.header for column in COLUMNS]}, fields={"人员信息": fields},
                        hidden_sheets=["代码表"], hidden_rows={"人员信息": set()},
                        hidden_columns={"人员信息": set()}, skipped={"人员信息": {}})
    return _saved(workbook), "人员信息导入模板.xlsx", expected


BUILDERS = {"caijibiao": caijibiao, "huamingce": huamingce, "problem_rows": problem_rows, "gbk_csv": gbk_csv,
            "utf8_csv": utf8_csv, "xls": xls_file, "template_like": template_like, "street_summary": street_summary}
