"""Where a sheet's header is, what its columns are called, and which rows under it are not people.

Ledgers put a merged title over the table ("XX村退役军人信息采集表"), a 填报单位/日期 line under
it, sometimes a two-row header ("服役情况" merged over 入伍时间 and 退役时间, with 姓名 merged down
over both rows), and between the people 合计 rows, 第一小组 headings and a 填表人/审核人 footer. The
header is the row (or pair of rows) within the first 20 that names the most known fields; the rows
that are not people are recognised here so they are skipped with a reason the uploader sees, not
imported and not reported as bad people.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime

from django.utils.translation import gettext as _

from .fields import header_key, propose_field

SEARCHED_ROWS = 20
MAX_COLUMNS = 512  # wider than any ledger; a merge or a stray cell far to the right is not a column
_DROPPED = re.compile(r"[\s\ufeff\u200b\u200c\u200d\u2060]+")


@dataclass
class SourceColumn:
    index: int  # 0-based
    header: str  # as shown to the user: "服役情况/入伍时间", line breaks and spaces removed
    key: str  # header_key(header): compared with synonyms and remembered mappings
    hidden: bool


@dataclass
class HeaderFound:
    header_rows: tuple[int, ...]  # 1-based; one row, or two joined
    first_data_row: int
    columns: list[SourceColumn]


def find_header(sheet) -> HeaderFound | None:
    """The header of a sheet, or None when none of its first 20 rows names a person (a 说明 sheet).

    Each row is read as a header (joined with the next row when it is the top of a two-row header);
    the reading that names the most known fields wins, the first of equals.
    """
    grid = _Grid(sheet)
    best_score, found = 0, None
    for number in range(1, SEARCHED_ROWS + 1):
        texts, rows = _reading(grid, number)
        score = _score(texts)
        if score > best_score:
            best_score, found = score, _found(sheet, texts, rows)
    return found


def _reading(grid: "_Grid", number: int) -> tuple[dict[int, str], tuple[int, ...]]:
    """Row `number` as a header: joined with the next row when that row is part of it, else alone.

    A pair must name more than its second row alone: a title or a 填报单位 line over a one-row header
    must not become part of every column's name.
    """
    joined = _joined(grid, number)
    if joined is not None and _score(joined) > _score(grid.texts(number + 1)):
        return joined, (number, number + 1)
    return grid.texts(number), (number,)


def _score(texts: dict[int, str]) -> int:
    """How many known fields a row names; 0 unless it names 姓名 or 身份证号, or at least three fields."""
    fields = {propose_field(text) for text in texts.values()} - {""}
    return len(fields) if fields & {"name", "id_number"} or len(fields) >= 3 else 0


def _joined(grid: "_Grid", top: int) -> dict[int, str] | None:
    """Row `top` and the next read as one two-row header, or None when the next row is not part of it.

    The next row belongs to the header when it holds nothing that looks like data and sits under a
    heading merged across columns or beside cells merged down over both rows; without merges (a CSV,
    a sheet whose merges were undone) it must put a known field under a blank of the upper row.
    """
    upper, lower = grid.texts(top), grid.texts(top + 1)
    if len(set(upper.values())) < 2 or not lower:  # a title or group line is never the top of a header
        return None
    if any(grid.looks_like_data(top + 1, column) for column in lower):
        return None
    # Nothing stands under 姓名 or 身份证号 in a header's second row (the cell is merged down or blank): a
    # name there is the first person, whose row happens to hold no digits.
    if any(propose_field(upper.get(column, "")) in ("name", "id_number") for column in lower):
        return None
    spanned = grid.spanned_across(top)
    merged = bool(spanned & set(lower)) or grid.has_merge_down(top)
    if not merged and all(column in upper for column in lower):
        return None
    texts: dict[int, str] = {}
    for column in sorted(set(upper) | set(lower) | spanned):
        heading = grid.text_through_merge(top, column) or _heading_on_the_left(upper, lower, column)
        below = lower.get(column, "")
        texts[column] = f"{heading}/{below}" if heading and below else heading or below
    if not merged and not any(propose_field(texts[column]) for column in lower if column not in upper):
        return None
    return texts


def _heading_on_the_left(upper: dict[int, str], lower: dict[int, str], column: int) -> str:
    """An unmerged group heading: "服役情况" over its first sub-column, blanks over the others."""
    if column not in lower:
        return ""
    left = column - 1
    while left >= 0 and left not in upper and left in lower:
        left -= 1
    return upper.get(left, "") if left in lower else ""


def _found(sheet, texts: dict[int, str], rows: tuple[int, ...]) -> HeaderFound:
    columns = [SourceColumn(index=index, header=text, key=header_key(text), hidden=index in sheet.hidden_columns)
               for index, text in sorted(texts.items())]
    return HeaderFound(header_rows=rows, first_data_row=rows[-1] + 1, columns=columns)


class _Grid:
    """The first rows of a sheet with their merges, read once."""

    def __init__(self, sheet):
        self.rows: dict[int, list[object]] = {}
        for number, values in sheet.iter_rows():
            if number > SEARCHED_ROWS + 1:
                break
            self.rows[number] = list(values[:MAX_COLUMNS])
        # (row, column) -> the merge it lies in, for the rows read
        self.merge_at: dict[tuple[int, int], tuple[int, int, int, int]] = {}
        for merge in sheet.merges:
            first_row, first_col, last_row, last_col = merge
            for row in range(first_row, min(last_row, SEARCHED_ROWS + 1) + 1):
                for column in range(first_col, min(last_col, MAX_COLUMNS - 1) + 1):
                    self.merge_at[(row, column)] = merge

    def value(self, row: int, column: int):
        values = self.rows.get(row, [])
        return values[column] if column < len(values) else None

    def texts(self, row: int) -> dict[int, str]:
        """column -> the cell's text as a header shows it (spaces and line breaks removed), non-empty only."""
        return {column: text for column in range(len(self.rows.get(row, [])))
                if (text := cell_text(self.value(row, column)))}

    def text_through_merge(self, row: int, column: int) -> str:
        """The text shown at a cell: a merged cell shows its top-left cell's text in every cell it covers."""
        merge = self.merge_at.get((row, column))
        if merge is not None:
            row, column = merge[0], merge[1]
        return cell_text(self.value(row, column))

    def spanned_across(self, row: int) -> set[int]:
        """Columns under a heading merged across two or more columns of this row only."""
        return {column for (at_row, column), merge in self.merge_at.items()
                if at_row == row and merge[0] == merge[2] == row and merge[3] > merge[1]}

    def has_merge_down(self, row: int) -> bool:
        """Whether some cell starting on this row is merged down over the next row (姓名 over both header rows)."""
        return any(merge[0] == row and merge[2] > row for merge in self.merge_at.values())

    def looks_like_data(self, row: int, column: int) -> bool:
        """A value no header holds: a number, a date, or text with a run of digits (an ID, a phone)."""
        if (row, column) in self.merge_at and self.merge_at[(row, column)][0] < row:
            return False  # covered by a cell merged down from above
        value = self.value(row, column)
        if isinstance(value, bool | int | float | date | datetime):
            return True
        return bool(re.search(r"\d{6,}", str(value or "")))


def cell_text(value) -> str:
    """A header cell as text, with spaces, line breaks and invisible marks removed (brackets kept as typed)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return _DROPPED.sub("", str(value))


# --- rows under the header that are not people -------------------------------------------------------

_TOTAL = re.compile(r"^(合计|小计|总计|共计|总数|累计)")
# Labels that open the signature and note lines under a table.
_FOOTER = re.compile(
    r"^(填表人|填报人|制表人|审核人|审批人|核对人|统计人|经办人|负责人|单位负责人|主要负责人|分管领导|联系人|"
    r"填表日期|填报日期|制表日期|审核日期|报送日期|日期[:：]|填报单位|单位\(盖章\)|单位盖章|盖章|签字|签名|"
    r"联系电话[:：]|注[:：0-9一①]|说明[:：]|备注[:：])")
# 栏次: the row of column numbers statistical forms print under the header ("甲 乙 1 2 3 …").
_COLUMN_NUMBER = re.compile(r"^(\d{1,3}|[甲乙丙丁戊己庚辛壬癸])$")
_NUMERAL = "一二三四五六七八九十百零〇两0-9"
_GROUP = re.compile(
    rf"^(第?[{_NUMERAL}]+(村民小组|居民小组|小组|组|社|队|片|片区|网格)|"
    rf".+(村民小组|居民小组|小组|组|社|队|片区|网格|村|社区|居委会|村委会|街道|镇|乡))([:：].*)?$")


def skip_reason(values: list[object], columns) -> str:
    """Why a row under the header is not a person (translated), or "" when it is one to check.

    Only what cannot be a person is skipped: a row holding just "张三" is not a heading but a person
    with the rest missing, and goes on to be held with its reasons. Runs on every row of a 20,000-row
    ledger, so each cell is normalised once.
    """
    cells = {index: text for index, value in enumerate(values) if value is not None and (text := _row_text(value))}
    texts = list(cells.values())
    if not texts:
        return _("Blank row")
    if any(_TOTAL.match(text) for text in texts[:3]):
        return _("Total row (合计/小计)")
    if _repeats_header(cells, columns):
        return _("The header repeated")
    if len(texts) >= 3 and all(_COLUMN_NUMBER.match(text) for text in texts):
        return _("Column numbers under the header")
    if _FOOTER.match(texts[0]) or texts[0] in ("联系电话", "电话") and len(texts) <= 2:
        return _("Signature or note line under the table")
    if len(texts) == 1 and _is_group_heading(values, cells, columns):
        return _("Group heading (such as 第一小组)")
    return ""


def _row_text(value) -> str:
    """A data cell in the form header words are compared in (a number needs no normalising)."""
    if isinstance(value, str):
        return header_key(value)
    return cell_text(value)


def _repeats_header(cells: dict[int, str], columns) -> bool:
    """A header printed again inside the table (a ledger pasted together from pages or groups).

    Either row of a two-row header counts: "入伍时间" repeats the column "服役情况/入伍时间".
    """
    keys = [column for column in columns if column.key]
    same = sum(1 for column in keys if (text := cells.get(column.index)) and text in (column.key,
                                                                                      *column.key.split("/")))
    return same >= 2 and same * 2 >= len(keys)


def _is_group_heading(values: list[object], cells: dict[int, str], columns) -> bool:
    """One text cell naming a group or place: "第一小组", "二社", "古泉村".

    A short text in the name column may be a name ("李村" is one), so there it must be numbered ("一组").
    """
    (index, text), = cells.items()
    if not isinstance(values[index], str) or not _GROUP.match(text):
        return False
    in_name_column = any(column.index == index and propose_field(column.key) == "name" for column in columns)
    numbered = bool(re.match(rf"^第?[{_NUMERAL}]+", text))
    return numbered or not in_name_column or len(text) > 4
