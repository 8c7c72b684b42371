"""Deadline warnings and escalation, made idempotent so `run_deadlines` can run any number of times a day."""

from datetime import date

from django.db import transaction

from rongjia.core.models import OrgUnit

from .models import Petition, PetitionNotice
from .workflow import State, unit_above

# The states whose step has a running deadline (workflow.running_deadline)
OPEN_STATES = (State.REGISTERED, State.ACCEPTED, State.ASSIGNED, State.TAKEN_ON, State.REVIEW, State.RECHECK)


def _escalation_unit(unit: OrgUnit) -> OrgUnit:
    """The centre one level up (overdue goes to the level above), or the unit itself at the top."""
    return unit_above(unit) or unit


def notices_for(petition: Petition, today: date) -> list[tuple[str, OrgUnit]]:
    days_left = (petition.due_on - today).days
    if days_left < 0:
        return [(PetitionNotice.Kind.OVERDUE, _escalation_unit(petition.unit))]
    if days_left <= 1:
        return [(PetitionNotice.Kind.WARN_1, petition.unit)]
    if days_left <= 5:
        return [(PetitionNotice.Kind.WARN_5, petition.unit)]
    return []


def run_deadlines(today: date) -> int:
    """Make the warnings and escalations due today that do not exist yet; returns how many were made."""
    made = 0
    petitions = (Petition.objects.filter(state__in=OPEN_STATES, due_on__isnull=False)
                 .select_related("unit__region__parent"))
    for petition in petitions.iterator(chunk_size=500):
        for kind, unit in notices_for(petition, today):
            with transaction.atomic():
                _notice, created = PetitionNotice.objects.get_or_create(
                    petition=petition, kind=kind, due_on=petition.due_on,
                    defaults={"unit": unit, "region_code": unit.region_code})
            made += created
    return made
