"""Checking ledger rows: every reason a row cannot be imported, with its column, and nothing written.

A row is new (to be registered), unchanged (its ID number is already registered at the station
it belongs to: importing the same file twice changes nothing) or bad (a list of errors). Rows are
checked in batches so the "already registered" lookups are one query per batch, not per row.
"""

import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from rongjia.core.idnumber import parse_id_number
from rongjia.core.models import OrgUnit, Region
from rongjia.core.regions import CODE_LENGTH, PREFIX_LENGTH
from rongjia.core.scoping import code_in_subtree, scope_prefix
from rongjia.core.validators import validate_phone

from ..models import Category
from ..on_file import audit_refusals, numbers_on_file, on_file_at
from ..reference import EDUCATION_CHOICES, ETHNIC_CHOICES, POLITICAL_CHOICES
from ..services import id_index
from .columns import COLUMNS, MAX_CELL
from .reader import Cell

HEADER = {column.key: column.header for column in COLUMNS}
BATCH = 1000
EXCEL_EPOCH = date(1899, 12, 30)
_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日")
_SEPARATORS = ("、", "，", ",", ";", "；", "/")


@dataclass
class RowResult:
    row: int
    errors: list[tuple[str, str]] = field(default_factory=list)  # (column header, reason)
    values: dict = field(default_factory=dict)  # the cleaned values of a good row
    unchanged: bool = False

    def refuse(self, key: str, message: str) -> None:
        self.errors.append((HEADER.get(key, key), message))


def _by_label(choices) -> dict[str, str]:
    """A coded list read by its label or its code: 汉族 or 01 both mean 01."""
    table = {str(label): code for code, label in choices if code}
    table.update({code: code for code, _label in choices if code})
    return table


ETHNIC, POLITICAL, EDUCATION = _by_label(ETHNIC_CHOICES), _by_label(POLITICAL_CHOICES), _by_label(EDUCATION_CHOICES)


class LedgerChecker:
    """Checks rows for one uploader; keeps only small lookups, never the rows themselves."""

    def __init__(self, actor, *, today: date | None = None, audit: bool = False):
        # `audit`: the check pass records each number refused as on file outside the area (people/on_file.py);
        # the commit pass checks the same rows again and records nothing more.
        self.actor, self.today, self.audit = actor, today or timezone.localdate(), audit
        self.prefix = scope_prefix(actor)  # read once: a ledger has thousands of rows to place
        self.categories = {c.name: c.pk for c in Category.objects.filter(active=True)}
        self.regions: dict[str, int | None] = {}  # 12-digit code → region id (None: no such region)
        self.stations: dict[str, OrgUnit | None] = {}  # region code → the unit that serves it
        self.seen: dict[str, int] = {}  # ID hash → the row that had it first

    def check(self, rows: Iterable[tuple[int, dict[str, Cell]]]) -> Iterator[RowResult]:
        batch: list[RowResult] = []
        for number, cells in rows:
            batch.append(self._check_row(number, cells))
            if len(batch) >= BATCH:
                yield from self._against_the_books(batch)
                batch = []
        yield from self._against_the_books(batch)

    # --- one row on its own ------------------------------------------------------------------------

    def _check_row(self, number: int, cells: dict[str, Cell]) -> RowResult:
        result = RowResult(number)
        text = {}
        for column in COLUMNS:
            cell = cells.get(column.key, Cell(None))
            if cell.merged:
                result.refuse(column.key, _("The cell is hidden under the merged cells %(range)s: unmerge them and "
                                            "fill in every row.") % {"range": cell.merged})
                continue
            value = cell.value
            # A formula, or text a spreadsheet would run as one, is refused and never evaluated
            # ('= typed first is how an exported cell keeps its text, and passes).
            if cell.is_formula or (isinstance(value, str) and value.lstrip().startswith("=")):
                result.refuse(column.key, _("A formula is not accepted; enter the value itself."))
                continue
            if isinstance(value, str):
                value = value.strip().removeprefix("'")  # an exported cell neutralised against formulas
            if isinstance(value, str) and len(value) > MAX_CELL:
                result.refuse(column.key, _("The cell is too long (%(n)d characters).") % {"n": len(value)})
                continue
            if value in (None, "") and column.required:
                result.refuse(column.key, _("This column is required."))
                continue
            text[column.key] = value
        if result.errors:
            return result
        for key, clean in (("name", self._name), ("id_number", self._id_number), ("phone", self._phone),
                           ("region_code", self._region), ("address_detail", self._plain(200)),
                           ("ethnicity", self._coded(ETHNIC, "01")), ("political_status", self._coded(POLITICAL, "13")),
                           ("education", self._coded(EDUCATION, "")), ("health", self._plain(100)),
                           ("categories", self._categories), ("registered_on", self._date(self.today)),
                           ("category_start", self._date(None))):
            try:
                result.values[key] = clean(text.get(key), result)
            except ValidationError as exc:
                result.refuse(key, exc.messages[0])
        if not result.errors:
            self._check_dates(result)
        return result

    def _name(self, value, result) -> str:
        name = str(value)
        if len(name) > 40 or name[0] in "=+-@":
            raise ValidationError(_("Enter the person's name (at most 40 characters)."))
        return name

    def _id_number(self, value, result) -> str:
        if isinstance(value, float):  # Excel turned the number into a float and lost its last digits
            raise ValidationError(_("The ID number was stored as a number and lost digits: format the column as "
                                    "text and type it again."))
        # Ledgers typed on Chinese input methods carry full-width digits and spaces between the groups.
        facts = parse_id_number("".join(unicodedata.normalize("NFKC", str(value)).split()), today=self.today)
        result.values["id_hash"] = digest = id_index(facts.number)
        first = self.seen.setdefault(digest, result.row)
        if first != result.row:
            raise ValidationError(_("The same ID number as row %(row)d.") % {"row": first})
        return facts.number

    def _phone(self, value, result) -> str:
        phone = "" if value is None else str(int(value) if isinstance(value, float) else value)
        validate_phone(phone)
        return phone

    def _region(self, value, result) -> Region | int:
        code = str(int(value) if isinstance(value, (int, float)) else value)
        if not (code.isdigit() and len(code) == CODE_LENGTH):
            raise ValidationError(_("Enter the 12-digit region code."))
        if code not in self.regions:
            self.regions[code] = Region.objects.filter(code=code, valid_to__isnull=True).values_list(
                "pk", flat=True).first()
        if self.regions[code] is None:
            raise ValidationError(_("No current region has the code %(code)s.") % {"code": code})
        if not self._covers(code):
            raise ValidationError(_("The region %(code)s is outside your area.") % {"code": code})
        station = self._station_for(code)
        if station is None:
            raise ValidationError(_("No service centre or station serves the region %(code)s.") % {"code": code})
        result.values["station"] = station
        return self.regions[code]

    def _covers(self, code: str) -> bool:
        return code_in_subtree(code, self.prefix)

    def _station_for(self, code: str) -> OrgUnit | None:
        """The unit at the region, or the nearest one above it inside the uploader's area."""
        if code not in self.stations:
            candidates = {code[:n].ljust(CODE_LENGTH, "0") for n in PREFIX_LENGTH.values()}
            units = {u.region_code: u for u in OrgUnit.objects.filter(
                region_code__in=candidates, kind__in=(OrgUnit.Kind.STATION, OrgUnit.Kind.CENTRE))}
            nearest = next((units[c] for c in sorted(candidates, reverse=True) if c in units
                            and self._covers(c)), None)
            self.stations[code] = nearest
        return self.stations[code]

    @staticmethod
    def _plain(limit: int):
        def clean(value, result) -> str:
            text = "" if value is None else str(value)
            if len(text) > limit:
                raise ValidationError(_("At most %(n)d characters.") % {"n": limit})
            return text
        return clean

    @staticmethod
    def _coded(table: dict[str, str], default: str):
        def clean(value, result) -> str:
            if value in (None, ""):
                return default
            text = str(int(value) if isinstance(value, float) else value).strip()
            text = text.zfill(2) if text.isdigit() else text
            if text not in table:
                raise ValidationError(_("“%(value)s” is not in the list; choose a value from the template's list.")
                                      % {"value": text[:20]})
            return table[text]
        return clean

    def _categories(self, value, result) -> list[int]:
        if value in (None, ""):
            return []
        text = str(value)
        for separator in _SEPARATORS:
            text = text.replace(separator, "、")
        names = [name.strip() for name in text.split("、") if name.strip()]
        unknown = [name for name in names if name not in self.categories]
        if unknown:
            raise ValidationError(_("Unknown category: %(names)s.") % {"names": "、".join(unknown)[:60]})
        return list(dict.fromkeys(self.categories[name] for name in names))

    def _date(self, default):
        def clean(value, result):
            if value in (None, ""):
                return default
            day = read_date(value)
            if day is None:
                raise ValidationError(_("“%(value)s” is not a date; write it as 2020-01-01.")
                                      % {"value": str(value)[:20]})
            if day > self.today:
                raise ValidationError(_("The date cannot be in the future."))
            return day
        return clean

    def _check_dates(self, result: RowResult) -> None:
        values = result.values
        values["category_start"] = values["category_start"] or values["registered_on"]
        if values["category_start"] < date(1900, 1, 1) or values["registered_on"] < date(1900, 1, 1):
            result.refuse("registered_on", _("The date is too early."))

    # --- rows against the books ----------------------------------------------------------------------

    def _against_the_books(self, batch: list[RowResult]) -> list[RowResult]:
        """One query per batch, by the one rule of people/on_file.py: a number held at the row's station is
        unchanged; held at another station it is an error (named only inside the importer's area)."""
        on_file = numbers_on_file(self.actor, [r.values["id_hash"] for r in batch if not r.errors])
        refused = []
        for result in batch:
            holders = None if result.errors else on_file.get(result.values["id_hash"])
            if not holders:
                continue
            found = on_file_at(holders, result.values["station"].pk)
            if found.here:
                result.unchanged = True
                continue
            result.refuse("id_number", found.refusal())
            refused.append(found)
        if refused and self.audit:
            audit_refusals(self.actor, refused, station_name=_("a ledger import"))
        return batch


def read_date(value) -> date | None:
    """A date as ledgers hold it: a real Excel date, an Excel serial number, or text in a common form."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number = int(value)
        if 19000101 <= number <= 21001231:
            value = str(number)
        elif 1 <= number <= 80000:
            return EXCEL_EPOCH + timedelta(days=number)
        else:
            return None
    text = str(value).strip()
    for pattern in _DATE_FORMATS:
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None

