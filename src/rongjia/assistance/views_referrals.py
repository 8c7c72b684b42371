"""Pages of the referrals 转介 to other departments (人社, 民政, 医保, 残联, 司法, 住建): the list with the overdue
ones the workbench links to (`?overdue=1`), a new referral, and a referral with its history in words, its picture
on the engine and the steps open to the viewer (chase, record the answer, close)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from rongjia.core.decorators import capability_required
from rongjia.core.errors import StaleVersion
from rongjia.core.pagination import paginate
from rongjia.core.scoping import get_visible_or_404
from rongjia.core.workflow import steps_open_to
from rongjia.core.workflow_picture import draw

from . import services
from .forms_ledger import ReferralFilterForm, ReferralForm, ReferralStepForm, people_named, person_chosen
from .models import Referral
from .selectors import in_region
from .views_ledger import HANDLE, VIEW
from .workflow import REFERRAL


@capability_required(VIEW)
def referral_list(request):
    today = timezone.localdate()
    form = ReferralFilterForm(request.GET)
    page, query = paginate(request, in_region(request, form.referrals(request.user, today)))
    return render(request, "assistance/referral_list.html", {"page": page, "query": query, "form": form,
                                                             "today": today})


@capability_required(HANDLE)
def referral_new(request):
    """Refer a person (by id: `?person=ID` from the dossier or the hardship entry) to a department."""
    today = timezone.localdate()
    chosen = person_chosen(request.user, request.POST.get("person") or request.GET.get("person"))
    form = ReferralForm(request.POST or None, initial={"person": chosen.pk if chosen else None, "sent_on": today})
    if request.method == "POST" and form.is_valid():
        try:
            referral = services.referral_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("The referral is recorded."))
            return redirect("assistance:referral_detail", pk=referral.pk)
    q = request.GET.get("q", "")
    return render(request, "assistance/referral_form.html", {
        "form": form, "chosen": chosen, "q": q, "found": people_named(request.user, q)},
        status=400 if form.errors else 200)


def _referral(request, pk) -> Referral:
    return get_visible_or_404(Referral.objects.select_related("person", "station", "created_by"), request.user, pk=pk)


@capability_required(VIEW)
def referral_detail(request, pk):
    referral = _referral(request, pk)
    return render(request, "assistance/referral_detail.html", _context(request, referral))


def _context(request, referral: Referral, form=None) -> dict:
    actions = steps_open_to(REFERRAL, referral, request.user)
    labels = {**REFERRAL.action_labels(), "send": pgettext("referral step", "Referred")}
    events = list(referral.events.select_related("actor"))
    for event in events:
        event.label = labels.get(event.action, event.action)
    form = form or (ReferralStepForm(referral=referral, actions=actions) if actions else None)
    today = timezone.localdate()
    return {"referral": referral, "events": events, "form": form, "today": today,
            "overdue": referral.overdue(today),
            "workflow_picture": draw(REFERRAL, current=referral.state, allowed=actions)}


@require_POST
@capability_required(VIEW)
def referral_step(request, pk):
    """One step on the engine; a refusal comes back on the referral's page, nothing changed."""
    referral = _referral(request, pk)
    if not request.user.can(HANDLE):
        raise PermissionDenied
    actions = steps_open_to(REFERRAL, referral, request.user)
    form = ReferralStepForm(request.POST, referral=referral, actions=actions)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.referral_transition(actor=request.user, referral=referral, action=data["action"],
                                         note=data["note"], version=data["version"], data=form.step_data())
        except (StaleVersion, ValidationError) as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("The step is recorded."))
            return redirect("assistance:referral_detail", pk=referral.pk)
    return render(request, "assistance/referral_detail.html", _context(request, referral, form), status=400)
