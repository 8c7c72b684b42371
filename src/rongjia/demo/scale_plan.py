"""The plan of a seed_scale run: its counties, their stations, and how many people each station holds.

Computed from the arguments and the region tables alone, before anything is written. A station's
weight is seeded by its own code, so a resumed run makes the same plan and writes a county the
same way an uninterrupted run would have.
"""

import random
from dataclasses import dataclass, field

from rongjia.core.models import OrgUnit, Region
from rongjia.core.regions import CITY, COUNTY, PREFIX_LENGTH, STREET, VILLAGE
from rongjia.core.scoping import code_in_subtree, subtree_q

# People per station in an urban district against a rural county: more veterans live in cities.
URBAN_WEIGHT = 3.0
STATION_SPREAD = (0.4, 1.6)  # a station's own factor, so no two counties look alike


@dataclass(frozen=True)
class Unit:
    """A centre or station as the generators need it: no model instance on the hot path."""

    pk: int
    code: str
    region_id: int
    name: str
    level: int


@dataclass
class County:
    code: str  # six digits: the unit of work, written in one transaction
    name: str
    urban: bool
    centre: Unit | None
    streets: list[Unit] = field(default_factory=list)
    villages: list[Unit] = field(default_factory=list)  # the stations that hold people, in code order
    people: list[int] = field(default_factory=list)  # per village, same order

    @property
    def total(self) -> int:
        return sum(self.people)


@dataclass
class Plan:
    prefix: str
    counties: list[County]  # every county of the region, in code order
    selected: list[County]  # the first --counties of them: the ones this run writes
    # Where people move to: the village stations of a street (9 digits) and of a city (4 digits),
    # across the whole region, whichever counties this run writes.
    by_street: dict[str, list[Unit]] = field(default_factory=dict)
    by_city: dict[str, list[Unit]] = field(default_factory=dict)
    by_county: dict[str, list[Unit]] = field(default_factory=dict)

    def __post_init__(self):
        for county in self.counties:
            self.by_county[county.code] = county.villages
            for village in county.villages:
                self.by_street.setdefault(village.code[:9], []).append(village)
                self.by_city.setdefault(village.code[:4], []).append(village)


def county_prefix(prefix: str) -> str:
    """The counties a region prefix touches: its own for a county or below, else all under it."""
    return prefix[: PREFIX_LENGTH[COUNTY]] if len(prefix) >= PREFIX_LENGTH[COUNTY] else prefix


def is_urban(county_name: str, city_name: str) -> bool:
    """An urban district (…区, 市辖区) or a city without counties (嘉峪关市 is its own only county)."""
    return county_name.endswith("区") or county_name == city_name


def make_plan(*, prefix: str, people: int, limit: int | None = None) -> Plan:
    counties = _counties(prefix)
    selected = counties[:limit] if limit else counties
    _allocate(selected, people)
    return Plan(prefix=prefix, counties=counties, selected=selected)


def _counties(prefix: str) -> list[County]:
    scope = county_prefix(prefix)
    regions = Region.objects.current().filter(subtree_q("code", scope))
    cities = dict(regions.filter(level=CITY).values_list("code", "name"))
    if len(scope) > PREFIX_LENGTH[CITY]:  # the city of a county-level run is outside the scope
        cities.update(Region.objects.filter(code=scope[:4].ljust(12, "0")).values_list("code", "name"))
    counties = {}
    for code, name in regions.filter(level=COUNTY).order_by("code").values_list("code", "name"):
        city = cities.get(code[:4].ljust(12, "0"), "")
        counties[code[:6]] = County(code=code[:6], name=name, urban=is_urban(name, city), centre=None)
    units = (OrgUnit.objects.filter(subtree_q("region_code", scope), kind__in=[OrgUnit.Kind.CENTRE,
                                                                                OrgUnit.Kind.STATION],
                                    level__gte=COUNTY, region__valid_to__isnull=True)
             .order_by("region_code").values_list("pk", "region_code", "region_id", "name", "level"))
    for row in units.iterator(chunk_size=5000):
        unit = Unit(*row)
        county = counties.get(unit.code[:6])
        if county is None:
            continue
        if unit.level == COUNTY:
            county.centre = unit
        elif unit.level == STREET and code_in_subtree(unit.code, prefix):
            county.streets.append(unit)
        elif unit.level == VILLAGE and code_in_subtree(unit.code, prefix):
            county.villages.append(unit)
    return [county for county in counties.values() if county.centre is not None]


def _allocate(counties: list[County], total: int) -> None:
    """Share `total` people out by station weight; the largest remainders take the leftover people."""
    weights = []
    for county in counties:
        factor = URBAN_WEIGHT if county.urban else 1.0
        for index, village in enumerate(county.villages):
            rng = random.Random(f"scale-weight-{village.code}")
            weights.append((county, index, factor * rng.uniform(*STATION_SPREAD), village.code))
        county.people = [0] * len(county.villages)
    whole = sum(weight for _c, _i, weight, _code in weights)
    if not whole:
        return
    shares = [(total * weight / whole, county, index, code) for county, index, weight, code in weights]
    given = 0
    for share, county, index, _code in shares:
        county.people[index] = int(share)
        given += int(share)
    by_remainder = sorted(shares, key=lambda s: (-(s[0] - int(s[0])), s[3]))
    for _share, county, index, _code in by_remainder[: total - given]:
        county.people[index] += 1
