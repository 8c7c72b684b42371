"""The reference lists of the dossiers (categories, needs and tags), kept by a system administrator at
province level: the lists are the same for every county (core.services.edits_country_wide_reference).

Entries are never deleted (dossiers point at them); one that is no longer used is switched off.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from rongjia.core.audit import audit_actor
from rongjia.core.services import refuse_unless_country_wide
from rongjia.core.validators import validate_reference_name

from .models import Category, Tag

REFERENCE_MODELS = {"category": Category, "tag": Tag}


def reference_save(*, actor, kind: str, fields: dict, entry_id: int | None = None):
    refuse_unless_country_wide(actor)
    model = REFERENCE_MODELS[kind]
    with transaction.atomic(), audit_actor(actor):
        entry = model() if entry_id is None else model.objects.select_for_update().get(pk=entry_id)
        for name, value in fields.items():
            setattr(entry, name, value.strip() if isinstance(value, str) else value)
        validate_reference_name(entry.name, field="name")  # names go into the ledger template's lists
        clash = model.objects.filter(name=entry.name).exclude(pk=entry.pk)
        if kind == "tag":
            clash = clash.filter(kind=entry.kind)
        if clash.exists():
            raise ValidationError({"name": _("An entry with this name exists already.")})
        entry.full_clean()
        entry.save()
    return entry
