"""Standing menus and recurring tasks: each period (month, quarter, year) gets one instance, made by
`manage.py generate_tasks` (idempotent: the unique (recurrence, period) pair stops a second one, even when two runs
overlap)."""

from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rongjia.core.audit import audit_actor
from rongjia.core.scoping import get_visible_or_404

from .models import Recurrence, Task
from .services import task_assign
from .targets import Target, chosen_units, describe

F = Recurrence.Frequency


def period_of(frequency: str, day: date) -> tuple[str, date]:
    """The period's key and first day: ("2026-12", 1 Dec), ("2026-Q4", 1 Oct), ("2026", 1 Jan)."""
    if frequency == F.MONTHLY:
        return f"{day.year}-{day.month:02d}", day.replace(day=1)
    if frequency == F.QUARTERLY:
        quarter = (day.month - 1) // 3
        return f"{day.year}-Q{quarter + 1}", date(day.year, quarter * 3 + 1, 1)
    return str(day.year), date(day.year, 1, 1)


def recurrence_save(*, actor, title: str, kind: str, frequency: str, target: Target, due_after_days: int = 25,
                    instructions: str = "", needs_files: bool = False, needs_photos: bool = False,
                    fields: list | None = None, review_level: int | None = None) -> Recurrence:
    """A standing menu for the actor's subtree; its first instance is made at once for the current period."""
    if not actor.can("worklist.assign"):
        raise PermissionDenied
    if frequency not in F.values:
        raise ValidationError({"frequency": _("Choose how often.")})
    units = chosen_units(actor, target)  # refuses an empty or foreign choice before anything is written
    with transaction.atomic(), audit_actor(actor):
        recurrence = Recurrence(issuer=actor.org_unit, issuer_code=actor.org_unit.region_code, title=title.strip(),
                                kind=kind, instructions=instructions, frequency=frequency,
                                due_after_days=due_after_days, target=target.as_json(),
                                chosen=describe(target, units.count())[:300], needs_files=needs_files,
                                needs_photos=needs_photos, fields=fields or [], review_level=review_level,
                                created_by=actor)
        recurrence.full_clean(exclude=["issuer"])
        recurrence.save()
        instance_make(recurrence, timezone.localdate())
    return recurrence


def instance_make(recurrence: Recurrence, day: date) -> Task | None:
    """The recurrence's task for the period holding `day`, made as its creator (in a savepoint); None if it exists."""
    period, starts = period_of(recurrence.frequency, day)
    if Task.objects.filter(recurrence=recurrence, period=period).exists():
        return None
    actor = recurrence.created_by
    try:
        with transaction.atomic():
            return task_assign(
                actor=actor, title=f"{recurrence.title}（{period}）", kind=recurrence.kind,
                instructions=recurrence.instructions, due_on=starts + timedelta(days=recurrence.due_after_days - 1),
                target=Target.from_json(recurrence.target), needs_files=recurrence.needs_files,
                needs_photos=recurrence.needs_photos, fields=recurrence.fields, review_level=recurrence.review_level,
                recurrence=recurrence, period=period, check_due=False)
    except IntegrityError:  # a run alongside made it first
        return None


def generate_due(day: date | None = None) -> list[Task]:
    """Every active recurrence's instance for the current period (what the scheduled command runs)."""
    day = day or timezone.localdate()
    made = []
    for recurrence in Recurrence.objects.filter(active=True).select_related("created_by", "created_by__org_unit"):
        if recurrence.created_by is None or not recurrence.created_by.is_active:
            continue  # the creator left: the centre sets the menu up again under a current account
        task = instance_make(recurrence, day)
        if task is not None:
            made.append(task)
    return made


def recurrence_toggle(*, actor, recurrence_id: int, active: bool) -> Recurrence:
    if not actor.can("worklist.assign"):
        raise PermissionDenied
    with transaction.atomic(), audit_actor(actor):
        recurrence = get_visible_or_404(Recurrence.objects.select_for_update(), actor, pk=recurrence_id)
        recurrence.active = active
        recurrence.save(update_fields=["active"])
    return recurrence
