"""Files on a petition: checked by their content, stored under a random name, removed with audit."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from rongjia.core.audit import audit_actor
from rongjia.core.scoping import get_visible_or_404
from rongjia.core.uploads import image_open, refuse_if_too_big

from .models import Petition, PetitionAttachment

# The first bytes of the formats a scanned letter or a signed reply comes in; the name proves nothing.
SIGNATURES = {b"%PDF-": "application/pdf", b"\xff\xd8\xff": "image/jpeg", b"\x89PNG\r\n\x1a\n": "image/png"}
MAX_FILES_PER_PETITION = 30


def sniff_content_type(head: bytes) -> str | None:
    return next((kind for magic, kind in SIGNATURES.items() if head.startswith(magic)), None)


def attachment_add(*, actor, petition: Petition, kind: str, upload) -> PetitionAttachment:
    if not actor.can("petitions.handle"):
        raise PermissionDenied
    if kind not in PetitionAttachment.Kind.values:
        raise ValidationError({"kind": _("Choose what the file is.")})
    refuse_if_too_big(upload, field="file")
    if upload.size == 0:
        raise ValidationError({"file": _("The file is empty.")})
    content_type = sniff_content_type(upload.read(16))
    upload.seek(0)
    if content_type is None:
        raise ValidationError({"file": _("Attach a PDF, JPEG or PNG file.")})
    if content_type.startswith("image/"):  # stored as it came, but opened by whoever downloads it
        image_open(upload, unreadable=_("Attach a PDF, JPEG or PNG file."), field="file")
        upload.seek(0)
    with transaction.atomic(), audit_actor(actor):
        owner = get_visible_or_404(Petition.objects.select_for_update(), actor, pk=petition.pk)
        if owner.attachments.count() >= MAX_FILES_PER_PETITION:
            raise ValidationError({"file": _("A petition holds at most %(n)d files.") % {"n": MAX_FILES_PER_PETITION}})
        attachment = PetitionAttachment(petition=owner, kind=kind, name=(upload.name or "file")[-120:],
                                        content_type=content_type, size=upload.size, uploaded_by=actor)
        attachment.file.save("upload", upload, save=False)  # attachment_path picks the real, random name
        attachment.save()
    return attachment


def attachment_remove(*, actor, attachment: PetitionAttachment) -> None:
    if not actor.can("petitions.handle"):
        raise PermissionDenied
    with transaction.atomic(), audit_actor(actor):
        found = get_visible_or_404(PetitionAttachment.objects.all(), actor, pk=attachment.pk)
        stored = found.file.name
        found.delete()
        transaction.on_commit(lambda: found.file.storage.delete(stored))
