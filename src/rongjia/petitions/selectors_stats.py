"""Petition figures for a centre's dashboard: counts by state, overdue, and the on-time rate per unit."""

from collections import defaultdict
from datetime import timedelta

from django.db.models import Count, Max, Min
from django.utils import timezone

from rongjia.core.deadlines import WorkCalendar, deadline

from .deadlines import OPEN_STATES
from .models import Petition
from .workflow import HANDLING, MAX_EXTENSION, REQUEST_AGAIN, STATES


def petition_dashboard(user) -> dict:
    petitions = Petition.objects.visible_to(user)
    today = timezone.localdate()
    by_state = dict(petitions.values_list("state").annotate(n=Count("id")))
    overdue = petitions.filter(state__in=OPEN_STATES, due_on__lt=today).count()
    return {"by_state": [(STATES[state], by_state.get(state, 0)) for state in STATES], "overdue": overdue,
            "total": sum(by_state.values()), "units": on_time_by_unit(petitions),
            "collective": petitions.filter(collective=True).count(),
            "repeats": petitions.filter(repeat_of__isnull=False).distinct().count()}


def on_time_by_unit(petitions) -> list[dict]:
    """Of the petitions answered, the share answered by their handling deadline (HANDLING + extension)."""
    answered = petitions.filter(replied_on__isnull=False, accepted_on__isnull=False).select_related("unit")
    span = answered.aggregate(first=Min("accepted_on"), last=Max("accepted_on"))
    if span["first"] is None:
        return []
    # One read of the holiday table for every deadline below, not one per petition.
    calendar = WorkCalendar.load(span["first"], span["last"] + timedelta(
        days=HANDLING.days + MAX_EXTENSION.days + REQUEST_AGAIN.days))
    tally = defaultdict(lambda: [0, 0])
    names = {}
    for petition in answered.iterator(chunk_size=1000):
        due = deadline(petition.accepted_on, HANDLING.days + petition.extended_days, HANDLING.kind,
                       calendar=calendar).due
        tally[petition.unit_id][0] += petition.replied_on <= due
        tally[petition.unit_id][1] += 1
        names[petition.unit_id] = petition.unit.name
    return sorted(({"unit": names[pk], "on_time": ok, "answered": total, "rate": ok / total}
                   for pk, (ok, total) in tally.items()), key=lambda row: (row["rate"], row["unit"]))
