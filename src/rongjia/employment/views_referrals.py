"""Pages of the referrals 推荐: the list (with the outcomes overdue after two weeks and the six-month follow-ups due,
which the workbench links to), a referral with its history in words and the steps open to the viewer, and the
推荐 button the ranked lists post to."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rongjia.core.decorators import capability_required
from rongjia.core.pagination import paginate
from rongjia.core.scoping import get_visible_or_404
from rongjia.core.workflow import steps_open_to
from rongjia.core.workflow_picture import draw

from . import selectors_postings as selectors
from . import services_referrals as services
from .forms_postings import ReferralCreateForm, ReferralFilterForm, ReferralStepForm
from .models import Referral
from .workflow import REFERRAL

VIEW, HANDLE = "employment.view", "employment.handle"


@capability_required(VIEW)
def referral_list(request):
    today = timezone.localdate()
    form = ReferralFilterForm(request.GET)
    f = form.filters()
    rows = selectors.referrals(request.user, today, q=(f["q"] or "").strip(), state=f["state"] or "",
                               overdue=bool(f["overdue"]), follow_up=bool(f["follow_up"]), sort=f["sort"] or "")
    page, query = paginate(request, rows)
    return render(request, "employment/referral_list.html", {
        "page": page, "query": query, "form": form, "today": today,
        "overdue_before": today - selectors.OUTCOME_WITHIN})


def _referral(request, pk) -> Referral:
    return get_visible_or_404(
        Referral.objects.select_related("seeker__person", "posting__employer", "fair", "referred_by")
        .defer(*selectors.UNSHOWN_PERSON), request.user, pk=pk)


def _page(request, referral: Referral, form=None, status=200):
    actions = steps_open_to(REFERRAL, referral, request.user)
    labels = REFERRAL.action_labels()
    events = list(referral.events.select_related("actor"))
    for event in events:
        event.label = labels.get(event.action, event.action)
        event.from_label = REFERRAL.state_label(event.from_state) if event.from_state else ""
        event.to_label = REFERRAL.state_label(event.to_state)
        event.details = _details(event.data or {})
    if form is None and actions:
        form = ReferralStepForm(referral=referral, actions=actions)
    today = timezone.localdate()
    return render(request, "employment/referral_detail.html", {
        "referral": referral, "events": events, "form": form, "today": today,
        "overdue": referral.state in selectors.WAITING and referral.referred_on < today - selectors.OUTCOME_WITHIN,
        "workflow_picture": draw(REFERRAL, current=referral.state, allowed=actions)}, status=status)


def _details(data: dict) -> list[str]:
    """What a step recorded, in words (the event keeps the values as the step took them)."""
    words = {"score": _("match score %(v)s/100"), "interview_on": _("interview on %(v)s"),
             "start_date": _("starts work on %(v)s"), "follow_up_due": _("follow-up due %(v)s"),
             "followed_up_on": _("followed up on %(v)s")}
    details = [words[key] % {"v": data[key]} for key in words if data.get(key) not in (None, "")]
    if data.get("still_employed") is not None:
        details.append(_("still in the job") if data["still_employed"] else _("no longer in the job"))
    return details


@capability_required(VIEW)
def referral_detail(request, pk):
    return _page(request, _referral(request, pk))


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
        if form.ran(lambda: services.referral_step(actor=request.user, referral=referral, action=data["action"],
                                                   version=data["version"], note=data["note"],
                                                   data=form.step_data())):
            messages.success(request, _("The step is recorded."))
            return redirect("employment:referral_detail", pk=referral.pk)
    return _page(request, referral, form, status=400)


@require_POST
@capability_required(HANDLE)
def referral_create(request):
    """The 推荐 button of a ranked list (seeker, posting, optional fair, the page to go back to): the referral is
    made, or the refusal says why; either way back to `next` when it is a page of this site."""
    form = ReferralCreateForm(request.POST)
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        back = ""
    created = []
    if form.is_valid():
        data = form.cleaned_data
        form.ran(lambda: created.append(services.referral_create(
            actor=request.user, seeker=data["seeker"], posting=data["posting"], fair=data["fair"],
            note=data["note"])))
    if created:
        referral = created[0]
        messages.success(request, _("%(name)s is referred to “%(posting)s”.") % {
            "name": referral.seeker.person.name, "posting": referral.posting.title})
        return redirect(back) if back else redirect("employment:referral_detail", pk=referral.pk)
    for error in (e for errors in form.errors.values() for e in errors):
        messages.error(request, error)
    return redirect(back or "employment:referrals")
