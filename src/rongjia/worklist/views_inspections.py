"""Inspections: plan one (the sample drawn and recorded), score each station on the checklist, record findings
with photos and turn them into rectification tasks."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rongjia.core.decorators import capability_required
from rongjia.core.errors import StaleVersion
from rongjia.core.models import OrgUnit
from rongjia.core.pagination import paginate
from rongjia.core.regions import pad_code
from rongjia.core.scoping import get_visible_or_404

from . import inspections as service
from .forms import FindingForm, InspectionForm
from .history import shown
from .models import Finding, Inspection, InspectionTarget


def _unit_at(request, code: str) -> OrgUnit | None:
    if not code:
        return None
    unit = OrgUnit.objects.visible_to(request.user).filter(region_code=pad_code(code), kind__in=(
        OrgUnit.Kind.CENTRE, OrgUnit.Kind.STATION)).first()
    if unit is None:
        raise ValidationError({"inspector_code": _("No unit below you has this code.")})
    return unit


@capability_required("worklist.view")
def inspection_list(request):
    show = request.GET.get("show", "")
    items = service.to_score(request.user) if show == "todo" else Inspection.objects.visible_to(request.user)
    page, query = paginate(request, items.select_related("issuer", "inspector"))
    return render(request, "worklist/inspection_list.html", {"page": page, "query": query, "show": show})


@capability_required("worklist.assign")
def inspection_new(request):
    form = InspectionForm(request.POST or None, unit=request.user.org_unit)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            inspection = service.inspection_plan(
                actor=request.user, kind=data["kind"], title=data["title"],
                population_prefix=data["population_prefix"].strip(), population_level=data["population_level"],
                sample_size=data["sample_size"], checklist=data["checklist_text"], starts_on=data["starts_on"],
                ends_on=data["ends_on"], inspector=_unit_at(request, data["inspector_code"].strip()))
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("%(count)d stations drawn.") % {"count": inspection.targets.count()})
            return redirect("worklist:inspection_detail", pk=inspection.pk)
    return render(request, "worklist/inspection_new.html", {"form": form})


@capability_required("worklist.view")
def inspection_detail(request, pk, errors=None, status=200):
    inspection = get_visible_or_404(Inspection.objects.select_related("issuer", "inspector"), request.user, pk=pk)
    targets = list(inspection.targets.select_related("unit").prefetch_related("findings"))
    for target in targets:
        target.rows = [(index, item, shown(target.scores.get(str(index), ""))) for index, item in
                       enumerate(inspection.checklist)]
    return render(request, "worklist/inspection_detail.html", {
        "inspection": inspection, "targets": targets, "finding_form": FindingForm(), "errors": errors or {},
        "redrawn_matches": sorted(t.unit_id for t in targets) == service.redraw(inspection)}, status=status)


def _target(request, pk, target_pk) -> InspectionTarget:
    inspection = get_visible_or_404(Inspection.objects.all(), request.user, pk=pk)
    return get_object_or_404(InspectionTarget, inspection=inspection, pk=target_pk)


@require_POST
@capability_required("worklist.review")
def target_score(request, pk, target_pk):
    target = _target(request, pk, target_pk)
    scores = {key.removeprefix("score_"): value for key, value in request.POST.items() if key.startswith("score_")}
    try:
        service.target_score(actor=request.user, target_id=target.pk, scores=scores,
                             version=int(request.POST.get("version") or 0) or None)
    except (ValidationError, StaleVersion) as exc:
        text = _("Someone scored this station meanwhile: open it again.") if isinstance(exc, StaleVersion) \
            else " ".join(exc.messages)
        return inspection_detail(request, pk, errors={target.pk: text}, status=422)
    messages.success(request, _("Scored %(unit)s.") % {"unit": target.unit.name})
    return redirect("worklist:inspection_detail", pk=pk)


@require_POST
@capability_required("worklist.review")
def finding_add(request, pk, target_pk):
    target = _target(request, pk, target_pk)
    form = FindingForm(request.POST, request.FILES)
    try:
        if not form.is_valid():
            raise ValidationError(_("Say what was found."))
        service.finding_add(actor=request.user, target_id=target.pk, text=form.cleaned_data["text"],
                            photo=form.cleaned_data["photo"])
    except ValidationError as exc:
        return inspection_detail(request, pk, errors={target.pk: " ".join(exc.messages)}, status=422)
    messages.success(request, _("Finding recorded."))
    return redirect("worklist:inspection_detail", pk=pk)


def _finding(request, pk, finding_pk) -> Finding:
    inspection = get_visible_or_404(Inspection.objects.all(), request.user, pk=pk)
    return get_object_or_404(Finding, target__inspection=inspection, pk=finding_pk)


@capability_required("worklist.view")
def finding_photo(request, pk, finding_pk):
    finding = _finding(request, pk, finding_pk)
    if not finding.photo:
        raise Http404
    return FileResponse(finding.photo.open("rb"), content_type="image/jpeg")


@require_POST
@capability_required("worklist.assign")
def finding_rectify(request, pk, finding_pk):
    finding = _finding(request, pk, finding_pk)
    try:
        finding = service.finding_rectify(actor=request.user, finding_id=finding.pk)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("worklist:inspection_detail", pk=pk)
    messages.success(request, _("The finding is now a rectification task for the station."))
    return redirect("worklist:task_detail", pk=finding.task_id)


@require_POST
@capability_required("worklist.review")
def inspection_close(request, pk):
    try:
        service.inspection_close(actor=request.user, inspection_id=pk)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Inspection closed."))
    return redirect("worklist:inspection_detail", pk=pk)
