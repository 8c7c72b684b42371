"""Pages of households in grids: the grid worker's own households (on a phone), one household's update, the
station's assignment of households to grids, and the status changes proposed for the station to decide."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rongjia.core.decorators import capability_required
from rongjia.core.errors import StaleVersion
from rongjia.core.masking import mask_phone
from rongjia.core.pagination import paginate
from rongjia.core.scoping import get_visible_or_404
from rongjia.network.models import Grid

from ..models import Person, StatusProposal
from ..workbench import proposals_waiting
from . import services
from .forms import AssignForm, HouseholdForm, StatusProposalForm


def _errors(request, exc) -> None:
    messages.error(request, " ".join(getattr(exc, "messages", None) or [str(exc)]))


@capability_required("people.grid_edit")
def my_grid(request):
    households = (services.households_of(request.user).select_related("grid")
                  .annotate(members=Count("household")).order_by("grid_id", "address_detail", "name_initials", "id"))
    page, query = paginate(request, households)
    for person in page.object_list:
        person.masked_phone = mask_phone(person.phone)
    return render(request, "people/grids/my_grid.html", {"page": page, "query": query})


def _kept_or_403(user, person: Person) -> None:
    """The station edits any household; a grid worker only those of their own grid."""
    if not (user.can("people.edit") or (user.can("people.grid_edit") and person.grid
                                        and person.grid.worker_id == user.pk)):
        raise PermissionDenied


@capability_required("people.view")
def household(request, pk):
    person = get_visible_or_404(Person.objects.select_related("station", "grid"), request.user, pk=pk)
    _kept_or_403(request.user, person)
    form = HouseholdForm(request.POST or None, person=person)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.household_update(actor=request.user, person=person, version=data["version"],
                                      needs=list(data["needs"]), phone=data["phone"],
                                      address_detail=data["address_detail"], health=data["health"])
        except (ValidationError, StaleVersion) as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("Household updated."))
            return redirect("people:household", pk=person.pk)
    return render(request, "people/grids/household.html", {
        "person": person, "form": form, "proposal_form": StatusProposalForm(),
        "proposals": person.status_proposals.all()[:10], "masked_phone": mask_phone(person.phone)})


@require_POST
@capability_required("people.view")
def status_propose(request, pk):
    person = get_visible_or_404(Person.objects.select_related("grid"), request.user, pk=pk)
    _kept_or_403(request.user, person)
    form = StatusProposalForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the change, its date and what was seen."))
        return redirect("people:household", pk=pk)
    try:
        services.status_propose(actor=request.user, person=person, **form.cleaned_data)
    except (ValidationError, PermissionDenied) as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("Proposed: the station confirms it on the books."))
    return redirect("people:household", pk=pk)


@capability_required("people.edit")
def grid_assign(request):
    """The station's grids with their households, and its households in no grid yet to put into one."""
    unit = request.user.org_unit
    grids = Grid.objects.visible_to(request.user).filter(unit=unit).annotate(count=Count("households"))
    unplaced = Person.objects.visible_to(request.user).filter(station=unit, grid__isnull=True,
                                                              status=Person.Status.ACTIVE)
    form = AssignForm(request.POST or None, grids=grids, people=unplaced)
    if request.method == "POST" and form.is_valid():
        try:
            made = services.households_assign(actor=request.user, grid=form.cleaned_data["grid"],
                                              people=list(form.cleaned_data["people"]))
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("%(count)d households put in %(grid)s.") % {
                "count": made, "grid": form.cleaned_data["grid"].name})
            return redirect("people:grid_assign")
    return render(request, "people/grids/assign.html", {"grids": grids, "form": form, "unit": unit,
                                                         "unplaced": unplaced.count()})


@capability_required("people.edit")
def proposals(request):
    waiting = proposals_waiting(request.user).select_related("person", "proposed_by")
    page, query = paginate(request, waiting)
    return render(request, "people/grids/proposals.html", {"page": page, "query": query})


@require_POST
@capability_required("people.edit")
def proposal_decide(request, pk):
    proposal = get_visible_or_404(StatusProposal.objects.select_related("person"), request.user, pk=pk)
    try:
        services.status_proposal_decide(actor=request.user, proposal=proposal,
                                        confirm=request.POST.get("decision") == "confirm",
                                        note=request.POST.get("note", ""))
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("Decided."))
    return redirect("people:status_proposals")
