"""The reference lists of the dossiers (categories, needs and tags), kept by the system administrator.

Entries are never deleted (dossiers point at them); one that is no longer used is switched off.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from rongjia.core.audit import audit_actor

from .models import Category, Tag

REFERENCE_MODELS = {"category": Category, "tag": Tag}


def reference_save(*, actor, kind: str, fields: dict, entry_id: int | None = None):
    if not actor.can("reference.manage"):
        raise PermissionDenied
    model = REFERENCE_MODELS[kind]
    with transaction.atomic(), audit_actor(actor):
        entry = model() if entry_id is None else model.objects.select_for_update().get(pk=entry_id)
        for name, value in fields.items():
            setattr(entry, name, value.strip() if isinstance(value, str) else value)
        clash = model.objects.filter(name=entry.name).exclude(pk=entry.pk)
        if kind == "tag":
            clash = clash.filter(kind=entry.kind)
        if clash.exists():
            raise ValidationError({"name": _("An entry with this name exists already.")})
        entry.full_clean()
        entry.save()
    return entry
