"""Files on a petition: checked by their content, stored under a random name, removed with audit."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from rongjia.core.audit import audit_actor
from rongjia.core.scoping import get_visible_or_404
from rongjia.core.uploads import checked_document

from .models import Petition, PetitionAttachment

MAX_FILES_PER_PETITION = 30


def attachment_add(*, actor, petition: Petition, kind: str, upload) -> PetitionAttachment:
    if not actor.can("petitions.handle"):
        raise PermissionDenied
    if kind not in PetitionAttachment.Kind.values:
        raise ValidationError({"kind": _("Choose what the file is.")})
    content_type = checked_document(upload, field="file")
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
