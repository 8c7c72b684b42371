"""One unit's part of a task: the unit reports and submits; the level above reviews or urges (督办)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rongjia.core.decorators import capability_required
from rongjia.core.errors import StaleVersion
from rongjia.core.scoping import get_visible_or_404
from rongjia.core.workflow import steps_open_to

from . import services
from .forms import NoteForm, ReportForm
from .history import figures, part_history
from .models import Assignment, Evidence
from .views import stored_file
from .workflow import ASSIGNMENT, reviewing_level


def _part(request, pk) -> Assignment:
    return get_visible_or_404(Assignment.objects.select_related("task", "task__issuer", "unit"), request.user, pk=pk)


@capability_required("worklist.view")
def part_detail(request, pk, report_form=None, note_form=None, status=200):
    part = _part(request, pk)
    if request.method == "GET":
        services.urgings_seen(actor=request.user, assignment=part)
    steps = steps_open_to(ASSIGNMENT, part, request.user)
    own = request.user.org_unit_id == part.unit_id
    return render(request, "worklist/part_detail.html", {
        "part": part, "task": part.task, "own": own, "steps": steps, "history": part_history(part),
        "figures": figures(part), "reviewing_level": reviewing_level(part),
        "report_form": report_form or ReportForm(task=part.task, values=part.values, progress=part.progress),
        "note_form": note_form or NoteForm(),
        "may_report": own and "report" in steps and part.task.state == part.task.State.OPEN,
        "may_review": "accept" in steps,
        "may_urge": "urge" in steps and not own and part.task.due_on < timezone.localdate()}, status=status)


@require_POST
@capability_required("worklist.report")
def part_report(request, pk):
    part = _part(request, pk)
    form = ReportForm(request.POST, request.FILES, task=part.task, values=part.values, progress=part.progress)
    submitting = request.POST.get("submit") == "1"
    if form.is_valid():
        data = form.cleaned_data
        try:
            kwargs = dict(actor=request.user, assignment_id=part.pk, note=data["note"], values=form.values(),
                          files=data["files"], photos=data["photos"], version=int(request.POST.get("version") or 0))
            if submitting:
                services.assignment_submit(**kwargs)
            else:
                services.assignment_report(progress=data["progress"] or 0, **kwargs)
        except StaleVersion:
            form.add_error(None, _("Someone changed this part meanwhile: open it again."))
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("Submitted.") if submitting else _("Progress reported."))
            return redirect("worklist:part_detail", pk=part.pk)
    return part_detail(request, pk, report_form=form, status=422)


@require_POST
@capability_required("worklist.review")
def part_review(request, pk):
    form = NoteForm(request.POST)
    form.is_valid()
    action = request.POST.get("action")
    try:
        if action == "urge":
            services.assignment_urge(actor=request.user, assignment_id=pk, note=form.cleaned_data["note"])
        else:
            services.assignment_review(actor=request.user, assignment_id=pk, accept=action == "accept",
                                       note=form.cleaned_data["note"],
                                       version=int(request.POST.get("version") or 0) or None)
    except StaleVersion:
        form.add_error(None, _("Someone changed this part meanwhile: open it again."))
    except ValidationError as exc:
        form.add_service_error(exc)
    else:
        messages.success(request, {"urge": _("Urged: the unit sees it on its workbench."),
                                   "accept": _("Accepted: it counts as done.")}.get(action, _("Returned.")))
        back = request.POST.get("next", "")
        return redirect(back) if back.startswith("/worklist/") else redirect("worklist:part_detail", pk=pk)
    return part_detail(request, pk, note_form=form, status=422)


@capability_required("worklist.view")
def evidence_file(request, pk, evidence_pk):
    part = _part(request, pk)
    return stored_file(get_object_or_404(Evidence, assignment=part, pk=evidence_pk))
