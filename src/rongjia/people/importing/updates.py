"""Applying the differences the uploader accepted to a person already on file, through the person services.

Each accepted field goes through `person_update` (scoped, audited, version-checked against the
version the check saw) or `category_span_add`, so an import's updates read on the person's history
like any edit. A person edited since the check is left alone and the row says why.
"""

import json

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from rongjia.core.errors import StaleVersion
from rongjia.core.models import Region

from ..models import Category
from ..services import person_update
from ..services_records import category_span_add


def apply_update(actor, own, verdict) -> str:
    """"" when applied, or why not (in the uploader's words)."""
    values = verdict.clean.values
    accepted = set(own.accepted)
    fields = {key: values[key] for key in accepted
              if key not in ("address_region", "categories") and values.get(key) not in (None, "")}
    if "address_region" in accepted and verdict.place is not None:
        fields["address_region"] = Region.objects.get(pk=verdict.place.region_id)
    version = json.loads(own.data or "{}").get("version")
    try:
        person = verdict.person
        if fields:
            person = person_update(actor=actor, person=person, version=version, **fields)
        if "categories" in accepted:
            held = {span.category_id for span in person.category_spans.all() if span.end_date is None}
            start = values.get("category_start") or values.get("registered_on") or timezone.localdate()
            for category in Category.objects.filter(pk__in=values.get("categories") or ()).exclude(pk__in=held):
                category_span_add(actor=actor, person=person, category=category, start_date=start)
    except (Http404, PermissionDenied):
        return _("The person is no longer in your area: not updated.")
    except StaleVersion:
        return _("The person's record was changed after the check: check the file again before updating it.")
    except ValidationError as exc:
        return "；".join(exc.messages)
    return ""
