"""人民调解 pages: the cases in the viewer's area, opening one (from a petition or standing alone), a case with
its sessions and steps."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rongjia.core.decorators import capability_required
from rongjia.core.errors import StaleVersion
from rongjia.core.pagination import paginate
from rongjia.core.scoping import get_visible_or_404

from ..models import Petition
from ..views_files import report
from . import services
from .forms import MediationForm, MediationStepForm, SessionForm
from .models import Mediation
from .selectors import mediation_list
from .workflow import MEDIATION


def _int(text: str) -> int | None:
    return int(text) if text.isdigit() else None


@capability_required("petitions.view")
def mediation_list_page(request):
    state, petition_id = request.GET.get("state", ""), _int(request.GET.get("petition", ""))
    mediations = mediation_list(request.user, state=state if state in Mediation.State.values else "",
                                petition_id=petition_id)
    page, query = paginate(request, mediations)
    return render(request, "petitions/mediation/mediation_list.html", {
        "page": page, "query": query, "state": state, "states": Mediation.State.choices, "petition_id": petition_id})


@capability_required("petitions.handle")
def mediation_new(request):
    pk = request.GET.get("petition") or request.POST.get("petition")
    petition = get_visible_or_404(Petition.objects.all(), request.user, pk=pk) if pk else None
    form = MediationForm(request.POST or None, user=request.user,
                         initial={"matter": petition.subject} if petition else None)
    if request.method == "POST" and form.is_valid():
        try:
            mediation = services.mediation_open(actor=request.user, petition=petition, **form.cleaned_data)
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("Mediation opened."))
            return redirect("petitions:mediation_detail", pk=mediation.pk)
    return render(request, "petitions/mediation/mediation_new.html", {"form": form, "petition": petition})


@capability_required("petitions.view")
def mediation_detail(request, pk):
    mediation = get_visible_or_404(Mediation.objects.select_related("unit", "opened_by"), request.user, pk=pk)
    petition = Petition.objects.visible_to(request.user).filter(pk=mediation.petition_id).first()
    step_form = MediationStepForm(initial={"version": mediation.version}, mediation=mediation)
    return render(request, "petitions/mediation/mediation_detail.html", {
        "mediation": mediation, "petition": petition, "sessions": mediation.sessions.select_related("recorded_by"),
        "step_form": step_form if step_form.fields["action"].choices else None,
        "session_form": SessionForm() if mediation.state == Mediation.State.OPENED else None,
        "state_label": MEDIATION.state_label(mediation.state)})


@require_POST
@capability_required("petitions.handle")
def session_add(request, pk):
    mediation = get_visible_or_404(Mediation.objects.all(), request.user, pk=pk)
    form = SessionForm(request.POST)
    if form.is_valid():
        try:
            services.session_add(actor=request.user, mediation=mediation, **form.cleaned_data)
        except ValidationError as exc:
            form.add_service_error(exc)
    report(request, form, _("Session recorded."))
    return redirect("petitions:mediation_detail", pk=mediation.pk)


@require_POST
@capability_required("petitions.handle")
def mediation_step(request, pk):
    mediation = get_visible_or_404(Mediation.objects.all(), request.user, pk=pk)
    form = MediationStepForm(request.POST, mediation=mediation)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.mediation_step(actor=request.user, mediation=mediation, action=data["action"], note=data["note"],
                                    version=data["version"], **form.step_data())
        except (StaleVersion, ValidationError) as exc:
            form.add_service_error(exc)
    report(request, form, _("Mediation updated."))
    return redirect("petitions:mediation_detail", pk=mediation.pk)
