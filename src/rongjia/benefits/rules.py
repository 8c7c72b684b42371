"""What a person is owed: the amount rules, read from the standard tables (never from code).

A recurring item's standard is an amount per year; a month is owed a twelfth of the standard in force on its
first day, for the facts of the entitlement in force that month, and a period (a month, a quarter, a year) is
owed the sum of its months rounded once, half up, to the fen. A one-off item is owed its whole standard in the
month it became due. The base amount comes from the nearest jurisdiction's table (a province's own table wins
over the nation's); every supplement of a jurisdiction above the person adds to it. Within a table the rate
whose conditions (category, grade, cause, residence) say the most about the person wins.

Decimal throughout, never float: the tests compare the 补发 and 追回 lines with figures computed by hand.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from rongjia.core.scoping import code_in_subtree, jurisdictions_bearing_on_q

from .models import StandardTable
from .periods import months_of

CENT = Decimal("0.01")
TWELVE = Decimal(12)


def to_cent(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def cents(value) -> Decimal:
    """A sum as the database gives it, to the fen: SQLite hands back an aggregate of decimals as a float
    (2749.17000000000); none (no rows) is zero."""
    return Decimal(0).quantize(CENT) if value is None else Decimal(str(value)).quantize(CENT)


@dataclass(frozen=True)
class Basis:
    """The facts an amount depends on: the entitlement's category, grade and cause, the person's residence."""

    category_id: int | None = None
    grade: int | None = None
    cause: str = ""
    residence: str = ""


@dataclass(frozen=True)
class Span:
    """An entitlement as the rules read it: owed from `start` to `end` (months, both counted) on `basis`."""

    start: date
    end: date | None
    basis: Basis

    def covers(self, month: date) -> bool:
        return self.start <= month and (self.end is None or month <= self.end)


@dataclass(frozen=True)
class _Rate:
    category_id: int | None
    grade: int | None
    cause: str
    residence: str
    amount: Decimal

    def fits(self, basis: Basis) -> bool:
        return ((self.category_id is None or self.category_id == basis.category_id)
                and (self.grade is None or self.grade == basis.grade)
                and (not self.cause or self.cause == basis.cause)
                and (not self.residence or self.residence == basis.residence))

    @property
    def weight(self) -> int:
        return sum((self.category_id is not None, self.grade is not None, bool(self.cause), bool(self.residence)))


@dataclass(frozen=True)
class _Table:
    jurisdiction: str
    kind: str
    start: date
    until: date | None
    rates: tuple[_Rate, ...]

    def in_force(self, month: date) -> bool:
        return self.start <= month and (self.until is None or month <= self.until)

    def rate(self, basis: Basis) -> Decimal | None:
        fitting = [rate for rate in self.rates if rate.fits(basis)]
        return max(fitting, key=lambda rate: (rate.weight, rate.amount)).amount if fitting else None


@dataclass(frozen=True)
class MonthPart:
    """Months owed at one standard, for the explanation of a line: "2026-08–2026-12 · 5 个月 × ¥43,560/年 ÷ 12"."""

    first: date
    last: date
    months: int
    yearly: Decimal


@dataclass
class Due:
    amount: Decimal = Decimal("0.00")
    parts: list[MonthPart] = field(default_factory=list)
    missing_standard: bool = False


class Standards:
    """The standard tables that bear on a region, read once: a batch reads a county's tables with two queries."""

    def __init__(self, tables: Iterable[StandardTable]):
        self._tables: dict[int, list[_Table]] = defaultdict(list)
        for table in tables:
            rates = tuple(_Rate(rate.category_id, rate.grade, rate.cause, rate.residence, rate.amount)
                          for rate in table.rates.all())
            self._tables[table.item_id].append(_Table(table.jurisdiction_code, table.kind, table.effective_from,
                                                      table.effective_until, rates))

    @classmethod
    def bearing_on(cls, prefix: str) -> "Standards":
        tables = StandardTable.objects.filter(jurisdictions_bearing_on_q("jurisdiction_code", prefix))
        return cls(tables.prefetch_related("rates"))

    def amount(self, item_id: int, code: str, month: date, basis: Basis) -> Decimal | None:
        """The standard for a person at `code` in `month`: the nearest base table's rate plus every supplement;
        None when no base table in force has a rate for these facts."""
        tables = [table for table in self._tables.get(item_id, ())
                  if code_in_subtree(code, table.jurisdiction) and table.in_force(month)]
        bases = sorted((table for table in tables if table.kind == StandardTable.Kind.BASE),
                       key=lambda table: len(table.jurisdiction), reverse=True)
        base = next((rate for table in bases if (rate := table.rate(basis)) is not None), None)
        if base is None:
            return None
        supplements = (table.rate(basis) for table in tables if table.kind == StandardTable.Kind.SUPPLEMENT)
        return base + sum((rate for rate in supplements if rate is not None), Decimal(0))


def period_due(*, period_kind: str, period: date, spans: Iterable[Span], standards: Standards, item_id: int,
               code: str) -> Due:
    """What one period of one item is owed, with the months and standards it was computed from."""
    spans = list(spans)
    due = Due()
    if period_kind == "once":
        if any(span.start == period for span in spans):
            basis = next(span.basis for span in spans if span.start == period)
            amount = standards.amount(item_id, code, period, basis)
            due.missing_standard = amount is None
            due.amount = to_cent(amount or Decimal(0))
            due.parts.append(MonthPart(period, period, 1, due.amount))
        return due
    total = Decimal(0)
    for month in months_of(period_kind, period):
        span = next((span for span in spans if span.covers(month)), None)
        if span is None:
            continue
        yearly = standards.amount(item_id, code, month, span.basis)
        if yearly is None:
            due.missing_standard = True
            continue
        total += yearly / TWELVE
        _add_month(due.parts, month, yearly)
    due.amount = to_cent(total)
    return due


def _add_month(parts: list[MonthPart], month: date, yearly: Decimal) -> None:
    last = parts[-1] if parts else None
    if last is not None and last.yearly == yearly and (month.year * 12 + month.month) == \
            (last.last.year * 12 + last.last.month + 1):
        parts[-1] = MonthPart(last.first, month, last.months + 1, yearly)
    else:
        parts.append(MonthPart(month, month, 1, yearly))


def explain(parts: list[MonthPart], *, once: bool = False) -> str:
    """The computation in words a worker can check with a calculator."""
    if once:
        return "; ".join(_("once ¥%(amount)s") % {"amount": f"{part.yearly:,}"} for part in parts)
    return "; ".join(_("%(months)s: %(count)d months × ¥%(yearly)s a year ÷ 12") % {
        "months": f"{part.first:%Y-%m}" if part.first == part.last else f"{part.first:%Y-%m}–{part.last:%Y-%m}",
        "count": part.months, "yearly": f"{part.yearly:,}"} for part in parts)
