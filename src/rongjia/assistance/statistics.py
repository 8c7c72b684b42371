"""Assistance statistics for a region (SPEC C5): people in hardship by kind, aid granted by kind and by fund, the
average days from application to payment, referrals awaiting an answer and overdue ones, each broken down by
the regions one level down.

Every figure starts from `visible_to` (the viewer's subtree) narrowed to the region shown, and is one GROUP BY on
the first characters of the rows' region code (`Substr`, as `core.measures.per_area` does): the number of queries
is the same for a village and a province. A row whose code names no child region (a person on the books of the
county centre itself) is counted in the region's total and shown on a row of its own.

A figure that counts records links to the list that shows exactly those records, narrowed to the figure's region
with `?region=` (see `LISTS`).
"""

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, Sum
from django.db.models.functions import Substr
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from rongjia.core.models import Region
from rongjia.core.regions import PREFIX_LENGTH, VILLAGE, level_of_prefix, pad_code
from rongjia.core.scoping import code_in_subtree, region_prefix_or_404, scope_prefix

from .ledger import cents
from .models import AidApplication, Fund, HardshipEntry, HardshipKind, Referral
from .selectors import referral_overdue_q

S = AidApplication.State
GRANTED = (S.APPROVED, S.PAID)

# The lists a figure links to, and the name of their region filter (None: the list has none, so it shows the
# viewer's whole area and only the figures of the viewer's own region can link to it).
# Each list reads `?region=` through selectors.in_region.
LISTS = {"hardship": ("assistance:index", "region"), "applications": ("assistance:applications", "region"),
         "referrals": ("assistance:referrals", "region")}


def list_link(name: str, prefix: str, own: str, **filters) -> str | None:
    """The address of the list showing the records a figure counts, or None when no list shows exactly them."""
    url_name, region_param = LISTS[name]
    if region_param is None and prefix != own:
        return None
    params = {key: value for key, value in filters.items() if value not in (None, "")}
    if region_param is not None and prefix != own:
        params[region_param] = prefix
    return f"{reverse(url_name)}?{urlencode(params)}" if params else reverse(url_name)


@dataclass
class AreaFigures:
    """One row of the region table: a child region (or the region's own units, or the total)."""

    prefix: str  # the child region's code prefix; "" for the region's own units and for the total
    name: str
    persons: int = 0  # people in hardship (open entries, each person once)
    by_kind: dict[int, int] = field(default_factory=dict)  # hardship kind pk -> people
    approved: int = 0  # approved, payment not recorded yet
    paid: int = 0
    amount: Decimal = Decimal("0.00")  # granted: approved and paid
    days: int = 0  # days from registration to payment, summed over the paid applications
    referrals_open: int = 0  # sent, awaiting the department's answer
    referrals_overdue: int = 0
    links: dict[str, str | None] = field(default_factory=dict)  # figure -> the list showing its records
    kind_cells: list[tuple[int, str | None]] = field(default_factory=list)  # per kind shown: people, link

    @property
    def granted(self) -> int:
        return self.approved + self.paid

    @property
    def average_days(self) -> float | None:
        return round(self.days / self.paid, 1) if self.paid else None

    def add_aid(self, row: dict) -> None:
        self.approved += row["approved"]
        self.paid += row["paid"]
        self.amount += cents(row["amount"])
        self.days += _days(row["days"])


def _days(duration) -> int:
    if duration is None:
        return 0
    if isinstance(duration, timedelta):
        return duration.days
    return int(duration)


def region_shown(user, region: str = "") -> tuple[Region, str]:
    """The region a viewer asked for (?region=, a code prefix inside the scope) or their own; 404 otherwise."""
    own = scope_prefix(user)
    if own is None:
        raise Http404
    prefix = region_prefix_or_404(user, region) if region else own
    level = level_of_prefix(prefix)
    root = Region.objects.filter(code=pad_code(prefix), level=level).first() if level else None
    if root is None:
        raise Http404
    return root, prefix


def _aid_figures():
    return {"approved": Count("id", filter=Q(state=S.APPROVED)), "paid": Count("id", filter=Q(state=S.PAID)),
            "amount": Sum("amount_approved"),
            "days": Sum(ExpressionWrapper(F("paid_on") - F("registered_on"), output_field=DurationField()),
                        filter=Q(state=S.PAID, paid_on__isnull=False))}


def assistance_statistics(user, region: str = "") -> dict:
    """Everything the statistics page shows, in a fixed number of queries."""
    root, prefix = region_shown(user, region)
    own = scope_prefix(user)
    today = timezone.localdate()
    children = list(Region.objects.filter(parent=root).order_by("code")) if root.level < VILLAGE else []
    length = PREFIX_LENGTH[root.level + 1] if children else PREFIX_LENGTH[root.level]
    areas = {child.prefix: AreaFigures(prefix=child.prefix, name=child.name) for child in children}
    own_units = AreaFigures(prefix="", name=root.name)
    total = AreaFigures(prefix="", name=root.name)

    def area(code: str) -> AreaFigures:
        return areas.get(code, own_units)

    # people in hardship: open entries, each person once (a person in two kinds counts once in the totals)
    hardship = (HardshipEntry.objects.visible_to(user).in_subtree(prefix).filter(until__isnull=True)
                .annotate(area=Substr("region_code", 1, length)).order_by())
    people = Count("person", distinct=True)
    for row in hardship.values("area", "kind").annotate(n=people):
        figures = area(row["area"])
        figures.by_kind[row["kind"]] = figures.by_kind.get(row["kind"], 0) + row["n"]
    for row in hardship.values("area").annotate(n=people):
        area(row["area"]).persons += row["n"]
    total.by_kind = {row["kind"]: row["n"] for row in hardship.values("kind").annotate(n=people)}
    total.persons = hardship.aggregate(n=people)["n"]

    # aid granted: approved (awaiting payment) and paid applications
    granted = (AidApplication.objects.visible_to(user).in_subtree(prefix).filter(state__in=GRANTED)
               .annotate(area=Substr("region_code", 1, length)).order_by())
    for row in granted.values("area").annotate(**_aid_figures()):
        area(row["area"]).add_aid(row)
        total.add_aid(row)
    aid_kinds = []
    for row in granted.values("kind", "kind__name").annotate(**_aid_figures()).order_by("kind__position", "kind"):
        figures = AreaFigures(prefix="", name=row["kind__name"])
        figures.add_aid(row)
        figures.links = {
            "approved": list_link("applications", prefix, own, state=S.APPROVED, kind=row["kind"]),
            "paid": list_link("applications", prefix, own, state=S.PAID, kind=row["kind"])}
        aid_kinds.append(figures)
    by_fund = list(granted.values("fund", "fund__name", "fund__unit__name").annotate(**_aid_figures())
                   .order_by("fund__name", "fund"))
    openable = set(Fund.objects.visible_to(user).filter(pk__in=[row["fund"] for row in by_fund]).values_list(
        "pk", flat=True)) if by_fund else set()
    funds = []
    for row in by_fund:
        figures = AreaFigures(prefix="", name=row["fund__name"])
        figures.add_aid(row)
        funds.append({"fund": row["fund"], "unit": row["fund__unit__name"], "figures": figures,
                      "openable": row["fund"] in openable})

    # referrals: awaiting the department's answer, and those of them past the date the answer was expected
    referrals = (Referral.objects.visible_to(user).in_subtree(prefix).filter(state=Referral.State.SENT)
                 .annotate(area=Substr("region_code", 1, length)).order_by())
    for row in referrals.values("area").annotate(n=Count("id"), overdue=Count("id", filter=referral_overdue_q(today))):
        for figures in (area(row["area"]), total):
            figures.referrals_open += row["n"]
            figures.referrals_overdue += row["overdue"]

    kinds = [kind for kind in HardshipKind.objects.order_by("position", "id")
             if kind.active or total.by_kind.get(kind.pk)]
    for figures in (total, *areas.values()):
        figures.links = {
            "approved": list_link("applications", figures.prefix or prefix, own, state=S.APPROVED),
            "paid": list_link("applications", figures.prefix or prefix, own, state=S.PAID),
            "referrals_open": list_link("referrals", figures.prefix or prefix, own, state=Referral.State.SENT),
            "referrals_overdue": list_link("referrals", figures.prefix or prefix, own, overdue="1")}
    for figures in (total, own_units, *areas.values()):
        linked = figures is total or figures.prefix
        figures.kind_cells = [(figures.by_kind.get(kind.pk, 0), list_link(
            "hardship", figures.prefix or prefix, own, kind=kind.pk, state="open") if linked else None)
            for kind in kinds]
    rows = list(areas.values())
    if children and _any(own_units):  # a village's own units are the whole of it: the total says it
        rows.append(own_units)
    breadcrumb = [r for r in root.ancestors() if code_in_subtree(r.code, own)]
    return {"region": root, "prefix": prefix, "breadcrumb": breadcrumb, "rows": rows, "own_units": own_units,
            "total": total, "kinds": kinds, "aid_kinds": aid_kinds, "funds": funds, "today": today,
            "chart": {"labels": [kind.name for kind in kinds], "values": [total.by_kind.get(kind.pk, 0)
                                                                          for kind in kinds]}}


def _any(figures: AreaFigures) -> bool:
    return bool(figures.persons or figures.granted or figures.referrals_open)
