"""Reads of meetings, reception days and sensitive periods, each scoped to the viewer."""

from datetime import date

from rongjia.core.scoping import at_or_above_q

from .models import Meeting, ReceptionDay, SensitivePeriod


def meeting_list(viewer, *, kind: str = "", state: str = "", since: date | None = None, until: date | None = None):
    meetings = Meeting.objects.visible_to(viewer).select_related("unit", "petition")
    if kind:
        meetings = meetings.filter(kind=kind)
    if state:
        meetings = meetings.filter(state=state)
    if since:
        meetings = meetings.filter(scheduled_on__gte=since)
    if until:
        meetings = meetings.filter(scheduled_on__lte=until)
    return meetings


def _published_to(queryset, viewer):
    """What a centre publishes is read below it too: the viewer's subtree, and the centres at or above the
    viewer's own unit (a village station tells petitioners when the county's leaders receive)."""
    unit = getattr(viewer, "org_unit", None)
    if unit is None or not viewer.can("petitions.view"):
        return queryset.none()
    return queryset.filter(pk__in=queryset.visible_to(viewer).values("pk")) | queryset.filter(
        at_or_above_q("region_code", unit.region_code))


def reception_days_for(viewer):
    return _published_to(ReceptionDay.objects.select_related("unit"), viewer).order_by("day", "starts_at", "id")


def sensitive_periods_for(viewer):
    return _published_to(SensitivePeriod.objects.select_related("unit"), viewer).order_by("-starts_on", "-id")


def sensitive_periods_covering(unit_region_code: str, day: date):
    """The periods declared at or above this unit's region that cover `day`, the innermost centre's first
    (padded codes of one line of ancestors sort from the county down to the province when descending)."""
    return (SensitivePeriod.objects.filter(at_or_above_q("region_code", unit_region_code), starts_on__lte=day,
                                           ends_on__gte=day).select_related("unit").order_by("-region_code", "-id"))
