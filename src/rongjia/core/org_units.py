"""Bringing the network into being: one centre or station for every region unit."""

from django.db import transaction

from .models import OrgUnit, Region
from .regions import COUNTY
from .scoping import subtree_q

# "古泉社区居委会" is the committee; its station is "古泉社区退役军人服务站".
_COMMITTEE_SUFFIXES = ("村民委员会", "居民委员会", "社区居委会", "居委会", "村委会", "委员会")


def place_name(region_name: str) -> str:
    for suffix in _COMMITTEE_SUFFIXES:
        if region_name.endswith(suffix) and len(region_name) > len(suffix):
            stem = region_name[: -len(suffix)]
            if suffix == "社区居委会":
                return stem + "社区"
            if suffix in ("村民委员会", "村委会") and not stem.endswith("村"):
                return stem + "村"
            return stem
    return region_name


def main_unit_for(region: Region) -> OrgUnit:
    is_centre = region.level <= COUNTY
    kind = OrgUnit.Kind.CENTRE if is_centre else OrgUnit.Kind.STATION
    suffix = "退役军人服务中心" if is_centre else "退役军人服务站"
    return OrgUnit(
        region=region, region_code=region.code, level=region.level, kind=kind,
        name=place_name(region.name) + suffix,
    )


def org_units_create_missing(*, prefix: str) -> int:
    """Create the main centre/station of every current region under `prefix` that has none.

    A bulk set-up step for commands (seed_demo, seed_scale), not a user action: it makes
    no audit entry per unit, the command that calls it reports what it did.
    """
    with transaction.atomic():
        regions = Region.objects.current().filter(subtree_q("code", prefix)).exclude(
            org_units__kind__in=[OrgUnit.Kind.CENTRE, OrgUnit.Kind.STATION]
        )
        units = [main_unit_for(region) for region in regions.iterator(chunk_size=5000)]
        OrgUnit.objects.bulk_create(units, batch_size=5000)
    return len(units)
