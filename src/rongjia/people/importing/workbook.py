"""Reading an uploaded ledger as it is: every sheet, hidden or not, with what Excel hides and merges.

A station's ledger arrives as .xlsx, .xls or .csv, often under the wrong name (a workbook renamed to
.xls, a CSV saved as .xlsx), so the kind is told from the file's first bytes, never from its name.
Cell values come from python-calamine, which is fast and evaluates nothing (a formula gives the value
Excel cached). Calamine does not say which rows and columns are hidden, where cells are merged or which
cells hold a formula; for .xlsx those are read here by streaming the sheet's XML out of the zip in chunks,
so memory stays flat in the file's size (no DOM, no openpyxl over the whole file). Calamine itself holds
the one sheet being read (about 40 MB for 20,000 rows of 20 columns), never the workbook.

Everything that makes the file as a whole unreadable (empty, password, zip bomb, too many sheets,
damaged, unknown encoding, not a spreadsheet) raises FileRefused with the user's message, before
anything is written. A sheet is re-read from the file on every `iter_rows()` call, so a caller may walk
it once to find the header and again to check and to commit without holding it in memory.
"""

import codecs
import csv
import html
import io
import posixpath
import re
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _
from python_calamine import CalamineError, CalamineWorkbook, PasswordError, SheetTypeEnum, SheetVisibleEnum

MAX_SHEETS = 30
MAX_ROWS_PER_SHEET = 200_000
MAX_UNPACKED_BYTES = 400 * 1024 * 1024  # all zip members together, as the archive declares them
MAX_COMPRESSION_RATIO = 200  # real sheet XML packs 5-30 times; a bomb packs thousands of times
# The ratio is judged only on members big enough to hurt: a few KB of repetitive styles.xml may pack
# beyond 200 times in a genuine workbook, and a small member cannot exhaust memory however it packs.
RATIO_CHECKED_FROM_BYTES = 1024 * 1024
XML_CHUNK = 1 << 20
LONGEST_HELD_TEXT = 16 << 20  # held over between chunks while waiting for the next "<"
CSV_SNIFF_BYTES = 64 * 1024

ZIP_SIGNATURE = b"PK\x03\x04"
EMPTY_ZIP_SIGNATURE = b"PK\x05\x06"
CFB_SIGNATURE = bytes.fromhex("D0CF11E0A1B11AE1")
UTF8_BOM = codecs.BOM_UTF8
UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


class FileRefused(Exception):
    """The file as a whole cannot be read; str(exc) is the user's message (translated)."""


def _no_rows() -> Iterator[tuple[int, list[object]]]:
    return iter(())


@dataclass
class SheetData:
    """One sheet of the ledger: its flags now, its rows streamed from the file on demand."""

    name: str
    index: int  # 0-based position among the workbook's worksheets (chart sheets are not counted)
    hidden: bool  # sheet state hidden / veryHidden
    hidden_rows: set[int]  # 1-based Excel row numbers hidden (xlsx only; empty for xls/csv)
    hidden_columns: set[int]  # 0-based column indexes hidden (xlsx only)
    merges: list[tuple[int, int, int, int]]  # (first_row, first_col, last_row, last_col): rows 1-based, cols 0-based
    # (1-based row, 0-based column) of each cell holding a formula (xlsx only; empty for xls/csv). Its value is
    # what the writer cached, and openpyxl caches none: "=1+1" in a phone column would read as an empty phone.
    formula_cells: set[tuple[int, int]] = field(default_factory=set)
    source: Callable[[], Iterable[tuple[int, list[object]]]] = field(default=_no_rows, repr=False, compare=False)

    def iter_rows(self) -> Iterator[tuple[int, list[object]]]:
        """(1-based Excel row number, cell values) for every row, empty ones included.

        Values are str | float | int | bool | date | datetime | time | None as the file holds them
        (a number stays a float, a date-formatted cell is a date/datetime, CSV cells are always str);
        in a workbook an empty cell is None and index 0 is column A. Raises FileRefused when the sheet
        runs past MAX_ROWS_PER_SHEET rows with values (empty rows below the limit are not counted),
        when a damaged part only shows while reading, or when a CSV turns out not to be in its encoding.
        """
        for number, values in self.source():
            if number > MAX_ROWS_PER_SHEET:
                if any(value not in (None, "") for value in values):
                    raise FileRefused(_("The sheet “%(sheet)s” has more than %(n)d rows: split it into smaller "
                                        "files.") % {"sheet": self.name, "n": MAX_ROWS_PER_SHEET})
                continue  # formatting below the data is not a row; a value further down still refuses
            yield number, values

    @classmethod
    def from_rows(cls, name: str, rows: Sequence[Sequence[object]], *, index: int = 0, hidden: bool = False,
                  hidden_rows: Iterable[int] = (), hidden_columns: Iterable[int] = (),
                  merges: Iterable[tuple[int, int, int, int]] = (),
                  formula_cells: Iterable[tuple[int, int]] = ()) -> "SheetData":
        """A sheet held in memory (rows[0] is Excel row 1), for code and tests that have no file."""
        frozen = [list(row) for row in rows]
        return cls(name, index, hidden, set(hidden_rows), set(hidden_columns), list(merges), set(formula_cells),
                   source=lambda: enumerate((list(row) for row in frozen), start=1))


@dataclass
class Ledger:
    kind: str  # "xlsx" | "xls" | "csv"
    sheets: list[SheetData]  # in workbook order, hidden ones included (flagged)
    encoding: str = ""  # csv only: "utf-8" | "gb18030"


def open_ledger(path, *, original_name: str) -> Ledger:
    """The ledger at `path` (an uploaded file named `original_name` by its user), or FileRefused."""
    path = Path(path)
    with path.open("rb") as handle:
        head = handle.read(8)
    if not head:
        raise FileRefused(_empty())
    if head.startswith((ZIP_SIGNATURE, EMPTY_ZIP_SIGNATURE)):
        return _open_xlsx(path)
    if head.startswith(CFB_SIGNATURE):
        return _open_cfb(path)
    return _open_csv(path, original_name)


# ---------------------------------------------------------------------------------------------- messages


def _empty() -> str:
    return _("The file is empty: no sheet in it holds any cell.")


def _password() -> str:
    return _("The workbook is protected by a password: remove the password in Excel (File → Info → Protect "
             "Workbook) and upload it again.")


def _unreadable() -> str:
    return _("The workbook cannot be read; it may be damaged. Open it in Excel, save it again and upload it again.")


def _not_a_spreadsheet() -> str:
    return _("This file is not a spreadsheet: upload an Excel workbook (.xlsx or .xls) or a CSV file.")


def _unknown_encoding() -> str:
    return _("The file's encoding cannot be recognised: save it as CSV in UTF-8 or GBK (as Excel does) and "
             "upload it again.")


class _CalamineFailed:
    """Turns calamine's errors into FileRefused, also while a sheet is being streamed.

    A Rust panic reaches Python as pyo3's PanicException, which derives from BaseException; it is
    a damaged file all the same, so it is caught by name and nothing else outside Exception is.
    """

    def __enter__(self):
        return self

    def __exit__(self, kind, error, traceback):
        if error is None or isinstance(error, FileRefused):
            return False
        if isinstance(error, PasswordError):
            raise FileRefused(_password()) from None
        if isinstance(error, (CalamineError, OSError, ValueError)) or type(error).__name__ == "PanicException":
            raise FileRefused(_unreadable()) from None
        return False


# ------------------------------------------------------------------------------------------------- xlsx

_PREFIX = rb"(?:[A-Za-z_][\w.-]*:)?"  # some writers (the .NET SDK) prefix every element: <x:row>
_ROOT_TAG = re.compile(rb"<([A-Za-z_][\w.-]*:)?worksheet[\s>]")
ROOT_SEARCH_BYTES = 64 * 1024  # the root element opens the part, after at most an XML declaration
_SHEET_TAG = re.compile(rb"<" + _PREFIX + rb"sheet\b([^>]*)>")
_RELATIONSHIP_TAG = re.compile(rb"<" + _PREFIX + rb"Relationship\b([^>]*)>")
_HIDDEN = re.compile(rb"""\bhidden\s*=\s*["'](?:1|true)["']""")
_ROW_NUMBER = re.compile(rb"""(?:^|\s)r\s*=\s*["']([0-9]+)["']""")
_CELL_REFERENCE = re.compile(rb"""(?:^|\s)r\s*=\s*["']\$?([A-Za-z]{1,3})\$?([0-9]+)["']""")
_REF_CELL = re.compile(r"([A-Z]{1,3})([0-9]+)")
MAX_COLUMNS = 16_384  # Excel's last column XFD; a <col max> beyond it is nonsense
WORKBOOK_PART = "xl/workbook.xml"
WORKBOOK_RELS = "xl/_rels/workbook.xml.rels"
SMALL_PART_LIMIT = 16 * 1024 * 1024  # workbook.xml and its relationships: a few KB in any real workbook


def _attribute(attributes: bytes, name: str) -> str | None:
    found = re.search(rb"(?:^|\s)" + re.escape(name.encode()) + rb"""\s*=\s*(?:"([^"]*)"|'([^']*)')""", attributes)
    if found is None:
        return None
    return html.unescape((found.group(1) if found.group(1) is not None else found.group(2)).decode("utf-8"))


def _open_xlsx(path: Path) -> Ledger:
    try:
        with zipfile.ZipFile(path) as archive:
            _refuse_bombs(archive)
            parts = _worksheet_parts(archive)
            _verify_small_parts(archive, exclude=set(parts.values()))
            with _CalamineFailed(), _calamine(path, "xlsx") as workbook:
                metadata = workbook.sheets_metadata
            worksheets = [(position, meta) for position, meta in enumerate(metadata)
                          if meta.typ == SheetTypeEnum.WorkSheet]
            _refuse_too_many(len(worksheets))
            sheets, any_value = [], False
            for index, (position, meta) in enumerate(worksheets):
                part = parts.get(meta.name)
                if part is None:
                    raise FileRefused(_unreadable())
                layout = _scan_sheet_xml(archive, part)
                any_value = any_value or layout.has_values
                sheets.append(SheetData(meta.name, index, meta.visible != SheetVisibleEnum.Visible,
                                        layout.hidden_rows, layout.hidden_columns, layout.merges,
                                        layout.formula_cells, source=_calamine_rows(path, "xlsx", position)))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, OSError, ValueError):
        # NotImplementedError: a compression method zipfile lacks; the others: a damaged archive
        raise FileRefused(_unreadable()) from None
    if not any_value:
        raise FileRefused(_empty())
    return Ledger("xlsx", sheets)


def _refuse_bombs(archive: zipfile.ZipFile) -> None:
    """Refuse before unpacking anything when the archive declares more than can be safely read.

    The declared sizes are checked here; a member that lies about its size fails its CRC when
    streamed (zipfile reads no more than declared), which `_scan_sheet_xml`/`_verify_small_parts`
    do before calamine sees the file.
    """
    members = archive.infolist()
    total = sum(member.file_size for member in members)
    packed_beyond_reason = any(
        member.file_size >= RATIO_CHECKED_FROM_BYTES
        and member.file_size > MAX_COMPRESSION_RATIO * max(member.compress_size, 1)
        for member in members)
    if total > MAX_UNPACKED_BYTES or packed_beyond_reason:
        raise FileRefused(_("The workbook unpacks to more than %(mb)d MB or is packed abnormally tightly; it may "
                            "be damaged or malicious, so it was not opened.") % {"mb": MAX_UNPACKED_BYTES >> 20})


def _read_small(archive: zipfile.ZipFile, name: str) -> bytes:
    with archive.open(name) as member:
        data = member.read(SMALL_PART_LIMIT + 1)
    if len(data) > SMALL_PART_LIMIT:
        raise FileRefused(_unreadable())
    return data


def _worksheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> its XML part in the zip, as xl/workbook.xml and its relationships say."""
    names = set(archive.namelist())
    if WORKBOOK_PART not in names or WORKBOOK_RELS not in names:
        # an .ods, an .xlsb (binary parts) or a Word file: a zip, but nothing read here
        raise FileRefused(_("This workbook's format cannot be read: open it in Excel or WPS, save it as .xlsx and "
                            "upload it again."))
    targets = {}
    for attributes in _RELATIONSHIP_TAG.findall(_read_small(archive, WORKBOOK_RELS)):
        ident, target = _attribute(attributes, "Id"), _attribute(attributes, "Target")
        if ident and target:
            resolved = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
            targets[ident] = posixpath.normpath(resolved)
    by_lower = {name.lower(): name for name in names}
    parts = {}
    for attributes in _SHEET_TAG.findall(_read_small(archive, WORKBOOK_PART)):
        name = _attribute(attributes, "name")
        ident = re.search(rb"""\b[\w.-]+:id\s*=\s*["']([^"']*)["']""", attributes)
        target = targets.get(ident.group(1).decode()) if ident else None
        if name is not None and target:
            member = target if target in names else by_lower.get(target.lower())
            if member:
                parts[name] = member
    return parts


def _verify_small_parts(archive: zipfile.ZipFile, *, exclude: set[str]) -> None:
    """Stream the other XML parts calamine reads (shared strings, styles) once, so a lying size fails its CRC."""
    for member in archive.infolist():
        if member.filename in exclude or not member.filename.lower().endswith((".xml", ".rels")):
            continue
        with archive.open(member) as stream:
            while stream.read(XML_CHUNK):
                pass


class _SheetPatterns:
    """The tags looked for in one sheet's XML, spelled with the sheet's own element prefix.

    A literal "<row" lets the regex engine jump from match to match; an optional "any prefix" group
    would be tried at every "<" of every cell and triples the time over a 20,000-row sheet.
    """

    def __init__(self, prefix: bytes):
        start = b"<" + re.escape(prefix)
        self.row = re.compile(start + rb"row\b([^>]*)>")
        self.col = re.compile(start + rb"col\b([^>]*)>")
        self.merge = re.compile(start + rb"mergeCell\b([^>]*)>")
        self.value = re.compile(start + rb"(?:v|t)(?:\s[^>]*)?>[^<]")  # <v>12</v>, inline <is><t>x</t>
        # Formulas and the cells they sit in are found with bytes.find, which skips text far faster than a
        # regex that stops at every "<": most sheets hold no formula, and one that does is placed without
        # visiting every other cell (see _scan_chunk).
        self.row_open, self.cell_open, self.formula_open = (b"<" + prefix + name for name in (b"row", b"c", b"f"))
        # rows, cells and formulas in document order, for walking the cells from one point on
        self.placing = re.compile(start + rb"(row|c|f)(?=[\s/>])([^>]*)>")


@dataclass
class _SheetLayout:
    hidden_rows: set[int] = field(default_factory=set)
    hidden_columns: set[int] = field(default_factory=set)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)
    formula_cells: set[tuple[int, int]] = field(default_factory=set)
    has_values: bool = False


@dataclass
class _Cursor:
    """Where the scan stands at a chunk's end, which the next chunk's tags continue from."""

    row: int = 0  # the row last opened
    column: int = -1  # 0-based column of the cell last opened in that row; -1 before its first cell
    cell: tuple[int, int] | None = None  # (row, column) of the cell last opened: an <f> belongs to it


def _scan_sheet_xml(archive: zipfile.ZipFile, part: str) -> _SheetLayout:
    """Hidden rows and columns, merges, formula cells and whether any cell holds a value, streaming the part
    in chunks.

    Each chunk is cut at its last "<", so every tag handled is whole and so is the text after it
    (a value split over two chunks is seen in the next round). Rows and cells may omit their number
    (r is optional in the format); they then follow the previous row or cell. A cell's <c> and its <f>
    may fall in different chunks, so the cell last opened is carried over to the next chunk.
    """
    layout, cursor, tail, patterns = _SheetLayout(), _Cursor(), b"", None
    with archive.open(part) as stream:
        while chunk := stream.read(XML_CHUNK):
            text = tail + chunk
            if patterns is None:  # the root element, once whole, tells the prefix the sheet's tags carry
                root = _ROOT_TAG.search(text)
                if root is None and len(text) < ROOT_SEARCH_BYTES:
                    tail = text
                    continue
                patterns = _SheetPatterns((root.group(1) or b"") if root else b"")
            cut = text.rfind(b"<")
            if cut <= 0 and len(text) > LONGEST_HELD_TEXT:  # a tag is never this long: text no regex needs
                cut = len(text)
            cut = max(cut, 0)
            _scan_chunk(text[:cut], patterns, layout, cursor)
            tail = text[cut:]
    _scan_chunk(tail, patterns or _SheetPatterns(b""), layout, cursor)
    return layout


def _scan_chunk(text: bytes, patterns: _SheetPatterns, layout: _SheetLayout, cursor: _Cursor) -> None:
    hides = b"hidden" in text  # most chunks hide nothing: their tags' attributes need no second look
    last_row, any_row = cursor.row, False
    for attributes in patterns.row.findall(text):  # as _row_number, inline: called once for every row
        number = _ROW_NUMBER.search(attributes)
        last_row, any_row = int(number.group(1)) if number else last_row + 1, True
        if hides and _HIDDEN.search(attributes):
            layout.hidden_rows.add(last_row)
    formulas = list(_tag_starts(text, patterns.formula_open))
    if formulas and not _place_formulas_by_reference(text, formulas, patterns, layout, cursor):
        _place_cells(text, 0, patterns, layout, cursor)  # cells without r: count every one from the last chunk on
    else:  # the next chunk continues from the cells after the last row start: a row's worth at most
        row_start = _last_tag_start(text, patterns.row_open, len(text)) if any_row else -1
        if row_start >= 0:
            cursor.row, cursor.column, cursor.cell = last_row, -1, None
        _place_cells(text, row_start + 1, patterns, layout, cursor)  # +1: past the row tag's "<", counted above
    for attributes in patterns.col.findall(text) if hides else ():
        if _HIDDEN.search(attributes):
            first, last = _attribute(attributes, "min") or "", _attribute(attributes, "max") or ""
            if first.isdigit() and last.isdigit():
                layout.hidden_columns.update(range(max(int(first) - 1, 0), min(int(last), MAX_COLUMNS)))
    for attributes in patterns.merge.findall(text) if b"mergeCell" in text else ():
        merge = _merge_bounds(_attribute(attributes, "ref") or "")
        if merge:
            layout.merges.append(merge)
    if not layout.has_values and patterns.value.search(text):
        layout.has_values = True


def _row_number(attributes: bytes, previous: int) -> int:
    number = _ROW_NUMBER.search(attributes)
    return int(number.group(1)) if number else previous + 1


_TAG_NAME_ENDS = frozenset(b" \t\r\n/>")


def _tag_starts(text: bytes, opening: bytes) -> Iterator[int]:
    """Where the tags named exactly `opening` start ("<c" finds <c r="A1"> but not <col> or <color>)."""
    position = text.find(opening)
    while position >= 0:
        end = position + len(opening)
        if end < len(text) and text[end] in _TAG_NAME_ENDS:
            yield position
        position = text.find(opening, end)


def _last_tag_start(text: bytes, opening: bytes, before: int) -> int:
    """Where the last tag named exactly `opening` starts before `before`; -1 when none does."""
    position = text.rfind(opening, 0, before)
    while position >= 0:
        end = position + len(opening)
        if end < len(text) and text[end] in _TAG_NAME_ENDS:
            return position
        position = text.rfind(opening, 0, position)
    return -1


def _place_formulas_by_reference(text: bytes, formulas: list[int], patterns: _SheetPatterns, layout: _SheetLayout,
                                 cursor: _Cursor) -> bool:
    """Add the cell of each <f> at `formulas` by the r of the <c> it sits in (the nearest one before it: cells
    do not nest), or the cell the last chunk ended in. False when a cell has no r: its column is then only
    known by counting the cells before it, which _place_cells does. The cursor is left as it was."""
    for position in formulas:
        cell_start = _last_tag_start(text, patterns.cell_open, position)
        if cell_start < 0:
            if cursor.cell is not None:
                layout.formula_cells.add(cursor.cell)
            continue
        tag = patterns.placing.match(text, cell_start)  # None only for a <c without its ">": a damaged sheet
        reference = _CELL_REFERENCE.search(tag.group(2)) if tag else None
        if reference is None:
            return False
        layout.formula_cells.add((int(reference.group(2)), _column_index(reference.group(1).decode().upper())))
    return True


def _place_cells(text: bytes, start: int, patterns: _SheetPatterns, layout: _SheetLayout, cursor: _Cursor) -> None:
    """Follow rows and cells from `start` on, adding the cell each <f> sits in to the formula cells."""
    for tag in patterns.placing.finditer(text, start):
        name, attributes = tag.group(1), tag.group(2)
        if name == b"row":
            cursor.row, cursor.column, cursor.cell = _row_number(attributes, cursor.row), -1, None
        elif name == b"c":
            reference = _CELL_REFERENCE.search(attributes)
            if reference:  # the cell's own reference wins, as calamine places the value by it
                cursor.column = _column_index(reference.group(1).decode().upper())
                cursor.cell = (int(reference.group(2)), cursor.column)
            else:
                cursor.column += 1
                cursor.cell = (cursor.row, cursor.column)
        elif cursor.cell is not None:
            layout.formula_cells.add(cursor.cell)


def _column_index(letters: str) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - ord("A") + 1
    return index - 1


def _merge_bounds(ref: str) -> tuple[int, int, int, int] | None:
    """"B3:D5" -> (3, 1, 5, 3): rows 1-based, columns 0-based; None for anything else."""
    cells = [_REF_CELL.fullmatch(part) for part in ref.upper().replace("$", "").split(":")]
    if len(cells) != 2 or not all(cells):
        return None
    (first_col, first_row), (last_col, last_row) = (cell.groups() for cell in cells)
    return int(first_row), _column_index(first_col), int(last_row), _column_index(last_col)


def _refuse_too_many(count: int) -> None:
    if count > MAX_SHEETS:
        raise FileRefused(_("The workbook has %(n)d sheets; at most %(max)d can be read at once: split the "
                            "workbook into smaller files.") % {"n": count, "max": MAX_SHEETS})


# ---------------------------------------------------------------------------------------------- calamine

_CALAMINE_SUFFIXES = {"xlsx": {".xlsx", ".xlsm", ".xlam"}, "xls": {".xls", ".xla"}}


def _calamine(path: Path, kind: str) -> CalamineWorkbook:
    """The workbook opened by calamine as the `kind` its content showed.

    Calamine picks its reader from the file's suffix, so a workbook stored without one (uploads are) or
    renamed to the other suffix (a common accident) is opened through a link with the right suffix.
    """
    suffix = path.suffix.lower()
    if suffix in _CALAMINE_SUFFIXES[kind]:
        return CalamineWorkbook.from_path(str(path))
    # Handed over by a name with the right suffix: sniffing bytes, calamine says "cannot detect the format"
    # for a password-protected .xls where its .xls reader says "password protected".
    with tempfile.TemporaryDirectory() as folder:
        alias = Path(folder) / ("book.xls" if kind == "xls" else "book.xlsx")
        alias.symlink_to(path.resolve())
        return CalamineWorkbook.from_path(str(alias))


def _load_sheet(path: Path, kind: str, position: int):
    workbook = _calamine(path, kind)
    try:
        return workbook.get_sheet_by_index(position)
    finally:
        workbook.close()  # the sheet's cells are its own; the file need not stay open


def _calamine_rows(path: Path, kind: str, position: int) -> Callable[[], Iterator[tuple[int, list[object]]]]:
    def rows() -> Iterator[tuple[int, list[object]]]:
        with _CalamineFailed():
            sheet = _load_sheet(path, kind, position)
            # calamine pads the rows above the data but starts each row at the first used column
            padding = [None] * (sheet.start[1] if sheet.start else 0)
            for number, values in enumerate(sheet.iter_rows(), start=1):
                yield number, padding + [None if value == "" else value for value in values]

    return rows


# ----------------------------------------------------------------------------------------- xls and CFB

_FREE_OR_END = 0xFFFFFFFA  # sector numbers from here up are markers (end of chain, free, FAT, DIFAT)
MAX_DIRECTORY_SECTORS = 4096


def _open_cfb(path: Path) -> Ledger:
    """An OLE compound file: an .xls, or an .xlsx that Excel encrypted with a password (same signature)."""
    with path.open("rb") as handle:
        streams = _cfb_stream_names(handle)
    if streams is None:
        raise FileRefused(_unreadable())
    if {"EncryptionInfo", "EncryptedPackage"} & streams:
        raise FileRefused(_password())
    if not {"Workbook", "Book"} & streams:  # a Word .doc, an Outlook .msg…
        raise FileRefused(_not_a_spreadsheet())
    return _open_xls(path)


def _cfb_stream_names(handle) -> set[str] | None:
    """The names in a compound file's directory, read by following its sector chains; None if damaged.

    Only the header, the FAT sectors on the directory's chain and the directory itself are read,
    so this costs a few KB whatever the file's size.
    """
    header = handle.read(512)
    if len(header) < 512:
        return None
    shift = int.from_bytes(header[0x1E:0x20], "little")
    if shift not in (9, 12):
        return None
    size = 1 << shift
    per_sector = size // 4
    difat = [int.from_bytes(header[0x4C + 4 * i:0x50 + 4 * i], "little") for i in range(109)]
    next_difat = int.from_bytes(header[0x44:0x48], "little")

    def read_sector(number: int) -> bytes | None:
        handle.seek((number + 1) * size)
        data = handle.read(size)
        return data if len(data) == size else None

    def fat_sector(fat_index: int) -> int | None:
        nonlocal next_difat
        while fat_index >= len(difat):  # DIFAT beyond the header's 109 entries (files over ~7 MB)
            if next_difat >= _FREE_OR_END or len(difat) > 1_000_000:
                return None
            data = read_sector(next_difat)
            if data is None:
                return None
            difat.extend(int.from_bytes(data[4 * i:4 * i + 4], "little") for i in range(per_sector - 1))
            next_difat = int.from_bytes(data[-4:], "little")
        return difat[fat_index]

    names, sector, seen = set(), int.from_bytes(header[0x30:0x34], "little"), set()
    while sector < _FREE_OR_END:
        if sector in seen or len(seen) >= MAX_DIRECTORY_SECTORS:
            return None
        seen.add(sector)
        data = read_sector(sector)
        if data is None:
            return None
        for offset in range(0, size, 128):
            entry = data[offset:offset + 128]
            length, kind = int.from_bytes(entry[64:66], "little"), entry[66]
            if kind in (1, 2, 5) and 2 <= length <= 64:
                names.add(entry[:length - 2].decode("utf-16-le", errors="replace"))
        holder = fat_sector(sector // per_sector)
        if holder is None or holder >= _FREE_OR_END:
            return None
        handle.seek((holder + 1) * size + (sector % per_sector) * 4)
        sector = int.from_bytes(handle.read(4), "little")
    return names


def _open_xls(path: Path) -> Ledger:
    """An Excel 97-2003 workbook, read by calamine.

    Calamine does not report hidden rows or columns in .xls (they sit in ROW and COLINFO records it
    skips), so `hidden_rows` and `hidden_columns` are empty sets here: a hidden row in an .xls reads as
    a visible one. Merges come from calamine. Each sheet is loaded once now (for its merges and to know
    the file is not empty) and again when its rows are read; .xls files are small (65,536 rows at most).
    """
    sheets, any_value = [], False
    with _CalamineFailed():
        workbook = _calamine(path, "xls")
        try:
            worksheets = [(position, meta) for position, meta in enumerate(workbook.sheets_metadata)
                          if meta.typ == SheetTypeEnum.WorkSheet]
            _refuse_too_many(len(worksheets))
            for index, (position, meta) in enumerate(worksheets):
                sheet = workbook.get_sheet_by_index(position)
                any_value = any_value or sheet.start is not None
                merges = [(first[0] + 1, first[1], last[0] + 1, last[1])
                          for first, last in (sheet.merged_cell_ranges or [])]
                sheets.append(SheetData(meta.name, index, meta.visible != SheetVisibleEnum.Visible, set(), set(),
                                        merges, source=_calamine_rows(path, "xls", position)))
        finally:
            workbook.close()
    if not any_value:
        raise FileRefused(_empty())
    return Ledger("xls", sheets)


# -------------------------------------------------------------------------------------------------- csv

CSV_ENCODINGS = ("utf-8", "gb18030")  # GB18030 is a superset of GBK and GB2312, what Excel writes in China
CSV_DELIMITERS = ",\t;"
CSV_SNIFF_LINES = 50
MARKUP_STARTS = (b"<?xml", b"<html", b"<!doctype", b"<table")  # "xls" exported by web systems, Excel 2003 XML


def _open_csv(path: Path, original_name: str) -> Ledger:
    """A text file read as CSV: encoding and delimiter detected, one sheet named after the file."""
    encoding, sample = _csv_encoding(path)
    delimiter = _csv_delimiter(sample)
    name = Path(original_name).stem or original_name or "CSV"
    sheet = SheetData(name, 0, False, set(), set(), [], source=_csv_rows(path, encoding, delimiter))
    if not any(any(value.strip() for value in values) for _number, values in sheet.iter_rows()):
        raise FileRefused(_empty())
    return Ledger("csv", [sheet], encoding=encoding)


def _csv_encoding(path: Path) -> tuple[str, str]:
    """("utf-8" | "gb18030", a decoded sample for sniffing the delimiter), or FileRefused.

    The choice is made on the first chunk holding a non-ASCII byte: a GBK file whose first pages are
    plain ASCII (numbers, Latin headers) would otherwise pass as UTF-8 and fail far down.
    """
    with path.open("rb") as handle:
        first = handle.read(CSV_SNIFF_BYTES)
        if first.startswith(UTF16_BOMS):  # Excel's "Unicode text": UTF-16, which is not read here
            raise FileRefused(_unknown_encoding())
        if first.lstrip(UTF8_BOM + b" \t\r\n")[:9].lower().startswith(MARKUP_STARTS):
            raise FileRefused(_("This file is a web page or an XML file, not a workbook: open it in Excel, save it "
                                "as .xlsx and upload it again."))
        if b"\x00" in first:  # text never holds NUL; images, PDFs and archives do
            raise FileRefused(_not_a_spreadsheet())
        chunk, at_end = first, len(first) < CSV_SNIFF_BYTES
        while chunk.isascii() and not at_end:
            chunk = handle.read(CSV_SNIFF_BYTES)
            at_end = len(chunk) < CSV_SNIFF_BYTES
    for encoding in CSV_ENCODINGS:
        if _decodes(chunk, encoding, final=at_end):  # not final: a character may be cut at the chunk's end
            sample = codecs.getincrementaldecoder(encoding)(errors="replace").decode(first)
            return encoding, sample.removeprefix("\ufeff")
    raise FileRefused(_unknown_encoding())


def _decodes(data: bytes, encoding: str, *, final: bool) -> bool:
    try:
        codecs.getincrementaldecoder(encoding)().decode(data.removeprefix(UTF8_BOM), final=final)
    except UnicodeDecodeError:
        return False
    return True


def _csv_delimiter(sample: str) -> str:
    """Comma, tab or semicolon as the first lines use it; comma when the sniffer cannot tell."""
    lines = sample.splitlines(keepends=True)
    lines = lines[:-1] if len(lines) > 1 else lines  # the sample's last line may be cut off
    try:
        delimiter = csv.Sniffer().sniff("".join(lines[:CSV_SNIFF_LINES]), delimiters=CSV_DELIMITERS).delimiter
    except csv.Error:
        return ","
    first_line = next((line for line in lines if line.strip()), "")
    return delimiter if delimiter in first_line or "," not in first_line else ","


def _csv_rows(path: Path, encoding: str, delimiter: str) -> Callable[[], Iterator[tuple[int, list[object]]]]:
    codec = "utf-8-sig" if encoding == "utf-8" else encoding

    def rows() -> Iterator[tuple[int, list[object]]]:
        number = 0
        try:
            with path.open("rb") as raw, io.TextIOWrapper(raw, encoding=codec, errors="strict", newline="") as text:
                for number, values in enumerate(csv.reader(text, delimiter=delimiter), start=1):
                    yield number, values
        except UnicodeDecodeError:
            raise FileRefused(_unknown_encoding()) from None
        except csv.Error:
            raise FileRefused(_("The CSV file cannot be read after row %(row)d: a cell is too long or the file "
                                "holds binary data.") % {"row": number}) from None

    return rows
