"""Reads of regions (reference data); units and stations are read in network.selectors."""

from django.db.models import Q

from .models import Region
from .regions import LEVEL_BY_SLUG, pad_code
from .scoping import admin_subtree_q, code_search_q


def region_children(user, region: Region):
    return Region.objects.visible_to(user).filter(parent=region).current().order_by("code")


def region_admin_list(user, *, q: str = "", level: str = ""):
    """Reference data for the system administrator: the regions of the subtree it administers
    (a county's administrator neither edits nor lists its city or a neighbour county)."""
    regions = Region.objects.filter(admin_subtree_q(user, "code")).select_related("parent")
    if level in LEVEL_BY_SLUG:
        regions = regions.filter(level=LEVEL_BY_SLUG[level])
    if q:
        regions = regions.filter(Q(name__icontains=q) | code_search_q("code", q))
    return regions.order_by("code")


def prefix_names(prefixes) -> dict[str, str]:
    """The region's name for each code prefix ("320115" -> 江宁区), in one query: the rows of a roll-up."""
    padded = {pad_code(prefix): prefix for prefix in prefixes}
    return {padded[code]: name for code, name in Region.objects.filter(code__in=padded).values_list("code", "name")}
