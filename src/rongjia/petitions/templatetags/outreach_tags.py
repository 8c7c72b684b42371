"""Template tags of petitions/outreach: whether a petition was registered in a running sensitive period.

The periods are read once per request (one query, whatever the length of the list), then matched in memory.
"""

from django import template
from django.utils import timezone

from rongjia.core.regions import PREFIX_LENGTH, subtree_prefix
from rongjia.core.scoping import code_in_subtree

from ..outreach.selectors import sensitive_periods_for

register = template.Library()
CACHE = "_rongjia_running_sensitive_periods"


def _running(request) -> list:
    periods = getattr(request, CACHE, None) if request is not None else None
    if periods is None:
        today = timezone.localdate()
        viewer = getattr(request, "user", None)
        found = sensitive_periods_for(viewer).filter(starts_on__lte=today, ends_on__gte=today) if viewer else []
        # the innermost centre's first: the longest subtree prefix
        periods = sorted(found, key=lambda p: -PREFIX_LENGTH[p.unit.level])
        if request is not None:
            setattr(request, CACHE, periods)
    return periods


@register.simple_tag(takes_context=True)
def in_sensitive_period(context, petition):
    """The running period that covers the petition's unit, if the petition was registered since it began."""
    for period in _running(context.get("request")):
        covered = code_in_subtree(petition.region_code, subtree_prefix(period.region_code, period.unit.level))
        if covered and petition.registered_on >= period.starts_on:
            return period
    return None
