"""Rectification (整改) as tasks: a station below its standard (the network's facts) or an evaluation gap becomes an
item to put right and a 整改 task for that station asking for the evidence of the fix; accepting the evidence closes
the item. An inspection's findings go the same way (`inspections.finding_rectify`)."""

from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from rongjia.network.facts import unit_facts
from rongjia.network.models import Rectification
from rongjia.network.services import rectification_record

from .models import Kind, Task
from .services import task_assign
from .targets import Target, chosen_units


def rectification_task(*, actor, rectification: Rectification, due_on: date, instructions: str = "") -> Task:
    """The 整改 task for one open item (once: an item already tracked gives its task back)."""
    existing = Task.objects.filter(rectification=rectification).first()
    if existing is not None:
        return existing
    return task_assign(actor=actor, title=_("Rectify: %(reason)s") % {"reason": rectification.reason[:100]},
                       kind=Kind.RECTIFICATION, instructions=instructions or rectification.reason, due_on=due_on,
                       target=Target(units=[rectification.unit_id]), needs_photos=True, rectification=rectification)


def rectify_below_standard(*, actor, due_on: date, region: str = "", levels=(4, 5)) -> list[Task]:
    """One 整改 task for each station below its standard in the actor's area (or `region`), naming its shortfalls."""
    units = list(chosen_units(actor, Target(levels=list(levels), below_standard=True, region=region)))
    facts = unit_facts(units)
    tasks = []
    with transaction.atomic():
        for unit in units:
            reason = _("Below standard: %(shortfalls)s") % {"shortfalls": "；".join(facts[unit.pk].shortfalls)}
            item = Rectification.objects.filter(unit=unit, reason=reason[:300],
                                                status=Rectification.Status.OPEN).first()
            item = item or rectification_record(actor=actor, unit=unit, reason=reason[:300])
            tasks.append(rectification_task(actor=actor, rectification=item, due_on=due_on))
    return tasks
