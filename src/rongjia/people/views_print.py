"""Printables: 服务联系卡 (8 to an A4 sheet, with a QR code to the station's page) and the 一人一册 booklet.

ID numbers and phones of served people are printed masked; the booklet is a sensitive read and
is recorded in the audit log.
"""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from rongjia.core import contributions
from rongjia.core.audit import log_access, log_export
from rongjia.core.decorators import capability_required
from rongjia.core.masking import mask_id_number, mask_phone
from rongjia.core.scoping import get_visible_or_404
from rongjia.network.models import StaffMember

from . import selectors, timeline
from .forms import PersonFilterForm
from .models import Person
from .printing import image_data_uri, pdf_response, qr_svg, render_pdf

MAX_CARDS = 2000  # 250 pages: beyond that, print station by station


def _cards(request, people) -> list[dict]:
    """One card per household: the person, the station, its worker and a QR code to the station's page."""
    stations, cards = {}, []
    for person in people:
        station = person.station
        if station.pk not in stations:
            worker = StaffMember.objects.filter(unit=station, active=True).first()
            url = request.build_absolute_uri(reverse("network:station_detail", args=[station.pk]))
            stations[station.pk] = {"station": station, "worker": worker, "qr": qr_svg(url),
                                    "worker_phone": worker.phone if worker else ""}
        cards.append({"person": person, **stations[station.pk]})
    return cards


def _sheet_refusal(count: int) -> str:
    """Why a sheet of `count` cards is not printed, or "" when it is."""
    if count > MAX_CARDS:
        return _("More than %(n)d people: narrow the list (e.g. to one station) to print their cards.") % {
            "n": MAX_CARDS}
    return "" if count else _("No one on the books in this list: there is no card to print.")  # not a blank page


def _pages(cards: list[dict], size: int = 8) -> list[list[dict]]:
    return [cards[i:i + size] for i in range(0, len(cards), size)]


@capability_required("people.view")
def person_card(request, pk):
    person = get_visible_or_404(Person.objects.select_related("station"), request.user, pk=pk)
    pdf = render_pdf(request, "people/print_cards.html", {"pages": _pages(_cards(request, [person]))})
    return pdf_response(pdf, f"服务联系卡-{person.name}.pdf", ascii_name=f"card-{person.pk}.pdf")


@capability_required("people.view")
def cards_sheet(request):
    """Cards for the list's people under its filters, 8 to a page, station by station."""
    filters = PersonFilterForm.from_query(request.GET)
    people = filters.people(request.user, timezone.localdate())
    people = people.filter(status=Person.Status.ACTIVE).order_by("station__region_code", "name_initials", "id")
    count = people.count()
    if problem := _sheet_refusal(count):
        messages.error(request, problem)
        return redirect(f"{reverse('people:person_list')}?{request.GET.urlencode()}")
    log_export(actor=request.user, source=request.path, rows=count, filters=filters.audit_query())  # a bulk print
    pdf = render_pdf(request, "people/print_cards.html", {"pages": _pages(_cards(request, people))})
    return pdf_response(pdf, "服务联系卡.pdf", ascii_name="cards.pdf")


@capability_required("people.view")
def booklet(request, pk):
    """一人一册: the whole dossier on paper, for a priority person's visits."""
    person = get_visible_or_404(Person.objects.select_related("station", "address_region"), request.user, pk=pk)
    parts = selectors.dossier_parts(person)
    context = {"person": person, "masked_id": mask_id_number(person.id_number), **parts,
               "masked_phone": mask_phone(person.phone),
               "address": "".join(region.name for region in person.address_region.lineage()),
               "changes": person.status_changes.select_related("station"),
               "printed_at": timezone.localtime(), "printed_by": request.user,
               "photo": image_data_uri(person.photo),
               # Each module's section (petitions, visits…) as this viewer may see it: core's registry.
               "sections": [section for section in contributions.dossier_sections(request.user, person,
                                                                                   timeline.person_pks(person))
                            if section.key != timeline.DOSSIER.key]}
    pdf = render_pdf(request, "people/print_booklet.html", context)
    log_access(actor=request.user, obj=person, what="booklet", reason=_("一人一册 printed"))
    return pdf_response(pdf, f"一人一册-{person.name}.pdf", ascii_name=f"booklet-{person.pk}.pdf")
