"""Pages of petitions: list, registration, the petition with its deadline strip and steps, the dashboard."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET

from rongjia.core.audit import log_export
from rongjia.core.decorators import capability_required
from rongjia.core.errors import StaleVersion
from rongjia.core.exports import export_place, form_filters, xlsx_response
from rongjia.core.pagination import PAGE_SIZE, paginate
from rongjia.core.scoping import covers_code, get_visible_or_404
from rongjia.core.workflow import steps_open_to
from rongjia.core.workflow_picture import draw

from . import services
from .clocks import mark_provisional, petition_deadlines, replies_of
from .deadlines import OPEN_STATES
from .documents import DOCUMENTS
from .forms import AttachmentForm, PetitionForm, ReferralForm, ReferralStepForm, StepForm
from .forms_desk import PetitionFilterForm
from .legal_aid.services import lawyers_for
from .mediation.selectors import mediation_figures
from .models import Petition, PetitionNotice
from .selectors import (
    WARNING_KINDS,
    notice_list,
    petition_list,
    repeats_seen_by,
    unit_filter_options,
    warnings_live,
)
from .selectors_stats import petition_dashboard
from .workflow import ACTION_LABELS, PETITION, STATES

LINK_PK = 2_147_483_647  # a number no other part of a petition's link holds


@capability_required("petitions.view")
def petition_list_page(request):
    """The desk: the area's petitions under validated filters (an unknown value or a unit outside the area is
    ignored, shown as the filter's error), 积案 marked, and those that qualify offered a 包案 leader."""
    form = PetitionFilterForm(request.GET, user=request.user)
    today = timezone.localdate()
    # capped: counting a province's 100,000 petitions on every page cost 78 ms (docs/performance.md); the page
    # shows no petitioner, so they are not read (the export reads them)
    petitions = petition_list(request.user, today=today, **form.filters()).prefetch_related(None)
    page, query = paginate(request, petitions, capped=True)
    link = reverse("petitions:petition_detail", args=[LINK_PK])  # one reverse() a page, not one a row
    for petition in page.object_list:
        petition.url = link.replace(str(LINK_PK), str(petition.pk))
        petition.state_label = STATES.get(petition.state, petition.state)
        case = getattr(petition, "backlog_case", None)  # the case's page only where the viewer's area owns it
        petition.open_case = case if case is not None and case.state == "open" else None
        petition.case_reachable = petition.open_case is not None and covers_code(request.user, case.region_code)
    mark_provisional(page.object_list)
    units = unit_filter_options(request.user, form.cleaned_data.get("unit"))
    return render(request, "petitions/petition_list.html", {"page": page, "query": query, "form": form,
                                                            "today": today, "unit_options": units})


@require_GET
@capability_required("petitions.view")
def petition_export(request):
    """The list's rows under the same filters, every page, with the petitioners' names: an audited bulk export."""
    form, today = PetitionFilterForm(request.GET, user=request.user), timezone.localdate()
    petitions = petition_list(request.user, today=today, **form.filters())
    log_export(actor=request.user, source=request.path, rows=petitions.count(), filters=request.GET.urlencode())
    headers = [_("Subject"), _("State"), _("Channel"), _("Type"), pgettext("petition problem category", "Category"),
               _("Responsible unit"),
               _("Registered on"), _("Due"), _("Overdue"), _("Petitioners"), _("Collective (集体访)"),
               _("Backlog (积案)"), _("Leader in charge (包案领导)")]
    return xlsx_response(filename=f"petitions-{today.isoformat()}.xlsx", title=_("Petitions"), headers=headers,
                         rows=_export_rows(petitions, today), filters=form_filters(form),
                         place=export_place(request.user, request.GET.get("region", "")))


def _export_rows(petitions, today):
    yes = _("yes")
    for p in petitions.iterator(chunk_size=1000):  # prefetches the petitioners chunk by chunk
        case = getattr(p, "backlog_case", None)
        late = p.state in OPEN_STATES and p.due_on is not None and p.due_on < today
        yield (p.subject, STATES.get(p.state, p.state), p.get_channel_display(), p.get_type_display(),
               p.get_category_display(), p.unit.name, p.registered_on, p.due_on, yes if late else "",
               "、".join(person.name for person in p.petitioners.all()), yes if p.collective else "",
               case.get_state_display() if case else "", case.leader_name if case else "")


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
    return {"deadlines": petition_deadlines(petition), "replies": replies_of(petition), "events": events,
            "petitioners": petition.petitioners.all(),
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
    """The warnings computed now from the stored deadlines, and below them the record of the notices sent."""
    kind, today = request.GET.get("kind", ""), timezone.localdate()
    kinds = dict(PetitionNotice.Kind.choices)
    live = kind if kind in WARNING_KINDS else ("none" if kind in kinds else "")
    warnings = warnings_live(request.user, kind=live, today=today) if live != "none" else Petition.objects.none()
    page, query = paginate(request, warnings)
    mark_provisional(page.object_list)
    sent = notice_list(request.user, kind=kind if kind in kinds else "")[:PAGE_SIZE]  # the latest, as a record
    return render(request, "petitions/notice_list.html", {"page": page, "query": query, "kind": kind, "sent": sent,
                                                          "kinds": kinds, "today": today})


@capability_required("petitions.view")
def dashboard(request):
    return render(request, "petitions/dashboard.html", {"figures": petition_dashboard(request.user),
                                                        "mediation": mediation_figures(request.user)})
