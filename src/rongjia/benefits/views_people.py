"""The person-side benefits pages: the queue of proposals 待确认, the recipients, the life certifications due, and
one person's benefits with the explanation of every payment line, and the forms that write through the services.

Every record is resolved inside the viewer's scope first (404 outside it, before any form is read), then the
capability to act is checked (403 for a leader, who reads but does not write). A form's bad input or a service's
refusal comes back on the page with nothing changed: 400, or 409 when someone else saved the record first.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from rongjia.core.decorators import capability_required
from rongjia.core.errors import StaleVersion
from rongjia.core.pagination import paginate
from rongjia.core.scoping import get_visible_or_404, region_prefix_or_404, scope_prefix
from rongjia.people.models import HouseholdMember, Person

from . import proposals as proposal_services
from . import selectors, services
from .accounts import mask_account
from .forms_people import (
    AccountForm,
    CertifyForm,
    ConfirmForm,
    ProposalFilterForm,
    RecipientFilterForm,
    RefuseForm,
    ResidenceForm,
    RevealForm,
)
from .models import PaymentAccount, Proposal

VIEW, HANDLE = "benefits.view", "benefits.handle"
HOUSEHOLD = Prefetch("person__household", queryset=HouseholdMember.objects.order_by("id"))


def _require_handle(user) -> None:
    if not user.can(HANDLE):
        raise PermissionDenied


def _in_region(request, rows):
    """`?region=<prefix>`: a region inside the viewer's scope, else 404 (as the statistics' links spell it)."""
    region = request.GET.get("region", "").strip()
    return rows.in_subtree(region_prefix_or_404(request.user, region)) if region else rows


def _status(exc) -> int:
    return 409 if isinstance(exc, StaleVersion) else 400


def _back(request, default: str) -> str:
    """Where a form returns after it succeeded: the page it was posted from (`next`), if it is ours."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default


# --- the queue -------------------------------------------------------------------------------------------------

def _with_forms(proposals, user, bound=None):
    """Each proposal with its confirm and refuse forms, for a worker who may decide (bound ones kept)."""
    bound = bound or {}
    for proposal in proposals:
        proposal.confirm_form = bound.get(f"confirm-{proposal.pk}") or ConfirmForm(proposal=proposal)
        proposal.refuse_form = bound.get(f"refuse-{proposal.pk}") or RefuseForm(proposal=proposal)
    return proposals


@capability_required(VIEW)
def proposal_list(request):
    """The open proposals of the viewer's area under validated filters, each with the forms to decide it."""
    form = ProposalFilterForm(request.GET, viewer=request.user)
    rows = form.apply(_in_region(request, selectors.open_proposals(request.user))).prefetch_related(HOUSEHOLD)
    page, query = paginate(request, rows)
    if request.user.can(HANDLE):
        _with_forms(page.object_list, request.user)
    return render(request, "benefits/proposal_list.html", {"page": page, "query": query, "form": form})


@require_POST
@capability_required(VIEW)
def proposals_refresh(request):
    """Compare the dossiers of the viewer's area with the entitlements now. `manage.py benefits_review` does the
    same every night; a county's run is quick enough to wait for here."""
    _require_handle(request.user)
    counts = proposal_services.proposals_refresh(prefix=scope_prefix(request.user))
    messages.success(request, _("Dossiers checked: %(added)d new proposals, %(withdrawn)d withdrawn.") % counts)
    return redirect("benefits:proposals")


def _proposal(request, pk) -> Proposal:
    queryset = Proposal.objects.select_related("person__station", "item", "category", "entitlement")
    return get_visible_or_404(queryset.prefetch_related(HOUSEHOLD), request.user, pk=pk)


def _proposal_page(request, proposal, status=200, **bound):
    if proposal.state == Proposal.State.OPEN and request.user.can(HANDLE):
        _with_forms([proposal], request.user, bound)
    return render(request, "benefits/proposal_detail.html", {"proposal": proposal}, status=status)


@capability_required(VIEW)
def proposal_detail(request, pk):
    return _proposal_page(request, _proposal(request, pk))


@require_POST
@capability_required(VIEW)
def proposal_confirm(request, pk):
    proposal = _proposal(request, pk)
    _require_handle(request.user)
    form = ConfirmForm(request.POST, proposal=proposal)
    if form.is_valid():
        try:
            proposal_services.proposal_confirm(actor=request.user, pk=proposal.pk, **form.values())
        except (StaleVersion, ValidationError) as exc:
            form.add_service_error(exc)
            return _proposal_page(request, proposal, _status(exc), **{form.prefix: form})
        messages.success(request, _("Confirmed: %(item)s for %(name)s.") % {"item": proposal.item.name,
                                                                          "name": proposal.person.name})
        return redirect(_back(request, reverse("benefits:proposals")))
    return _proposal_page(request, proposal, 400, **{form.prefix: form})


@require_POST
@capability_required(VIEW)
def proposal_refuse(request, pk):
    proposal = _proposal(request, pk)
    _require_handle(request.user)
    form = RefuseForm(request.POST, proposal=proposal)
    if form.is_valid():
        try:
            proposal_services.proposal_refuse(actor=request.user, pk=proposal.pk, **form.cleaned_data)
        except (StaleVersion, ValidationError) as exc:
            form.add_service_error(exc)
            return _proposal_page(request, proposal, _status(exc), **{form.prefix: form})
        messages.success(request, _("Not granted: %(item)s for %(name)s.") % {"item": proposal.item.name,
                                                                            "name": proposal.person.name})
        return redirect(_back(request, reverse("benefits:proposals")))
    return _proposal_page(request, proposal, 400, **{form.prefix: form})


# --- recipients and certification ------------------------------------------------------------------------------

@capability_required(VIEW)
def recipient_list(request):
    """People paid benefits in the viewer's area, with the account in use masked."""
    today = timezone.localdate()
    form = RecipientFilterForm(request.GET)
    page, query = paginate(request, form.apply(_in_region(request, selectors.recipients(request.user)), today))
    for row in page.object_list:
        row.masked_account = mask_account(row.account_digits)
    return render(request, "benefits/recipient_list.html", {"page": page, "query": query, "form": form,
                                                             "today": today})


@capability_required(VIEW)
def certification_list(request):
    """Life certification: due within 30 days, overdue, or suspended (`?show=`), a quick certify form a row."""
    today = timezone.localdate()
    show = request.GET.get("show", "due")
    show = show if show in selectors.SHOWS else "due"
    page, query = paginate(request, _in_region(request, selectors.certification_rows(request.user, show, today)))
    if request.user.can(HANDLE):
        for row in page.object_list:
            row.certify_form = CertifyForm(person_pk=row.person_id)
    return render(request, "benefits/certification_list.html", {"page": page, "query": query, "show": show,
                                                                 "today": today, "shows": selectors.SHOWS})


# --- one person ------------------------------------------------------------------------------------------------

def _person(request, person_pk) -> Person:
    queryset = Person.objects.select_related("station", "address_region").prefetch_related("household")
    return get_visible_or_404(queryset, request.user, pk=person_pk)


def _person_context(request, person, *, revealed=None, reveal_forms=None, **forms) -> dict:
    """The person's page; `forms` holds a bound form refused (residence_form, certify_form), `revealed` the full
    number of an account just revealed ({pk: number}) and `reveal_forms` a refused reveal ({pk: form})."""
    user = request.user
    context = {"person": person, "today": timezone.localdate(), "can_handle": user.can(HANDLE),
               "can_reveal": user.can("people.reveal"), **selectors.person_benefits(user, person)}
    for proposal in context["proposals"]:
        proposal.person = person  # its household is prefetched once, on the person
    for account in context["accounts"]:
        account.masked = mask_account(account.last_digits)
        account.revealed = (revealed or {}).get(account.pk, "")
        account.reveal_form = (reveal_forms or {}).get(account.pk) or RevealForm(prefix=f"reveal-{account.pk}")
    if context["can_handle"]:
        _with_forms(context["proposals"], user)
        recipient = context["recipient"]
        forms.setdefault("residence_form", ResidenceForm(initial={
            "residence": recipient.residence if recipient else services.residence_guess(person),
            "version": recipient.version if recipient else None}))
        forms.setdefault("certify_form", CertifyForm())
    return {**context, **forms}


@capability_required(VIEW)
def person_benefits(request, person_pk):
    person = _person(request, person_pk)
    return render(request, "benefits/person_benefits.html", _person_context(request, person))


def _person_refused(request, person, exc=None, **forms):
    return render(request, "benefits/person_benefits.html", _person_context(request, person, **forms),
                  status=_status(exc) if exc else 400)


@require_POST
@capability_required(VIEW)
def residence(request, person_pk):
    person = _person(request, person_pk)
    _require_handle(request.user)
    form = ResidenceForm(request.POST)
    if form.is_valid():
        try:
            services.residence_set(actor=request.user, person=person, **form.cleaned_data)
        except (StaleVersion, ValidationError) as exc:
            form.add_service_error(exc)
            return _person_refused(request, person, exc, residence_form=form)
        messages.success(request, _("The residence is saved."))
        return redirect("benefits:person", person_pk=person.pk)
    return _person_refused(request, person, residence_form=form)


@require_POST
@capability_required(VIEW)
def certify(request, person_pk):
    """Seen alive: from the person's page or a row of the certifications list (its fields prefixed)."""
    person = _person(request, person_pk)
    _require_handle(request.user)
    prefixed = f"certify-{person.pk}-on" in request.POST
    form = CertifyForm(request.POST, person_pk=person.pk if prefixed else None)
    if form.is_valid():
        try:
            services.certify(actor=request.user, person=person, **form.cleaned_data)
        except ValidationError as exc:
            form.add_service_error(exc)
            return _person_refused(request, person, certify_form=form)
        messages.success(request, _("Life certified for %(name)s.") % {"name": person.name})
        return redirect(_back(request, reverse("benefits:person", args=[person.pk])))
    return _person_refused(request, person, certify_form=form)


@capability_required(VIEW)
def account_add(request, person_pk):
    """A new account for the person's payments; the one before stays on record, no longer in use."""
    person = _person(request, person_pk)
    _require_handle(request.user)
    form = AccountForm(request.POST or None, person=person)
    if request.method == "POST" and form.is_valid():
        try:
            services.account_add(actor=request.user, person=person, **form.cleaned_data)
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("The account is saved and in use from the next batch."))
            return redirect("benefits:person", person_pk=person.pk)
    return render(request, "benefits/account_form.html", {"person": person, "form": form},
                  status=400 if form.errors else 200)


@never_cache  # the full number is in the answer: no cache may keep it
@require_POST
@capability_required(VIEW)
def account_reveal(request, person_pk, pk):
    """The full account number, once, in this answer only: an audited read (people.reveal). With htmx the number
    replaces the button; without, the person's page comes back with it."""
    person = _person(request, person_pk)
    account = get_visible_or_404(PaymentAccount.objects.filter(person=person), request.user, pk=pk)
    if not request.user.can("people.reveal"):
        raise PermissionDenied
    form = RevealForm(request.POST, prefix=f"reveal-{account.pk}")
    number = ""
    if form.is_valid():
        number = services.account_reveal(actor=request.user, pk=account.pk, **form.cleaned_data)
    if request.htmx:  # htmx swaps only 2xx answers: a refused reason comes back in place with its error
        account.revealed, account.reveal_form = number, form
        return render(request, "benefits/_people_account_reveal.html", {"person": person, "account": account})
    if number:
        return render(request, "benefits/person_benefits.html",
                      _person_context(request, person, revealed={account.pk: number}))
    return _person_refused(request, person, reveal_forms={account.pk: form})
