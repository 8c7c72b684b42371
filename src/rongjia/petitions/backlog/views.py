"""积案 pages: the list (filters, pages, export), one 积案 with its progress by month, naming the 包案 leader,
adding a month's progress and resolving it. A case is addressed by its petition's number."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from rongjia.core.decorators import capability_required
from rongjia.core.errors import StaleVersion
from rongjia.core.exports import xlsx_response
from rongjia.core.pagination import paginate
from rongjia.core.scoping import get_visible_or_404

from ..models import Petition
from ..views_files import report
from ..workflow import STATES
from . import services
from .forms import AssignForm, ProgressForm, ResolveForm
from .models import BacklogCase
from .selectors import CASE_FILTERS, case_list, month_of, months_of, not_yet_a_case_q


def _filters(request) -> dict:
    return {name: request.GET.get(name, "") for name in CASE_FILTERS}


@capability_required("petitions.view")
def backlog_list(request):
    filters = _filters(request)
    page, query = paginate(request, case_list(request.user, **filters))
    return render(request, "petitions/backlog_list.html", {
        "page": page, "query": query, "filters": filters, "states": CASE_FILTERS["state"],
        "reasons": CASE_FILTERS["reason"], "this_month": month_of(timezone.localdate())})


@require_GET
@capability_required("petitions.view")
def backlog_export(request):
    """The list's rows under the same filters: no petitioner names (staff and subjects only), so not a
    personal-data export."""
    today = timezone.localdate()
    cases = case_list(request.user, **_filters(request), today=today)
    headers = [_("Petition"), _("Responsible unit"), _("Reason"), _("State"), _("Leader in charge (包案领导)"),
               _("Leader's post"), _("Owning centre"), _("Opened on"), _("Progress this month"), _("Resolved on")]
    rows = ((c.petition.subject, c.petition.unit.name, c.get_reason_display(), c.get_state_display(),
             c.leader_name, c.leader_title, c.centre.name, c.opened_on,
             _("reported") if c.reported else (_("missing") if c.state == "open" else ""), c.resolved_on)
            for c in cases.iterator(chunk_size=1000))
    return xlsx_response(filename=f"backlog-cases-{today.isoformat()}.xlsx", title=_("Backlog cases"),
                         headers=headers, rows=rows)


def _case(request, pk) -> BacklogCase:
    return get_visible_or_404(BacklogCase.objects.select_related("petition__unit", "centre", "leader"),
                              request.user, petition_id=pk)


@capability_required("petitions.view")
def backlog_detail(request, pk):
    case = _case(request, pk)
    return render(request, "petitions/backlog_detail.html", {
        "case": case, "petition": case.petition, "state_label": STATES.get(case.petition.state, case.petition.state),
        "months": months_of(case), "this_month": month_of(timezone.localdate()),
        "progress_form": ProgressForm(), "resolve_form": ResolveForm(initial={"version": case.version})})


@capability_required("petitions.approve")
def backlog_assign(request, pk):
    """包案: name the leader and the plan, of a case or of a petition that qualifies and is not one yet."""
    petition = get_visible_or_404(Petition.objects.select_related("unit"), request.user, pk=pk)
    case = BacklogCase.objects.filter(petition=petition).first()
    if case is not None:
        case = _case(request, pk)  # a case owned by a centre outside the viewer's area: 404 as missing
    elif not Petition.objects.filter(not_yet_a_case_q(timezone.localdate()), pk=pk).exists():
        raise Http404
    initial = {"leader_name": case.leader_name, "leader_title": case.leader_title, "leader": case.leader_id,
               "plan": case.plan, "version": case.version} if case else {}
    form = AssignForm(request.POST or None, initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.backlog_assign(actor=request.user, petition=petition, **form.cleaned_data)
        except (StaleVersion, ValidationError) as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("Leader in charge named."))
            return redirect("petitions:backlog_detail", pk=petition.pk)
    return render(request, "petitions/backlog_assign.html", {"form": form, "petition": petition, "case": case})


@require_POST
@capability_required("petitions.handle")
def backlog_progress(request, pk):
    case = _case(request, pk)
    form = ProgressForm(request.POST)
    if form.is_valid():
        try:
            services.backlog_progress_add(actor=request.user, case=case, **form.cleaned_data)
        except ValidationError as exc:
            form.add_service_error(exc)
    report(request, form, _("Progress recorded."))
    return redirect("petitions:backlog_detail", pk=pk)


@require_POST
@capability_required("petitions.handle")
def backlog_resolve(request, pk):
    case = _case(request, pk)
    form = ResolveForm(request.POST)
    if form.is_valid():
        try:
            services.backlog_resolve(actor=request.user, case=case, **form.cleaned_data)
        except (StaleVersion, ValidationError) as exc:
            form.add_service_error(exc)
    report(request, form, _("The 积案 is resolved."))
    return redirect("petitions:backlog_detail", pk=pk)
