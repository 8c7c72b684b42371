"""A fund's ledger (资金台账): its entries in the order they were booked with the balance after each, their totals,
and the check that the income less the outgoings is the balance.

The page, the xlsx export and the API read the same rows and the same sums from here, so the sheet reconciles
with the page to the cent. An entry is income when its amount is positive (a budget allocation or a donation)
and an outgoing when it is negative (aid paid, visit money, other spending); the ledger shows outgoings as
positive sums in their own column.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, DecimalField, F, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.http import urlencode
from django.utils.translation import pgettext

from .models import MONEY, Fund, FundEntry

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
INCOME, OUTGOINGS = "in", "out"  # the kind filter's two groups, beside each single source


def kind_choices() -> list[tuple[str, str]]:
    return [(INCOME, pgettext("fund ledger filter", "All income")),
            (OUTGOINGS, pgettext("fund ledger filter", "All outgoings")),
            *FundEntry.Source.choices]


@dataclass(frozen=True)
class LedgerFilter:
    """The ledger's filters: a year, a month of it, a kind (a source or all income / all outgoings)."""

    year: int | None = None
    month: int | None = None
    kind: str = ""

    @classmethod
    def from_params(cls, params) -> "LedgerFilter":
        """From a query string; a value that is not one of the choices is left out (the page shows all)."""
        year = number_between(params.get("year"), 2000, 2100)
        month = number_between(params.get("month"), 1, 12) if year else None
        kind = params.get("kind") or ""
        if kind not in {value for value, _label in kind_choices()}:
            kind = ""
        return cls(year=year, month=month, kind=kind)

    def __bool__(self) -> bool:
        return bool(self.year or self.kind)

    def q(self) -> Q:
        q = Q()
        if self.year:
            q &= Q(on__year=self.year)
            if self.month:
                q &= Q(on__month=self.month)
        if self.kind == INCOME:
            q &= Q(amount__gt=0)
        elif self.kind == OUTGOINGS:
            q &= Q(amount__lt=0)
        elif self.kind:
            q &= Q(source=self.kind)
        return q

    def query(self) -> str:
        """The filters as a query string (for the export link and the page links)."""
        params = {"year": self.year, "month": self.month if self.year else None, "kind": self.kind}
        return urlencode({name: value for name, value in params.items() if value})


def number_between(value, least: int, most: int) -> int | None:
    """A whole number typed into a query string, if it lies between `least` and `most`."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if least <= number <= most else None


def entries(fund: Fund, flt: LedgerFilter | None = None):
    """The fund's entries in booking order (the running balance follows it), with what a row shows."""
    rows = FundEntry.objects.filter(fund=fund).select_related("application__kind")
    if flt:
        rows = rows.filter(flt.q())
    return rows.order_by("id")


@dataclass(frozen=True)
class Totals:
    """Sums over the (filtered) ledger: income, outgoings (a positive sum) and how many entries."""

    income: Decimal
    outgoings: Decimal
    count: int

    @property
    def net(self) -> Decimal:
        return self.income - self.outgoings


@dataclass(frozen=True)
class Check:
    """The whole ledger's check: income − outgoings, computed from the entries, against the fund's balance and
    the balance after its last entry. The three agree unless something wrote around `funds.py`."""

    income: Decimal
    outgoings: Decimal
    balance: Decimal
    last_balance: Decimal

    @property
    def computed(self) -> Decimal:
        return self.income - self.outgoings

    @property
    def ok(self) -> bool:
        return self.computed == self.balance == self.last_balance


def cents(value) -> Decimal:
    """A sum as the database gives it, to the cent (SQLite hands back an aggregate of decimals unquantized)."""
    return ZERO if value is None else Decimal(value).quantize(CENT)


def _money_sum(expression, condition: Q | None):
    return Coalesce(Sum(expression, filter=condition), Value(ZERO), output_field=DecimalField(**MONEY))


def totals(fund: Fund, flt: LedgerFilter | None = None) -> tuple[Totals, Check]:
    """The filtered ledger's totals and the whole ledger's check, in one aggregate query and one for the last
    entry, whatever the ledger's length."""
    chosen = flt.q() if flt else Q()
    within = {"filter": chosen} if chosen else {}
    sums = FundEntry.objects.filter(fund=fund).aggregate(
        all_in=_money_sum("amount", Q(amount__gt=0)), all_out=_money_sum(-F("amount"), Q(amount__lt=0)),
        income=_money_sum("amount", Q(amount__gt=0) & chosen),
        outgoings=_money_sum(-F("amount"), Q(amount__lt=0) & chosen),
        count=Count("id", **within))
    last = FundEntry.objects.filter(fund=fund).order_by("-id").values_list("balance_after", flat=True).first()
    return (Totals(income=cents(sums["income"]), outgoings=cents(sums["outgoings"]), count=sums["count"]),
            Check(income=cents(sums["all_in"]), outgoings=cents(sums["all_out"]), balance=fund.balance,
                  last_balance=cents(last)))


@dataclass(frozen=True)
class Row:
    """One entry as the ledger shows it (the export's row and, later, the API's item)."""

    id: int
    on: date
    source: str
    kind: str  # the source's label
    donor: str
    restriction: str
    note: str
    application_id: int | None
    aid_kind: str
    income: Decimal | None
    outgoing: Decimal | None
    balance_after: Decimal


def row(entry: FundEntry) -> Row:
    application = entry.application
    return Row(id=entry.pk, on=entry.on, source=entry.source, kind=str(entry.get_source_display()),
               donor=entry.donor, restriction=entry.restriction, note=entry.note, application_id=entry.application_id,
               aid_kind=application.kind.name if application is not None else "",
               income=entry.amount if entry.amount > 0 else None,
               outgoing=-entry.amount if entry.amount < 0 else None, balance_after=entry.balance_after)


def rows(fund: Fund, flt: LedgerFilter | None = None):
    """Every row of the (filtered) ledger, read in chunks (a county fund's years of entries)."""
    return (row(entry) for entry in entries(fund, flt).iterator(chunk_size=2000))


def funds_with_year(queryset, year: int):
    """Funds with the income and the outgoings booked in `year` (`income_year`, `spent_year`; pass them through
    `cents` to show them): one query for a page of funds."""
    in_year = Q(entries__on__year=year)
    return queryset.select_related("unit").annotate(
        income_year=_money_sum("entries__amount", in_year & Q(entries__amount__gt=0)),
        spent_year=_money_sum(-F("entries__amount"), in_year & Q(entries__amount__lt=0)))
