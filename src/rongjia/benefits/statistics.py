"""Benefits statistics for a region and a year: the people paid and the amounts, by item, by the regions one level
down and by month.

The figures are the ledger's: the same paid lines (`ledger.paid_lines`: batches approved or paid, failed transfers
excluded, by the month of the period paid), narrowed to the viewer's subtree and the region shown. Each figure is
one GROUP BY on the first characters of the payment's region code (the person's station), so the number of
queries is the same for a village and a province. A count of people links to the ledger rows it counts
(`benefits:ledger` with ?region=&item=&year=): the ledger has one row per person and item, so a count for one item
is its number of rows, and a count over every item its number of persons.

A code that names no region below (a person on the books of the county centre itself) gets a row of its own,
named by the region shown; its link is its code prefix, which the ledger reads the same way.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Sum
from django.db.models.functions import Substr
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from rongjia.core.models import Region
from rongjia.core.regions import PREFIX_LENGTH, VILLAGE, level_of_prefix, pad_code
from rongjia.core.scoping import code_in_subtree, region_prefix_or_404, scope_prefix

from .ledger import ZERO, Area, number_between, paid_lines
from .models import BenefitItem
from .rules import cents


@dataclass
class Figure:
    people: int = 0
    amount: Decimal = ZERO
    link: str | None = None  # the ledger rows the count counts

    def add(self, row: dict) -> None:
        self.people += row["people"]
        self.amount += cents(row["amount"])


@dataclass
class AreaRow:
    """A region one level down (or the region's own units), or the total."""

    prefix: str
    name: str
    itself: bool = False  # the region's own units (codes of no region below)
    total: Figure = field(default_factory=Figure)  # every item: each person once
    by_item: dict[int, Figure] = field(default_factory=dict)
    cells: list[Figure] = field(default_factory=list)  # per item shown, in order


@dataclass
class MonthRow:
    month: int
    total: Figure = field(default_factory=Figure)
    by_item: dict[int, Figure] = field(default_factory=dict)
    cells: list[Figure] = field(default_factory=list)


def ledger_link(prefix: str, own: str, year: int, item: int | None = None) -> str:
    params = {"region": prefix if prefix != own else "", "year": year, "item": item or ""}
    return f"{reverse('benefits:ledger')}?{urlencode({k: v for k, v in params.items() if v})}"


def region_shown(user, region: str = "") -> tuple[Region, str]:
    """The region asked for (?region=, a region's code prefix inside the scope) or the viewer's own; else 404."""
    own = scope_prefix(user)
    if own is None:
        raise Http404
    prefix = region_prefix_or_404(user, region) if region else own
    level = level_of_prefix(prefix)
    root = Region.objects.filter(code=pad_code(prefix), level=level).first() if level else None
    if root is None:
        raise Http404
    return root, prefix


PEOPLE = {"people": Count("payment__person", distinct=True), "amount": Sum("amount")}


def benefits_statistics(user, region: str = "", year=None) -> dict:
    """Everything the statistics page shows, in a fixed number of queries."""
    root, prefix = region_shown(user, region)
    own = scope_prefix(user)
    year = number_between(year, 2000, 2100) or timezone.localdate().year
    children = list(Region.objects.filter(parent=root).order_by("code")) if root.level < VILLAGE else []
    length = PREFIX_LENGTH[root.level + 1] if children else PREFIX_LENGTH[root.level]
    lines = paid_lines(user, Area(prefix=prefix, region=region, name=root.name), year)
    by_area = lines.annotate(area=Substr("payment__region_code", 1, length)).order_by()
    areas: dict[str, AreaRow] = {child.prefix: AreaRow(prefix=child.prefix, name=child.name) for child in children}

    def area(code: str) -> AreaRow:
        if code not in areas:
            areas[code] = AreaRow(prefix=code, name=root.name, itself=True)
        return areas[code]

    for row in by_area.values("area").annotate(**PEOPLE):
        area(row["area"]).total.add(row)
    for row in by_area.values("area", "item").annotate(**PEOPLE):
        area(row["area"]).by_item.setdefault(row["item"], Figure()).add(row)
    total = AreaRow(prefix=prefix, name=root.name)
    total.total.add(lines.aggregate(**PEOPLE))
    for row in lines.values("item").annotate(**PEOPLE).order_by():
        total.by_item.setdefault(row["item"], Figure()).add(row)
    months = {month: MonthRow(month=month) for month in range(1, 13)}
    for row in lines.values("period").annotate(**PEOPLE).order_by():
        months[row["period"].month].total.add(row)
    for row in lines.values("item", "period").annotate(**PEOPLE).order_by():
        months[row["period"].month].by_item.setdefault(row["item"], Figure()).add(row)

    items = [item for item in BenefitItem.objects.order_by("position", "id") if item.pk in total.by_item]
    rows = sorted(areas.values(), key=lambda r: (r.itself, r.prefix)) if children else []
    for row in (total, *rows):
        row.total.link = ledger_link(row.prefix, own, year) if row.total.people else None
        row.cells = [row.by_item.get(item.pk, Figure()) for item in items]
        for item, cell in zip(items, row.cells, strict=True):
            cell.link = ledger_link(row.prefix, own, year, item.pk) if cell.people else None
    for month in months.values():
        month.cells = [month.by_item.get(item.pk, Figure()) for item in items]
    breadcrumb = [r for r in root.ancestors() if code_in_subtree(r.code, own)]
    this_year = timezone.localdate().year
    return {"region": root, "prefix": prefix, "breadcrumb": breadcrumb, "year": year,
            "years": range(this_year, this_year - 6, -1), "items": items, "total": total, "rows": rows,
            "months": list(months.values()), "itself": any(row.itself for row in rows)}
