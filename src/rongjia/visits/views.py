"""Pages of visits: what is due today (今天要走访), recording a visit on a phone, the station's visits, one visit
with its photos and follow-ups, and the visits owed (必访)."""

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from rongjia.core.audit import log_export
from rongjia.core.decorators import capability_required
from rongjia.core.errors import StaleVersion
from rongjia.core.exports import xlsx_response
from rongjia.core.pagination import paginate
from rongjia.core.scoping import get_visible_or_404

from . import services
from .coverage import people_by_status
from .forms import DueVisitForm, VisitForm
from .models import DueVisit, FollowUp, Visit, VisitPhoto
from .selectors import campaign_list, due_visits, follow_ups_of, visit_list


def _int(value) -> int | None:
    return int(value) if str(value or "").isdigit() else None


OWED_SHOWN_ON_DUE = 10


def _owed(user, until: str, today):
    """Visits owed (必访) due by a choice of day: those already late, today's, or this week's (the default)."""
    if until == "late":
        return due_visits(user, until=today - timedelta(days=1))
    if until == "today":
        return due_visits(user, until=today)
    return due_visits(user, until=today + timedelta(days=7))


@capability_required("visits.view")
def due(request):
    """今天要走访: the first visits owed this week, then the people the regime still asks to see this period,
    those not seen for longest first."""
    today, mine = timezone.localdate(), request.GET.get("grid") == "mine"
    owed = _owed(request.user, "week", today)
    people = people_by_status(request.user, status="due", day=today).select_related("station").order_by(
        "last_visited_on", "station__region_code", "name_initials", "id")
    if mine:  # a grid worker's own households (网格)
        owed, people = owed.filter(person__grid__worker=request.user), people.filter(grid__worker=request.user)
    page, query = paginate(request, people)
    return render(request, "visits/due.html", {"owed": owed[:OWED_SHOWN_ON_DUE], "owed_count": owed.count(),
                                               "page": page, "query": query, "today": today, "mine": mine})


@capability_required("visits.view")
def owed_list(request):
    """The visits owed (必访), late, today's or this week's: the arrivals home (返乡) among them by `occasion`."""
    today, until = timezone.localdate(), request.GET.get("until", "week")
    owed = _owed(request.user, until, today)
    occasion = request.GET.get("occasion", "")
    if occasion in DueVisit.Occasion.values:
        owed = owed.filter(occasion=occasion)
    page, query = paginate(request, owed)
    return render(request, "visits/owed_list.html", {"page": page, "query": query, "until": until, "today": today,
                                                     "occasion": occasion, "occasions": DueVisit.Occasion.choices})


@capability_required("visits.record")
def visit_new(request):
    chosen = _int(request.GET.get("person") or request.POST.get("person"))
    kind = request.GET.get("kind", "")  # a welcome home (返乡) opens the form as one
    form = VisitForm(request.POST or None, request.FILES or None, user=request.user, chosen=chosen,
                     campaigns=_running_campaigns(request.user),
                     initial={"kind": kind} if kind in Visit.Kind.values else None)
    if request.method == "POST" and form.is_valid():
        try:
            visit, _new = services.visit_record(actor=request.user, **form.visit())
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("Visit recorded."))
            return redirect("visits:visit_detail", pk=visit.pk)
    return render(request, "visits/visit_new.html", {"form": form})


def _running_campaigns(user):
    today = timezone.localdate()
    return campaign_list(user).filter(starts_on__lte=today, ends_on__gte=today)


@capability_required("visits.view")
def visit_list_page(request):
    since, until = parse_date(request.GET.get("since") or ""), parse_date(request.GET.get("until") or "")
    kind = request.GET.get("kind", "") if request.GET.get("kind") in Visit.Kind.values else ""
    visits = visit_list(request.user, kind=kind, since=since, until=until, campaign=_int(request.GET.get("campaign")))
    page, query = paginate(request, visits)
    return render(request, "visits/visit_list.html", {"page": page, "query": query, "kind": kind, "since": since,
                                                      "until": until, "kinds": Visit.Kind.choices})


@require_GET
@capability_required("visits.view")
def visit_export(request):
    since, until = parse_date(request.GET.get("since") or ""), parse_date(request.GET.get("until") or "")
    visits = visit_list(request.user, since=since, until=until, campaign=_int(request.GET.get("campaign")))
    log_export(actor=request.user, source=request.path, rows=visits.count(), filters=request.GET.urlencode())
    headers = [_("Date"), _("Person"), _("Station"), _("Kind"), _("Place"), _("Findings"), _("Money given (yuan)"),
               _("Fund"), _("Goods given"), _("Campaign"), _("Recorded by")]
    rows = ((v.visited_on, v.person.name, v.station.name, v.get_kind_display(), v.get_place_display(), v.findings,
             v.money, v.fund, v.goods, v.campaign.name if v.campaign else "", str(v.recorded_by or ""))
            for v in visits.iterator(chunk_size=1000))
    return xlsx_response(filename=f"visits-{timezone.localdate().isoformat()}.xlsx", title=_("Visits"),
                         headers=headers, rows=rows)


@capability_required("visits.view")
def visit_detail(request, pk):
    visit = get_visible_or_404(Visit.objects.select_related("person", "station", "recorded_by", "campaign"),
                               request.user, pk=pk)
    return render(request, "visits/visit_detail.html", {
        "visit": visit, "photos": visit.photos.all(), "follow_ups": visit.follow_ups.select_related("owner")})


@capability_required("visits.view")
def visit_photo(request, pk, photo_pk):
    photo = get_visible_or_404(VisitPhoto.objects.all(), request.user, pk=photo_pk, visit_id=pk)
    return jpeg_response(photo.image)


def jpeg_response(stored) -> FileResponse:
    """A stored photo (always re-encoded JPEG), served only through a scoped view: MEDIA_ROOT never is."""
    if not stored:
        raise Http404
    return FileResponse(stored.open("rb"), content_type="image/jpeg")


@capability_required("visits.record")
def due_visit_new(request):
    form = DueVisitForm(request.POST or None, user=request.user, chosen=_int(request.GET.get("person")))
    if request.method == "POST" and form.is_valid():
        try:
            services.due_visit_raise(actor=request.user, person_id=form.cleaned_data["person"],
                                     occasion=form.cleaned_data["occasion"],
                                     occurred_on=form.cleaned_data["occurred_on"], note=form.cleaned_data["note"])
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("The visit owed is on the due list."))
            return redirect("visits:due")
    return render(request, "visits/due_visit_new.html", {"form": form})


@capability_required("visits.view")
def follow_up_list(request):
    mine = request.GET.get("mine") == "1"
    page, query = paginate(request, follow_ups_of(request.user, mine=mine))
    return render(request, "visits/follow_ups.html", {"page": page, "query": query, "mine": mine})


@require_POST
@capability_required("visits.record")
def follow_up_close(request, pk):
    get_visible_or_404(FollowUp.objects.all(), request.user, pk=pk)
    try:
        services.follow_up_close(actor=request.user, follow_up_id=pk, outcome=request.POST.get("outcome", ""),
                                 version=_int(request.POST.get("version")) or 0)
    except (ValidationError, StaleVersion) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(request, _("Follow-up closed."))
    return redirect("visits:follow_ups")


def service_worker(request):
    """The service worker that keeps the visit form and the due list on the phone (its scope: /visits/)."""
    script = render_to_string("visits/sw.js", {"version": "1"})
    return HttpResponse(script, content_type="text/javascript", headers={"Service-Worker-Allowed": "/visits/",
                                                                         "Cache-Control": "no-cache"})
