"""Deadlines counted again when a year's holidays are loaded or edited (core.signals.holidays_changed).

A deadline that falls in a year without a holiday table is counted with weekends only and shown as
provisional. When the table arrives, every running deadline that could fall in that year is counted
again from the petition's own dates (`workflow.running_deadline`, the rule every step uses); each one
that moved is saved (audited as a system change) and its unit told with a notice.
"""

from datetime import date, timedelta

from django.db import transaction

from rongjia.core.deadlines import WorkCalendar

from .models import Petition, PetitionNotice
from .workflow import running_deadline

# A deadline of this year may have been moved into the first weeks of the next (a long 春节 after New Year).
SPILL = timedelta(days=45)


def recompute_deadlines(sender=None, years=(), **kwargs) -> list[str]:
    if not years:
        return []
    first, last = date(min(years), 1, 1), date(max(years), 12, 31) + SPILL
    calendar = WorkCalendar.load(first - timedelta(days=120), last + SPILL)
    petitions = (Petition.objects.filter(due_on__gte=first, due_on__lte=last)
                 .exclude(due_on__isnull=True).select_related("unit").order_by("pk"))
    changed = []
    for petition in petitions.iterator(chunk_size=500):
        new = running_deadline(petition, calendar=calendar)
        if new is None or new == petition.due_on:
            continue
        old = petition.due_on
        with transaction.atomic():
            petition.due_on, petition.version = new, petition.version + 1
            petition.save(update_fields=["due_on", "version"])
            PetitionNotice.objects.get_or_create(petition=petition, kind=PetitionNotice.Kind.MOVED, due_on=new,
                                                 defaults={"unit": petition.unit,
                                                           "region_code": petition.region_code})
        changed.append(f"信访 {petition.pk}「{petition.subject}」（{petition.unit.name}）：{old} → {new}")
    return changed
