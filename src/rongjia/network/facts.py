"""Reads of the service network: which list and standard applies to a unit, each unit's
facts (五有, checklist, staff, standard), and the statistics rolled up the region tree.

Everything starts from `visible_to` (DESIGN.md rule 1). Facts are computed for many units
with a fixed number of queries (one per table), never one query per unit.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from rongjia.core.models import OrgUnit, Region
from rongjia.core.regions import PREFIX_LENGTH
from rongjia.core.scoping import code_in_subtree, get_visible_or_404, region_prefix_or_404

from .models import ChecklistEntry, ChecklistItem, StaffMember, Standard, StationProfile
from .selectors import MAIN_KINDS

# --- which list and which standard applies ----------------------------------------------

def nearest_jurisdiction(code: str, jurisdictions) -> str | None:
    """The longest jurisdiction prefix of `code` among `jurisdictions` ("" is the country)."""
    matching = [j for j in jurisdictions if code_in_subtree(code, j)]
    return max(matching, key=len) if matching else None


class ChecklistBook:
    """All checklist items of one kind, grouped by jurisdiction, loaded once."""

    def __init__(self, kind: str):
        self.by_jurisdiction: dict[str, list[ChecklistItem]] = defaultdict(list)
        for item in ChecklistItem.objects.filter(kind=kind).order_by("position"):
            self.by_jurisdiction[item.jurisdiction_code].append(item)

    def items_for(self, code: str, level: int | None = None) -> list[ChecklistItem]:
        """The list of the nearest jurisdiction that has one for a unit of `level` (None: a region's row,
        whatever level its list is for)."""
        lists = {jurisdiction: items for jurisdiction, items in self.by_jurisdiction.items()
                 if level is None or _for_level(items, level)}
        jurisdiction = nearest_jurisdiction(code, lists)
        return lists[jurisdiction] if jurisdiction is not None else []


def _for_level(items: list[ChecklistItem], level: int) -> bool:
    return any(not item.levels or level in item.levels for item in items)


class StandardBook:
    """All standards, loaded once; picks the one in force for a unit on a day."""

    def __init__(self):
        self.standards = list(Standard.objects.all())

    def for_unit(self, unit: OrgUnit, on: date) -> Standard | None:
        """The most specific jurisdiction's latest standard for the unit's level in force on `on`.

        A jurisdiction's own standard overrides its parent's, even an older one: the county
        that set its own rule keeps it until it changes it.
        """
        candidates = [
            s for s in self.standards
            if s.level == unit.level and s.effective_from <= on
            and code_in_subtree(unit.region_code, s.jurisdiction_code)
        ]
        if not candidates:
            return None
        return max(candidates, key=lambda s: (len(s.jurisdiction_code), s.effective_from))


# --- the facts of each unit -------------------------------------------------------------

@dataclass
class UnitFacts:
    unit: OrgUnit
    profile: StationProfile | None
    full_time: int = 0
    part_time: int = 0
    veterans: int = 0
    five_have: list[tuple[ChecklistItem, ChecklistEntry | None]] = field(default_factory=list)
    display: list[tuple[ChecklistItem, ChecklistEntry | None]] = field(default_factory=list)
    standard: Standard | None = None
    shortfalls: list[str] = field(default_factory=list)

    @property
    def staff(self) -> int:
        return self.full_time + self.part_time

    @property
    def below_standard(self) -> bool:
        return bool(self.shortfalls)

    @property
    def five_have_missing(self) -> list[ChecklistItem]:
        return [item for item, entry in self.five_have if not (entry and entry.complete)]

    @property
    def five_have_met(self) -> int:
        return len(self.five_have) - len(self.five_have_missing)

    @property
    def five_have_complete(self) -> bool:
        return bool(self.five_have) and not self.five_have_missing

    @property
    def display_done(self) -> int:
        return sum(1 for _item, entry in self.display if entry and entry.complete)

    @property
    def area(self) -> Decimal | None:
        return self.profile.area_m2 if self.profile else None

    @property
    def funding(self) -> Decimal | None:
        return self.profile.annual_funding if self.profile else None


def unit_facts(units: list[OrgUnit], *, on: date | None = None) -> dict[int, UnitFacts]:
    """Facts for these (already scoped) units: five queries whatever their number."""
    on = on or timezone.localdate()
    ids = [u.pk for u in units]
    profiles = {p.unit_id: p for p in StationProfile.objects.filter(unit_id__in=ids)}
    facts = {u.pk: UnitFacts(unit=u, profile=profiles.get(u.pk)) for u in units}
    staff_rows = (
        StaffMember.objects.filter(unit_id__in=ids, active=True)
        .values("unit_id", "employment")
        .annotate(n=Count("id"), veterans=Count("id", filter=Q(is_veteran=True)))
        .order_by()
    )
    for row in staff_rows:
        f = facts[row["unit_id"]]
        if row["employment"] == StaffMember.Employment.FULL_TIME:
            f.full_time += row["n"]
        else:
            f.part_time += row["n"]
        f.veterans += row["veterans"]
    # Each entry gets the book's own item below rather than a copy per row (select_related): a page of 50 units
    # made 900 item copies, and the garbage collector's full passes over them cost the station list a 180-ms p95.
    entries = {(e.unit_id, e.item_id): e for e in ChecklistEntry.objects.filter(unit_id__in=ids)}
    five_have, display, standards = ChecklistBook(ChecklistItem.Kind.FIVE_HAVE), ChecklistBook(
        ChecklistItem.Kind.DISPLAY), StandardBook()
    for f in facts.values():
        code = f.unit.region_code
        level = f.unit.level
        f.five_have = [(item, _entry(entries, f.unit, item)) for item in five_have.items_for(code, level)]
        f.display = [(item, _entry(entries, f.unit, item)) for item in display.items_for(code, level)]
        if f.unit.is_main:
            f.standard = standards.for_unit(f.unit, on)
            f.shortfalls = shortfalls(f)
    return facts


def _entry(entries: dict, unit: OrgUnit, item: ChecklistItem) -> ChecklistEntry | None:
    """The unit's entry for the item, holding that very item (entry.complete reads it)."""
    entry = entries.get((unit.pk, item.pk))
    if entry is not None:
        entry.item = item
    return entry


def shortfalls(f: UnitFacts) -> list[str]:
    """How a unit falls below its standard; exactly at the threshold is not below."""
    s, found = f.standard, []
    if s is None:
        return found
    if s.min_area_m2 is not None:
        if f.area is None:
            found.append(_("area not reported (standard %(min)s m²)") % {"min": s.min_area_m2})
        elif f.area < s.min_area_m2:
            found.append(_("area %(area)s m² below %(min)s m²") % {"area": f.area, "min": s.min_area_m2})
    if s.min_staff is not None and f.staff < s.min_staff:
        found.append(_("%(n)d staff, standard %(min)d") % {"n": f.staff, "min": s.min_staff})
    if s.min_full_time_staff is not None and f.full_time < s.min_full_time_staff:
        found.append(_("%(n)d full-time staff, standard %(min)d") % {"n": f.full_time, "min": s.min_full_time_staff})
    return found


def station_facts(user, pk: int) -> UnitFacts:
    unit = get_visible_or_404(OrgUnit.objects.select_related("region"), user, pk=pk)
    return unit_facts([unit])[unit.pk]


def filter_by_facts(user, units, *, below_standard: bool | None = None, five_have_missing: str = ""):
    """Narrow a scoped unit queryset by computed facts (keeps its order and laziness).

    `five_have_missing` is "any" or an item position ("1"–"5") of the unit's own 五有 list,
    or "none": every item met with its evidence (a unit without a 五有 list is not kept),
    or "met-" and a position: that item met with its evidence (what the statistics count per item).
    """
    if below_standard is None and not five_have_missing:
        return units
    facts = unit_facts(list(units.filter(kind__in=MAIN_KINDS).select_related(None)))
    keep = [
        pk for pk, f in facts.items()
        if (below_standard is None or f.below_standard == below_standard)
        and (not five_have_missing or _misses(f, five_have_missing))
    ]
    return units.filter(pk__in=keep)


def _misses(f: UnitFacts, which: str) -> bool:
    missing = f.five_have_missing
    if which == "any":
        return bool(missing)
    if which == "none":
        return f.five_have_complete
    if which.startswith("met-"):
        return any(str(item.position) == which[4:] and entry and entry.complete for item, entry in f.five_have)
    return any(str(item.position) == which for item in missing)


# --- statistics rolled up the region tree (seeds 000 and 004) --------------------------

@dataclass
class NetworkRow:
    code: str
    name: str
    level: int
    units: int = 0
    by_level: dict[int, int] = field(default_factory=dict)
    by_kind: dict[str, int] = field(default_factory=dict)
    five_have_each: dict[int, int] = field(default_factory=dict)  # item position -> units meeting it
    five_have_all: int = 0
    with_five_have_list: int = 0
    full_time: int = 0
    part_time: int = 0
    veterans: int = 0
    established_posts: int = 0
    area_m2: Decimal = Decimal(0)
    funding: Decimal = Decimal(0)
    below_standard: int = 0

    @property
    def staff(self) -> int:
        return self.full_time + self.part_time

    @property
    def veteran_share(self) -> float | None:
        return self.veterans / self.staff if self.staff else None

    def add(self, f: UnitFacts) -> None:
        unit = f.unit
        self.units += 1
        self.by_kind[unit.kind] = self.by_kind.get(unit.kind, 0) + 1
        if unit.is_main:
            self.by_level[unit.level] = self.by_level.get(unit.level, 0) + 1
        if f.five_have and unit.is_main:  # the 五有 measure centres and stations, as the list's 五有 filter does
            self.with_five_have_list += 1
            for item, entry in f.five_have:
                if entry and entry.complete:
                    self.five_have_each[item.position] = self.five_have_each.get(item.position, 0) + 1
            self.five_have_all += f.five_have_complete
        self.full_time += f.full_time
        self.part_time += f.part_time
        self.veterans += f.veterans
        if f.profile:
            self.established_posts += f.profile.established_posts or 0
            self.area_m2 += f.profile.area_m2 or 0
            self.funding += f.profile.annual_funding or 0
        self.below_standard += f.below_standard


def network_stats(user, *, region: str = "") -> tuple[NetworkRow, list[NetworkRow]]:
    """The totals of a region's subtree and one row per child region (drill-down).

    `region` is a 12-digit code or a prefix inside the viewer's scope; default: the viewer's own.
    """
    own = user.org_unit.region if user.org_unit else None
    code = region or (own.code if own else "")
    root = get_visible_or_404(Region.objects.all(), user, code=code.ljust(12, "0") if code else "")
    prefix = region_prefix_or_404(user, root.prefix)
    units = list(OrgUnit.objects.visible_to(user).in_subtree(prefix).select_related("region"))
    facts = unit_facts(units)
    children = list(Region.objects.filter(parent=root).order_by("code"))
    total = NetworkRow(code=root.code, name=root.name, level=root.level)
    rows = {child.prefix: NetworkRow(code=child.code, name=child.name, level=child.level) for child in children}
    for f in facts.values():
        total.add(f)
        row = _child_row(rows, f.unit.region_code)
        if row is not None:
            row.add(f)
    return total, list(rows.values())


def _child_row(rows: dict[str, NetworkRow], code: str) -> NetworkRow | None:
    for length in sorted(set(PREFIX_LENGTH.values())):
        row = rows.get(code[:length])
        if row is not None:
            return row
    return None
