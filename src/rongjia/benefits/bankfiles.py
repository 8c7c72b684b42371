"""The bank's 代发 files of a payment batch: the file sent to the bank, and the return file that says which
transfers failed.

A bank's layout is data (`BankFormat`): CSV, fixed-width text or Excel, its columns, its encoding, a title row, a
totals line. Writing and reading follow the one description, so what is written reads back the same. A return file
is checked against the batch it claims to answer before anything is handed back: the batch's reference, every
line's payment, account number and amount, no line twice, no payment left out, the totals. Anything wrong refuses
the whole file with the first problems and their line numbers: a return is never half recorded.

The lines of a file, in order:
- the totals line, when `totals` is "first": the batch reference, the number of payments, their sum;
- the title row, when `header` is set: the columns' titles;
- one line per payment, in `seq` order;
- the totals line, when `totals` is "last".
In CSV and Excel the totals line is three cells; in fixed-width text its fields are TOTALS_WIDTHS bytes wide
(reference left-aligned, count and sum right-aligned). A line's reference is the batch's, "-" and the payment's
`seq` in five digits. A format must carry the batch's reference (a reference column or a totals line): a return
file that does not name its batch could be last month's, with the same people, accounts and amounts.

The return file is the same layout with two more columns after the format's own: the status (`status_title`; the
transfer succeeded when the value is one of `success_values`) and the reason (`reason_title`). In fixed-width text
they are STATUS_WIDTH and REASON_WIDTH bytes wide, and a line may stop short (banks trim trailing spaces). Its
totals line is the one sent.

Fixed widths count bytes of the encoding (a Chinese character is 2 bytes in GBK, 3 in UTF-8): a name too long is
cut between characters; a sequence number, reference, account number or amount too long refuses the file, since a
cut one would pay the wrong account or sum. Text cells a spreadsheet would run as a formula are written with a
leading "'" (core.exports.safe_cell) in CSV and Excel, and read back without it.

Account numbers are decrypted here (to write them, and to compare the bank's with ours) and nowhere else. These
functions read and check; the service that sends a batch or records its return checks capability, scope and the
batch's state.
"""

import codecs
import csv
import io
import re
import zipfile
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from python_calamine import CalamineError, CalamineWorkbook, PasswordError, XmlError, ZipError

from rongjia.core.exports import safe_cell
from rongjia.core.models import OrgUnit
from rongjia.core.validators import FORMULA_STARTS

from .accounts import luhn_ok, normalised
from .models import BankFormat

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_LINES = 200_000  # payment lines of one file: several times the largest county's batch
MAX_UNPACKED_BYTES = 200 * 1024 * 1024  # an Excel return file's parts together, as its zip declares them
MAX_COMPRESSION_RATIO = 200  # real sheet XML packs 5-30 times; a zip bomb thousands of times

STATUS_WIDTH = 10  # bytes of the status column a fixed-width return file appends
REASON_WIDTH = 40  # bytes of the reason column after it
TOTALS_WIDTHS = (32, 10, 18)  # bytes of a fixed-width totals line: reference, count, sum

FIELDS = ("seq", "reference", "account", "holder", "amount", "bank", "note")
EXACT = {"seq", "reference", "account", "amount", "count", "total"}  # never cut to fit
ZERO_PADDED = {"seq", "amount"}  # the only fields "0" may pad (a zero-padded account number loses its own zeros)
REPORTED = 5  # problems shown; the rest are counted
EXTENSIONS = {"csv": "csv", "fixed": "txt", "xlsx": "xlsx"}
ZIP_SIGNATURE, CFB_SIGNATURE = b"PK\x03\x04", bytes.fromhex("D0CF11E0A1B11AE1")
UNSAFE_IN_NAMES = re.compile(r'[\\/:*?"<>|\s\x00-\x1f]+')
DIGITS = re.compile(r"[0-9]{1,9}")
ASCII_PROBE = "0123456789 AZaz,.-|;\t\r\n"


@dataclass(frozen=True)
class Column:
    field: str
    title: str
    width: int = 0  # bytes, fixed-width only
    align: str = "left"
    pad: str = " "


@dataclass(frozen=True)
class ParsedLine:
    seq: int
    reference: str
    account: str
    holder: str
    amount: Decimal


@dataclass
class ParsedFile:
    reference: str  # the batch's, "" when the file names none (no totals line, no reference column)
    lines: list[ParsedLine]
    count: int
    total: Decimal


@dataclass(frozen=True)
class ReturnLine:
    seq: int
    reference: str
    account: str
    amount: Decimal
    ok: bool
    reason: str  # the bank's, "" when ok


@dataclass
class _Line:
    number: int  # the file's line (Excel: row) number, for messages
    seq: int
    reference: str
    account: str
    holder: str
    amount: Decimal
    status: str = ""
    reason: str = ""


@dataclass
class _Totals:
    number: int
    reference: str
    count: int
    total: Decimal


@dataclass
class _Parsed:
    reference: str
    lines: list[_Line]
    totals: _Totals | None


class _Bad(Exception):
    """One line's problem (str(exc) is the message); collected, never raised out of this module."""


class _Problems:
    """Problems found line by line, raised together (the first few shown) once the whole file is seen."""

    def __init__(self):
        self.found: list[ValidationError] = []

    def add(self, message: str, code: str) -> None:
        self.found.append(ValidationError(message, code=code))

    def line(self, number: int, message: str, code: str) -> None:
        self.add(_("Line %(line)d: %(problem)s") % {"line": number, "problem": message}, code)

    def payment(self, seq: int, message: str, code: str) -> None:
        self.add(_("Payment %(seq)d: %(problem)s") % {"seq": seq, "problem": message}, code)

    def raise_any(self) -> None:
        if not self.found:
            return
        shown, more = self.found[:REPORTED], len(self.found) - REPORTED
        if more > 0:
            shown.append(ValidationError(ngettext("… and %(count)d more problem.", "… and %(count)d more problems.",
                                                  more) % {"count": more}, code="more"))
        raise ValidationError(shown)


# --- references ------------------------------------------------------------------------------------------------

def batch_reference(batch) -> str:
    """The batch's reference with the bank: county, month and the batch's id, stable however often it is sent."""
    return f"YF{batch.region_code[:6]}{batch.month:%Y%m}{batch.pk:06d}"


def line_reference(reference: str, seq: int) -> str:
    return f"{reference}-{seq:05d}"


def file_name(batch, fmt: BankFormat) -> str:
    """'江宁区_优抚金代发_202612_<bank>.csv': whose, what, which month, for which bank."""
    county = OrgUnit.objects.filter(pk=batch.unit_id).values_list("region__name", flat=True).first()
    with translation.override(settings.LANGUAGE_CODE):
        what = pgettext("bank file name", "benefits payment")
    parts = [county or batch.region_code, what, f"{batch.month:%Y%m}", fmt.bank]
    return "_".join(UNSAFE_IN_NAMES.sub("-", part).strip("-") for part in parts) + "." + EXTENSIONS[fmt.kind]


def _note(batch) -> str:
    """The transfer's note the recipient reads on the statement: in the site's language, whoever sends the file."""
    with translation.override(settings.LANGUAGE_CODE):
        return pgettext("bank transfer note", "Benefits %(month)s") % {"month": f"{batch.month:%Y-%m}"}


# --- the format ------------------------------------------------------------------------------------------------

def layout(fmt: BankFormat, *, returned: bool = False) -> list[Column]:
    """The format's columns, checked (ValidationError by the format's field); the return file's two after them."""
    _check_format(fmt, returned)
    columns = [_column(spec, fixed=fmt.kind == BankFormat.Kind.FIXED) for spec in fmt.columns]
    fields = [column.field for column in columns]
    if len(set(fields)) != len(fields):
        raise _format_error("columns", _("A field appears in two columns."))
    if "account" not in fields or "amount" not in fields or not {"seq", "reference"} & set(fields):
        raise _format_error("columns", _("The columns must hold the account number, the amount, and the sequence "
                                         "number or the reference."))
    if "reference" not in fields and not fmt.totals:  # else a return file could not tell one month from the next
        raise _format_error("columns", _("The file must carry the batch's reference: give a reference column or a "
                                         "totals line."))
    if returned:
        columns += [Column("status", fmt.status_title, STATUS_WIDTH), Column("reason", fmt.reason_title, REASON_WIDTH)]
    return columns


def _format_error(field: str, message: str) -> ValidationError:
    return ValidationError({field: ValidationError(message, code="format")})


def _check_format(fmt: BankFormat, returned: bool) -> None:
    if fmt.kind not in BankFormat.Kind.values:
        raise _format_error("kind", _("Unknown file kind."))
    if fmt.kind != BankFormat.Kind.XLSX:
        _codec(fmt.encoding)
    if fmt.kind == BankFormat.Kind.CSV and fmt.delimiter in ('"', "\r", "\n"):
        raise _format_error("delimiter", _("This delimiter cannot separate CSV cells."))
    if fmt.totals not in ("", "first", "last"):
        raise _format_error("totals", _("Unknown place of the totals line."))
    if not isinstance(fmt.columns, list) or not fmt.columns:
        raise _format_error("columns", _("Give the columns as a list."))
    values = fmt.success_values
    if returned and not (isinstance(values, list) and values and all(isinstance(v, str) for v in values)):
        raise _format_error("success_values", _("Give the values of the status column that mean success."))


def _column(spec, *, fixed: bool) -> Column:
    if not isinstance(spec, dict) or spec.get("field") not in FIELDS:
        raise _format_error("columns", _("Each column needs a field, one of %(fields)s.") % {
            "fields": ", ".join(FIELDS)})
    field = spec["field"]
    column = Column(field, str(spec.get("title") or field), spec.get("width") or 0,
                    spec.get("align") or ("right" if field in ZERO_PADDED else "left"), spec.get("pad") or " ")
    if column.align not in ("left", "right") or column.pad not in (" ", "0"):
        raise _format_error("columns", _("A column aligns left or right and pads with a space or 0."))
    if column.pad == "0" and (field not in ZERO_PADDED or column.align != "right"):
        raise _format_error("columns", _("Only the right-aligned sequence number and amount may be padded with 0."))
    if fixed and not (isinstance(column.width, int) and 0 < column.width <= 1000):
        raise _format_error("columns", _("Each column of a fixed-width file needs a width in bytes (1 to 1000)."))
    return column


def _codec(name: str) -> str:
    """The encoding's codec; only those that write digits, Latin letters and line ends as ASCII (not UTF-16)."""
    try:
        codec = codecs.lookup(name or "").name
    except LookupError:
        raise _format_error("encoding", _("Unknown encoding.")) from None
    if ASCII_PROBE.encode(codec) != ASCII_PROBE.encode("ascii"):
        raise _format_error("encoding", _("Files in this encoding cannot be read line by line; choose GBK, GB18030 "
                                          "or UTF-8."))
    return codec


def _totals_columns() -> list[Column]:
    reference, count, total = TOTALS_WIDTHS
    return [Column("reference", "", reference), Column("count", "", count, "right"),
            Column("total", "", total, "right")]


# --- writing ---------------------------------------------------------------------------------------------------

def write_bank_file(batch, fmt: BankFormat) -> tuple[bytes, str]:
    """The file of the batch's payments in the format, and its name. ValidationError when the format is unusable
    or a payment cannot be written as it is (an account the bank's check refuses, a name the encoding lacks)."""
    columns = layout(fmt)
    payments = list(batch.payments.select_related("account").order_by("seq"))
    _check_payments(payments, fmt)
    reference, note = batch_reference(batch), _note(batch)
    rows = [[_value(column.field, payment, reference, note) for column in columns] for payment in payments]
    totals = [reference, len(payments), sum((payment.amount for payment in payments), Decimal("0"))]
    records = _ordered(fmt, [column.title for column in columns], rows, totals)
    return WRITERS[fmt.kind](records, columns, fmt, reference), file_name(batch, fmt)


def _check_payments(payments, fmt: BankFormat) -> None:
    if not payments:
        raise ValidationError(_("The batch has no payments to send to the bank."), code="empty")
    problems = _Problems()
    for payment in payments:
        if payment.amount <= 0:
            problems.payment(payment.seq, _("a bank transfer must be more than zero."), "amount")
        if fmt.account_check == "luhn" and not luhn_ok(payment.account.number):
            problems.payment(payment.seq, _("the account number fails the bank's check (Luhn)."), "bad_account")
    problems.raise_any()


def _value(field: str, payment, reference: str, note: str):
    account = payment.account
    return {"seq": payment.seq, "reference": line_reference(reference, payment.seq),
            "account": normalised(account.number), "holder": account.holder_name, "amount": payment.amount,
            "bank": account.bank, "note": note}[field]


def _ordered(fmt: BankFormat, titles: list[str], rows: list[list], totals: list) -> list[tuple[str, list]]:
    records = [("totals", totals)] if fmt.totals == "first" else []
    records += [("header", titles)] if fmt.header else []
    records += [("row", row) for row in rows]
    return records + ([("totals", totals)] if fmt.totals == "last" else [])


def _text(value) -> str:
    return f"{value:.2f}" if isinstance(value, Decimal) else str(value)


def _encoded(text: str, codec: str, number: int, problems: _Problems) -> bytes | None:
    try:
        return text.encode(codec)
    except UnicodeEncodeError as exc:
        problems.line(number, _("%(text)s cannot be written in %(encoding)s; choose a format in GB18030 or UTF-8.")
                      % {"text": exc.object[exc.start:exc.end], "encoding": codec}, "encoding")
        return None


def _write_csv(records, columns, fmt: BankFormat, reference: str) -> bytes:
    codec, problems, out = _codec(fmt.encoding), _Problems(), bytearray()
    for number, (_kind, values) in enumerate(records, start=1):
        buffer = io.StringIO()
        csv.writer(buffer, delimiter=fmt.delimiter or ",", lineterminator="\r\n").writerow(
            [safe_cell(_text(value)) for value in values])
        out += _encoded(buffer.getvalue(), codec, number, problems) or b""
    problems.raise_any()
    return bytes(out)


def _write_fixed(records, columns, fmt: BankFormat, reference: str) -> bytes:
    codec, problems, out = _codec(fmt.encoding), _Problems(), bytearray()
    for number, (kind, values) in enumerate(records, start=1):
        out += _fixed_line(kind, values, columns, codec, number, problems) + b"\r\n"
    problems.raise_any()
    return bytes(out)


def _fixed_line(kind: str, values: list, columns: list[Column], codec: str, number: int, problems: _Problems) -> bytes:
    if kind == "header":  # titles are cut to fit and padded with spaces whatever pads the column's values
        columns = [replace(column, field="title", align="left", pad=" ") for column in columns]
    elif kind == "totals":
        columns = _totals_columns()
    return b"".join(_fit(_text(value), column, codec, number, problems)
                    for column, value in zip(columns, values, strict=True))


def _fit(text: str, column: Column, codec: str, number: int, problems: _Problems) -> bytes:
    """The text in exactly the column's width of bytes: padded on the side away from its alignment, or cut
    between characters (never an exact field: that is a problem)."""
    data = _encoded(text, codec, number, problems)
    if data is None:
        return b" " * column.width
    if len(data) > column.width:
        if column.field in EXACT:
            problems.line(number, _("%(column)s does not fit in its %(width)d bytes.") % {
                "column": column.title or column.field, "width": column.width}, "width")
        data = _cut(text, column.width, codec)
    fill = column.pad.encode(codec) * (column.width - len(data))
    return fill + data if column.align == "right" else data + fill


def _cut(text: str, width: int, codec: str) -> bytes:
    data = b""
    for char in text:
        piece = char.encode(codec)
        if len(data) + len(piece) > width:
            break
        data += piece
    return data


def _write_xlsx(records, columns, fmt: BankFormat, reference: str) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = reference[:31]
    for kind, values in records:
        sheet.append([safe_cell(value) if isinstance(value, str) else value for value in values])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, (Decimal, str)):
                cell.number_format = "0.00" if isinstance(cell.value, Decimal) else "@"
            cell.font = Font(bold=kind != "row")
        if kind == "header":
            sheet.freeze_panes = f"A{sheet.max_row + 1}"
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = 26 if column.field in ("reference", "account") else 14
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


WRITERS = {"csv": _write_csv, "fixed": _write_fixed, "xlsx": _write_xlsx}


# --- reading ---------------------------------------------------------------------------------------------------

def read_bank_file(content: bytes, fmt: BankFormat) -> ParsedFile:
    """The payments a file in the format holds, checked against its own totals line; ValidationError otherwise."""
    parsed, problems = _read(content, fmt, layout(fmt))
    problems.raise_any()
    lines = [ParsedLine(line.seq, line.reference, line.account, line.holder, line.amount) for line in parsed.lines]
    return ParsedFile(parsed.reference, lines, len(lines), sum((line.amount for line in lines), Decimal("0")))


def read_return_file(content: bytes, fmt: BankFormat, batch) -> list[ReturnLine]:
    """The bank's result for every payment of the batch, in the file's order, or ValidationError when the file is
    not the batch's return in every line: another batch, a payment unknown or left out, another account or amount,
    a line twice, a line without a result, totals that do not add up. Another batch is said alone; the other
    problems together, those of the file in itself first."""
    parsed, problems = _read(content, fmt, layout(fmt, returned=True))
    expected = batch_reference(batch)
    if parsed.reference and parsed.reference != expected:
        raise ValidationError(_("This return file is for another batch (%(found)s), not this one (%(expected)s).")
                              % {"found": parsed.reference, "expected": expected}, code="other_batch")
    payments = {payment.seq: payment for payment in batch.payments.select_related("account")}
    for line in parsed.lines:
        _match(line, payments.get(line.seq), problems)
    for seq in sorted(set(payments) - {line.seq for line in parsed.lines}):
        problems.payment(seq, _("the return file does not say what became of it."), "missing")
    problems.raise_any()
    successes = {value.strip() for value in fmt.success_values}
    return [ReturnLine(line.seq, line.reference or line_reference(expected, line.seq), line.account, line.amount,
                       line.status in successes, "" if line.status in successes else line.reason)
            for line in parsed.lines]


def _match(line: _Line, payment, problems: _Problems) -> None:
    if payment is None:
        problems.line(line.number, _("this batch has no payment %(seq)d.") % {"seq": line.seq}, "unknown_payment")
        return
    ours = normalised(payment.account.number)
    if line.account != ours:
        problems.line(line.number, _("account …%(theirs)s is not the account of payment %(seq)d (…%(ours)s).") % {
            "theirs": line.account[-4:], "seq": line.seq, "ours": ours[-4:]}, "account")
    if line.amount != payment.amount:
        problems.line(line.number, _("%(theirs)s is not the amount of payment %(seq)d (%(ours)s).") % {
            "theirs": _text(line.amount), "seq": line.seq, "ours": _text(payment.amount)}, "amount")
    if not line.status:
        problems.line(line.number, _("the status column is empty."), "no_result")


def _read(content: bytes, fmt: BankFormat, columns: list[Column]) -> tuple[_Parsed, _Problems]:
    """The file's lines, and the problems of its lines in themselves (not yet raised). A file that cannot be read
    as the format at all (not the kind, not the encoding, not its title row) raises at once."""
    records = _records(content, fmt)
    totals_record, header, rows = _sections(records, fmt)
    if header is not None:
        _check_header(header, columns, fmt)
    problems = _Problems()
    totals = _totals(totals_record, fmt, problems) if totals_record else None
    cells = [(number, found) for number, raw in rows if (found := _row_cells(number, raw, columns, fmt, problems))]
    reference = totals.reference if totals else _first_reference(cells)
    lines = []
    for number, found in cells:
        try:
            lines.append(_line(number, found, reference))
        except _Bad as bad:
            problems.line(number, str(bad), "line")
    _check_lines(lines, reference, totals, problems)
    return _Parsed(reference, lines, totals), problems


def _records(content: bytes, fmt: BankFormat) -> list[tuple[int, object]]:
    """The file's non-blank lines (number, raw): bytes for fixed-width, cell texts for CSV and Excel."""
    if not content:
        raise ValidationError(_("The file is empty."), code="empty")
    if len(content) > MAX_FILE_BYTES:
        raise ValidationError(_("The file is larger than %(mb)d MB.") % {"mb": MAX_FILE_BYTES >> 20}, code="too_large")
    workbook = content.startswith((ZIP_SIGNATURE, CFB_SIGNATURE))
    if workbook != (fmt.kind == BankFormat.Kind.XLSX):
        raise ValidationError(_("This is not a %(kind)s file, the kind the format %(format)s expects.") % {
            "kind": fmt.get_kind_display(), "format": fmt.name}, code="unreadable")
    records = READERS[fmt.kind](content, fmt)
    if len(records) > MAX_LINES + 2:
        raise ValidationError(_("The file has more than %(count)d lines.") % {"count": MAX_LINES},
                              code="too_many_lines")
    return records


def _decoded(content: bytes, fmt: BankFormat) -> str:
    codec = _codec(fmt.encoding)
    try:
        return content.decode("utf-8-sig" if codec == "utf-8" else codec)
    except UnicodeDecodeError:
        raise ValidationError(_("The file is not text in %(encoding)s, the encoding of the format %(format)s.") % {
            "encoding": fmt.encoding, "format": fmt.name}, code="unreadable") from None


def _csv_records(content: bytes, fmt: BankFormat) -> list[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(_decoded(content, fmt), newline=""), delimiter=fmt.delimiter or ",")
    records = []
    try:
        for row in reader:
            if any(cell.strip() for cell in row):
                records.append((reader.line_num, [_unquoted(cell.strip()) for cell in row]))
            if len(records) > MAX_LINES + 2:
                break
    except csv.Error:
        raise ValidationError(_("The file is not CSV text the format can read."), code="unreadable") from None
    return records


def _fixed_records(content: bytes, fmt: BankFormat) -> list[tuple[int, bytes]]:
    _decoded(content, fmt)  # the whole file is text in the encoding (then fields are cut on the format's widths)
    if content.startswith(codecs.BOM_UTF8):
        content = content[len(codecs.BOM_UTF8):]
    return [(number, line) for number, line in enumerate(content.splitlines(), start=1) if line.strip()]


def _xlsx_records(content: bytes, fmt: BankFormat) -> list[tuple[int, list[str]]]:
    _refuse_zip_bombs(content)
    try:
        sheet = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0)
        offset = [""] * (sheet.start[1] if sheet.start else 0)  # calamine's rows begin at the first used column
        records = []
        for index, row in enumerate(sheet.iter_rows()):
            cells = offset + [_unquoted(_cell_text(value)) for value in row]
            if any(cells):
                records.append((index + 1, cells))
            if len(records) > MAX_LINES + 2:
                break
    except (CalamineError, PasswordError, XmlError, ZipError, IndexError, ValueError):
        raise ValidationError(_("The workbook cannot be read: open it in Excel or WPS, save it as .xlsx and upload "
                                "it again."), code="unreadable") from None
    return records


READERS = {"csv": _csv_records, "fixed": _fixed_records, "xlsx": _xlsx_records}


def _refuse_zip_bombs(content: bytes) -> None:
    """A workbook is a zip: refuse one that would unpack to far more than a return file ever holds."""
    unreadable = ValidationError(_("The workbook cannot be read: it is damaged, or not an .xlsx workbook."),
                                 code="unreadable")
    try:
        members = zipfile.ZipFile(io.BytesIO(content)).infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError):
        raise unreadable from None
    if sum(member.file_size for member in members) > MAX_UNPACKED_BYTES or any(
            member.file_size > (1 << 20) and member.file_size > MAX_COMPRESSION_RATIO * max(member.compress_size, 1)
            for member in members):
        raise unreadable


def _cell_text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value).strip()


def _unquoted(text: str) -> str:
    """The cell as typed before safe_cell put "'" before a formula's first character."""
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_STARTS) else text


def _sections(records: list, fmt: BankFormat) -> tuple:
    """(totals line or None, title row or None, payment lines) by their places in the format."""
    rows = list(records)
    totals = None
    if fmt.totals and rows:
        totals = rows.pop(0) if fmt.totals == "first" else rows.pop()
    header = rows.pop(0) if fmt.header and rows else None
    if not rows:
        raise ValidationError(_("The file has no payment lines."), code="empty")
    return totals, header, rows


def _check_header(header: tuple[int, object], columns: list[Column], fmt: BankFormat) -> None:
    number, raw = header
    titles = [column.title.strip() for column in columns]
    if fmt.kind == BankFormat.Kind.FIXED:
        codec = _codec(fmt.encoding)
        titles = [_cut(title, column.width, codec).decode(codec).strip()
                  for title, column in zip(titles, columns, strict=True)]
        columns = [replace(column, pad=" ") for column in columns]
    found = _row_cells(number, raw, columns, fmt, _Problems())
    if found is None or [found[column.field] for column in columns] != titles:
        raise ValidationError(_("Line %(line)d is not the title row of the format %(format)s, which reads: "
                                "%(titles)s.") % {"line": number, "format": fmt.name, "titles": " | ".join(titles)},
                              code="columns")


def _row_cells(number: int, raw, columns: list[Column], fmt: BankFormat, problems: _Problems) -> dict | None:
    """The line's texts by field, or None (and a problem) when it does not fit the columns."""
    try:
        if fmt.kind == BankFormat.Kind.FIXED:
            texts = _fixed_cells(raw, columns, _codec(fmt.encoding))
        else:
            texts = _cells(raw, len(columns))
    except _Bad as bad:
        problems.line(number, str(bad), "line")
        return None
    return {column.field: text for column, text in zip(columns, texts, strict=True)}


def _cells(raw: list[str], count: int) -> list[str]:
    while len(raw) > count and not raw[-1]:
        raw = raw[:-1]
    if len(raw) > count:
        raise _Bad(_("it has %(found)d columns, the format %(expected)d.") % {"found": len(raw), "expected": count})
    return raw + [""] * (count - len(raw))


def _fixed_cells(raw: bytes, columns: list[Column], codec: str) -> list[str]:
    width = sum(column.width for column in columns)
    if len(raw) > width:
        raise _Bad(_("it is %(found)d bytes long, the format %(expected)d.") % {"found": len(raw), "expected": width})
    raw, texts, start = raw.ljust(width), [], 0
    for column in columns:
        try:
            text = raw[start:start + column.width].decode(codec).strip(" ")
        except UnicodeDecodeError:
            raise _Bad(_("a character is cut at the edge of %(column)s.") % {"column": column.title}) from None
        start += column.width
        if column.pad == "0":
            text = text.lstrip("0") or ("0" if text else "")
        texts.append(text)
    return texts


def _totals(record: tuple[int, object], fmt: BankFormat, problems: _Problems) -> _Totals | None:
    number, raw = record
    found = _row_cells(number, raw, _totals_columns(), fmt, problems)
    if found is None:
        return None
    try:
        return _Totals(number, found["reference"], _count(found["count"]), _amount(found["total"]))
    except _Bad as bad:
        problems.line(number, str(bad), "totals")
        return None


def _count(text: str) -> int:
    if not DIGITS.fullmatch(text):
        raise _Bad(_("%(value)s is not a number of payments.") % {"value": text})
    return int(text)


def _first_reference(cells: list[tuple[int, dict]]) -> str:
    """The batch's reference from the first line's, when there is no totals line to give it."""
    return cells[0][1].get("reference", "").rpartition("-")[0] if cells else ""


def _line(number: int, cells: dict, reference: str) -> _Line:
    seq, line_ref = _identity(cells, reference)
    account = normalised(cells["account"])
    if not account:
        raise _Bad(_("the account number is empty."))
    return _Line(number, seq, line_ref, account, cells.get("holder", ""), _amount(cells["amount"]),
                 cells.get("status", ""), cells.get("reason", ""))


def _identity(cells: dict, reference: str) -> tuple[int, str]:
    """The line's sequence number and reference, from either column (both must agree when both are there)."""
    if "reference" not in cells:
        seq = _seq(cells["seq"])
        return seq, line_reference(reference, seq) if reference else ""
    base, _dash, tail = cells["reference"].rpartition("-")
    if not base or not DIGITS.fullmatch(tail):
        raise _Bad(_("%(value)s is not the reference of a payment.") % {"value": cells["reference"]})
    if "seq" in cells and _seq(cells["seq"]) != int(tail):
        raise _Bad(_("its sequence number and its reference %(reference)s disagree.") % {
            "reference": cells["reference"]})
    return int(tail), cells["reference"]


def _seq(text: str) -> int:
    if not DIGITS.fullmatch(text):
        raise _Bad(_("%(value)s is not a sequence number.") % {"value": text})
    return int(text)


def _amount(text: str) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite() or value.as_tuple().exponent < -2:
        raise _Bad(_("%(value)s is not an amount in yuan with at most two decimals.") % {"value": text})
    return value.quantize(Decimal("0.01"))


def _check_lines(lines: list[_Line], reference: str, totals: _Totals | None, problems: _Problems) -> None:
    """One batch, each payment once, and the totals line adds up."""
    seen: dict[int, int] = {}
    for line in lines:
        if line.reference and line.reference.rpartition("-")[0] != reference:
            problems.line(line.number, _("its reference %(found)s is not of the file's batch %(reference)s.") % {
                "found": line.reference, "reference": reference}, "other_batch")
        if line.seq in seen:
            problems.line(line.number, _("payment %(seq)d is already on line %(first)d.") % {
                "seq": line.seq, "first": seen[line.seq]}, "duplicate")
        seen.setdefault(line.seq, line.number)
    total = sum((line.amount for line in lines), Decimal("0"))
    if totals is not None and (totals.count, totals.total) != (len(lines), total):
        problems.line(totals.number, _("the totals line says %(count)d payments, %(total)s yuan; the lines hold "
                                       "%(lines)d, %(sum)s yuan.") % {
            "count": totals.count, "total": _text(totals.total), "lines": len(lines), "sum": _text(total)}, "totals")
