"""Outreach pages: the meetings (接访、约访、下访、督访) with their outcome, a petition from a 下访, the leaders'
reception days and the sensitive periods a centre publishes."""

from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rongjia.core.decorators import capability_required
from rongjia.core.errors import StaleVersion
from rongjia.core.pagination import paginate
from rongjia.core.scoping import covers_code, get_visible_or_404

from ..models import Petition
from ..views_files import report
from . import services
from .forms import MeetingForm, MeetingPetitionForm, MeetingStepForm, ReceptionDayForm, SensitivePeriodForm
from .models import Meeting, ReceptionDay, SensitivePeriod
from .selectors import meeting_list, reception_days_for, sensitive_periods_for

PAST_SHOWN = 20  # the latest past reception days, shown apart under the coming ones


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


@capability_required("petitions.view")
def meeting_list_page(request):
    kind, state = request.GET.get("kind", ""), request.GET.get("state", "")
    since, until = _day(request.GET.get("since", "")), _day(request.GET.get("until", ""))
    meetings = meeting_list(request.user, kind=kind if kind in Meeting.Kind.values else "",
                            state=state if state in Meeting.State.values else "", since=since, until=until)
    page, query = paginate(request, meetings)
    return render(request, "petitions/outreach/meeting_list.html", {
        "page": page, "query": query, "kind": kind, "state": state, "since": since, "until": until,
        "kinds": Meeting.Kind.choices, "states": Meeting.State.choices})


def _petition_from(request) -> Petition | None:
    """`?petition=<pk>`: the meeting is about that petition (which the viewer must be able to open)."""
    pk = request.GET.get("petition") or request.POST.get("petition")
    return get_visible_or_404(Petition.objects.select_related("unit"), request.user, pk=pk) if pk else None


@capability_required("petitions.handle")
def meeting_new(request):
    petition = _petition_from(request)
    own_level = request.user.org_unit.level if request.user.org_unit else 0
    above = petition is not None and petition.unit.level > own_level  # a centre above: a 督访 of it
    form = MeetingForm(request.POST or None, user=request.user,
                       initial={"kind": "supervision" if above else "appointment"})
    if request.method == "POST" and form.is_valid():
        values = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            meeting = services.meeting_plan(actor=request.user, petition=petition, **values)
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("Meeting planned."))
            return redirect("petitions:meeting_detail", pk=meeting.pk)
    return render(request, "petitions/outreach/meeting_edit.html", {"form": form, "petition": petition})


@capability_required("petitions.handle")
def meeting_edit(request, pk):
    meeting = get_visible_or_404(Meeting.objects.select_related("unit"), request.user, pk=pk)
    initial = {name: getattr(meeting, name) for name in (*services.MEETING_FIELDS, "version")}
    form = MeetingForm(request.POST or None, user=request.user, initial={**initial, "unit": meeting.unit_id})
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        try:
            services.meeting_update(actor=request.user, meeting=meeting, **values)
        except (StaleVersion, ValidationError) as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("Meeting saved."))
            return redirect("petitions:meeting_detail", pk=meeting.pk)
    return render(request, "petitions/outreach/meeting_edit.html", {"form": form, "meeting": meeting})


@capability_required("petitions.view")
def meeting_detail(request, pk):
    meeting = get_visible_or_404(Meeting.objects.select_related("unit", "planned_by"), request.user, pk=pk)
    # The petition is shown only to a viewer who may open it (a county's 督访 of a petition moved elsewhere).
    petition = Petition.objects.visible_to(request.user).filter(pk=meeting.petition_id).first()
    can_register = meeting.kind == "visit" and meeting.state == "held" and not meeting.petition_id
    return render(request, "petitions/outreach/meeting_detail.html", {
        "meeting": meeting, "petition": petition, "petition_outside": bool(meeting.petition_id and not petition),
        "step_form": MeetingStepForm(initial={"version": meeting.version}) if meeting.state == "planned" else None,
        "petition_form": MeetingPetitionForm() if can_register else None})


@require_POST
@capability_required("petitions.handle")
def meeting_step(request, pk):
    meeting = get_visible_or_404(Meeting.objects.all(), request.user, pk=pk)
    form = MeetingStepForm(request.POST)
    if form.is_valid():
        try:
            services.meeting_step(actor=request.user, meeting=meeting, **form.cleaned_data)
        except (StaleVersion, ValidationError) as exc:
            form.add_service_error(exc)
    report(request, form, _("Meeting recorded."))
    return redirect("petitions:meeting_detail", pk=meeting.pk)


@require_POST
@capability_required("petitions.handle")
def meeting_petition(request, pk):
    meeting = get_visible_or_404(Meeting.objects.all(), request.user, pk=pk)
    form = MeetingPetitionForm(request.POST)
    if form.is_valid():
        try:
            petition = services.meeting_register_petition(actor=request.user, meeting=meeting, **form.cleaned_data)
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("Petition registered from the visit."))
            return redirect("petitions:petition_detail", pk=petition.pk)
    report(request, form, "")
    return redirect("petitions:meeting_detail", pk=meeting.pk)


def _marked(user, records) -> list:
    """The records, each saying whether the viewer's area covers it (then the viewer's centre may change it)."""
    records = list(records)
    for record in records:
        record.editable = covers_code(user, record.region_code)
    return records


def _published(request, *, records, form, save, template: str, record=None):
    """The list-and-form pages of what a centre publishes (reception days, sensitive periods)."""
    if request.method == "POST":
        if not request.user.can("petitions.handle"):
            raise PermissionDenied
        if form.is_valid():
            values = {k: v for k, v in form.cleaned_data.items() if k != "version" or record is not None}
            try:
                save(actor=request.user, **values)
            except (StaleVersion, ValidationError) as exc:
                form.add_service_error(exc)
            else:
                messages.success(request, _("Published."))
                return None
    return render(request, template, {"form": form, "record": record, **records})


@capability_required("petitions.view")
def reception_days(request):
    today = timezone.localdate()
    days = reception_days_for(request.user)
    form = ReceptionDayForm(request.POST or None, user=request.user)
    response = _published(request, form=form, save=services.reception_day_save,
                          template="petitions/outreach/reception_days.html", records={
                              "upcoming": _marked(request.user, days.filter(day__gte=today)),
                              "past": days.filter(day__lt=today).order_by("-day", "-starts_at")[:PAST_SHOWN]})
    return response or redirect("petitions:reception_days")


@capability_required("petitions.handle")
def reception_day_edit(request, pk):
    day = get_visible_or_404(ReceptionDay.objects.all(), request.user, pk=pk)
    if request.method == "POST" and "remove" in request.POST:
        services.reception_day_remove(actor=request.user, reception_day=day)
        messages.success(request, _("Reception day withdrawn."))
        return redirect("petitions:reception_days")
    initial = {name: getattr(day, name) for name in (*services.RECEPTION_FIELDS, "version")}
    form = ReceptionDayForm(request.POST or None, user=request.user, initial={**initial, "unit": day.unit_id})
    response = _published(request, form=form, template="petitions/outreach/reception_day_edit.html", record=day,
                          save=lambda **values: services.reception_day_save(reception_day=day, **values), records={})
    return response or redirect("petitions:reception_days")


@capability_required("petitions.view")
def sensitive_periods(request):
    form = SensitivePeriodForm(request.POST or None, user=request.user)
    response = _published(request, form=form, save=services.sensitive_period_save,
                          template="petitions/outreach/sensitive_periods.html",
                          records={"periods": _marked(request.user, sensitive_periods_for(request.user)[:100]),
                                   "today": timezone.localdate()})
    return response or redirect("petitions:sensitive_periods")


@capability_required("petitions.handle")
def sensitive_period_edit(request, pk):
    period = get_visible_or_404(SensitivePeriod.objects.all(), request.user, pk=pk)
    initial = {name: getattr(period, name) for name in (*services.PERIOD_FIELDS, "version")}
    form = SensitivePeriodForm(request.POST or None, user=request.user, initial={**initial, "unit": period.unit_id})
    response = _published(request, form=form, template="petitions/outreach/sensitive_period_edit.html",
                          record=period, records={},
                          save=lambda **values: services.sensitive_period_save(period=period, **values))
    return response or redirect("petitions:sensitive_periods")
