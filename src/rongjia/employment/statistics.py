"""Employment statistics for a region (SPEC C7), by the regions one level down: job seekers, people placed through
referrals, the employment rate of those discharged in the last 365 days, people who completed training and the
businesses started.

Every figure is one GROUP BY on the first characters of the records' region codes (the person's station when the
record was made), inside the viewer's subtree, so the number of queries is the same for a village and a province.
Each count links to the list whose rows it counts, with the same filters: the 就业创业台账 (`ledger.py`, one row
a person) for the people, the business list for the businesses. So:

- job seekers: seeker profiles (one a person) → ledger ?show=seekers;
- placed: people hired through a referral whose work starts in the year → ledger ?placed=YEAR;
- employment rate: of the seekers whose person was discharged in the last 365 days (→ ledger ?recent=1), those in
  work or running a business (→ ledger ?recent=1&employed=1);
- trained: people who completed a course in the year → ledger ?trained=YEAR;
- businesses started: businesses registered in the year → businesses ?year=YEAR.

A code that names no region below (a person on the books of the county centre itself) gets a row of its own,
named by the region shown; its link is its code prefix, which the lists read the same way.
"""

from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.db.models.functions import Substr
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from rongjia.core.models import Region
from rongjia.core.regions import PREFIX_LENGTH, VILLAGE, level_of_prefix, pad_code
from rongjia.core.scoping import code_in_subtree, region_prefix_or_404, scope_prefix

from .ledger import (
    businesses_in,
    completions_in,
    number_between,
    placements_in,
    recent_q,
    seekers_in,
)
from .models import Seeker

FIGURES = ("seekers", "placed", "recent", "employed", "trained", "businesses")


@dataclass
class AreaRow:
    prefix: str
    name: str
    itself: bool = False
    counts: dict = field(default_factory=lambda: dict.fromkeys(FIGURES, 0))
    links: dict = field(default_factory=dict)

    @property
    def rate(self) -> float | None:
        """The employment rate of those discharged in the last 365 days, in per cent (one decimal), or None."""
        recent = self.counts["recent"]
        return round(100 * self.counts["employed"] / recent, 1) if recent else None


def region_shown(user, region: str = "") -> tuple[Region, str]:
    own = scope_prefix(user)
    if own is None:
        raise Http404
    prefix = region_prefix_or_404(user, region) if region else own
    level = level_of_prefix(prefix)
    root = Region.objects.filter(code=pad_code(prefix), level=level).first() if level else None
    if root is None:
        raise Http404
    return root, prefix


def links(prefix: str, own: str, year: int) -> dict[str, str]:
    ledger, businesses = reverse("employment:ledger"), reverse("employment:businesses")
    region = {"region": prefix} if prefix != own else {}

    def url(base, **params):
        return f"{base}?{urlencode({**region, **params})}" if (region or params) else base

    return {"seekers": url(ledger, show="seekers"), "placed": url(ledger, placed=year),
            "recent": url(ledger, recent=1), "employed": url(ledger, recent=1, employed=1),
            "trained": url(ledger, trained=year), "businesses": url(businesses, year=year)}


def _grouped(queryset, field_name: str, length: int, **aggregates):
    return (queryset.annotate(area=Substr(field_name, 1, length)).order_by().values("area")
            .annotate(**aggregates))


def _figures(user, prefix: str, length: int, year: int, today) -> dict[str, dict]:
    """Each figure by the first `length` characters of the region code: {area: {figure: count}}."""
    found: dict[str, dict] = {}

    def put(rows, **names):
        for row in rows:
            counts = found.setdefault(row["area"], dict.fromkeys(FIGURES, 0))
            for figure, column in names.items():
                counts[figure] = row[column]

    seekers = seekers_in(user, prefix)
    put(_grouped(seekers, "region_code", length, n=Count("id")), seekers="n")
    put(_grouped(seekers.filter(recent_q(today)), "region_code", length, n=Count("id"),
                 employed=Count("id", filter=Q(status__in=Seeker.EMPLOYED))), recent="n", employed="employed")
    put(_grouped(placements_in(user, prefix, year), "region_code", length, n=Count("seeker__person", distinct=True)),
        placed="n")
    put(_grouped(completions_in(user, prefix, year), "region_code", length,
                 n=Count("seeker__person", distinct=True)), trained="n")
    put(_grouped(businesses_in(user, prefix).filter(registered_on__year=year), "region_code", length,
                 n=Count("id")), businesses="n")
    return found


def employment_statistics(user, region: str = "", year=None, today=None) -> dict:
    """Everything the statistics page shows, in a fixed number of queries."""
    today = today or timezone.localdate()
    root, prefix = region_shown(user, region)
    own = scope_prefix(user)
    year = number_between(year, 2000, 2100) or today.year
    children = list(Region.objects.filter(parent=root).order_by("code")) if root.level < VILLAGE else []
    length = PREFIX_LENGTH[root.level + 1] if children else len(prefix)
    areas: dict[str, AreaRow] = {child.prefix: AreaRow(prefix=child.prefix, name=child.name) for child in children}

    def area(code: str) -> AreaRow:
        if code not in areas:
            areas[code] = AreaRow(prefix=code, name=root.name, itself=True)
        return areas[code]

    if children:
        for code, counts in _figures(user, prefix, length, year, today).items():
            area(code).counts = counts
    rows = sorted(areas.values(), key=lambda r: (r.itself, r.prefix)) if children else []
    # the total is counted over the whole region, as the linked ledger (one row a person) lists it, not summed
    total = AreaRow(prefix=prefix, name=root.name)
    total.counts.update(_figures(user, prefix, len(prefix), year, today).get(prefix, {}))
    for row in (total, *rows):
        row.links = links(row.prefix, own, year)
    breadcrumb = [r for r in root.ancestors() if code_in_subtree(r.code, own)]
    return {"region": root, "prefix": prefix, "breadcrumb": breadcrumb, "year": year,
            "years": range(today.year, today.year - 6, -1), "total": total, "rows": rows,
            "itself": any(row.itself for row in rows)}
