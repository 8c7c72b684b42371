"""Pages of petitions: list, registration, the petition with its deadline strip and steps, the dashboard."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from rongjia.core.decorators import capability_required
from rongjia.core.errors import StaleVersion
from rongjia.core.pagination import paginate
from rongjia.core.scoping import get_visible_or_404
from rongjia.core.workflow import steps_open_to
from rongjia.core.workflow_picture import draw

from . import services
from .documents import DOCUMENTS
from .forms import AttachmentForm, PetitionForm, ReferralForm, ReferralStepForm, StepForm
from .legal_aid.services import lawyers_for
from .models import Petition, PetitionNotice
from .selectors import notice_list, petition_deadlines, petition_list, repeats_seen_by
from .selectors_stats import petition_dashboard
from .workflow import ACTION_LABELS, PETITION, STATES


@capability_required("petitions.view")
def petition_list_page(request):
    state, due = request.GET.get("state", ""), request.GET.get("due", "")
    page, query = paginate(request, petition_list(request.user, state=state if state in STATES else "", due=due))
    for petition in page.object_list:
        petition.state_label = STATES.get(petition.state, petition.state)
    return render(request, "petitions/petition_list.html", {"page": page, "query": query, "state": state,
                                                            "states": STATES, "due": due,
                                                            "today": timezone.localdate()})


@capability_required("petitions.handle")
def petition_new(request):
    form = PetitionForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            petition = services.petition_register(actor=request.user, **form.registration())
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("Petition registered."))
            return redirect("petitions:petition_detail", pk=petition.pk)
    return render(request, "petitions/petition_new.html", {"form": form})


@capability_required("petitions.view")
def petition_detail(request, pk):
    petition = get_visible_or_404(Petition.objects.select_related("unit"), request.user, pk=pk)
    form = StepForm(request.POST or None, petition=petition, user=request.user)
    if request.method == "POST":
        if not request.user.can("petitions.handle"):
            raise PermissionDenied
        if form.is_valid():
            try:
                services.petition_transition(actor=request.user, petition=petition, action=form.cleaned_data["action"],
                                             note=form.cleaned_data["note"], version=form.cleaned_data["version"],
                                             **form.step_data())
            except (StaleVersion, ValidationError) as exc:
                form.add_service_error(exc)
            else:
                return redirect("petitions:petition_detail", pk=petition.pk)
    context = {"petition": petition, "form": form, **_record(request.user, petition),
               **_legal_aid_and_files(request.user, petition)}
    return render(request, "petitions/petition_detail.html", context)


def _record(user, petition) -> dict:
    """The petition as this viewer reads it: its steps, deadlines, repeats it may open, and its picture."""
    events, repeats = list(petition.events.select_related("actor")), repeats_seen_by(user, petition)
    for event in events:
        event.label = ACTION_LABELS.get(event.action, event.action)
        event.document = DOCUMENTS.get(event.action)
    return {"deadlines": petition_deadlines(petition), "events": events, "petitioners": petition.petitioners.all(),
            "repeats": repeats[0], "repeats_outside": repeats[1], "today": timezone.localdate(),
            "state_label": STATES.get(petition.state, petition.state),
            "workflow_picture": draw(PETITION, current=petition.state,
                                     allowed=steps_open_to(PETITION, petition, user))}


def _legal_aid_and_files(user, petition) -> dict:
    referrals = list(petition.referrals.select_related("lawyer"))
    for referral in referrals:
        referral.step_form = ReferralStepForm(initial={"version": referral.version}, prefix=f"r{referral.pk}")
    open_referral = any(r.state in ("referred", "accepted") for r in referrals)
    return {"attachments": petition.attachments.select_related("uploaded_by"), "attachment_form": AttachmentForm(),
            "referrals": referrals, "referral_form": None if open_referral else ReferralForm(
                lawyers=lawyers_for(user).order_by("name"))}


@capability_required("petitions.view")
def notice_list_page(request):
    kind = request.GET.get("kind", "")
    kinds = dict(PetitionNotice.Kind.choices)
    page, query = paginate(request, notice_list(request.user, kind=kind if kind in kinds else ""))
    return render(request, "petitions/notice_list.html", {"page": page, "query": query, "kind": kind,
                                                          "kinds": kinds, "today": timezone.localdate()})


@capability_required("petitions.view")
def dashboard(request):
    return render(request, "petitions/dashboard.html", {"figures": petition_dashboard(request.user)})
