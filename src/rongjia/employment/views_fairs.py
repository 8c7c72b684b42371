"""Pages of the job fairs 专场招聘会: the list, a fair with its employers, postings, guests and offers (each list
filtered by the viewer, the rest a count), planning and editing one, inviting seekers, the phone at the door and the
printed invitation whose QR code opens the door's page with the guest's code."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from rongjia.core.decorators import capability_required
from rongjia.core.masking import mask_name
from rongjia.core.pagination import paginate
from rongjia.core.scoping import get_visible_or_404, scope_prefix, subtree_q
from rongjia.people.printing import qr_svg

from . import services_fairs as services
from .forms_fairs import CheckInForm, FairForm, OfferForm, SeekerFilterForm, SeekersChosenForm
from .models import Fair, FairGuest, Referral
from .services_fairs import HANDLE, MANAGE, VIEW

SORTS = {"date": ("date", "id"), "-date": ("-date", "-id"), "title": ("title", "id")}
RECENT_CHECK_INS = 8
CHECK_IN_OUTCOME = "employment.fair_check_in"  # the session key of the last check-in's banner (shown once)


def _count(queryset) -> Subquery:
    """How many rows of `queryset` (correlated on its `fair` by OuterRef) there are, as one subquery column."""
    return Coalesce(Subquery(queryset.order_by().values("fair").annotate(n=Count("pk")).values("n"),
                             output_field=IntegerField()), 0)


def _guest_counts(viewer):
    """Invited and attending guests the viewer may see, per fair (a village worker's own people)."""
    prefix = scope_prefix(viewer) or "-"
    seen = FairGuest.objects.filter(subtree_q("region_code", prefix), fair=OuterRef("pk"))
    return {"invited_seen": _count(seen.filter(invited_at__isnull=False)),
            "attending_seen": _count(seen.filter(checked_in_at__isnull=False))}


@capability_required(VIEW)
def fair_list(request):
    today = timezone.localdate()
    when = request.GET.get("when", "")
    fairs = Fair.objects.visible_to(request.user).select_related("organiser").annotate(
        **_guest_counts(request.user),
        employers_n=_count(Fair.employers.through.objects.filter(fair=OuterRef("pk"))),
        postings_n=_count(Fair.postings.through.objects.filter(fair=OuterRef("pk"))))
    if when == "upcoming":
        fairs = fairs.filter(date__gte=today)
    elif when == "past":
        fairs = fairs.filter(date__lt=today)
    q = request.GET.get("q", "").strip()
    if q:
        fairs = fairs.filter(Q(title__contains=q) | Q(venue__contains=q))
    sort = request.GET.get("sort", "")
    fairs = fairs.order_by(*SORTS.get(sort, SORTS["-date"]))
    page, query = paginate(request, fairs)
    return render(request, "employment/fair_list.html", {
        "page": page, "query": query, "when": when, "q": q, "sort": sort if sort in SORTS else "-date",
        "today": today, "may_plan": request.user.can(MANAGE)})


def _fair(request, pk) -> Fair:
    return get_visible_or_404(Fair.objects.select_related("organiser", "created_by"), request.user, pk=pk)


def _detail_context(request, fair: Fair, offer_form=None) -> dict:
    """The fair with what the viewer may see of its guests and offers; the others only as counts."""
    viewer = request.user
    mine = subtree_q("region_code", scope_prefix(viewer) or "-")
    counts = FairGuest.objects.filter(fair=fair).aggregate(
        all=Count("pk"), seen=Count("pk", filter=mine),
        invited=Count("pk", filter=mine & Q(invited_at__isnull=False)),
        attending=Count("pk", filter=mine & Q(checked_in_at__isnull=False)))
    guests = FairGuest.objects.visible_to(viewer).filter(fair=fair).select_related(
        "seeker__person", "seeker__station").order_by("seeker__person__name", "id")
    show = request.GET.get("guests", "")
    if show == "attending":
        guests = guests.filter(checked_in_at__isnull=False)
    elif show == "absent":
        guests = guests.filter(checked_in_at__isnull=True)
    page, query = paginate(request, guests)
    offer_counts = Referral.objects.filter(fair=fair).aggregate(all=Count("pk"), seen=Count("pk", filter=mine))
    offers = list(Referral.objects.visible_to(viewer).filter(fair=fair).select_related(
        "seeker__person", "posting__employer").order_by("-referred_on", "-id")[:200])
    postings = list(fair.postings.visible_to(viewer).select_related("employer").order_by("employer__name", "title"))
    may_handle = viewer.can(HANDLE)
    if offer_form is None and may_handle and postings and counts["attending"]:
        offer_form = OfferForm(user=viewer, fair=fair)
    return {
        "fair": fair, "today": timezone.localdate(), "counts": counts, "others": counts["all"] - counts["seen"],
        "page": page, "query": query, "show": show,
        "employers": fair.employers.visible_to(viewer).order_by("name", "id"), "postings": postings,
        "offers": offers, "offers_outside": offer_counts["all"] - offer_counts["seen"],
        "offer_form": offer_form, "may_edit": services.may_edit(viewer, fair), "may_handle": may_handle,
    }


@capability_required(VIEW)
def fair_detail(request, pk):
    fair = _fair(request, pk)
    return render(request, "employment/fair_detail.html", _detail_context(request, fair))


@capability_required(MANAGE)
def fair_new(request):
    form = FairForm(request.POST or None, user=request.user, initial={"date": timezone.localdate()})
    created = []
    if request.method == "POST" and form.is_valid() and form.ran(
            lambda: created.append(services.fair_create(actor=request.user, **form.values()))):
        messages.success(request, _("The fair is planned: invite the job seekers next."))
        return redirect("employment:fair_detail", pk=created[0].pk)
    return render(request, "employment/fair_form.html", {"form": form, "fair": None},
                  status=400 if form.errors else 200)


@capability_required(MANAGE)
def fair_edit(request, pk):
    fair = _fair(request, pk)
    if not services.may_edit(request.user, fair):
        raise PermissionDenied
    form = FairForm(request.POST or None, user=request.user, fair=fair)
    if request.method == "POST" and form.is_valid() and form.ran(lambda: services.fair_update(
            actor=request.user, fair=fair, version=form.cleaned_data["version"] or 0, **form.values())):
        messages.success(request, _("The fair is saved."))
        return redirect("employment:fair_detail", pk=fair.pk)
    return render(request, "employment/fair_form.html", {"form": form, "fair": fair},
                  status=400 if form.errors else 200)


@capability_required(HANDLE)
def fair_invite(request, pk):
    """Tick the area's seekers (by station, skill or name) and invite them; those already invited show so."""
    fair = _fair(request, pk)
    filters = SeekerFilterForm(request.GET, user=request.user)
    chosen = SeekersChosenForm(request.POST if request.method == "POST" else None, user=request.user)
    if request.method == "POST" and chosen.is_valid():
        invited = []
        if chosen.ran(lambda: invited.append(services.fair_invite(
                actor=request.user, fair=fair, seekers=chosen.cleaned_data["seekers"]))):
            messages.success(request, ngettext("%(n)d job seeker invited.", "%(n)d job seekers invited.",
                                               invited[0]) % {"n": invited[0]})
            return redirect("employment:fair_detail", pk=fair.pk)
    guests = FairGuest.objects.filter(fair=fair, seeker=OuterRef("pk"))
    seekers = filters.seekers().annotate(at_fair=Coalesce(Subquery(guests.values("pk")[:1]), 0))
    page, query = paginate(request, seekers)
    return render(request, "employment/fair_invite.html", {
        "fair": fair, "filters": filters, "form": chosen, "page": page, "query": query,
        "past": fair.date < timezone.localdate()}, status=400 if chosen.errors else 200)


def _recent(request, fair: Fair) -> list[FairGuest]:
    """The last check-ins of the viewer's area, names masked: the phone is seen by the queue at the door."""
    guests = list(FairGuest.objects.visible_to(request.user).filter(fair=fair, checked_in_at__isnull=False)
                  .select_related("seeker__person").order_by("-checked_in_at", "-id")[:RECENT_CHECK_INS])
    for guest in guests:
        guest.masked = mask_name(guest.seeker.person.name)
    return guests


@capability_required(HANDLE)
def fair_check_in(request, pk):
    """The door, on a phone: type the ID number, or open the invitation's QR code (`?code=`) and confirm."""
    fair = _fair(request, pk)
    today = timezone.localdate()
    posted = request.POST if request.method == "POST" else None
    form = CheckInForm(posted, initial={"code": request.GET.get("code", "")})
    scanned, outcome = None, None
    if request.method == "POST":
        done = []
        if form.is_valid() and form.ran(lambda: done.append(services.fair_check_in(
                actor=request.user, fair=fair, id_number=form.cleaned_data["id_number"],
                code=form.cleaned_data["code"], today=today))):
            guest, fresh = done[0]
            request.session[CHECK_IN_OUTCOME] = {"guest": guest.pk, "fresh": fresh}
            return redirect("employment:fair_check_in", pk=fair.pk)
    else:
        last = request.session.pop(CHECK_IN_OUTCOME, None)
        if last:
            guest = FairGuest.objects.visible_to(request.user).select_related("seeker__person").filter(
                fair=fair, pk=last.get("guest")).first()
            outcome = {"guest": guest, "fresh": last.get("fresh"), "name": mask_name(guest.seeker.person.name)} \
                if guest else None
        if request.GET.get("code"):
            scanned = _scanned(request, fair, form)
    return render(request, "employment/fair_check_in.html", {
        "fair": fair, "form": form, "today": today, "open": fair.date == today, "outcome": outcome,
        "scanned": scanned, "recent": _recent(request, fair)}, status=400 if form.errors else 200)


def _scanned(request, fair: Fair, form: CheckInForm) -> dict | None:
    """Who the scanned code names (masked, for the door to confirm), and whether they are already in."""
    try:
        seeker = services.seeker_from_code(request.user, request.GET["code"])
    except ValidationError as exc:
        form.add_service_error(exc)
        return None
    guest = FairGuest.objects.filter(fair=fair, seeker=seeker).first()
    return {"name": mask_name(seeker.person.name), "guest": guest}


@require_POST
@capability_required(HANDLE)
def fair_offer(request, pk):
    fair = _fair(request, pk)
    form = OfferForm(request.POST, user=request.user, fair=fair)
    if form.is_valid() and form.ran(lambda: services.fair_offer(
            actor=request.user, fair=fair, seeker=form.cleaned_data["guest"].seeker,
            posting=form.cleaned_data["posting"])):
        messages.success(request, _("The offer is recorded as a referral: its outcome follows on the referral."))
        return redirect("employment:fair_detail", pk=fair.pk)
    return render(request, "employment/fair_detail.html", _detail_context(request, fair, form), status=400)


@capability_required(VIEW)
def fair_invitation(request, pk, guest=None):
    """Printable invitations: one guest's, or every invited guest of the viewer's area (a page each)."""
    fair = _fair(request, pk)
    guests = FairGuest.objects.visible_to(request.user).filter(fair=fair).select_related(
        "seeker__person", "seeker__station")
    if guest is not None:
        guests = [get_object_or_404(guests, pk=guest)]
        page, query = None, ""
    else:
        page, query = paginate(request, guests.filter(invited_at__isnull=False).order_by(
            "seeker__station__region_code", "seeker__person__name", "id"))
        guests = page.object_list
    door = request.build_absolute_uri(reverse("employment:fair_check_in", args=[fair.pk]))
    cards = []
    for each in guests:
        url = f"{door}?code={services.check_in_code(each.seeker)}"
        cards.append({"guest": each, "qr": qr_svg(url), "url": url})
    return render(request, "employment/fair_invitation.html", {"fair": fair, "cards": cards, "page": page,
                                                                "query": query})
