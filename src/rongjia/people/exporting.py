"""The rows of a people export: the list's columns, every page, masked unless asked for in full.

A full-value export is a separate, audited action (people.export_full); this module only shapes
the rows, so the masked and the full export can never drift apart.
"""

from datetime import date

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from rongjia.core.masking import mask_id_number, mask_phone


def age_on(birth: date, today: date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def headers() -> list[str]:
    return [pgettext("person", "Name"), _("Sex"), _("Date of birth"), _("Age"), _("ID number"), _("Phone"),
            _("Station"), _("Categories"), _("Status"), _("Address region"), _("Address")]


def rows(people, today: date, *, full: bool = False):
    """One tuple per person; `people` must prefetch current_spans (see selectors.current_categories)."""
    for p in people.iterator(chunk_size=2000):  # the categories are prefetched per chunk
        id_number = p.id_number if full else mask_id_number(p.id_number)
        phone = p.phone if full else mask_phone(p.phone)
        yield (p.name, p.get_sex_display(), p.birth_date, age_on(p.birth_date, today), id_number, phone,
               p.station.name, "、".join(span.category.name for span in p.current_spans), p.get_status_display(),
               p.address_region.name, p.address_detail)
