"""The worklist's states on core's engine: a task (open, closed), one unit's part of it, an information report.

A part moves 未开始 → 进行中 (a progress report) → 待审核 (submitted, where the task names a reviewing level) or
straight to 已完成 (where it does not); the reviewing level accepts it or returns it with a note. 督办 keeps the
state and is recorded as a step, so the urged unit sees it in the part's history and on its workbench.
"""

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from rongjia.core.scoping import covers_code
from rongjia.core.workflow import Machine, Step

from .models import Assignment, AssignmentEvent, InfoReport, Task

A = Assignment.State
OPEN_PARTS = (A.NOT_STARTED, A.DOING, A.RETURNED)


def reviewing_level(assignment: Assignment) -> int | None:
    """The level that reviews this part: the task's, or the issuer's when the part sits at or above that level."""
    level = assignment.task.review_level
    if level is None:
        return None
    return level if level < assignment.level else assignment.task.issuer.level


def check_above(assignment: Assignment, step: Step, actor) -> None:
    """"reviewer": a unit above the part at or above the reviewing level. "ancestor": any unit above the part."""
    own = actor.org_unit
    above = own is not None and own.level < assignment.level and covers_code(actor, assignment.region_code)
    if step.above == "reviewer":
        level = reviewing_level(assignment)
        if not above or level is None or own.level > level:
            raise ValidationError(_("Only the reviewing level above %(unit)s can review its work.") % {
                "unit": assignment.unit.name})
    elif not above:
        raise ValidationError(_("Only a unit above %(unit)s can take this step (%(step)s).") % {
            "unit": assignment.unit.name, "step": step.label})


def _task_open(assignment: Assignment) -> None:
    if assignment.task.state != Task.State.OPEN:
        raise ValidationError(_("The task is closed: nothing more can be reported on it."))


def _own_unit(assignment: Assignment, actor) -> None:
    if actor.org_unit_id != assignment.unit_id:
        raise ValidationError(_("Only %(unit)s reports on its own part.") % {"unit": assignment.unit.name})


def _report(assignment, actor, today, data) -> dict:
    _task_open(assignment)
    _own_unit(assignment, actor)
    assignment.progress = data["progress"]
    assignment.values = {**assignment.values, **data.get("values", {})}
    return {"progress": data["progress"], "values": data.get("values", {})}


def _submit(assignment, actor, today, data) -> dict:
    """Submit as done (no review) or for review: the service picks the step the task calls for."""
    _task_open(assignment)
    _own_unit(assignment, actor)
    data.get("check_complete", lambda: None)()
    assignment.values = {**assignment.values, **data.get("values", {})}
    assignment.progress = 100
    assignment.submitted_at = timezone.now()
    if reviewing_level(assignment) is None:
        assignment.done_at = assignment.submitted_at
    return {"values": data.get("values", {})}


def _accept(assignment, actor, today, data) -> dict:
    assignment.done_at = timezone.now()
    return {}


def _urge(assignment, actor, today, data) -> dict:
    if assignment.task.state != Task.State.OPEN:
        raise ValidationError(_("The task is closed."))
    if assignment.task.due_on >= today:
        raise ValidationError(_("%(unit)s is not overdue yet: the task is due on %(day)s.") % {
            "unit": assignment.unit.name, "day": assignment.task.due_on.isoformat()})
    return {}


def record_assignment_event(assignment, actor, step, from_state, note, data, today) -> AssignmentEvent:
    event = AssignmentEvent.objects.create(
        assignment=assignment, action=step.action, from_state=from_state, to_state=assignment.state, actor=actor,
        actor_unit_id=actor.org_unit_id, note=note, progress=data.get("progress"), values=data.get("values", {}))
    assignment.last_event = event  # the report's evidence is stored against it
    return event


ASSIGNMENT = Machine(
    name="assignment", label=gettext_lazy("A unit's part of a task"), states=A, initial=A.NOT_STARTED,
    check_above=check_above, record_event=record_assignment_event,
    saved_fields=("progress", "values", "submitted_at", "done_at"),
    steps=(
        Step("report", pgettext_lazy("task step", "Report progress"), OPEN_PARTS, A.DOING, "worklist.report",
             fields=("progress", "values", "files", "photos"), effect=_report),
        Step("submit", pgettext_lazy("task step", "Submit as done"), OPEN_PARTS, A.DONE, "worklist.report",
             fields=("values", "files", "photos"), effect=_submit),
        Step("submit_for_review", pgettext_lazy("task step", "Submit for review"), OPEN_PARTS, A.SUBMITTED,
             "worklist.report", fields=("values", "files", "photos"), effect=_submit),
        Step("accept", pgettext_lazy("task step", "Accept"), (A.SUBMITTED,), A.DONE, "worklist.review",
             above="reviewer", effect=_accept),
        Step("return", pgettext_lazy("task step", "Return for more evidence"), (A.SUBMITTED,), A.RETURNED,
             "worklist.review", needs_note=True, above="reviewer"),
        Step("urge", pgettext_lazy("task step", "Urge (督办)"), OPEN_PARTS, "", "worklist.review",
             needs_note=True, above="ancestor", effect=_urge),
    ))


def _issuer_only(task, actor, today, data) -> dict:
    if not covers_code(actor, task.issuer_code):
        raise ValidationError(_("Only the issuing centre or one above it can close or reopen the task."))
    return {}


T = Task.State
TASK = Machine(
    name="task", label=gettext_lazy("Task"), states=T, initial=T.OPEN,
    steps=(
        Step("close", pgettext_lazy("task step", "Close the task"), (T.OPEN,), T.CLOSED, "worklist.assign",
             effect=_issuer_only),
        Step("reopen", pgettext_lazy("task step", "Reopen"), (T.CLOSED,), T.OPEN, "worklist.assign",
             effect=_issuer_only),
    ))


def check_report_above(report: InfoReport, step: Step, actor) -> None:
    own = actor.org_unit
    if own is None or own.level >= report.unit.level or not covers_code(actor, report.region_code):
        raise ValidationError(_("Only a unit above %(unit)s can decide on its report.") % {"unit": report.unit.name})


def _decided(report, actor, today, data) -> dict:
    report.decided_by = actor.org_unit
    report.decision_note = data["note"][:300]
    return {}


def _own_report(report, actor, today, data) -> dict:
    if actor.org_unit_id != report.unit_id:
        raise ValidationError(_("Only %(unit)s sends its own report again.") % {"unit": report.unit.name})
    return {}


R = InfoReport.State
INFO_REPORT = Machine(
    name="info_report", label=gettext_lazy("Information report (信息报送)"), states=R, initial=R.SUBMITTED,
    check_above=check_report_above, saved_fields=("decided_by", "decision_note"),
    steps=(
        Step("accept", pgettext_lazy("info report step", "Accept"), (R.SUBMITTED,), R.ACCEPTED, "worklist.review",
             above="unit", effect=_decided),
        Step("return", pgettext_lazy("info report step", "Return"), (R.SUBMITTED,), R.RETURNED, "worklist.review",
             needs_note=True, above="unit", effect=_decided),
        Step("resubmit", pgettext_lazy("info report step", "Send again"), (R.RETURNED,), R.SUBMITTED,
             "worklist.report", effect=_own_report),
    ))


def steps_open_to_task(viewer, task: Task) -> list[str]:
    """Close or reopen, for the issuing centre or one above it with the capability."""
    if not covers_code(viewer, task.issuer_code):
        return []
    return TASK.allowed_for(task.state, viewer)
