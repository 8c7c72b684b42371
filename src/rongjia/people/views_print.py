"""Printables: 服务联系卡 (8 to an A4 sheet, with a QR code to the station's page) and the 一人一册 booklet.

One person's card is made at once; the list's batch of cards is a background job (people.files) whose
page offers the PDF. ID numbers and phones of served people are printed masked; the booklet is a
sensitive read and is recorded in the audit log, the batch as a bulk export when it is made.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from rongjia.core import contributions
from rongjia.core.audit import log_access
from rongjia.core.decorators import capability_required
from rongjia.core.masking import mask_id_number, mask_phone
from rongjia.core.scoping import get_visible_or_404

from . import files, selectors, timeline
from .forms import PersonFilterForm
from .models import Person
from .printing import card_entries, cards_pdf, image_data_uri, pdf_response, render_pdf


@capability_required("people.view")
def person_card(request, pk):
    person = get_visible_or_404(Person.objects.select_related("station"), request.user, pk=pk)
    base_url = request.build_absolute_uri("/")
    pdf = cards_pdf(card_entries([person], base_url), base_url=base_url)
    return pdf_response(pdf, f"服务联系卡-{person.name}.pdf", ascii_name=f"card-{person.pk}.pdf")


@require_safe
@capability_required("people.view")
def list_outputs(request):
    """The list's card and export buttons with what each will make said on them (fetched by the list after it
    shows, so the list itself counts no more than before): cards and pages or the cap, rows and whether the
    file is made in the background."""
    filters, today = PersonFilterForm.from_query(request.GET), timezone.localdate()
    return render(request, "people/_list_outputs.html", {
        "query": filters.query(), "cards": files.cards_offer(request.user, filters, today),
        "export": files.export_offer(request.user, filters, today), "most_cards": files.MAX_CARDS})


@require_POST
@capability_required("people.view")
def cards_start(request):
    """The cards of the list's people on the books, under its filters, made as a background job; its page
    offers the PDF. Over the cap, or nobody: back to the list with the reason, nothing queued."""
    filters = PersonFilterForm.from_query(request.GET)
    try:
        job = files.cards_start(actor=request.user, filters=filters, source=request.path,
                                base_url=request.build_absolute_uri("/"))
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect(f"{reverse('people:person_list')}?{filters.query()}")
    return redirect("core:file_job", pk=job.pk)


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
