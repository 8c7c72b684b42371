"""Pages of the businesses veterans start: the list with its export, a business with its supports, follow-ups and
history in words, and the forms that write through `services_business`.

Every business is resolved inside the viewer's scope first (an outsider gets 404 before any form is read); a
form's bad input or a service's refusal comes back on the page with nothing changed.
"""

from auditlog.models import LogEntry
from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_POST

from rongjia.core.audit import log_export
from rongjia.core.audit_selectors import describe_entries
from rongjia.core.decorators import capability_required
from rongjia.core.exports import xlsx_response
from rongjia.core.history import actor_name
from rongjia.core.pagination import paginate
from rongjia.core.scoping import get_visible_or_404, region_prefix_or_404
from rongjia.people.models import Person
from rongjia.people.selectors import person_name_q

from . import services_business
from .forms_business import BusinessFilterForm, BusinessForm, FollowUpForm, SupportForm, audit_filters
from .models import Business

VIEW, HANDLE = "employment.view", "employment.handle"


def _require_handle(user) -> None:
    if not user.can(HANDLE):
        raise PermissionDenied


def businesses_in_view(request, form: BusinessFilterForm, today):
    """The list's rows: the viewer's businesses, narrowed to ?region= (inside the scope, else 404) and the filters."""
    records = Business.objects.visible_to(request.user)
    region = request.GET.get("region", "").strip()
    if region:
        records = records.in_subtree(region_prefix_or_404(request.user, region))
    return form.businesses(records, today)


@capability_required(VIEW)
def business_list(request):
    today = timezone.localdate()
    form = BusinessFilterForm(request.GET)
    page, query = paginate(request, businesses_in_view(request, form, today))
    return render(request, "employment/business_list.html", {"page": page, "query": query, "form": form,
                                                            "today": today})


@require_GET
@capability_required(VIEW)
def business_export(request):
    """The list's rows under the same filters, every page, no ID numbers: an audited export."""
    today = timezone.localdate()
    form = BusinessFilterForm(request.GET)
    records = businesses_in_view(request, form, today)
    log_export(actor=request.user, source=request.path, rows=records.count(), filters=audit_filters(form))
    headers = [pgettext("business", "Name"), pgettext("person name", "Name"), _("Station"), _("Sector"),
               _("Registered on"), _("Unified social credit code"), _("Employees"), _("Veterans employed"),
               pgettext("business", "State"), _("Closed on"), _("Supports"), _("Follow-up visit due")]
    rows = ((b.name, b.person.name, b.station.name, b.sector.name, b.registered_on, b.credit_code, b.employees,
             b.veterans_employed, b.get_state_display(), b.closed_on, b.support_count, b.follow_up_due)
            for b in records.iterator(chunk_size=1000))
    return xlsx_response(filename=f"businesses-{today.isoformat()}.xlsx", title=_("Businesses"), headers=headers,
                         rows=rows)


def _business(request, pk) -> Business:
    return get_visible_or_404(Business.objects.select_related("person", "station", "sector", "created_by"),
                              request.user, pk=pk)


def history(business: Business) -> list[dict]:
    """The business's history in words, newest first: recorded, each correction (the fields changed, before and
    after), each support and follow-up, its closing."""
    lines = [{"when": business.created_at, "title": _("Business recorded"), "detail": "",
              "actor": actor_name(business.created_by)}]
    edits = (LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(Business),
                                     object_pk=str(business.pk), action=LogEntry.Action.UPDATE)
             .select_related("actor", "content_type").order_by("-timestamp")[:50])
    edits = list(edits)
    for entry, rows in zip(edits, describe_entries(edits), strict=True):
        changed = "；".join(f"{row.label}：{row.text}" for row in rows)
        lines.append({"when": entry.timestamp, "title": _("Business details changed"), "detail": changed,
                      "actor": actor_name(entry.actor)})
    return sorted(lines, key=lambda line: line["when"], reverse=True)


def _detail(request, business: Business, *, support_form=None, follow_up_form=None) -> dict:
    today, user = timezone.localdate(), request.user
    can_handle = user.can(HANDLE)
    operating = business.state == Business.State.OPERATING
    person_visible = Person.objects.visible_to(user).filter(pk=business.person_id).exists()
    return {
        "business": business, "today": today, "can_handle": can_handle, "person_visible": person_visible,
        "supports": list(business.supports.select_related("recorded_by")),
        "follow_ups": list(business.follow_ups.select_related("by")),
        "history": history(business),
        "due": operating and business.follow_up_due is not None and business.follow_up_due <= today,
        "support_form": (support_form or SupportForm(today=today)) if can_handle and operating else None,
        "follow_up_form": ((follow_up_form or FollowUpForm(business=business, today=today))
                           if can_handle and operating else None),
    }


@capability_required(VIEW)
def business_detail(request, pk):
    business = _business(request, pk)
    return render(request, "employment/business_detail.html", _detail(request, business))


def people_named(user, q: str):
    """People of the viewer's area whose name matches what was typed (for choosing whose business it is)."""
    q = (q or "").strip()
    if not q:
        return []
    return list(Person.objects.visible_to(user).filter(person_name_q(q)).select_related("station")
                .order_by("name_initials", "id")[:20])


@capability_required(HANDLE)
def business_new(request):
    """A business for a person of the viewer's area: the person comes by id (from the dossier or the seeker's page:
    `?person=ID`), or is found by name."""
    given = request.POST.get("person") or request.GET.get("person")
    person = (Person.objects.visible_to(request.user).select_related("station").filter(pk=given).first()
              if given and str(given).isdigit() else None)
    form = BusinessForm(request.POST or None, person=person)
    if request.method == "POST" and form.is_valid():
        made = {}
        if form.ran(lambda: made.setdefault("business", services_business.business_create(
                actor=request.user, person=form.cleaned_data["person"], **form.values()))):
            messages.success(request, _("The business is recorded."))
            return redirect("employment:business_detail", pk=made["business"].pk)
    q = request.GET.get("q", "")
    return render(request, "employment/business_form.html", {
        "form": form, "person": person, "business": None, "q": q, "found": people_named(request.user, q)},
        status=400 if form.errors else 200)


@capability_required(VIEW)
def business_edit(request, pk):
    business = _business(request, pk)
    _require_handle(request.user)
    form = BusinessForm(request.POST or None, business=business)
    if request.method == "POST" and form.is_valid():
        if form.ran(lambda: services_business.business_update(
                actor=request.user, business=business, version=form.cleaned_data["version"], **form.values())):
            messages.success(request, _("The business is saved."))
            return redirect("employment:business_detail", pk=business.pk)
    return render(request, "employment/business_form.html", {"form": form, "person": business.person,
                                                             "business": business},
                  status=400 if form.errors else 200)


@require_POST
@capability_required(VIEW)
def business_support(request, pk):
    business = _business(request, pk)
    _require_handle(request.user)
    form = SupportForm(request.POST)
    if form.is_valid() and form.ran(lambda: services_business.support_add(
            actor=request.user, business=business, **form.cleaned_data)):
        messages.success(request, _("The support is recorded."))
        return redirect(reverse("employment:business_detail", args=[business.pk]) + "#supports")
    return render(request, "employment/business_detail.html", _detail(request, business, support_form=form),
                  status=400)


@require_POST
@capability_required(VIEW)
def business_follow_up(request, pk):
    business = _business(request, pk)
    _require_handle(request.user)
    form = FollowUpForm(request.POST, business=business)
    if form.is_valid() and form.ran(lambda: services_business.business_follow_up(
            actor=request.user, business=business, **form.cleaned_data)):
        messages.success(request, _("The follow-up is recorded."))
        return redirect("employment:business_detail", pk=business.pk)
    return render(request, "employment/business_detail.html", _detail(request, business, follow_up_form=form),
                  status=400)
