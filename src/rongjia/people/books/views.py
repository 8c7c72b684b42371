"""Pages of the books: timeline, status changes, transfers, duplicates, as-of lists, reveals, full export.

Capability first, then a scoped read (404 outside the scope), then the service in
people.books.services, which checks everything again.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from rongjia.core.audit import log_export
from rongjia.core.decorators import capability_required
from rongjia.core.errors import StaleVersion
from rongjia.core.exports import export_place, form_filters, xlsx_response
from rongjia.core.masking import mask_id_number
from rongjia.core.models import OrgUnit
from rongjia.core.pagination import paginate
from rongjia.core.scoping import code_search_q, covers_code, get_visible_or_404
from rongjia.core.workflow import steps_open_to
from rongjia.core.workflow_picture import draw

from .. import exporting
from ..forms import PersonFilterForm
from ..models import Person, Transfer
from ..timeline import timeline_for
from . import services
from .forms import (
    AsOfForm,
    DecisionForm,
    FullExportForm,
    MergeForm,
    RevealForm,
    StatusChangeForm,
    TransferForm,
    TransferRequestForm,
)
from .selectors import duplicate_groups, incoming_transfers, outgoing_transfers, people_on_books
from .workflows import STATUS, TRANSFER


def _person(request, pk) -> Person:
    return get_visible_or_404(Person.objects.select_related("station"), request.user, pk=pk)


@capability_required("people.view")
def person_timeline(request, pk):
    person = _person(request, pk)
    entries, outside = timeline_for(request.user, person)
    return render(request, "people/_timeline.html", {"person": person, "entries": entries, "outside": outside})


@capability_required("people.edit")
def status_change(request, pk):
    person = _person(request, pk)
    form = StatusChangeForm(request.POST or None, person=person)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.status_change_record(actor=request.user, person=person, kind=data["kind"],
                                          day=data["day"], reason=data["reason"], version=data["version"])
        except (StaleVersion, ValidationError) as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("The change is on the books."))
            return redirect("people:person_detail", pk=person.pk)
    picture = draw(STATUS, current=person.status, allowed=steps_open_to(STATUS, person, request.user))
    return render(request, "people/history_status.html", {"person": person, "form": form, "workflow_picture": picture})


@capability_required("people.edit")
def transfer_propose(request, pk):
    person = _person(request, pk)
    form = TransferForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.transfer_propose(actor=request.user, person=person, reason=form.cleaned_data["reason"],
                                      to_station=form.cleaned_data["to_station"])
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("Transfer proposed; the receiving station decides."))
            return redirect("people:transfer_list")
    return render(request, "people/history_transfer.html", {"person": person, "form": form})


@capability_required("people.view")
def station_options(request):
    """Suggestions for the receiving unit: centres and stations anywhere (the network is not personal data)."""
    q = request.GET.get("to_station", "").strip()
    units = OrgUnit.objects.filter(kind__in=(OrgUnit.Kind.CENTRE, OrgUnit.Kind.STATION))
    units = units.filter(code_search_q("region_code", q)) if q.isdigit() else units.filter(name__contains=q)
    options = units.order_by("region_code")[:20] if len(q) >= 2 else []
    return render(request, "people/_station_options.html", {"units": options})


@capability_required("people.view")
def transfer_list(request):
    direction = "out" if request.GET.get("direction") == "out" else "in"
    transfers = (outgoing_transfers if direction == "out" else incoming_transfers)(request.user)
    state = request.GET.get("state", "")
    if state in Transfer.State.values:  # the workbench opens the proposals awaiting a decision
        transfers = transfers.filter(state=state)
    page, query = paginate(request, transfers)
    for transfer in page.object_list:
        transfer.masked_id = mask_id_number(transfer.person.id_number)
        # the station holding a requested dossier stays unnamed to a requester outside its area (people/on_file.py)
        sender, hidden = transfer.from_station, transfer.requested and transfer.state != Transfer.State.ACCEPTED
        transfer.from_name = _("a station outside your area") if hidden and not covers_code(
            request.user, sender.region_code) else sender.name
    return render(request, "people/history_transfers.html",
                  {"page": page, "query": query, "direction": direction, "state": state,
                   "keep": ("direction", direction),
                   "states": Transfer.State.choices, "decision_form": DecisionForm()})


@require_POST
@capability_required("people.edit")
def transfer_decide(request, pk, action):
    if TRANSFER.step(action) is None:
        raise Http404
    transfer = get_visible_or_404(Transfer.objects.all(), request.user, pk=pk)
    try:
        decided = services.transfer_decide(actor=request.user, transfer=transfer, action=action,
                                           note=request.POST.get("note", ""))
    except PermissionDenied:
        raise Http404 from None  # the wrong end of the transfer: as if it were not there
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("Transfer: %(state)s.") % {"state": decided.get_state_display()})
    sender = TRANSFER.step(action).above == "sender"  # the list the decider came from
    return redirect(f"{reverse('people:transfer_list')}?direction={'out' if sender else 'in'}")


@require_POST
@capability_required("people.edit")
def transfer_request(request):
    """转入申请, from the registration page that found the number on file outside the worker's area."""
    form = TransferRequestForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            services.transfer_request(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, _("Transfer requested: the station that holds the dossier decides."))
            return redirect(f"{reverse('people:transfer_list')}?direction=in&state={Transfer.State.REQUESTED}")
    else:
        messages.error(request, "；".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("people:person_register")


@capability_required("people.view")
def duplicates(request):
    groups = duplicate_groups(request.user)
    for group in groups:
        for person in group:
            person.masked_id = mask_id_number(person.id_number)
    return render(request, "people/history_duplicates.html", {"groups": groups})


@capability_required("people.merge")
def merge(request, pk):
    person = _person(request, pk)
    group = list(Person.objects.visible_to(request.user).filter(id_hash=person.id_hash).select_related("station"))
    if len(group) < 2:
        raise Http404
    form = MergeForm(request.POST or None, group=group)
    if request.method == "POST" and form.is_valid():
        survivor = next(p for p in group if p.pk == form.cleaned_data["survivor"])
        try:
            for duplicate in (p for p in group if p.pk != survivor.pk):
                services.person_merge(actor=request.user, survivor=survivor, duplicate=duplicate)
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("Records merged into the one kept."))
            return redirect("people:person_detail", pk=survivor.pk)
    return render(request, "people/history_merge.html", {"group": group, "form": form, "person": person})


@require_POST
@capability_required("people.reveal")
def reveal(request, pk):
    person = _person(request, pk)
    form = RevealForm(request.POST)
    if not form.is_valid():  # htmx swaps only 2xx answers: the form comes back with its error in place
        context = {"person": person, "form": form, "field": request.POST.get("field", "id_number"),
                   "member_id": request.POST.get("member_id", "")}
        return render(request, "people/_reveal.html", context, status=200 if request.htmx else 422)
    value = services.person_reveal(actor=request.user, person=person, **form.cleaned_data)
    return render(request, "people/_reveal.html", {"person": person, "value": value or "—"})


def _as_of_form(request) -> AsOfForm:
    """The day from `?day=` (the form's own field) or `?date=` (how links elsewhere may spell it)."""
    data = request.GET.copy()
    if "day" not in data and "date" in data:
        data["day"] = data.pop("date")[-1]
    return AsOfForm(data or None)


@capability_required("people.view")
def as_of(request):
    form = _as_of_form(request)
    page, query = None, ""
    if form.is_valid():
        page, query = paginate(request, people_on_books(request.user, form.cleaned_data["day"]), capped=True)
        for row in page.object_list:
            row.masked_id = mask_id_number(row.person.id_number)
    return render(request, "people/history_as_of.html", {"form": form, "page": page, "query": query})


@capability_required("people.view")
def as_of_export(request):
    form = _as_of_form(request)
    if not form.is_valid():
        raise Http404
    books, day = people_on_books(request.user, form.cleaned_data["day"]), form.cleaned_data["day"].isoformat()
    log_export(actor=request.user, source=request.path, rows=books.count(), filters=f"day={day}")
    rows = ((row.person.name, mask_id_number(row.person.id_number), row.station.name, row.get_kind_display(),
             row.date) for row in books.iterator(chunk_size=2000))
    return xlsx_response(filename=f"people-{day}.xlsx", title=_("On the books on %(day)s") % {"day": day},
                         headers=[pgettext("person name", "Name"), _("ID number"), _("Station"), _("Latest change"),
                                  _("Date")], rows=rows, place=export_place(request.user), filters=form_filters(form))


@capability_required("people.export_full")
def export_full(request):
    """The list's rows with full ID numbers and phones: asked for with a purpose, and recorded."""
    form = FullExportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        today, filters = timezone.localdate(), PersonFilterForm.from_query(request.GET)
        people = filters.people(request.user, today)
        log_export(actor=request.user, source=request.path, rows=people.count(), filters=filters.audit_query(),
                   full=True, reason=form.cleaned_data["reason"])
        return xlsx_response(filename="people-full.xlsx", title=_("Served people"), headers=exporting.headers(),
                             rows=exporting.rows(people, today, full=True), filters=form_filters(filters),
                             place=export_place(request.user, filters.filters()["region"] or ""))
    return render(request, "people/history_export_full.html", {"form": form, "query": request.GET.urlencode()})
