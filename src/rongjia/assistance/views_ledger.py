"""Pages of the hardship ledger 困难台账 and of the pairings 结对帮扶: the ledger (the module's index) with its
export, an entry with its reviews and pairings, and the forms that write through `services`.

Every record is resolved inside the viewer's scope first (an outsider gets 404 before any form is read); a
form's bad input or a service's refusal comes back on the page with nothing changed.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_POST

from rongjia.core.audit import log_export
from rongjia.core.decorators import capability_required
from rongjia.core.errors import StaleVersion
from rongjia.core.exports import export_place, form_filters, xlsx_response
from rongjia.core.pagination import paginate
from rongjia.core.scoping import get_visible_or_404
from rongjia.people.models import Person

from . import services
from .forms_ledger import (
    EndForm,
    HardshipEditForm,
    HardshipFilterForm,
    HardshipForm,
    HelpForm,
    PairingFilterForm,
    PairingForm,
    ReviewForm,
    audit_filters,
    people_named,
    person_chosen,
)
from .models import HardshipEntry, Pairing, PairingHelp
from .selectors import in_region

VIEW, HANDLE = "assistance.view", "assistance.handle"


def _require_handle(user) -> None:
    if not user.can(HANDLE):
        raise PermissionDenied


# --- the ledger -----------------------------------------------------------------------------------------------

@capability_required(VIEW)
def hardship_list(request):
    """The ledger of the viewer's area under validated filters, each entry with its pairings counted."""
    today = timezone.localdate()
    form = HardshipFilterForm(request.GET)
    page, query = paginate(request, in_region(request, form.entries(request.user, today)))
    return render(request, "assistance/hardship_list.html", {"page": page, "query": query, "form": form,
                                                             "today": today})


@require_GET
@capability_required(VIEW)
def hardship_export(request):
    """The list's rows under the same filters, every page, names in full and no ID numbers: an audited export."""
    today = timezone.localdate()
    form = HardshipFilterForm(request.GET)
    entries = in_region(request, form.entries(request.user, today))
    log_export(actor=request.user, source=request.path, rows=entries.count(), filters=audit_filters(form))
    headers = [pgettext("person name", "Name"), _("Station"), _("Kind of hardship"),
               pgettext("hardship level", "Level"), _("Key person in hardship (重点困难对象)"),
               _("People in the household"), _("Household income per month (yuan)"), _("In hardship since"),
               _("Out of hardship on"), _("Next review due"), _("Review overdue"), _("Pairings"), _("Cause")]
    return xlsx_response(filename=f"hardship-{today.isoformat()}.xlsx", title=_("Hardship ledger"), headers=headers,
                         rows=_export_rows(entries, today), filters=form_filters(form),
                         place=export_place(request.user, request.GET.get("region", "")))


def _export_rows(entries, today):
    yes = _("yes")
    for e in entries.iterator(chunk_size=1000):
        overdue = e.review_overdue(today)
        yield (e.person.name, e.station.name, e.kind.name, e.get_level_display(), yes if e.key else "",
               e.household_size, float(e.monthly_income), e.since, e.until, e.review_due, yes if overdue else "",
               e.pairing_count, e.cause)


@capability_required(HANDLE)
def hardship_new(request):
    """Put a person on the ledger; the person comes by id (from the dossier: `?person=ID`), or is found by name."""
    today = timezone.localdate()
    chosen = person_chosen(request.user, request.POST.get("person") or request.GET.get("person"))
    form = HardshipForm(request.POST or None, initial={"person": chosen.pk if chosen else None, "since": today})
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.hardship_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("%(name)s is on the hardship ledger.") % {"name": entry.person.name})
            return redirect("assistance:hardship_detail", pk=entry.pk)
    q = request.GET.get("q", "")
    return render(request, "assistance/hardship_form.html", {
        "form": form, "chosen": chosen, "q": q, "found": people_named(request.user, q), "entry": None},
        status=400 if form.errors else 200)


def _entry(request, pk, queryset=None) -> HardshipEntry:
    queryset = queryset if queryset is not None else HardshipEntry.objects.select_related("person", "station", "kind")
    return get_visible_or_404(queryset, request.user, pk=pk)


@capability_required(VIEW)
def hardship_edit(request, pk):
    entry = _entry(request, pk)
    _require_handle(request.user)
    form = HardshipEditForm(request.POST or None, entry=entry)
    if request.method == "POST" and form.is_valid():
        try:
            services.hardship_update(actor=request.user, entry=entry, version=form.cleaned_data["version"],
                                     **form.changes())
        except (StaleVersion, ValidationError) as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("The entry is saved."))
            return redirect("assistance:hardship_detail", pk=entry.pk)
    return render(request, "assistance/hardship_form.html", {"form": form, "entry": entry},
                  status=400 if form.errors else 200)


@capability_required(VIEW)
def hardship_detail(request, pk):
    entry = _entry(request, pk)
    return render(request, "assistance/hardship_detail.html", _detail(request, entry))


def _detail(request, entry: HardshipEntry, *, review_form=None, pairing_form=None, bound=None) -> dict:
    """The entry's page: its reviews in words, its pairings with the help given, and the forms (one of them bound
    with its errors when a POST was refused: `review_form`, `pairing_form`, or `bound` = {prefix: form})."""
    today, user = timezone.localdate(), request.user
    reviews = list(entry.reviews.select_related("reviewer"))
    helps = PairingHelp.objects.select_related("recorded_by")
    pairings = list(entry.pairings.select_related("helper_person", "created_by")
                    .prefetch_related(Prefetch("help_given", queryset=helps)))
    reachable = _reachable_helpers(user, pairings)
    can_handle, bound = user.can(HANDLE), bound or {}
    for pairing in pairings:
        pairing.help_list = list(pairing.help_given.all())
        pairing.help_total = sum((h.amount for h in pairing.help_list if h.amount is not None), start=0)
        pairing.helper_reachable = pairing.helper_person_id in reachable
        if can_handle and pairing.until is None:
            pairing.help_form = bound.get(f"help{pairing.pk}") or HelpForm(pairing=pairing, today=today)
            pairing.end_form = bound.get(f"end{pairing.pk}") or EndForm(pairing=pairing, today=today)
    open_entry = entry.is_open
    return {
        "entry": entry, "reviews": reviews, "pairings": pairings, "today": today, "can_handle": can_handle,
        "overdue": entry.review_overdue(today),
        "review_form": (review_form or ReviewForm(entry=entry, today=today)) if can_handle and open_entry else None,
        "pairing_form": (pairing_form or PairingForm(today=today)) if can_handle and open_entry else None,
    }


def _reachable_helpers(user, pairings) -> set[int]:
    """The helpers' dossiers this viewer may open (a link only to those): one query."""
    ids = {p.helper_person_id for p in pairings if p.helper_person_id}
    if not ids:
        return set()
    return set(Person.objects.visible_to(user).filter(pk__in=ids).values_list("pk", flat=True))


def _refused(request, entry, **forms):
    return render(request, "assistance/hardship_detail.html", _detail(request, entry, **forms), status=400)


@require_POST
@capability_required(VIEW)
def hardship_review(request, pk):
    """The periodic review: the level found, the findings, the next date or the household out of hardship."""
    entry = _entry(request, pk)
    _require_handle(request.user)
    form = ReviewForm(request.POST, entry=entry, today=timezone.localdate())
    if form.is_valid():
        try:
            services.hardship_review(actor=request.user, entry=entry, **form.cleaned_data)
        except (StaleVersion, ValidationError) as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("The review is recorded."))
            return redirect("assistance:hardship_detail", pk=entry.pk)
    return _refused(request, entry, review_form=form)


@require_POST
@capability_required(VIEW)
def pairing_new(request, pk):
    entry = _entry(request, pk)
    _require_handle(request.user)
    form = PairingForm(request.POST, today=timezone.localdate())
    if form.is_valid():
        try:
            services.pairing_create(actor=request.user, entry=entry, **form.pairing())
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("The pairing is recorded."))
            return redirect("assistance:hardship_detail", pk=entry.pk)
    return _refused(request, entry, pairing_form=form)


def _pairing(request, pk) -> Pairing:
    return get_visible_or_404(Pairing.objects.select_related("entry__person", "entry__station", "entry__kind"),
                              request.user, pk=pk)


@require_POST
@capability_required(VIEW)
def help_new(request, pk):
    """Help given within a pairing: a visit, money, goods, a job, a project."""
    pairing = _pairing(request, pk)
    _require_handle(request.user)
    form = HelpForm(request.POST, pairing=pairing, today=timezone.localdate())
    if form.is_valid():
        try:
            services.help_record(actor=request.user, pairing=pairing, **form.cleaned_data)
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("The help given is recorded."))
            return redirect(f"{_detail_url(pairing)}#pairing-{pairing.pk}")
    return _refused(request, pairing.entry, bound={form.prefix: form})


@require_POST
@capability_required(VIEW)
def pairing_end(request, pk):
    pairing = _pairing(request, pk)
    _require_handle(request.user)
    form = EndForm(request.POST, pairing=pairing, today=timezone.localdate())
    if form.is_valid():
        try:
            services.pairing_end(actor=request.user, pairing=pairing, **form.cleaned_data)
        except (StaleVersion, ValidationError) as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("The pairing has ended."))
            return redirect(f"{_detail_url(pairing)}#pairing-{pairing.pk}")
    return _refused(request, pairing.entry, bound={form.prefix: form})


def _detail_url(pairing) -> str:
    return reverse("assistance:hardship_detail", args=[pairing.entry_id])


# --- pairings -------------------------------------------------------------------------------------------------

@capability_required(VIEW)
def pairing_list(request):
    """Every pairing of the viewer's area, with the help given counted and its worth added up; `?helper_person=`
    gives those a veteran of the dossiers helps in (the other side of a pairing), `?person=` those of a person."""
    form = PairingFilterForm(request.GET)
    page, query = paginate(request, form.pairings(request.user))
    reachable = _reachable_helpers(request.user, page.object_list)
    for pairing in page.object_list:
        pairing.helper_reachable = pairing.helper_person_id in reachable
    filters = form.filters()
    helper = person_chosen(request.user, filters["helper_person"]) if filters["helper_person"] else None
    helped = person_chosen(request.user, filters["person"]) if filters["person"] else None
    return render(request, "assistance/pairing_list.html", {"page": page, "query": query, "form": form,
                                                            "helper": helper, "helped": helped})
