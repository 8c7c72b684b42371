"""Pages of the employers 拥军企业 and their postings: the lists with their filters and audited exports, an employer
with its postings, a posting with its requirements and the referrals the viewer may see, and the forms that write
through `services_postings`.

Every record is resolved inside the viewer's scope first (an outsider gets 404 before any form is read); changing
one needs `employment.manage` and an area that covers its jurisdiction (a station reads the county's employers).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET

from rongjia.core.audit import log_export
from rongjia.core.decorators import capability_required
from rongjia.core.exports import xlsx_response
from rongjia.core.masking import mask_phone
from rongjia.core.models import Region
from rongjia.core.pagination import paginate
from rongjia.core.scoping import code_search_q, get_visible_or_404

from . import selectors_postings as selectors
from . import services_postings as services
from .forms_postings import (
    EmployerEditForm,
    EmployerFilterForm,
    EmployerForm,
    PostingEditForm,
    PostingFilterForm,
    PostingForm,
    WithdrawForm,
    audit_filters,
)
from .models import Employer, Posting
from .services_referrals import refusal_for_posting

VIEW, HANDLE, MANAGE = "employment.view", "employment.handle", "employment.manage"


def _status(form) -> int:
    return 400 if form.is_bound and form.errors else 200


# --- employers ---------------------------------------------------------------------------------------------------

def _employer_rows(request):
    form = EmployerFilterForm(request.GET)
    f = form.filters()
    return form, selectors.employers(request.user, q=(f["q"] or "").strip(), sector=f["sector"],
                                     active=f["active"] or "", sort=f["sort"] or "")


@capability_required(VIEW)
def employer_list(request):
    form, rows = _employer_rows(request)
    page, query = paginate(request, rows)
    return render(request, "employment/employer_list.html", {
        "page": page, "query": query, "form": form, "may_manage": request.user.can(MANAGE)})


@require_GET
@capability_required(VIEW)
def employer_export(request):
    """The list's rows under the same filters, every page; the contact phone masked as on the page."""
    form, rows = _employer_rows(request)
    log_export(actor=request.user, source=request.path, rows=rows.count(), filters=audit_filters(form))
    headers = [pgettext("employer", "Name"), _("Unified social credit code (统一社会信用代码)"), _("Sector"),
               _("Place"), _("Address"), _("Contact person"), _("Contact phone"), _("拥军 commitments signed"),
               _("Commitments signed on"), _("Postings"), _("Registering centre"), _("In partnership")]
    yes = _("yes")
    return xlsx_response(
        filename=f"employers-{timezone.localdate().isoformat()}.xlsx", title=_("Employers"), headers=headers,
        rows=((e.name, e.credit_code, e.sector.name, e.place.name, e.address, e.contact_name,
               mask_phone(e.contact_phone), e.commitments, e.committed_on, e.posting_count, e.registered_by.name,
               yes if e.active else "") for e in rows.iterator(chunk_size=500)))


def _employer(request, pk) -> Employer:
    return get_visible_or_404(Employer.objects.select_related("sector", "place", "registered_by"), request.user, pk=pk)


@capability_required(VIEW)
def employer_detail(request, pk):
    employer = _employer(request, pk)
    today = timezone.localdate()
    rows = selectors.postings(request.user, today, status="all", employer=employer, sort="-opens")
    return render(request, "employment/employer_detail.html", {
        "employer": employer, "postings": rows, "today": today, "phone": mask_phone(employer.contact_phone),
        "fair_count": employer.fairs.visible_to(request.user).count(),
        "may_edit": services.may_edit(request.user, employer)})


@capability_required(MANAGE)
def employer_new(request):
    form, created = EmployerForm(request.POST or None), []
    if request.method == "POST" and form.is_valid():
        if form.ran(lambda: created.append(services.employer_create(actor=request.user, **form.values()))):
            messages.success(request, _("The employer is registered."))
            return redirect("employment:employer_detail", pk=created[0].pk)
    return render(request, "employment/employer_form.html", {"form": form, "employer": None},
                  status=_status(form))


@capability_required(VIEW)
def employer_edit(request, pk):
    employer = _employer(request, pk)
    if not services.may_edit(request.user, employer):
        raise PermissionDenied
    form = EmployerEditForm(request.POST or None, employer=employer)
    if request.method == "POST" and form.is_valid():
        if form.ran(lambda: services.employer_update(actor=request.user, employer=employer,
                                                     version=form.cleaned_data["version"], **form.changes())):
            messages.success(request, _("The employer is saved."))
            return redirect("employment:employer_detail", pk=employer.pk)
    return render(request, "employment/employer_form.html", {"form": form, "employer": employer},
                  status=_status(form))


# --- postings ----------------------------------------------------------------------------------------------------

def _posting_rows(request, today):
    form = PostingFilterForm(request.GET)
    f = form.filters()
    return form, selectors.postings(request.user, today, status=f["status"] or "open", q=(f["q"] or "").strip(),
                                    sector=f["sector"], place=f["place"] or "", sort=f["sort"] or "")


@capability_required(VIEW)
def posting_list(request):
    today = timezone.localdate()
    form, rows = _posting_rows(request, today)
    page, query = paginate(request, rows)
    return render(request, "employment/posting_list.html", {
        "page": page, "query": query, "form": form, "today": today, "may_manage": request.user.can(MANAGE)})


@require_GET
@capability_required(VIEW)
def posting_export(request):
    today = timezone.localdate()
    form, rows = _posting_rows(request, today)
    log_export(actor=request.user, source=request.path, rows=rows.count(), filters=audit_filters(form))
    headers = [_("Job title"), _("Employer"), _("Sector"), _("Place of work"), _("Pay from (yuan a month)"),
               _("Pay up to (yuan a month)"), _("Places available"), _("Hired"), _("Open from"), _("Closing date"),
               _("Lowest education"), _("Driving licence required"), _("Withdrawn")]
    yes = _("yes")
    return xlsx_response(
        filename=f"postings-{today.isoformat()}.xlsx", title=_("Postings"), headers=headers,
        rows=((p.title, p.employer.name, p.sector.name, p.place.name, p.pay_min, p.pay_max, p.places, p.hired,
               p.opens_on, p.closes_on, p.get_min_education_display() if p.min_education else "",
               p.driving_licence, yes if p.withdrawn else "") for p in rows.iterator(chunk_size=500)))


def _posting(request, pk) -> Posting:
    return get_visible_or_404(Posting.objects.select_related("employer", "sector", "place"), request.user, pk=pk)


@capability_required(VIEW)
def posting_detail(request, pk):
    posting = _posting(request, pk)
    today = timezone.localdate()
    referrals, others = selectors.posting_referrals(request.user, posting)
    return render(request, "employment/posting_detail.html", {
        "posting": posting, "today": today, "skills": list(posting.skills.all()), "referrals": referrals,
        "others": others, "hired": services.hires(posting), "refusal": refusal_for_posting(posting, today),
        "may_edit": services.may_edit(request.user, posting), "may_refer": request.user.can(HANDLE)})


@capability_required(MANAGE)
def posting_new(request):
    """A new posting; `?employer=` (from the employer's page) chooses the employer."""
    initial = {"employer": request.GET.get("employer", ""), "opens_on": timezone.localdate(), "places": 1}
    form, created = PostingForm(request.POST or None, user=request.user, initial=initial), []
    if request.method == "POST" and form.is_valid():
        if form.ran(lambda: created.append(services.posting_create(
                actor=request.user, employer=form.cleaned_data["employer"], **form.values()))):
            messages.success(request, _("The posting is saved."))
            return redirect("employment:posting_detail", pk=created[0].pk)
    return render(request, "employment/posting_form.html", {"form": form, "posting": None}, status=_status(form))


def _editable_posting(request, pk) -> Posting:
    posting = _posting(request, pk)
    if not services.may_edit(request.user, posting):
        raise PermissionDenied
    return posting


@capability_required(VIEW)
def posting_edit(request, pk):
    posting = _editable_posting(request, pk)
    form = PostingEditForm(request.POST or None, user=request.user, posting=posting)
    if request.method == "POST" and form.is_valid():
        if form.ran(lambda: services.posting_update(actor=request.user, posting=posting,
                                                    version=form.cleaned_data["version"], **form.values())):
            messages.success(request, _("The posting is saved."))
            return redirect("employment:posting_detail", pk=posting.pk)
    return render(request, "employment/posting_form.html", {"form": form, "posting": posting}, status=_status(form))


@capability_required(VIEW)
def posting_withdraw(request, pk):
    """Asks first (GET shows what withdrawing means); the POST with the box ticked withdraws."""
    posting = _editable_posting(request, pk)
    form = WithdrawForm(request.POST or None, initial={"version": posting.version})
    if request.method == "POST" and form.is_valid():
        if form.ran(lambda: services.posting_withdraw(actor=request.user, posting=posting,
                                                      version=form.cleaned_data["version"])):
            messages.success(request, _("The posting is withdrawn."))
            return redirect("employment:posting_detail", pk=posting.pk)
    return render(request, "employment/posting_withdraw.html", {"form": form, "posting": posting},
                  status=_status(form))


@capability_required(VIEW)
def place_options(request):
    """Regions of the viewer's own area matching the typed name or code (the place fields' suggestions)."""
    q = request.GET.get("place", "").strip()[:12]
    regions = Region.objects.current().visible_to(request.user)
    regions = regions.filter(code_search_q("code", q)) if q.isdigit() else regions.filter(name__contains=q)
    regions = regions.select_related("parent").order_by("level", "code")[:30]
    return render(request, "employment/posting_place_options.html", {"regions": regions})
