"""The worklist's pages: a unit's inbox, the tasks issued in a subtree, a new task, one task's live roll-up."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_POST

from rongjia.core.decorators import capability_required
from rongjia.core.exports import xlsx_response
from rongjia.core.models import OrgUnit
from rongjia.core.pagination import paginate
from rongjia.core.scoping import get_visible_or_404

from . import selectors, services
from .forms import TaskForm
from .models import Assignment, Kind, Meeting, MeetingDecision, Task, TaskFile
from .workflow import TASK, steps_open_to_task

INBOX_TABS = [("open", pgettext_lazy("inbox tab", "Open")), ("week", gettext_lazy("Due this week")),
              ("overdue", gettext_lazy("Overdue")), ("returned", gettext_lazy("Returned for more")),
              ("urged", gettext_lazy("Urged (督办)")), ("all", gettext_lazy("All"))]


BUCKET_LABELS = [("done", gettext_lazy("Done")), ("submitted", gettext_lazy("Awaiting review")),
                 ("doing", gettext_lazy("In progress")), ("todo", gettext_lazy("Not started")),
                 ("overdue", gettext_lazy("Overdue"))]


@capability_required("worklist.view")
def inbox(request):
    show = request.GET.get("show", "open")
    show = show if show in dict(INBOX_TABS) else "open"
    page, query = paginate(request, selectors.inbox(request.user, show=show))
    return render(request, "worklist/inbox.html", {"page": page, "query": query, "show": show, "tabs": INBOX_TABS,
                                                   "today": timezone.localdate()})


@capability_required("worklist.view")
def task_list(request):
    state, kind = request.GET.get("state", "open"), request.GET.get("kind", "")
    tasks = selectors.issued(request.user, state=state, kind=kind if kind in Kind.values else "").annotate(
        done=Count("assignments", filter=Q(assignments__state=Assignment.State.DONE))).order_by("-created_at", "-id")
    page, query = paginate(request, tasks)
    return render(request, "worklist/task_list.html", {"page": page, "query": query, "state": state, "kind": kind,
                                                       "kinds": Kind.choices, "states": Task.State.choices})


def _units_by_code(request, codes: list[str]) -> list[int]:
    units = dict(OrgUnit.objects.visible_to(request.user).filter(region_code__in=codes, kind__in=(
        OrgUnit.Kind.CENTRE, OrgUnit.Kind.STATION)).values_list("region_code", "pk"))
    unknown = [code for code in codes if code not in units]
    if unknown:
        raise ValidationError({"units_text": _("No unit below you has the code %(codes)s.") % {
            "codes": "、".join(unknown[:5])}})
    return list(units.values())


@capability_required("worklist.assign")
def task_new(request):
    decision = _decision(request)
    initial = {"title": decision.text[:120], "kind": Kind.SPECIAL, "instructions": decision.text} if decision else {}
    form = TaskForm(request.POST or None, request.FILES or None, unit=request.user.org_unit, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            task = services.task_assign(
                actor=request.user, title=data["title"], kind=data["kind"], instructions=data["instructions"],
                due_on=data["due_on"], target=form.target(_units_by_code(request, form.unit_codes())),
                needs_files=data["needs_files"], needs_photos=data["needs_photos"], fields=data["fields_text"],
                review_level=data["review_level"], attachments=data["attachments"], decision=decision)
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("Task assigned to %(count)d units.") % {"count": task.assignee_count})
            return redirect("worklist:task_detail", pk=task.pk)
    return render(request, "worklist/task_new.html", {"form": form, "decision": decision})


def _decision(request) -> MeetingDecision | None:
    """The meeting decision a new task carries out (?decision=), if the viewer may open its meeting."""
    raw = request.GET.get("decision") or request.POST.get("decision")
    if not raw:
        return None
    try:
        return MeetingDecision.objects.select_related("meeting").get(
            pk=int(raw), meeting__in=Meeting.objects.visible_to(request.user))
    except (ValueError, MeetingDecision.DoesNotExist):
        raise Http404 from None


@capability_required("worklist.view")
def task_detail(request, pk):
    task = get_visible_or_404(Task.objects.select_related("issuer", "decision__meeting"), request.user, pk=pk)
    region, bucket = request.GET.get("region", ""), request.GET.get("bucket", "")
    own, children = selectors.rollup(request.user, task, region=region)
    parts = selectors.parts_in_bucket(request.user, task, region=region, bucket=bucket)
    page, query = paginate(request, parts)
    return render(request, "worklist/task_detail.html", {
        "task": task, "own": own, "children": children, "page": page, "query": query, "region": region,
        "bucket": bucket, "buckets": BUCKET_LABELS, "files": task.files.all(), "overdue": task.due_on <
        timezone.localdate(), "steps": steps_open_to_task(request.user, task), "machine": TASK})


@capability_required("worklist.view")
def task_export(request, pk):
    task = get_visible_or_404(Task.objects.all(), request.user, pk=pk)
    parts = selectors.parts_in_bucket(request.user, task, region=request.GET.get("region", ""))
    labels = dict(Assignment.State.choices)
    rows = ([part.unit.name, part.region_code, str(labels[part.state]), part.progress,
             timezone.localtime(part.submitted_at).strftime("%Y-%m-%d %H:%M") if part.submitted_at else "",
             *[part.values.get(spec["key"], "") for spec in task.fields]] for part in parts.iterator())
    return xlsx_response(filename=f"task-{task.pk}.xlsx", title=task.title[:31], rows=rows, headers=[
        _("Unit"), _("Region code"), _("State"), _("Progress (%)"), _("Submitted at"),
        *[spec["label"] for spec in task.fields]])


@require_POST
@capability_required("worklist.assign")
def task_step(request, pk):
    try:
        services.task_step(actor=request.user, task_id=pk, action=request.POST.get("action", ""),
                           version=int(request.POST.get("version") or 0) or None)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Done."))
    return redirect("worklist:task_detail", pk=pk)


@capability_required("worklist.view")
def task_file(request, pk, file_pk):
    task = get_visible_or_404(Task.objects.all(), request.user, pk=pk)
    return stored_file(get_object_or_404(TaskFile, task=task, pk=file_pk))


def stored_file(item) -> FileResponse:
    """A stored file, only through a scoped view (MEDIA_ROOT is never served), as a download."""
    try:
        handle = item.file.open("rb")
    except (OSError, ValueError):
        raise Http404 from None
    response = FileResponse(handle, content_type=item.content_type, as_attachment=True, filename=item.original_name)
    response["Cache-Control"] = "private, no-store"
    return response
