"""A petition's files and printed documents: upload, download and remove an attachment; print the
告知书 or 意见书 of a step."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rongjia.core.decorators import capability_required
from rongjia.core.scoping import get_visible_or_404
from rongjia.people.printing import pdf_response, render_pdf

from . import services_files
from .documents import DOCUMENTS
from .forms import AttachmentForm
from .models import Petition, PetitionAttachment


def _petition(request, pk) -> Petition:
    return get_visible_or_404(Petition.objects.select_related("unit"), request.user, pk=pk)


def report(request, form, success: str) -> None:
    """Steps posted from the petition page report back on it: what was done, or why nothing was."""
    if form.errors:
        for error in (e for errors in form.errors.values() for e in errors):
            messages.error(request, error)
    else:
        messages.success(request, success)


@require_POST
@capability_required("petitions.handle")
def attachment_upload(request, pk):
    petition = _petition(request, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services_files.attachment_add(actor=request.user, petition=petition, kind=form.cleaned_data["kind"],
                                          upload=form.cleaned_data["file"])
        except ValidationError as exc:
            form.add_service_error(exc)
    report(request, form, _("File attached."))
    return redirect("petitions:petition_detail", pk=petition.pk)


@capability_required("petitions.view")
def attachment_download(request, pk, attachment_pk):
    """Files only through this scoped view: MEDIA_ROOT is never served directly."""
    petition = _petition(request, pk)
    attachment = get_object_or_404(PetitionAttachment, petition=petition, pk=attachment_pk)
    try:
        handle = attachment.file.open("rb")
    except OSError:
        raise Http404 from None
    response = FileResponse(handle, content_type=attachment.content_type, as_attachment=True,
                            filename=attachment.name)
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@capability_required("petitions.handle")
def attachment_remove(request, pk, attachment_pk):
    petition = _petition(request, pk)
    attachment = get_object_or_404(PetitionAttachment, petition=petition, pk=attachment_pk)
    services_files.attachment_remove(actor=request.user, attachment=attachment)
    messages.success(request, _("File removed."))
    return redirect("petitions:petition_detail", pk=petition.pk)


@capability_required("petitions.view")
def document_pdf(request, pk, event_pk):
    """The 告知书/意见书 of one step, printed from what the step recorded."""
    petition = _petition(request, pk)
    event = get_object_or_404(petition.events.select_related("actor"), pk=event_pk, action__in=DOCUMENTS)
    document = DOCUMENTS[event.action]
    context = {"petition": petition, "event": event, "document": document,
               "petitioners": petition.petitioners.all(), "outcome": dict(Petition.Outcome.choices).get(
                   event.data.get("outcome", ""), ""), "reply_text": event.data.get("reply_text", ""),
               "extended_due": parse_date(event.data.get("due") or "")}
    pdf = render_pdf(request, "petitions/document_pdf.html", context)
    return pdf_response(pdf, f"{document.title}-{petition.pk}.pdf", ascii_name=f"petition-{petition.pk}.pdf")
