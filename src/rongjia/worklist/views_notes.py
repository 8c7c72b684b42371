"""信息报送 up the chain, and the minutes of 例会/业务会 whose decisions become tasks."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rongjia.core.decorators import capability_required
from rongjia.core.errors import StaleVersion
from rongjia.core.pagination import paginate
from rongjia.core.scoping import get_visible_or_404
from rongjia.core.workflow import steps_open_to

from . import notes
from .forms import InfoReportForm, MeetingForm, NoteForm
from .models import InfoReport, Meeting
from .workflow import INFO_REPORT


@capability_required("worklist.view")
def report_list(request):
    """Reports sent by the viewer's unit and those from below waiting for a decision, newest first."""
    show = request.GET.get("show", "")
    reports = InfoReport.objects.visible_to(request.user).select_related("unit", "decided_by")
    if show == "waiting":
        reports = notes.reports_waiting(request.user)
    elif show == "mine":
        reports = reports.filter(unit_id=request.user.org_unit_id)
    page, query = paginate(request, reports)
    return render(request, "worklist/report_list.html", {"page": page, "query": query, "show": show})


@capability_required("worklist.report")
def report_new(request):
    form = InfoReportForm(request.POST or None, initial={"happened_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            report = notes.info_report_send(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("Report sent up."))
            return redirect("worklist:report_detail", pk=report.pk)
    return render(request, "worklist/report_new.html", {"form": form})


@capability_required("worklist.view")
def report_detail(request, pk, form=None, status=200):
    report = get_visible_or_404(InfoReport.objects.select_related("unit", "decided_by"), request.user, pk=pk)
    return render(request, "worklist/report_detail.html", {
        "report": report, "steps": steps_open_to(INFO_REPORT, report, request.user), "form": form or NoteForm(),
        "machine": INFO_REPORT}, status=status)


@require_POST
@capability_required("worklist.view")
def report_step(request, pk):
    form = NoteForm(request.POST)
    form.is_valid()
    try:
        notes.info_report_step(actor=request.user, report_id=pk, action=request.POST.get("action", ""),
                               note=form.cleaned_data.get("note", ""),
                               version=int(request.POST.get("version") or 0) or None)
    except StaleVersion:
        form.add_error(None, _("Someone changed this report meanwhile: open it again."))
    except ValidationError as exc:
        form.add_service_error(exc)
    else:
        messages.success(request, _("Done."))
        return redirect("worklist:report_detail", pk=pk)
    return report_detail(request, pk, form=form, status=422)


@capability_required("worklist.view")
def meeting_list(request):
    page, query = paginate(request, Meeting.objects.visible_to(request.user).select_related("unit"))
    return render(request, "worklist/meeting_list.html", {"page": page, "query": query})


@capability_required("worklist.assign")
def meeting_new(request):
    form = MeetingForm(request.POST or None, initial={"held_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = {key: value for key, value in form.cleaned_data.items() if key != "decisions"}
        try:
            meeting = notes.meeting_record(actor=request.user, decisions=form.decision_lines(), **data)
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("Meeting recorded."))
            return redirect("worklist:meeting_detail", pk=meeting.pk)
    return render(request, "worklist/meeting_new.html", {"form": form})


@capability_required("worklist.view")
def meeting_detail(request, pk):
    meeting = get_visible_or_404(Meeting.objects.select_related("unit"), request.user, pk=pk)
    decisions = list(meeting.decisions.prefetch_related("tasks"))
    return render(request, "worklist/meeting_detail.html", {"meeting": meeting, "decisions": decisions})
