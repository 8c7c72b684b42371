"""Targets, titles and pairings: the targets dashboard with each target's gap region by region and the stations
behind every figure, the 示范点/标杆型/红色精品 titles, and 结对共建 with its joint tasks."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rongjia.core.decorators import capability_required
from rongjia.core.models import OrgUnit
from rongjia.core.pagination import paginate
from rongjia.core.regions import pad_code
from rongjia.core.scoping import get_visible_or_404, region_prefix_or_404
from rongjia.network.selectors import MAIN_KINDS

from . import selectors, services_titles
from .forms import DesignationForm, DoneForm, EndForm, JointTaskForm, PairingForm, TargetForm
from .models import Designation, JointTask, Pairing, Target


def _unit_id(request, code: str) -> int | None:
    unit = OrgUnit.objects.visible_to(request.user).filter(region_code=pad_code(code.strip()),
                                                           kind__in=MAIN_KINDS).first() if code.strip() else None
    return unit.pk if unit else None


# --- targets ----------------------------------------------------------------------------------------------------

@capability_required("evaluation.view")
def targets(request, form=None, status=200):
    manage = request.user.can("evaluation.manage")
    return render(request, "evaluation/targets.html", {
        "board": selectors.target_board(request.user),
        "form": form or (TargetForm(unit=request.user.org_unit) if manage else None)}, status=status)


@require_POST
@capability_required("evaluation.manage")
def target_new(request):
    form = TargetForm(request.POST, unit=request.user.org_unit)
    if form.is_valid():
        try:
            services_titles.target_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("The target is on the dashboard."))
            return redirect("evaluation:targets")
    return targets(request, form=form, status=400)


@capability_required("evaluation.view")
def target_stations(request, pk):
    """The stations behind a target's figure: all it counts, those meeting it, or those short of it."""
    target = get_visible_or_404(Target.objects.all(), request.user, pk=pk)
    stations = selectors.target_stations(request.user, target)
    region = request.GET.get("region", "")
    if region:
        stations = stations.in_subtree(region_prefix_or_404(request.user, region))
    show = request.GET.get("show", "")
    if show == "met":
        stations = stations.filter(selectors.met_q(target))
    elif show == "short":
        stations = stations.exclude(selectors.met_q(target))
    page, query = paginate(request, stations.order_by("region_code"))
    return render(request, "evaluation/target_stations.html", {"target": target, "page": page, "query": query,
                                                               "show": show, "region": region})


# --- titles -------------------------------------------------------------------------------------------------------

@capability_required("evaluation.view")
def designations(request, form=None, status=200):
    kind, current = request.GET.get("kind", ""), request.GET.get("current", "1")
    rows = Designation.objects.visible_to(request.user).select_related("unit")
    if kind in Designation.Kind.values:
        rows = rows.filter(kind=kind)
    if current == "1":
        rows = rows.filter(ends_on__isnull=True)
    page, query = paginate(request, rows)
    manage = request.user.can("evaluation.manage")
    return render(request, "evaluation/designations.html", {
        "page": page, "query": query, "kind": kind, "current": current, "kinds": Designation.Kind.choices,
        "form": form or (DesignationForm(initial={"conferred_on": timezone.localdate()}) if manage else None),
        "end_form": EndForm(initial={"ends_on": timezone.localdate()}) if manage else None}, status=status)


@require_POST
@capability_required("evaluation.manage")
def designation_new(request):
    form = DesignationForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services_titles.designation_confer(
                actor=request.user, unit_id=_unit_id(request, data["unit_code"]), kind=data["kind"],
                conferred_by=data["conferred_by"], conferred_on=data["conferred_on"], note=data["note"])
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("The title is recorded."))
            return redirect("evaluation:designations")
    return designations(request, form=form, status=400)


@require_POST
@capability_required("evaluation.manage")
def designation_end(request, pk):
    get_visible_or_404(Designation.objects.all(), request.user, pk=pk)  # outside the area: 404, whatever was sent
    _list_action(request, EndForm(request.POST), _("Give the day and the reason."),
                 lambda **data: services_titles.designation_end(actor=request.user, designation_id=pk, **data),
                 _("The title is recorded as ended."))
    return redirect("evaluation:designations")


def _list_action(request, form, refusal: str, act, done: str) -> None:
    """A one-line form posted from a list: the service called with the form's data, and its refusal or the done
    message shown back on the list."""
    try:
        if not form.is_valid():
            raise ValidationError(refusal)
        act(**form.cleaned_data)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, "；".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(request, done)


# --- pairings -----------------------------------------------------------------------------------------------------

@capability_required("evaluation.view")
def pairings(request, form=None, status=200):
    rows = Pairing.objects.visible_to(request.user).select_related("strong", "weak").prefetch_related("tasks")
    page, query = paginate(request, rows)
    manage = request.user.can("evaluation.manage")
    return render(request, "evaluation/pairings.html", {
        "page": page, "query": query, "today": timezone.localdate(),
        "form": form or (PairingForm(initial={"started_on": timezone.localdate()}) if manage else None),
        "task_form": JointTaskForm() if manage else None, "done_form": DoneForm(
            initial={"done_on": timezone.localdate()})}, status=status)


@require_POST
@capability_required("evaluation.manage")
def pairing_new(request):
    form = PairingForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services_titles.pairing_create(actor=request.user, strong_id=_unit_id(request, data["strong_code"]),
                                           weak_id=_unit_id(request, data["weak_code"]),
                                           started_on=data["started_on"], goal=data["goal"])
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("The two stations are paired."))
            return redirect("evaluation:pairings")
    return pairings(request, form=form, status=400)


@require_POST
@capability_required("evaluation.manage")
def joint_task_add(request, pk):
    get_visible_or_404(Pairing.objects.all(), request.user, pk=pk)
    _list_action(request, JointTaskForm(request.POST), _("Give the task and its due date."),
                 lambda **data: services_titles.joint_task_add(actor=request.user, pairing_id=pk, **data),
                 _("The joint task is added."))
    return redirect("evaluation:pairings")


@require_POST
@capability_required("evaluation.view")
def joint_task_done(request, pk):
    get_visible_or_404(JointTask.objects.all(), request.user, pk=pk)
    _list_action(request, DoneForm(request.POST), _("Give the day it was done."),
                 lambda **data: services_titles.joint_task_done(actor=request.user, task_id=pk, **data),
                 _("The joint task is recorded as done."))
    return redirect("evaluation:pairings")
