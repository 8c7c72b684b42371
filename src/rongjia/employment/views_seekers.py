"""The job seekers' pages: the list (filters, search, order, export), one seeker with what was done for them, the
new and edit forms, certificates, and the profiles the dossiers call for (reviewed now, confirmed one by one).

Every record is resolved inside the viewer's scope first (404 outside it), then the capability to write is
checked (403 for a leader, who reads). A refused form comes back with nothing changed: 400, or 409 when stale.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext
from django.views.decorators.http import require_GET, require_POST

from rongjia.core.audit import log_export
from rongjia.core.decorators import capability_required
from rongjia.core.errors import StaleVersion
from rongjia.core.exports import xlsx_response
from rongjia.core.pagination import paginate
from rongjia.core.scoping import get_visible_or_404, region_prefix_or_404, scope_prefix
from rongjia.people.models import Person

from . import selectors_seekers as selectors
from . import services_seekers as services
from .forms_seekers import CertificateForm, SeekerFilterForm, SeekerForm, VersionForm
from .models import Seeker

VIEW, HANDLE = "employment.view", "employment.handle"
EXPORT_MOST = 50_000


def _require_handle(user) -> None:
    if not user.can(HANDLE):
        raise PermissionDenied


def _filtered(request):
    form = SeekerFilterForm(request.GET, viewer=request.user)
    rows = form.apply(selectors.seekers(request.user))
    region = request.GET.get("region", "").strip()
    if region:
        rows = rows.in_subtree(region_prefix_or_404(request.user, region))
    return form, rows


def _back(request, default: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default


@capability_required(VIEW)
def seeker_list(request):
    """?q= ?status= ?source= ?skill= ?region= ?sort=; the offered profiles to confirm are ?status=offered."""
    form, rows = _filtered(request)
    page, query = paginate(request, rows)
    counts = selectors.status_counts(request.user)
    return render(request, "employment/seeker_list.html", {
        "page": page, "query": query, "form": form,
        "status_tabs": [(value, label, counts.get(value, 0)) for value, label in Seeker.Status.choices],
        "can_handle": request.user.can(HANDLE), "offered": Seeker.Status.OFFERED,
        "showing_offered": request.GET.get("status") == Seeker.Status.OFFERED})


@require_GET
@capability_required(VIEW)
def seekers_export(request):
    """The filtered list as .xlsx: an audited read of names and what they want."""
    form, rows = _filtered(request)
    rows = list(rows[:EXPORT_MOST])
    headers = [pgettext("person name", "Name"), _("Station"), pgettext("seeker", "Status"),
               _("How the profile began"), _("Work wanted"), _("Place wanted"), _("Pay wanted (yuan a month)"),
               _("Skills"), _("Driving licence"), _("Available from"), _("Last changed")]
    cells = ([s.person.name, s.station.name, s.get_status_display(), s.get_source_display(), s.wanted_work,
              s.wanted_place.name if s.wanted_place else "", s.wanted_pay, "、".join(k.name for k in s.skills.all()),
              s.driving_licence, s.available_from, s.updated_at] for s in rows)
    response = xlsx_response(filename="seekers.xlsx", title=_("Job seekers"), headers=headers, rows=cells)
    log_export(actor=request.user, source=request.path, rows=len(rows), filters=request.GET.urlencode())
    return response


def _seeker(request, pk) -> Seeker:
    queryset = Seeker.objects.select_related("person__address_region", "station", "wanted_place", "created_by")
    return get_visible_or_404(queryset.prefetch_related("skills", "wanted_sectors", "specialities"), request.user,
                              pk=pk)


def _detail(request, seeker, status=200, certificate_form=None):
    context = {"seeker": seeker, "page": selectors.seeker_page(request.user, seeker),
               "can_handle": request.user.can(HANDLE), "today": timezone.localdate(),
               "certificate_form": certificate_form or CertificateForm(),
               "confirm_form": VersionForm(initial={"version": seeker.version})}
    return render(request, "employment/seeker_detail.html", context, status=status)


@capability_required(VIEW)
def seeker_detail(request, pk):
    return _detail(request, _seeker(request, pk))


@capability_required(VIEW)
def seeker_new(request):
    """?person=<pk>: a profile for a person of the viewer's area (404 outside it)."""
    person = get_visible_or_404(Person.objects.select_related("station", "address_region"), request.user,
                                pk=request.GET.get("person") or 0)
    _require_handle(request.user)
    existing = Seeker.objects.visible_to(request.user).filter(person=person).first()
    if existing is not None:
        messages.info(request, _("%(name)s already has a job-seeker profile.") % {"name": person.name})
        return redirect("employment:seeker_detail", pk=existing.pk)
    form = SeekerForm(request.POST or None, home_code=person.address_region.code)
    if request.method == "POST" and form.is_valid():
        created = []
        if form.ran(lambda: created.append(services.seeker_create(actor=request.user, person=person,
                                                                  **form.values()))):
            messages.success(request, _("The job-seeker profile of %(name)s is saved.") % {"name": person.name})
            return redirect("employment:seeker_detail", pk=created[0].pk)
    return render(request, "employment/seeker_form.html", {"form": form, "person": person},
                  status=400 if form.errors else 200)


@capability_required(VIEW)
def seeker_edit(request, pk):
    seeker = _seeker(request, pk)
    _require_handle(request.user)
    form = SeekerForm(request.POST or None, home_code=seeker.home_code, seeker=seeker)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.seeker_update(actor=request.user, seeker=seeker, version=form.cleaned_data["version"] or 0,
                                       **form.values())
            except (StaleVersion, ValidationError) as exc:
                form.add_service_error(exc)
                status = 409 if isinstance(exc, StaleVersion) else 400
            else:
                messages.success(request, _("The job-seeker profile of %(name)s is saved.") % {
                    "name": seeker.person.name})
                return redirect("employment:seeker_detail", pk=seeker.pk)
    return render(request, "employment/seeker_form.html", {"form": form, "person": seeker.person,
                                                           "seeker": seeker}, status=status)


@require_POST
@capability_required(VIEW)
def seeker_confirm(request, pk):
    """An offered profile confirmed as it is: the person seeks work (edit it for more)."""
    seeker = _seeker(request, pk)
    _require_handle(request.user)
    form = VersionForm(request.POST)
    version = form.cleaned_data["version"] if form.is_valid() else 0
    done = form.ran(lambda: services.seeker_update(actor=request.user, seeker=seeker, version=version,
                                                              status=Seeker.Status.SEEKING))
    if not done:
        messages.error(request, " ".join(str(e) for e in form.non_field_errors()) or _("The profile was not saved."))
        return redirect("employment:seeker_detail", pk=seeker.pk)
    messages.success(request, _("%(name)s is now seeking work.") % {"name": seeker.person.name})
    return redirect(_back(request, f"{_list_url()}?status={Seeker.Status.OFFERED}"))


def _list_url() -> str:
    return reverse("employment:seekers")


@require_POST
@capability_required(VIEW)
def seeker_certificate(request, pk):
    seeker = _seeker(request, pk)
    _require_handle(request.user)
    form = CertificateForm(request.POST)
    if form.is_valid() and form.ran(lambda: services.certificate_add(actor=request.user, seeker=seeker,
                                                                      **form.cleaned_data)):
        messages.success(request, _("The certificate is added."))
        return redirect("employment:seeker_detail", pk=seeker.pk)
    return _detail(request, seeker, status=400, certificate_form=form)


@require_POST
@capability_required(VIEW)
def seekers_review(request):
    """Offer the profiles the dossiers of the viewer's area call for now (the nightly review does it too)."""
    _require_handle(request.user)
    offered = services.offer_profiles(prefix=scope_prefix(request.user), today=timezone.localdate())
    words = ngettext("Dossiers reviewed: %(n)d profile offered, to confirm.",
                     "Dossiers reviewed: %(n)d profiles offered, to confirm.", offered)
    messages.success(request, words % {"n": offered})
    return redirect(f"{_list_url()}?status={Seeker.Status.OFFERED}")
