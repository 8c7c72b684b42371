"""People as ledger rows, in the template's columns: what `export_people` writes and import reads back."""

from django.db.models import Min, Q
from django.utils import timezone

from rongjia.core.masking import mask_id_number, mask_phone

from ..models import StatusChange
from ..selectors import current_categories


def ledger_rows(people, *, full: bool = False):
    """One list per person in COLUMNS order; ID numbers and phones masked unless `full`."""
    today = timezone.localdate()
    people = (people.select_related("address_region").prefetch_related(current_categories(today))
              .annotate(registered_on=Min("status_changes__date",
                                          filter=Q(status_changes__kind=StatusChange.Kind.NEW))))
    for person in people.iterator(chunk_size=2000):
        spans = person.current_spans
        yield [person.name, person.id_number if full else mask_id_number(person.id_number),
               person.phone if full else mask_phone(person.phone), person.address_region.code, person.address_detail,
               person.get_ethnicity_display(), person.get_political_status_display(),
               person.get_education_display() if person.education else "", person.health,
               "、".join(span.category.name for span in spans),
               min((span.start_date for span in spans), default=None), person.registered_on]


