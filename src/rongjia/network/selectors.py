"""Every read of centres and stations: lists, counts, the tree, autocomplete.

Each starts from visible_to (DESIGN.md rule 1); the facts computed per unit (五有, staff,
standards) and the statistics rolled up the tree are in network.facts.
"""

from django.db.models import Case, Count, Q, Value, When
from django.urls import reverse
from django.utils.http import urlencode

from rongjia.core.models import OrgUnit, Region
from rongjia.core.regions import LEVEL_BY_SLUG
from rongjia.core.scoping import (
    code_search_q,
    jurisdictions_bearing_on_q,
    region_prefix_or_404,
    scope_prefix,
)

from .models import Rectification, StaffMember, Standard

MAIN_KINDS = (OrgUnit.Kind.CENTRE, OrgUnit.Kind.STATION)
EXTRA_KINDS = (OrgUnit.Kind.RESIDENT, OrgUnit.Kind.MOBILE)
MAIN = "main"  # the list's `kind=` for every centre and station (MAIN_KINDS)

# Within one region the centre or station comes before the 派驻站 and 流动服务站 it hosts.
_EXTRAS_LAST = Case(When(kind__in=MAIN_KINDS, then=Value(0)), default=Value(1))

STATION_SORTS = {
    "code": ("region_code", _EXTRAS_LAST, "id"),
    "-code": ("-region_code", _EXTRAS_LAST, "id"),
    "name": ("name", "id"),
    "-name": ("-name", "-id"),
    "level": ("level", "region_code", "id"),
    "-level": ("-level", "region_code", "id"),
}


def station_list(user, *, level: str = "", kind: str = "", region: str = "", q: str = "", sort: str = ""):
    """The units the user may see, filtered. An unknown level/kind is ignored by the caller's
    form; a `region` outside the scope is 404 so a filter can't probe for hidden records."""
    units = OrgUnit.objects.visible_to(user).select_related("region")
    if region:
        units = units.in_subtree(region_prefix_or_404(user, region))
    if level in LEVEL_BY_SLUG:
        units = units.filter(level=LEVEL_BY_SLUG[level])
    if kind == MAIN:  # centres and stations, not the units they host: how the statistics count each level
        units = units.filter(kind__in=MAIN_KINDS)
    elif kind in OrgUnit.Kind.values:
        units = units.filter(kind=kind)
    if q:
        units = units.filter(_name_or_place_q(user, q))
    return units.order_by(*STATION_SORTS.get(sort, STATION_SORTS["code"]))


def _name_or_place_q(user, q: str) -> Q:
    """Units whose name or whose region's name holds `q`, or whose code begins with it. Without a latin letter
    the match is a plain LIKE (upper-casing 19,224 Chinese names twice per search cost 12 of a province's 17 ms),
    and the places are looked up among the viewer's own regions rather than joined to every unit."""
    exact = not any(c.isascii() and c.isalpha() for c in q)
    lookup = "contains" if exact else "icontains"
    places = Region.objects.visible_to(user).filter(**{f"name__{lookup}": q})
    return Q(**{f"name__{lookup}": q}) | Q(region_id__in=places.values("pk")) | code_search_q("region_code", q)


def station_counts(user, *, region: str = "") -> dict:
    """How many visible units of each kind, and of centres/stations per level (one query).

    `by_level` counts the main units only, as the seeds' tables do (1 市 + 6 县 + 86 乡 + 1401 村);
    the 派驻站 and 流动服务站 are counted by kind.
    """
    units = OrgUnit.objects.visible_to(user)
    if region:
        units = units.in_subtree(region_prefix_or_404(user, region))
    rows = units.values("level", "kind").annotate(n=Count("id")).order_by()
    by_level: dict[int, int] = {}
    by_kind: dict[str, int] = {}
    for row in rows:
        if row["kind"] in MAIN_KINDS:
            by_level[row["level"]] = by_level.get(row["level"], 0) + row["n"]
        by_kind[row["kind"]] = by_kind.get(row["kind"], 0) + row["n"]
    return {"total": sum(by_kind.values()), "by_level": by_level, "by_kind": by_kind}


def tree_roots(user) -> list[OrgUnit]:
    """The top of the viewer's tree: their own region's units."""
    unit = user.org_unit
    if unit is None:
        return []
    roots = list(OrgUnit.objects.visible_to(user).filter(region_code=unit.region_code).select_related("region"))
    return _with_child_counts(user, roots)


def tree_children(user, unit: OrgUnit) -> list[OrgUnit]:
    """Below a main unit: the main units of the child regions, then the extra stations of its own region."""
    if not unit.is_main:
        return []
    visible = OrgUnit.objects.visible_to(user).select_related("region")
    children = list(visible.filter(region__parent_id=unit.region_id, kind__in=MAIN_KINDS).order_by("region_code"))
    children += list(visible.filter(region_id=unit.region_id, kind__in=EXTRA_KINDS).order_by("id"))
    return _with_child_counts(user, children)


def _with_child_counts(user, units: list[OrgUnit]) -> list[OrgUnit]:
    """Set `child_count` on each main unit: units of its child regions plus its region's extras."""
    main_regions = [u.region_id for u in units if u.is_main]
    visible = OrgUnit.objects.visible_to(user)
    below = dict(
        visible.filter(region__parent_id__in=main_regions, kind__in=MAIN_KINDS)
        .values_list("region__parent_id").annotate(n=Count("id")).order_by()
    )
    extras = dict(
        visible.filter(region_id__in=main_regions, kind__in=EXTRA_KINDS)
        .values_list("region_id").annotate(n=Count("id")).order_by()
    )
    for u in units:
        u.child_count = (below.get(u.region_id, 0) + extras.get(u.region_id, 0)) if u.is_main else 0
    return units


def station_autocomplete(user, q: str, limit: int = 10) -> list[OrgUnit]:
    if not q.strip():
        return []
    return list(station_list(user, q=q.strip())[:limit])


def standards_bearing_on(user):
    """Standards that bear on the viewer's units: their jurisdiction's ancestors', its own, and those inside it."""
    prefix = scope_prefix(user)
    if prefix is None:
        return Standard.objects.none()
    return Standard.objects.filter(jurisdictions_bearing_on_q("jurisdiction_code", prefix))


def rectifications(viewer, *, status: str = ""):
    """Rectification items (整改) of the units in the viewer's scope, open ones first."""
    items = Rectification.objects.visible_to(viewer).select_related("unit", "created_by")
    if status in Rectification.Status.values:
        items = items.filter(status=status)
    open_first = Case(When(status=Rectification.Status.OPEN, then=Value(0)), default=Value(1))
    return items.order_by(open_first, "-created_at", "-id")


def main_units_at(user, codes) -> dict[str, int]:
    """The centre or station of each of these 12-digit region codes the viewer sees: {code: pk} (one query)."""
    units = OrgUnit.objects.visible_to(user).filter(region_code__in=list(codes), kind__in=MAIN_KINDS)
    found: dict[str, int] = {}
    for code, pk in units.order_by("region_code", "pk").values_list("region_code", "pk"):
        found.setdefault(code, pk)
    return found


def village_links(user, codes) -> dict[str, tuple[str, str]]:
    """Where a village's line on a dashboard leads: {12-digit code: (its station's page or "", its people or "")}.

    One query for all the villages; the station only when the viewer sees it, the people only for a viewer who
    may open the people list (the statistics pages and the network statistics share this)."""
    stations = main_units_at(user, codes) if codes else {}
    may_see_people = user.can("people.view")
    links = {}
    for code in codes:
        station = reverse("network:station_detail", args=[stations[code]]) if code in stations else ""
        people = f"{reverse('people:person_list')}?{urlencode({'region': code})}" if may_see_people else ""
        links[code] = (station, people)
    return links


def staff_in_post(user, *, region: str = "", employment: str = "", veteran: bool = False):
    """The staff in post in the viewer's area (a `region` inside it, else 404): the rows the network statistics
    count as full-time, part-time and veterans."""
    staff = StaffMember.objects.visible_to(user).filter(active=True).select_related("unit")
    if region:
        staff = staff.in_subtree(region_prefix_or_404(user, region))
    if employment in StaffMember.Employment.values:
        staff = staff.filter(employment=employment)
    if veteran:
        staff = staff.filter(is_veteran=True)
    return staff.order_by("unit__region_code", "unit_id", "employment", "name", "pk")
