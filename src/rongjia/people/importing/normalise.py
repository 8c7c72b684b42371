"""Cleaning one ledger row: every value as the person services take it, every rewrite shown, every doubt held.

A station's ledger is typed by hand over years: full-width digits, alignment spaces inside names, 汉 for 汉族,
dates as 2001.12, two phones in one cell. Each field's cleaner turns what it can read into the value the
services store and records the rewrite as a Change ("was → now"), so the uploader sees every one and accepts
them as a set; what it cannot read with certainty becomes a Hold that says what IS accepted. Nothing is
guessed: a number cell that may be 2024.1 or 2024.10 is held, not read as either.

`RowCleaner.clean` returns values only for the fields the ledger has (the keys of `raw`): a field the
ledger does not have is absent, never "" or a default, so an update never blanks what is on file and the
lead decides what a new person gets (no 民族 column does not mean 汉族). A field that is held is absent too.
"""

import re
import unicodedata
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from rongjia.core.validators import validate_phone

from ..models import Person
from ..reference import (
    BRANCH_CHOICES,
    DISABILITY_CAUSE_CHOICES,
    DISCHARGE_CHOICES,
    EDUCATION_CHOICES,
    ETHNIC_CHOICES,
    POLITICAL_CHOICES,
    RELATIONSHIP_CHOICES,
)

# --- what a cleaner returns ----------------------------------------------------------------------------------


@dataclass
class Change:
    """One value rewritten by normalisation ("汉" → "汉族"), shown to the uploader before anything is written.

    For ID numbers and phones `was`/`now` describe the rewrite ("two numbers in one cell" → "the second moved
    to the alternate phone") instead of quoting the number: the changes are kept unencrypted on the import
    job, and described rewrites group into a few lines where 20,000 distinct numbers would not.
    """

    field: str
    was: str
    now: str


@dataclass
class Hold:
    """Why a row waits for a person (translated; never quotes an ID number or a phone)."""

    field: str
    reason: str


@dataclass
class CleanRow:
    values: dict[str, object] = field(default_factory=dict)
    changes: list[Change] = field(default_factory=list)
    holds: list[Hold] = field(default_factory=list)


class Refusal(Exception):
    """A value a field cannot take; str(refusal) is the user's message, already translated."""


FIELD_KEYS = frozenset((
    "name", "id_number", "sex", "birth", "phone", "phone_alt", "village", "region_code", "address_detail",
    "ethnicity", "political_status", "education", "health", "categories", "category_start", "registered_on",
    "status", "enlisted_on", "discharged_on", "military_unit", "branch", "rank", "discharge_mode",
    "disability_grade", "disability_cause", "awards", "household", "notes",
))
# Free text keeps its Chinese punctuation (NFKC would turn every "，" of a note into "," and ① into 1);
# only full-width letters, digits and spaces are folded. Every other field is parsed, so NFKC is safe there.
FREE_TEXT = {"health": 100, "military_unit": 100, "rank": 30, "address_detail": 200, "village": 200,
             "notes": 500}
# ID numbers and phones read their own full-width characters and spaces, to say how they were written.
SELF_NORMALISED = {"id_number", "phone", "phone_alt"}
CELL_LIMIT = 200  # longer than any ledger value: a pasted paragraph
NOTES_LIMIT = 500  # notes may arrive joined from several columns (Person.notes holds 500)
NAME_LIMIT = 40
DATE_FIELDS = ("category_start", "registered_on", "enlisted_on", "discharged_on")
# Cleaned together with another field, not one by one: the ID with 性别/出生年月, the two phones, grade and cause.
READ_TOGETHER = {"id_number", "sex", "birth", "phone", "phone_alt", "disability_grade", "disability_cause"}
EMPTY_WORDS = {"无", "暂无", "没有", "-", "—", "/"}  # "none" in the list-valued columns (awards, household)
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))
_FULL_WIDTH = {c: unicodedata.normalize("NFKC", chr(c)) for c in range(0xFF10, 0xFF5B)
               if chr(c).isalnum()} | {0x3000: " "}


def shown(value) -> str:
    """A cell as the uploader sees it in the ledger: the "was" of a change and the value quoted in a hold."""
    if value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return "；".join(shown(v) for v in value if shown(v))
    return str(value).strip()


def quoted(value, *, numbers_hidden: bool = True) -> str:
    """A value to quote in a message: short, and any run of 5+ digits starred (it may be a phone or an ID
    number pasted into the wrong cell); a date's digits are shown."""
    text = shown(value)[:30]
    return re.sub(r"\d{5,}", lambda m: "*" * len(m.group()), text) if numbers_hidden else text


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text).translate(_ZERO_WIDTH).strip()


def fold_width(text: str) -> str:
    return text.translate(_FULL_WIDTH).translate(_ZERO_WIDTH).strip()


def as_text(value) -> str:
    """A cell for a field that reads words: a number cell holding a code (民族 1) reads as "1"."""
    return shown(value) if not isinstance(value, str) else value


# --- dates ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LedgerDate:
    """A date as far as the ledger gives it: a year, a year and month, or a day."""

    year: int
    month: int | None = None
    day: int | None = None

    def first_day(self) -> date:
        return date(self.year, self.month or 1, self.day or 1)

    def agrees_with(self, day: date) -> bool:
        return self.year == day.year and self.month in (None, day.month) and self.day in (None, day.day)


_DAY_PATTERNS = [re.compile(p) for p in (
    r"(?P<y>\d{4})年(?P<m>\d{1,2})月(?P<d>\d{1,2})日?",
    # 2001-12-03, 2001/12/3, 2001.12.3, and 2001-12-03 00:00:00 as a CSV holds a date
    r"(?P<y>\d{4})(?P<sep>[-./])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?",
    r"(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})",
)]
_MONTH_PATTERNS = [re.compile(p) for p in (r"(\d{4})年(\d{1,2})月?", r"(\d{4})[-./](\d{1,2})", r"(\d{4})(\d{2})")]
_YEAR_PATTERN = re.compile(r"(\d{4})年?")


def _ledger_date(year, month=None, day=None) -> LedgerDate:
    parts = [int(p) for p in (year, month, day) if p is not None]
    try:
        date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
    except ValueError:
        raise Refusal() from None
    return LedgerDate(*parts)


def read_ledger_month(value) -> tuple[LedgerDate, ...]:
    """As read_ledger_date, but a date cell on the 1st counts as its month only (see _may_be_month_only)."""
    readings = read_ledger_date(value)
    if _may_be_month_only(value):
        return tuple(LedgerDate(r.year, r.month) for r in readings)
    return readings


def read_ledger_date(value) -> tuple[LedgerDate, ...]:
    """Every reading of a date cell: one, or two for a number cell like 2024.1 (January, or 2024.10 whose
    final 0 the number dropped). A number is never an Excel day count: the reader turns the cells Excel
    formatted as dates into dates, so a bare number is a date someone typed as digits (2001.12, 20011201).
    Raises Refusal (with the accepted forms) for what is not a date.
    """
    try:
        return _readings(value)
    except Refusal:
        raise Refusal(_("“%(value)s” is not a date; write it as 2001-12-03, 2001.12 or 2001年12月.")
                      % {"value": quoted(value, numbers_hidden=False)}) from None


def _readings(value) -> tuple[LedgerDate, ...]:
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return (LedgerDate(value.year, value.month, value.day),)
    if isinstance(value, bool):
        raise Refusal()
    if isinstance(value, float) and not value.is_integer():
        whole, _dot, decimals = repr(value).partition(".")
        if not (whole.isdigit() and len(whole) == 4 and decimals.isdigit() and len(decimals) <= 2):
            raise Refusal()
        if decimals == "1":  # 2024.1 typed, or 2024.10 typed and stored as the same float
            return (_ledger_date(whole, 1), _ledger_date(whole, 10))
        return (_ledger_date(whole, decimals),)  # 2001.2 can only be February: there is no month 20
    text = str(int(value)) if isinstance(value, (int, float)) else nfkc(str(value))
    for pattern in _DAY_PATTERNS:
        if match := pattern.fullmatch(text):
            return (_ledger_date(match["y"], match["m"], match["d"]),)
    for pattern in _MONTH_PATTERNS:
        if match := pattern.fullmatch(text):
            return (_ledger_date(*match.groups()),)
    if match := _YEAR_PATTERN.fullmatch(text):
        return (_ledger_date(match.group(1)),)
    raise Refusal()


def read_date_field(value, *, today: date) -> tuple[date, bool]:
    """A date to store: (the day, whether the ledger gave only the month: the day is then the 1st)."""
    readings = read_ledger_date(value)
    if len(readings) > 1:
        year = readings[0].year
        raise Refusal(_("%(value)s could be January or October (a number cell drops the last 0 of "
                        "%(value)s0); type it as text: %(year)s-10 or %(year)s-01.")
                      % {"value": shown(value), "year": year})
    reading = readings[0]
    if reading.month is None:
        raise Refusal(_("Only the year is given; write at least the year and month, as 2001.12 or 2001年12月."))
    day = reading.first_day()
    if day > today:
        raise Refusal(_("The date cannot be in the future."))
    if day < date(1900, 1, 1):
        raise Refusal(_("A date before 1900 is not accepted."))
    return day, reading.day is None or _may_be_month_only(value)


def _may_be_month_only(value) -> bool:
    """A date cell on the 1st may be one Excel formats as yyyy年m月: the reader cannot tell, so such a date is
    compared by its month (never holding a row for a day the ledger did not give)."""
    return isinstance(value, date) and value.day == 1


# --- coded values --------------------------------------------------------------------------------------------


def _spaceless(text: str) -> str:
    return "".join(text.split())


@dataclass(frozen=True)
class Vocabulary:
    """The words a ledger writes for one coded field: its labels, its codes and the short forms in use."""

    words: dict[str, str]  # word as written (NFKC, no spaces) → code
    labels: dict[str, str]  # code → the label the value is shown as
    refusal: Callable[[str], str]  # the message for a word not in the list (takes the quoted word)
    two_digit_codes: bool = False  # 民族 1 and 政治面貌 1 mean 01

    def read(self, text: str) -> tuple[str, str]:
        """(code, label) of a written word, or Refusal saying which words are accepted."""
        word = _spaceless(text)
        if self.two_digit_codes and word.isdigit() and len(word) < 2:
            word = word.zfill(2)
        code = self.words.get(word)
        if code is None:
            raise Refusal(self.refusal(quoted(text)))
        return code, self.labels[code]


def _words(choices, synonyms: dict[str, str] | None = None) -> dict[str, str]:
    table = {code: code for code, _label in choices if code}
    table.update({_spaceless(str(label)): code for code, label in choices if code})
    table.update(synonyms or {})
    return table


def _labels(choices) -> dict[str, str]:
    return {code: str(label) for code, label in choices if code}


# 汉 and 汉族, 蒙古 and 蒙古族: every group is written with or without 族.
_ETHNIC_SHORT = {label[:-1]: code for code, label in ETHNIC_CHOICES if label.endswith("族")}
ETHNICITY = Vocabulary(
    _words(ETHNIC_CHOICES, _ETHNIC_SHORT | {"蒙族": "02", "维族": "05"}), _labels(ETHNIC_CHOICES),
    lambda value: _("“%(value)s” is not an ethnic group; write the group's name (汉族 or 汉, 回族 or 回…), its code "
                    "01–56, 97 其他 or 98 外国血统中国籍人士.") % {"value": value},
    two_digit_codes=True)

_POLITICAL_SHORT = {
    "党员": "01", "中共党员": "01", "共产党员": "01", "中国共产党员": "01", "中共正式党员": "01", "正式党员": "01",
    "预备党员": "02", "中共预备党员": "02",
    "团员": "03", "共青团员": "03", "青年团员": "03",
    "民革": "04", "民革党员": "04", "民革会员": "04", "民盟": "05", "民盟盟员": "05", "民建": "06", "民建会员": "06",
    "民进": "07", "民进会员": "07", "农工党": "08", "农工党党员": "08", "农工民主党": "08", "致公党": "09",
    "致公党党员": "09", "九三学社": "10", "台盟": "11", "台盟盟员": "11",
    "无党派": "12", "无党派人士": "12", "群众": "13",
}
_POLITICAL_ACCEPTED = ("中共党员、预备党员、共青团员、民革、民盟、民建、民进、农工党、致公党、九三学社、台盟、"
                       "无党派、群众")
POLITICAL = Vocabulary(
    _words(POLITICAL_CHOICES, _POLITICAL_SHORT), _labels(POLITICAL_CHOICES),
    lambda value: _("“%(value)s” is not a political status; write one of %(accepted)s (or the full name, or "
                    "its code 01–13).") % {"value": value, "accepted": _POLITICAL_ACCEPTED},
    two_digit_codes=True)

_EDUCATION_SHORT = {
    "初小": "primary", "高小": "primary", "初级中学": "junior",
    "高中": "senior", "中专": "senior", "职高": "senior", "职中": "senior", "技校": "senior", "中技": "senior",
    "高中及中专": "senior", "高中、中专": "senior", "高中中专": "senior", "中等专科": "senior",
    "专科": "college", "大学专科": "college", "高职": "college",
    "大学": "bachelor", "大学本科": "bachelor",
    "研究生": "master", "硕士": "master", "博士": "doctor",
}
# The list starts at 小学: these become "" (unknown) with a change shown, rather than a level the person
# does not have or a hold nobody can resolve (there is no right word to write instead).
EDUCATION_BELOW_LIST = {"文盲", "半文盲"}
EDUCATION = Vocabulary(
    _words(EDUCATION_CHOICES, _EDUCATION_SHORT), _labels(EDUCATION_CHOICES),
    lambda value: _("“%(value)s” is not an education level; write one of %(accepted)s.")
    % {"value": value, "accepted": "、".join(str(label) for code, label in EDUCATION_CHOICES if code)})

_STATUS_LABELS = {Person.Status.ACTIVE: "在册", Person.Status.MOVED_OUT: "迁出", Person.Status.DECEASED: "已故",
                  Person.Status.LOST: "失联"}
# "否" is how a 是否健在 column says deceased (the mapping puts such a column on status).
_STATUS_WORDS = {
    "在册": "active", "正常": "active", "健在": "active", "在世": "active", "是": "active",
    "已故": "deceased", "死亡": "deceased", "去世": "deceased", "已去世": "deceased", "亡故": "deceased",
    "病故": "deceased", "否": "deceased",
    "失联": "lost", "失踪": "lost",
    "迁出": "moved_out", "已迁出": "moved_out", "转出": "moved_out", "已转出": "moved_out",
}
STATUS = Vocabulary(
    {str(code): str(code) for code in Person.Status.values} | _STATUS_WORDS,
    {str(code): label for code, label in _STATUS_LABELS.items()},
    lambda value: _("“%(value)s” is not a status; write one of %(accepted)s.")
    % {"value": value, "accepted": "在册、已故、失联、迁出"})

_BRANCH_SHORT = {
    "航天部队": "aerospace", "网络空间": "cyberspace", "信息支援": "information", "联勤": "logistics",
    "联勤保障": "logistics", "战略支援部队": "strategic", "战支": "strategic", "第二炮兵": "second_art",
    "二炮": "second_art", "武警": "pap", "武装警察部队": "pap", "中国人民武装警察部队": "pap",
}
BRANCH = Vocabulary(
    _words(BRANCH_CHOICES, _BRANCH_SHORT), _labels(BRANCH_CHOICES),
    lambda value: _("“%(value)s” is not a service branch; write one of %(accepted)s.")
    % {"value": value, "accepted": "、".join(label for _code, label in BRANCH_CHOICES)})

# 自主择业 (officers, before 2021) is what the 退役军人保障法 renamed 逐月领取退役金; 自谋职业 (soldiers, before
# 2011) became 自主就业.
_DISCHARGE_SHORT = {
    "逐月领取": "monthly", "自主择业": "monthly", "自谋职业": "self", "安置工作": "assigned",
    "政府安排工作": "assigned", "政府供养": "supported",
}
DISCHARGE = Vocabulary(
    _words(DISCHARGE_CHOICES, _DISCHARGE_SHORT), _labels(DISCHARGE_CHOICES),
    lambda value: _("“%(value)s” is not a discharge mode; write one of %(accepted)s.")
    % {"value": value, "accepted": "、".join(label for _code, label in DISCHARGE_CHOICES)})

_CAUSE_SHORT = {"战": "war", "公": "duty", "病": "illness",
                "因战致残": "war", "因公致残": "duty", "因病致残": "illness"}
CAUSE = Vocabulary(
    _words(DISABILITY_CAUSE_CHOICES, _CAUSE_SHORT), _labels(DISABILITY_CAUSE_CHOICES),
    lambda value: _("“%(value)s” is not a disability cause; write one of %(accepted)s.")
    % {"value": value, "accepted": "、".join(label for _code, label in DISABILITY_CAUSE_CHOICES)})

# Category words in use → the names they mean, best first. Only a name the system has (active) is used, so
# the table may name categories a deployment does not keep; the exact name of an active category always wins.
CATEGORY_SYNONYMS: dict[str, tuple[str, ...]] = {
    "烈属": ("烈士遗属",), "烈士家属": ("烈士遗属",),
    "因公牺牲军人家属": ("因公牺牲军人遗属", "因公牺牲遗属"), "因公牺牲军人遗属": ("因公牺牲军人遗属", "因公牺牲遗属"),
    "因公牺牲家属": ("因公牺牲军人遗属", "因公牺牲遗属"),
    "病故军人家属": ("病故军人遗属",), "病故家属": ("病故军人遗属",),
    "伤残军人": ("残疾军人",), "残废军人": ("残疾军人",),
    "复员军人": ("在乡复员军人", "复员军人"), "老复员": ("在乡复员军人", "复员军人"),
    "在乡复员军人": ("在乡复员军人", "复员军人"),
    "带病回乡": ("带病回乡退伍军人",), "带病回乡军人": ("带病回乡退伍军人",),
    "参战": ("参战参试退役人员",), "参试": ("参战参试退役人员",), "参战参试": ("参战参试退役人员",),
    "参战退役人员": ("参战参试退役人员",), "参试退役人员": ("参战参试退役人员",),
    "60周岁以上农村籍": ("60周岁以上农村籍退役士兵",), "60岁以上农村籍": ("60周岁以上农村籍退役士兵",),
    "农村籍60周岁以上": ("60周岁以上农村籍退役士兵",), "60周岁以上农村籍退伍军人": ("60周岁以上农村籍退役士兵",),
    "退伍军人": ("退役士兵",), "退伍兵": ("退役士兵",), "退伍士兵": ("退役士兵",), "退役兵": ("退役士兵",),
    "转业干部": ("军队转业干部", "转业干部"), "军转干部": ("军队转业干部", "转业干部"),
    "军队转业干部": ("军队转业干部", "转业干部"),
    "军休": ("军休干部",), "军休人员": ("军休干部",), "军队离退休干部": ("军休干部",),
    "军属": ("现役军人家属",), "现役军属": ("现役军人家属",),
    "伤残民兵": ("伤残民兵民工",), "伤残民工": ("伤残民兵民工",),
}
_LIST_SPLIT = re.compile(r"[、,;/|\s]+")  # after NFKC: ，；／ are , ; /

# --- household and awards ------------------------------------------------------------------------------------

RELATIONSHIP_WORDS = {
    "spouse": "配偶 妻 妻子 夫 丈夫 爱人 老伴",
    "child": "子女 子 儿子 长子 次子 三子 女 女儿 长女 次女 三女 养子 养女 继子 继女",
    "parent": "父母 父 父亲 母 母亲 养父 养母 继父 继母",
    "parent_in_law": "岳父母/公婆 岳父母 公婆 岳父 岳母 公公 婆婆",
    "sibling": "兄弟姐妹 兄弟 姐妹 兄 哥 哥哥 弟 弟弟 姐 姐姐 妹 妹妹",
    "grandchild": "孙子女/外孙子女 孙子女 孙子 孙女 外孙 外孙子 外孙女 外孙子女",
    "grandparent": "祖父母/外祖父母 祖父母 祖父 祖母 爷爷 奶奶 外祖父 外祖母 外公 外婆",
    "other": "其他 儿媳 儿媳妇 女婿 侄子 侄女",
}
RELATIONSHIP = {word: code for code, words in RELATIONSHIP_WORDS.items() for word in words.split()}
RELATIONSHIP_LABELS = dict(RELATIONSHIP_CHOICES)
_MEMBER_SPLIT = re.compile(r"[、,;/\n:\s]+")
_NAME_WITH_RELATION = re.compile(r"([^()]+)\(([^()]+)\)")  # 王芳(妻), brackets already NFKC'd

# The kind of an award is read from its title (codes of AWARD_CHOICES); any other title is "other".
AWARD_KINDS = (("一等功", "first"), ("二等功", "second"), ("三等功", "third"), ("八一勋章", "bayi"),
               ("荣誉称号", "honour"))
_AWARD_COUNT = re.compile(r"(?P<title>.*?)(?:(?P<n>\d+|[一二两三四五六七八九十])次|[×xX*](?P<times>\d+))")
_CHINESE_DIGITS = {c: n for n, c in enumerate("一二三四五六七八九十", start=1)} | {"两": 2}
MAX_AWARD_COUNT = 20


def _count(text: str) -> int:
    return int(text) if text.isdigit() else _CHINESE_DIGITS[text]


# --- the row -------------------------------------------------------------------------------------------------


class RowCleaner:
    """Cleans the rows of one upload; holds only small lookups (the active categories), never the rows."""

    def __init__(self, *, today: date, categories: dict[str, int]):
        from .idsafety import check_id  # idsafety reads this module's types, so it is imported here

        self.today = today
        self.categories = dict(categories)  # active name → pk, in the system's order
        self._check_id = check_id
        lookup: dict[str, str] = {}
        for word, targets in CATEGORY_SYNONYMS.items():
            target = next((t for t in targets if t in self.categories), None)
            if target:
                lookup[word] = target
        lookup.update({nfkc(name).replace(" ", ""): name for name in self.categories})
        self._category_names = lookup

    def clean(self, raw: dict[str, object], *, confirmed: bool = False,
              formulas: Collection[str] = ()) -> CleanRow:
        """One ledger row (field key → cell as the reader gave it) cleaned.

        `confirmed`: someone checked an ID number ending in 000 against the card (idsafety).
        `formulas`: fields whose cell the reader found to be a formula. A reader gives the value Excel cached
        for it (or nothing), never the formula, so only the reader can tell; such a cell is held.
        """
        unknown = set(raw) - FIELD_KEYS
        if unknown:
            raise ValueError(f"not ledger fields: {sorted(unknown)}")
        row = CleanRow()
        cells = {}
        for key, value in raw.items():
            try:
                if key in formulas:
                    raise Refusal(_("A formula is not accepted; enter the value itself."))
                cells[key] = self._prepare(key, value)
            except Refusal as refusal:
                row.holds.append(Hold(key, str(refusal)))
        born = self._identity(raw, cells, row, confirmed)
        self._phones(raw, cells, row)
        month_only: dict[str, bool] = {}
        for key, value in cells.items():
            if key in READ_TOGETHER:
                continue
            try:
                if key in DATE_FIELDS:
                    clean, now, month_only[key] = self._date(value)
                else:
                    clean, now = getattr(self, f"_{key}")(value)
            except Refusal as refusal:
                row.holds.append(Hold(key, str(refusal)))
                continue
            row.values[key] = clean
            if now != shown(raw[key]):
                row.changes.append(Change(key, shown(raw[key]), now))
        self._disability(raw, cells, row)
        self._dates_in_order(row, born, month_only)
        return row

    # --- every cell first ------------------------------------------------------------------------------------

    @staticmethod
    def _prepare(key: str, value):
        """Text trimmed and normalised, formulas and pasted paragraphs refused; other cells as they are."""
        if isinstance(value, (list, tuple)):  # several notes columns
            value = "；".join(shown(v) for v in value if shown(v))
        if not isinstance(value, str):
            return value
        text = value.strip()
        # The reader gives values, never formulas; text that starts with "=" is one a spreadsheet would run.
        # ('= is how our own export keeps such text as text: it is read back as the text it was.)
        if text.startswith("="):
            raise Refusal(_("A formula is not accepted; enter the value itself."))
        if key in FREE_TEXT:
            text = fold_width(text)
        elif key not in SELF_NORMALISED:
            text = nfkc(text)
        if len(text) > 1 and text[0] == "'" and text[1] in "=+-@":
            text = text[1:]
        limit = NOTES_LIMIT if key == "notes" else CELL_LIMIT
        if len(text) > limit:
            raise Refusal(_("This is %(n)d characters long; at most %(limit)d are accepted.")
                          % {"n": len(text), "limit": limit})
        return text or None

    # --- identity, phones, disability: fields read together ------------------------------------------------

    def _identity(self, raw, cells, row: CleanRow, confirmed: bool) -> date | None:
        """The ID number, compared with the ledger's own 性别 and 出生年月; returns the birth date it gives."""
        if "id_number" not in raw or any(h.field == "id_number" for h in row.holds):
            return None
        number, holds, changes = self._check_id(
            cells.get("id_number"), ledger_sex=cells.get("sex"), ledger_birth=cells.get("birth"), today=self.today,
            confirmed=confirmed)
        row.holds.extend(holds)
        row.changes.extend(changes)
        if number is None:
            return None
        row.values["id_number"] = number
        return date(int(number[6:10]), int(number[10:12]), int(number[12:14]))

    def _phones(self, raw, cells, row: CleanRow) -> None:
        """Up to two numbers between the phone and alternate phone cells; a second number in the phone cell
        moves to the alternate phone."""
        found: dict[str, list[str]] = {}
        for key in ("phone", "phone_alt"):
            if key not in cells:
                continue
            try:
                found[key] = self._phone_numbers(cells[key], row, key)
            except Refusal as refusal:
                row.holds.append(Hold(key, str(refusal)))
        if not found:
            return
        if len(found.get("phone_alt", [])) > 1:
            row.holds.append(Hold("phone_alt", _("The alternate phone takes one number; this cell has %(n)d.")
                                  % {"n": len(found["phone_alt"])}))
            return
        numbers = found.get("phone", []) + found.get("phone_alt", [])
        unique = list(dict.fromkeys(numbers))
        if len(unique) > 2:
            row.holds.append(Hold("phone", _("At most two phone numbers are accepted: the phone and the alternate "
                                             "phone (a second number in the phone cell becomes the alternate "
                                             "phone); this row has %(n)d.") % {"n": len(unique)}))
            return
        if len(unique) < len(numbers):
            row.changes.append(Change("phone", _("the same number twice"), _("kept once")))
        in_phone = list(dict.fromkeys(found.get("phone", [])))
        if "phone" in found:
            row.values["phone"] = in_phone[0] if in_phone else ""
        if len(in_phone) == 2:
            row.changes.append(Change("phone", _("two numbers in one cell"),
                                      _("the second moved to the alternate phone")))
            row.values["phone_alt"] = in_phone[1]
        elif "phone_alt" in found:
            alt = [n for n in found["phone_alt"] if n not in in_phone]
            row.values["phone_alt"] = alt[0] if alt else ""

    def _phone_numbers(self, value, row: CleanRow, key: str) -> list[str]:
        if value is None:
            return []
        numeric = isinstance(value, (int, float)) and not isinstance(value, bool)
        text = as_text(value)  # as written: a piece that differs from its number was rewritten
        pieces = [p for p in re.split(r"[/、,;\n，；／]+", text) if p.strip()]
        if len(pieces) == 1 and re.search(r"\s", text) and not _is_one_phone(nfkc(text)):
            pieces = text.split()  # "13812345678 13987654321"; "138 1234 5678" is one number
        numbers = [_phone(nfkc(piece), numeric=numeric) for piece in pieces]
        if any(number != piece.strip() for number, piece in zip(numbers, pieces, strict=True)):
            row.changes.append(Change(key, _("written with spaces, dashes, brackets, +86 or full-width digits"),
                                      _("written as 13812345678 or 0931-8888888")))
        return numbers

    def _disability(self, raw, cells, row: CleanRow) -> None:
        """The grade, and the cause: from its own column, or written with the grade (六级（因战）)."""
        cause_from_grade = None
        if "disability_grade" in cells:
            try:
                grade, cause_from_grade = _disability_grade(cells["disability_grade"])
            except Refusal as refusal:
                row.holds.append(Hold("disability_grade", str(refusal)))
            else:
                row.values["disability_grade"] = grade
                now = "" if grade is None else str(grade)
                if now != shown(raw["disability_grade"]):
                    row.changes.append(Change("disability_grade", shown(raw["disability_grade"]), now))
        cause = None
        if "disability_cause" in cells:
            value = cells["disability_cause"]
            try:
                cause = None if value is None or value in EMPTY_WORDS else CAUSE.read(as_text(value))[0]
            except Refusal as refusal:
                row.holds.append(Hold("disability_cause", str(refusal)))
                return
            now = CAUSE.labels[cause] if cause else ""
            if now != shown(raw["disability_cause"]):
                row.changes.append(Change("disability_cause", shown(raw["disability_cause"]), now))
        if cause and cause_from_grade and cause != cause_from_grade:
            row.holds.append(Hold("disability_cause", _("The disability grade says %(grade_cause)s but the "
                                                        "disability cause says %(cause)s.")
                                  % {"grade_cause": CAUSE.labels[cause_from_grade], "cause": CAUSE.labels[cause]}))
            return
        if cause or cause_from_grade or "disability_cause" in cells:
            row.values["disability_cause"] = cause or cause_from_grade or ""
        if cause_from_grade and not cause:
            row.changes.append(Change("disability_cause", shown(raw.get("disability_cause")),
                                      CAUSE.labels[cause_from_grade]))

    def _dates_in_order(self, row: CleanRow, born: date | None, month_only: dict[str, bool]) -> None:
        values = row.values

        def earlier(key: str, other: date, other_month_only: bool = False) -> bool:
            day = values.get(key)
            if day is None:
                return False
            if month_only.get(key) or other_month_only:  # 2001.12 is any day of December
                return (day.year, day.month) < (other.year, other.month)
            return day < other

        if born:
            shown_birth = born.isoformat()
            if earlier("category_start", born):
                row.holds.append(Hold("category_start", _("The category start date is before the person's birth "
                                                          "(%(birth)s, from the ID number).") % {"birth": shown_birth}))
            if earlier("registered_on", born):
                row.holds.append(Hold("registered_on", _("The registration date is before the person's birth "
                                                         "(%(birth)s, from the ID number).") % {"birth": shown_birth}))
            if earlier("enlisted_on", _birthday(born, 15)):
                row.holds.append(Hold("enlisted_on", _("The enlistment date is before the person's 15th birthday "
                                                       "(born %(birth)s, from the ID number).")
                                      % {"birth": shown_birth}))
        if values.get("enlisted_on") and earlier("discharged_on", values["enlisted_on"],
                                                 month_only.get("enlisted_on", False)):
            row.holds.append(Hold("discharged_on", _("The discharge date is before the enlistment date.")))

    # --- one field each: (clean value, the value as now shown) -----------------------------------------------

    def _date(self, value) -> tuple[date | None, str, bool]:
        if value is None:
            return None, "", False
        day, month_only = read_date_field(value, today=self.today)
        return day, day.isoformat(), month_only

    def _name(self, value) -> tuple[str, str]:
        if value is None:
            raise Refusal(_("The name is missing."))
        name = _spaceless(as_text(value))  # alignment spaces (黎　平): a search for 黎平 must find the person
        if len(name) > NAME_LIMIT:
            raise Refusal(_("This is %(n)d characters long; at most %(limit)d are accepted.")
                          % {"n": len(name), "limit": NAME_LIMIT})
        if name[0] in "=+-@":
            raise Refusal(_("A name may not begin with =, +, - or @."))
        if any(c.isdigit() for c in name):
            raise Refusal(_("A name has no digits: is this the name column?"))
        return name, name

    def _coded(self, vocabulary: Vocabulary, value) -> tuple[str, str]:
        if value is None:
            return "", ""
        return vocabulary.read(as_text(value))

    def _ethnicity(self, value):
        return self._coded(ETHNICITY, value)

    def _political_status(self, value):
        return self._coded(POLITICAL, value)

    def _education(self, value):
        if value is not None and _spaceless(as_text(value)) in EDUCATION_BELOW_LIST:
            return "", _("not recorded (the list starts at 小学)")
        return self._coded(EDUCATION, value)

    def _status(self, value):
        return self._coded(STATUS, value)

    def _branch(self, value):
        if value is not None:
            value = as_text(value).removeprefix("中国人民解放军") or value
        return self._coded(BRANCH, value)

    def _discharge_mode(self, value):
        return self._coded(DISCHARGE, value)

    def _plain(self, key: str, value) -> tuple[str, str]:
        text = "" if value is None else as_text(value)
        limit = FREE_TEXT[key]
        if len(text) > limit:
            raise Refusal(_("This is %(n)d characters long; at most %(limit)d are accepted.")
                          % {"n": len(text), "limit": limit})
        return text, text

    def _health(self, value):
        return self._plain("health", value)

    def _military_unit(self, value):
        return self._plain("military_unit", value)

    def _rank(self, value):
        return self._plain("rank", value)

    def _address_detail(self, value):
        return self._plain("address_detail", value)

    def _village(self, value):
        return self._plain("village", value)

    def _notes(self, value):
        return self._plain("notes", value)

    def _region_code(self, value) -> tuple[str, str]:
        if value is None:
            return "", ""
        code = _spaceless(as_text(value))
        if not (code.isdigit() and len(code) == 12):
            raise Refusal(_("A region code has 12 digits."))
        return code, code

    def _categories(self, value) -> tuple[list[int], str]:
        if value is None:
            return [], ""
        words = [w for w in _LIST_SPLIT.split(as_text(value)) if w]
        unknown = [w for w in words if w not in self._category_names]
        if unknown:
            raise Refusal(_("“%(value)s” is not a category in use; write one of %(accepted)s, several separated "
                            "by 、.") % {"value": quoted("、".join(unknown)), "accepted": "、".join(self.categories)})
        names = list(dict.fromkeys(self._category_names[w] for w in words))
        return [self.categories[name] for name in names], "、".join(names)

    def _awards(self, value) -> tuple[list[tuple[str, str]], str]:
        """"三等功2次、优秀士兵" → [(third, 三等功), (third, 三等功), (other, 优秀士兵)]: one entry per award,
        kind read from the title (一等功…荣誉称号), anything else "other" with its title as written."""
        if value is None or as_text(value) in EMPTY_WORDS:
            return [], ""
        # "三等功 2次": a count on its own belongs to the award before it
        pieces = re.sub(r"\s+(?=(\d+|[一二两三四五六七八九十])次|[×xX*]\d)", "", as_text(value))
        awards: list[tuple[str, str]] = []
        for piece in (p for p in re.split(r"[、,;/\s]+", pieces) if p):
            title, count = piece, 1
            if match := _AWARD_COUNT.fullmatch(title):
                title, count = match["title"], _count(match["n"] or match["times"])
            title = re.sub(r"^荣?立(?=[一二三]等功)", "", title)
            kinds = [code for word, code in AWARD_KINDS if word in title]
            # "三等功一次二等功一次" written without a separator is two awards: held, not read as one
            if (not title or not 1 <= count <= MAX_AWARD_COUNT or len(title) > 100 or len(kinds) > 1
                    or _AWARD_COUNT.search(title)):
                raise Refusal(_("“%(value)s” could not be read as an award; write each award with its count, as "
                                "三等功2次、优秀士兵.") % {"value": quoted(piece)})
            awards.extend([(kinds[0] if kinds else "other", title)] * count)
        return awards, "、".join(title for _kind, title in awards)

    def _household(self, value) -> tuple[list[tuple[str, str]], str]:
        """"配偶:王芳；儿子:李明", "妻 王芳，子 李明" or "王芳（妻）" → [(spouse, 王芳), (child, 李明)]."""
        if value is None or as_text(value) in EMPTY_WORDS:
            return [], ""
        tokens = [t for t in _MEMBER_SPLIT.split(re.sub(r"\s+\(", "(", as_text(value))) if t]
        members: list[tuple[str, str]] = []
        position = 0
        while position < len(tokens):
            token = tokens[position]
            if token in RELATIONSHIP and position + 1 < len(tokens) and _member_name(tokens[position + 1]):
                members.append((RELATIONSHIP[token], tokens[position + 1]))
                position += 2
                continue
            match = _NAME_WITH_RELATION.fullmatch(token)
            if match and match[2] in RELATIONSHIP and _member_name(match[1]):
                members.append((RELATIONSHIP[match[2]], match[1]))
                position += 1
                continue
            # "子女:李明、李华": a further name shares the relationship before it (never a second spouse)
            if members and members[-1][0] != "spouse" and _member_name(token):
                members.append((members[-1][0], token))
                position += 1
                continue
            raise Refusal(_("“%(value)s” could not be read as a household member; write each member as "
                            "relationship and name: 配偶:王芳；儿子:李明, 妻 王芳，子 李明 or 王芳（妻）.")
                          % {"value": quoted(token)})
        return members, "；".join(f"{RELATIONSHIP_LABELS[code]}:{name}" for code, name in members)


# --- small readers -------------------------------------------------------------------------------------------


def _member_name(text: str) -> bool:
    return 0 < len(text) <= NAME_LIMIT and text not in RELATIONSHIP and not any(c.isdigit() for c in text)


def _birthday(born: date, years: int) -> date:
    try:
        return born.replace(year=born.year + years)
    except ValueError:  # born on 29 February
        return date(born.year + years, 3, 1)


_GRADE = re.compile(r"(\d+|十?[一二三四五六七八九]|十)级?")
_CAUSE_WORDS = (("因战", "war"), ("因公", "duty"), ("因病", "illness"))


def _disability_grade(value) -> tuple[int | None, str | None]:
    """"六级（因战）", "6级", 6 → (6, "war" or None); a grade outside 一级…十级 is refused."""
    if value is None or (isinstance(value, str) and value in EMPTY_WORDS):
        return None, None
    refusal = Refusal(_("“%(value)s” is not a disability grade; write 一级 to 十级 or 1 to 10, with the cause if "
                        "known: 六级（因战）.") % {"value": quoted(value)})
    if isinstance(value, float) and not value.is_integer():
        raise refusal
    text = as_text(value)
    causes = [code for word, code in _CAUSE_WORDS if word in text]
    if len(causes) > 1:
        raise refusal
    for word, _code in _CAUSE_WORDS:
        text = text.replace(word, "")
    text = re.sub(r"[()\s]|致残|伤残|残疾", "", text)
    match = _GRADE.fullmatch(text)
    if not match:
        raise refusal
    written = match.group(1)
    if written.isdigit():
        grade = int(written)
    else:  # 一…九, 十, 十一…十九 (the last refused below)
        grade = _CHINESE_DIGITS[written] if len(written) == 1 else 10 + _CHINESE_DIGITS[written[1]]
    if not 1 <= grade <= 10:
        raise refusal
    return grade, causes[0] if causes else None


_MOBILE = re.compile(r"1[3-9]\d{9}")


def _is_one_phone(text: str) -> bool:
    try:
        _phone(text, numeric=False)
    except Refusal:
        return False
    return True


def _phone(text: str, *, numeric: bool) -> str:
    """One number as stored: a mobile as its 11 digits, a landline as area code-number (0931-8888888)."""
    digits = re.sub(r"[\s\-()]", "", text)
    for prefix in ("+86", "0086"):
        digits = digits.removeprefix(prefix)
    if not digits.isdigit():
        raise Refusal(_("This is not a phone number; write an 11-digit mobile (13812345678) or a landline with its "
                        "area code (0931-8888888)."))
    if digits[0] == "1":
        if _MOBILE.fullmatch(digits):
            number = digits
        elif len(digits) in (10, 12):
            raise Refusal(_("A mobile number has 11 digits; this one has %(n)d.") % {"n": len(digits)})
        else:
            raise Refusal(_("This is not a phone number; write an 11-digit mobile (13812345678) or a landline with "
                            "its area code (0931-8888888)."))
    elif digits[0] == "0":
        area_length = 3 if digits[1] in "12" else 4  # 010 and 02x are three digits, every other area code four
        area, local = digits[:area_length], digits[area_length:]
        if (digits[1] == "1" and area != "010") or not (7 <= len(local) <= 8) or local[0] in "01":
            raise Refusal(_("This is not a phone number; write an 11-digit mobile (13812345678) or a landline with "
                            "its area code (0931-8888888)."))
        number = f"{area}-{local}"
    elif numeric and 9 <= len(digits) <= 11:
        raise Refusal(_("Excel stored the phone as a number, which drops a leading 0: format the column as text and "
                        "write the landline with its area code (0931-8888888)."))
    elif 7 <= len(digits) <= 8:
        raise Refusal(_("A landline needs its area code: write it as 0931-8888888."))
    else:
        raise Refusal(_("This is not a phone number; write an 11-digit mobile (13812345678) or a landline with its "
                        "area code (0931-8888888)."))
    try:
        validate_phone(number)
    except ValidationError as error:
        raise Refusal(error.messages[0]) from None
    return number
