"""Every write of a task: assigning it down (thousands of parts in one statement), a unit's progress and evidence,
its submission, the review above it, 督办, closing. Each state change is a step of `workflow.ASSIGNMENT` or
`workflow.TASK` on core's engine; files are checked before anything is written."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rongjia.core.audit import audit_actor
from rongjia.core.scoping import get_visible_or_404
from rongjia.core.workflow import transition
from rongjia.network.models import Rectification
from rongjia.network.services import rectification_close

from . import evidence as evidence_files
from .fields import clean_values, missing_required
from .models import Assignment, AssignmentEvent, Evidence, Kind, Meeting, Task, TaskFile
from .targets import Target, chosen_units, describe
from .workflow import ASSIGNMENT, TASK, reviewing_level

BULK_BATCH = 2000
MAX_ATTACHMENTS = 5


def _require(actor, capability: str) -> None:
    if not actor.can(capability):
        raise PermissionDenied


def task_assign(*, actor, title: str, kind: str, due_on: date, target: Target, instructions: str = "",
                needs_files: bool = False, needs_photos: bool = False, fields: list | None = None,
                review_level: int | None = None, attachments=(), recurrence=None, period: str = "",
                rectification: Rectification | None = None, decision=None, check_due: bool = True) -> Task:
    """Assign a task to the units the target chooses; each gets its part, 未开始."""
    _require(actor, "worklist.assign")
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": _("Give the task a title.")})
    if kind not in Kind.values:
        raise ValidationError({"kind": _("Choose the kind of task.")})
    if check_due and due_on < timezone.localdate():
        raise ValidationError({"due_on": _("The due date has already passed.")})
    if review_level is not None and review_level <= actor.org_unit.level:
        raise ValidationError({"review_level": _("The reviewing level must lie below yours.")})
    if rectification is not None and not Rectification.objects.visible_to(actor).filter(pk=rectification.pk).exists():
        raise ValidationError(_("This rectification item is not in your area."))
    if decision is not None and not Meeting.objects.visible_to(actor).filter(pk=decision.meeting_id).exists():
        raise ValidationError(_("This meeting is not in your area."))
    files = evidence_files.checked(attachments, ())
    if len(files) > MAX_ATTACHMENTS:
        raise ValidationError({"attachments": _("At most %(n)d attachments.") % {"n": MAX_ATTACHMENTS}})
    units = list(chosen_units(actor, target).values_list("pk", "region_code", "level"))
    with transaction.atomic(), audit_actor(actor):
        task = Task(issuer=actor.org_unit, issuer_code=actor.org_unit.region_code, title=title[:120], kind=kind,
                    instructions=instructions, due_on=due_on, needs_files=needs_files, needs_photos=needs_photos,
                    fields=fields or [], review_level=review_level, chosen=describe(target, len(units))[:300],
                    assignee_count=len(units), recurrence=recurrence, period=period, rectification=rectification,
                    decision=decision, created_by=actor)
        task.full_clean(exclude=["issuer", "recurrence", "rectification", "decision"])
        task.save()
        # One statement per batch: a province-wide task reaches 19,224 units in seconds (docs/performance.md).
        Assignment.objects.bulk_create(
            (Assignment(task=task, unit_id=pk, region_code=code, level=level) for pk, code, level in units),
            batch_size=BULK_BATCH)
        for upload in files:
            attachment = TaskFile(task=task, original_name=upload.name, content_type=upload.content_type)
            attachment.file.save(upload.name, ContentFile(upload.content), save=True)
    return task


def _store_evidence(assignment: Assignment, event: AssignmentEvent, files) -> None:
    for upload in files:
        item = Evidence(assignment=assignment, event=event, kind=upload.kind, original_name=upload.name,
                        content_type=upload.content_type, size=len(upload.content))
        item.file.save(upload.name, ContentFile(upload.content), save=True)


def _part(actor, assignment_id) -> Assignment:
    return get_visible_or_404(Assignment.objects.select_related("task", "unit"), actor, pk=assignment_id)


def assignment_report(*, actor, assignment_id: int, progress: int, note: str = "", values: dict | None = None,
                      files=(), photos=(), version: int | None = None) -> Assignment:
    """A progress report: how far, what was done, the fields and evidence so far."""
    part = _part(actor, assignment_id)
    if not 0 <= int(progress) <= 100:
        raise ValidationError({"progress": _("Progress is a percentage from 0 to 100.")})
    cleaned = clean_values(part.task.fields, values or {})
    checked = evidence_files.checked(files, photos)
    with transaction.atomic():
        part = transition(ASSIGNMENT, actor=actor, queryset=Assignment.objects.select_related("task", "unit"),
                          pk=assignment_id, action="report", note=note, version=version,
                          data={"progress": int(progress), "values": cleaned})
        _store_evidence(part, part.last_event, checked)
    return part


def assignment_submit(*, actor, assignment_id: int, note: str = "", values: dict | None = None, files=(), photos=(),
                      version: int | None = None) -> Assignment:
    """Hand the part in: to the reviewing level, or as done where the task names none. What the task requires
    (its required fields, a file, a photo) must be there, from this report or an earlier one."""
    part = _part(actor, assignment_id)
    cleaned = clean_values(part.task.fields, values or {})
    checked = evidence_files.checked(files, photos)

    def check_complete():
        missing = missing_required(part.task.fields, {**part.values, **cleaned})
        if missing:
            raise ValidationError({"values": _("Fill in: %(fields)s.") % {"fields": "、".join(missing)}})
        kinds = {item.kind for item in checked} | set(part.evidence.values_list("kind", flat=True))
        if part.task.needs_files and Evidence.Kind.FILE not in kinds:
            raise ValidationError({"files": _("This task needs a file as evidence.")})
        if part.task.needs_photos and Evidence.Kind.PHOTO not in kinds:
            raise ValidationError({"photos": _("This task needs a photo as evidence.")})

    action = "submit" if reviewing_level(part) is None else "submit_for_review"
    with transaction.atomic():
        part = transition(ASSIGNMENT, actor=actor, queryset=Assignment.objects.select_related("task", "unit"),
                          pk=assignment_id, action=action, note=note, version=version,
                          data={"values": cleaned, "check_complete": check_complete})
        _store_evidence(part, part.last_event, checked)
        _close_rectification_when_done(actor, part)
    return part


def assignment_review(*, actor, assignment_id: int, accept: bool, note: str = "",
                      version: int | None = None) -> Assignment:
    """The reviewing level accepts the part (it counts as done) or returns it with what is missing."""
    with transaction.atomic():
        part = transition(ASSIGNMENT, actor=actor, queryset=Assignment.objects.select_related("task", "unit"),
                          pk=assignment_id, action="accept" if accept else "return", note=note, version=version)
        _close_rectification_when_done(actor, part)
    return part


def _close_rectification_when_done(actor, part: Assignment) -> None:
    if part.state == Assignment.State.DONE and part.task.rectification_id:
        rectification_close(actor=actor, rectification=part.task.rectification)


def assignment_urge(*, actor, assignment_id: int, note: str) -> Assignment:
    """督办: a unit above an overdue part urges it; recorded on the part, unread on the unit's workbench till opened."""
    return transition(ASSIGNMENT, actor=actor, queryset=Assignment.objects.select_related("task", "unit"),
                      pk=assignment_id, action="urge", note=note)


def urgings_seen(*, actor, assignment: Assignment) -> int:
    """The unit opened its part: the 督办 on it are read (only the unit itself marks them)."""
    if actor.org_unit_id != assignment.unit_id:
        return 0
    with audit_actor(actor):
        return AssignmentEvent.objects.filter(assignment=assignment, action="urge", seen_at__isnull=True).update(
            seen_at=timezone.now())


def task_step(*, actor, task_id: int, action: str, note: str = "", version: int | None = None) -> Task:
    """Close a task (nothing more is reported on it) or reopen it."""
    return transition(TASK, actor=actor, queryset=Task.objects.select_related("issuer"), pk=task_id, action=action,
                      note=note, version=version)
