"""优抚待遇落实台账 and 项目清单 (seed 003 (十二): "建立服务对象优抚待遇项目清单及落实台账").

The ledger says what was paid, for each person and item, for each month of a year: the lines of approved (or
paid) batches whose transfer the bank did not return as failed, by the month of the period they pay — a
back-pay for May paid in July counts in May, a quarter's amount in the quarter's first month. What is owed but
unpaid is not here: the next batch pays it, and the ledger shows it then.

The page, the xlsx export and the statistics read the same lines (`paid_lines`) and the page and the sheet the
same rows (`rows`), so the sheet adds up to the page to the fen. Lines have no manager of their own: they are
always narrowed to the viewer's subtree by the payment's region code (the person's station when the batch was
generated), so a village worker never sees the county's other people, whatever the filters say.

The reconciliation check compares, person by person, the transfers that carry the ledger's lines (their amounts)
with all the lines of those transfers: the two agree unless something wrote a payment around `batches.py`.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from io import BytesIO

from django.conf import settings
from django.db.models import Count, Max, Q, Sum
from django.http import Http404
from django.utils import timezone, translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from rongjia.core.exports import safe_cell
from rongjia.core.models import OrgUnit, Region
from rongjia.core.regions import pad_code
from rongjia.core.scoping import region_prefix_or_404, scope_prefix, subtree_q

from .compute import PAID_STATES
from .models import BenefitItem, Entitlement, Payment, PaymentLine
from .periods import month_of
from .rules import cents

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
MONTHS = range(1, 13)
FAILED = Payment.Result.FAILED
UNSAFE_IN_NAMES = "\\/:*?\"<>| \t\r\n"


def number_between(value, least: int, most: int) -> int | None:
    """A whole number typed into a query string, if it lies between `least` and `most`."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if least <= number <= most else None


# --- the area and the filters ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Area:
    """The part of the viewer's subtree a page shows: their own, or a region or station inside it (?region=)."""

    prefix: str
    region: str  # the ?region= as asked and validated; "" for the viewer's whole area
    name: str


def area_shown(user, region: str = "") -> Area:
    """The viewer's area or the narrower one asked for; 404 for a viewer without an area or a region outside it."""
    own = scope_prefix(user)
    if own is None:
        raise Http404
    region = (region or "").strip()
    prefix = region_prefix_or_404(user, region) if region else own
    return Area(prefix=prefix, region=region, name=area_name(prefix))


def area_name(prefix: str) -> str:
    """A region's name for its prefix. A full 12-digit code is a place's own units (a street's station); a prefix
    of zeros below a region ("320115000": the county's own units, as the statistics link them) is that region's."""
    if len(prefix) == 12:
        unit = OrgUnit.objects.filter(region_code=prefix, kind__in=[OrgUnit.Kind.CENTRE, OrgUnit.Kind.STATION])
        name = unit.values_list("name", flat=True).first()
        if name:
            return name
    return Region.objects.filter(code=pad_code(prefix)).values_list("name", flat=True).first() or prefix


@dataclass(frozen=True)
class LedgerFilter:
    area: Area
    year: int
    item: BenefitItem | None = None

    @classmethod
    def from_request(cls, request) -> "LedgerFilter":
        """?region= (inside the viewer's area, else 404), ?year= (default this year), ?item= (an item's id; an
        unknown one shows every item)."""
        area = area_shown(request.user, request.GET.get("region", ""))
        year = number_between(request.GET.get("year"), 2000, 2100) or timezone.localdate().year
        item_id = number_between(request.GET.get("item"), 1, 2**31 - 1)
        item = BenefitItem.objects.filter(pk=item_id).first() if item_id else None
        return cls(area=area, year=year, item=item)

    def query(self) -> str:
        """The filters as a query string (the export link, the audit entry)."""
        params = {"region": self.area.region, "year": self.year, "item": self.item.pk if self.item else None}
        return urlencode({name: value for name, value in params.items() if value})

    def describe(self) -> str:
        """The filters in words: the first line of an exported sheet."""
        item = self.item.name if self.item else _("all items")
        return _("%(area)s · year %(year)d · %(item)s") % {"area": self.area.name, "year": self.year, "item": item}


def paid_lines(viewer, area: Area, year: int, item: BenefitItem | None = None):
    """The lines paid for the periods of `year` in the area: batches approved or paid, transfers not failed.
    Always inside the viewer's own subtree first, the area second."""
    own = scope_prefix(viewer)
    if own is None:
        return PaymentLine.objects.none()
    lines = PaymentLine.objects.filter(
        subtree_q("payment__region_code", own), subtree_q("payment__region_code", area.prefix),
        payment__batch__state__in=PAID_STATES, period__gte=date(year, 1, 1), period__lt=date(year + 1, 1, 1),
    ).exclude(payment__result=FAILED)
    return lines.filter(item=item) if item is not None else lines


def _lines(viewer, flt: LedgerFilter):
    return paid_lines(viewer, flt.area, flt.year, flt.item)


# --- the rows --------------------------------------------------------------------------------------------------

ORDER = ("payment__person__station__region_code", "payment__person__name", "payment__person_id", "item__position",
         "item_id")


@dataclass
class Row:
    """A person's item for the year: what was paid for each month, and the year's sum."""

    person_id: int
    name: str
    station: str
    item_id: int
    item: str
    months: list[Decimal] = field(default_factory=lambda: [ZERO] * 12)

    @property
    def total(self) -> Decimal:
        return sum(self.months, ZERO)


def pairs(viewer, flt: LedgerFilter):
    """The ledger's person-item pairs in their order, with the year's total: what the page paginates."""
    return (_lines(viewer, flt).values("payment__person_id", "item_id").annotate(total=Sum("amount"))
            .order_by(*ORDER))


def rows(viewer, flt: LedgerFilter, only=None):
    """The ledger's rows in order, one per person and item: every row (the export), or those of the pairs in
    `only` (a page of `pairs`). One GROUP BY whatever the number of rows, read in chunks."""
    lines = _lines(viewer, flt)
    wanted = None
    if only is not None:
        wanted = {(pair["payment__person_id"], pair["item_id"]) for pair in only}
        if not wanted:
            return
        lines = lines.filter(payment__person_id__in={person for person, _item in wanted},
                             item_id__in={item for _person, item in wanted})
    grouped = (lines.values("payment__person_id", "item_id", "period", "payment__person__name",
                            "payment__person__station__name", "item__name")
               .annotate(amount=Sum("amount")).order_by(*ORDER, "period"))
    row = None
    for line in grouped.iterator(chunk_size=2000):
        key = (line["payment__person_id"], line["item_id"])
        if wanted is not None and key not in wanted:
            continue
        if row is None or (row.person_id, row.item_id) != key:
            if row is not None:
                yield row
            row = Row(person_id=key[0], name=line["payment__person__name"],
                      station=line["payment__person__station__name"], item_id=key[1], item=line["item__name"])
        row.months[line["period"].month - 1] += cents(line["amount"])
    if row is not None:
        yield row


@dataclass(frozen=True)
class Totals:
    months: list[Decimal]
    persons: int  # each person once, whatever their items
    rows: int  # person-item pairs: the ledger's rows

    @property
    def total(self) -> Decimal:
        return sum(self.months, ZERO)


def totals(viewer, flt: LedgerFilter) -> Totals:
    """The whole (filtered) ledger's sums by month and its counts, in three queries."""
    lines = _lines(viewer, flt)
    months = [ZERO] * 12
    for period, amount in lines.values("period").annotate(amount=Sum("amount")).order_by().values_list(
            "period", "amount"):
        months[period.month - 1] += cents(amount)
    persons = lines.aggregate(n=Count("payment__person", distinct=True))["n"]
    return Totals(months=months, persons=persons, rows=pairs(viewer, flt).order_by().count())


@dataclass(frozen=True)
class Check:
    """The transfers that carry the ledger's lines, against all their lines, person by person."""

    payments: Decimal  # the transfers' amounts
    lines: Decimal  # all the lines of those transfers
    ledger: Decimal  # of them, the ledger's (the other lines pay other years' periods or other items)
    mismatched: list[tuple[int, str, Decimal, Decimal]]  # the first few: person id, name, transfers, lines
    mismatch_count: int = 0  # persons whose transfers and lines disagree

    @property
    def other(self) -> Decimal:
        return self.lines - self.ledger

    @property
    def ok(self) -> bool:
        return not self.mismatch_count and self.payments == self.lines


SHOWN_MISMATCHES = 20


def check(viewer, flt: LedgerFilter, ledger_total: Decimal) -> Check:
    """Per person, the sum of the transfers (failed ones excluded) that paid the ledger's lines equals the sum of
    all their lines. Two GROUP BYs (a third names the persons that disagree, if any)."""
    carried = _lines(viewer, flt).values("payment_id")
    transfers = {person: cents(amount) for person, amount in Payment.objects.filter(pk__in=carried).values(
        "person_id").annotate(s=Sum("amount")).order_by().values_list("person_id", "s")}
    lines = {person: cents(amount) for person, amount in PaymentLine.objects.filter(payment_id__in=carried).values(
        "payment__person_id").annotate(s=Sum("amount")).order_by().values_list("payment__person_id", "s")}
    wrong = sorted(person for person in transfers.keys() | lines.keys()
                   if transfers.get(person, ZERO) != lines.get(person, ZERO))
    names = dict(Payment.objects.filter(person_id__in=wrong[:SHOWN_MISMATCHES]).values_list(
        "person_id", "person__name").distinct()) if wrong else {}
    mismatched = [(person, names.get(person, ""), transfers.get(person, ZERO), lines.get(person, ZERO))
                  for person in wrong[:SHOWN_MISMATCHES]]
    return Check(payments=sum(transfers.values(), ZERO), lines=sum(lines.values(), ZERO), ledger=ledger_total,
                 mismatched=mismatched, mismatch_count=len(wrong))


# --- the list of items (项目清单) ---------------------------------------------------------------------------------

@dataclass
class ItemFigures:
    item: BenefitItem
    categories: list[str]
    in_force: int = 0  # people with an entitlement to the item in force this month
    paid_persons: int = 0  # people paid a regular line of it in the last approved batch
    paid_amount: Decimal = ZERO  # the sum of those regular lines


def item_list(viewer, area: Area, *, today: date | None = None) -> tuple[list[ItemFigures], date | None]:
    """Each item with the people entitled to it now in the area and what the last approved batch paid of it
    (its regular lines, failed transfers excluded), and that batch's month. Five queries, whatever the area."""
    month = month_of(today or timezone.localdate())
    in_force = (Entitlement.objects.visible_to(viewer).in_subtree(area.prefix)
                .filter(state=Entitlement.State.ACTIVE, start_month__lte=month)
                .filter(Q(end_month__isnull=True) | Q(end_month__gte=month))
                .values("item").annotate(n=Count("person", distinct=True)).order_by())
    counts = {row["item"]: row["n"] for row in in_force}
    regular = _regular_lines(viewer, area)
    last = regular.aggregate(last=Max("payment__batch__month"))["last"]
    paid = {}
    if last is not None:
        paid = {row["item"]: row for row in regular.filter(payment__batch__month=last).values("item").annotate(
            n=Count("payment__person", distinct=True), amount=Sum("amount")).order_by()}
    figures = []
    for item in BenefitItem.objects.prefetch_related("categories").order_by("position", "id"):
        row = paid.get(item.pk, {})
        if not (item.active or counts.get(item.pk) or row):
            continue
        figures.append(ItemFigures(item=item, categories=[category.name for category in item.categories.all()],
                                   in_force=counts.get(item.pk, 0), paid_persons=row.get("n", 0),
                                   paid_amount=cents(row.get("amount"))))
    return figures, last


def _regular_lines(viewer, area: Area):
    own = scope_prefix(viewer)
    if own is None:
        return PaymentLine.objects.none()
    return PaymentLine.objects.filter(
        subtree_q("payment__region_code", own), subtree_q("payment__region_code", area.prefix),
        payment__batch__state__in=PAID_STATES, kind=PaymentLine.Kind.REGULAR).exclude(payment__result=FAILED)


# --- the spreadsheets ------------------------------------------------------------------------------------------

def file_name(area: Area, what: str, *parts) -> str:
    """'江宁区_优抚待遇落实台账_2026_20261204.xlsx': whose, what, which, made when."""
    pieces = [area.name, what, *[str(part) for part in parts], f"{timezone.localdate():%Y%m%d}"]
    cleaned = ["".join("-" if char in UNSAFE_IN_NAMES else char for char in piece).strip("-") for piece in pieces]
    return "_".join(piece for piece in cleaned if piece) + ".xlsx"


def site_language_name(context: str, text: str) -> str:
    """A file name's words in the site's language, whoever exports (a file is passed around the office)."""
    with translation.override(settings.LANGUAGE_CODE):
        return pgettext(context, text)


def workbook(*, title: str, filters: str, headers: list[str], rows, totals: list | None = None,
             footer: str = "") -> bytes:
    """One sheet: the filters in words on the first line, the bold header frozen under it, the rows, a bold
    totals row and a footer line; columns as wide as their widest cell. Money is a number with two decimals."""
    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.append([safe_cell(filters)])
    sheet.append([safe_cell(header) for header in headers])
    bold = Font(bold=True)
    for cell in sheet[2]:
        cell.font = bold
    sheet.freeze_panes = "A3"
    widths = [_width(header) for header in headers]
    for values in rows:
        _append(sheet, values, widths)
    if totals is not None:
        _append(sheet, totals, widths)
        for cell in sheet[sheet.max_row]:
            cell.font = bold
    if footer:
        sheet.append([])
        sheet.append([safe_cell(footer)])
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(max(width + 2, 6), 60)
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _append(sheet, values, widths: list[int]) -> None:
    sheet.append([value if isinstance(value, Decimal) else safe_cell(value) for value in values])
    for index, cell in enumerate(sheet[sheet.max_row]):
        if isinstance(cell.value, Decimal):
            cell.number_format = "#,##0.00"
        if index < len(widths):
            widths[index] = max(widths[index], _width(f"{cell.value:,}" if isinstance(cell.value, Decimal)
                                                      else cell.value))


def _width(value) -> int:
    """Characters a cell needs: a Chinese character is two."""
    text = "" if value is None else str(value)
    return sum(2 if ord(char) > 0x2E80 else 1 for char in text)
