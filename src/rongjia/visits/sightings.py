"""The visits that saw a person in person (at home, at the station, in hospital), for life certification through
core's `sightings` (registered in VisitsConfig.ready): a call by phone is not a sighting."""

from datetime import date

from django.db.models import Max
from django.utils.translation import gettext_lazy as _

from rongjia.core.scoping import subtree_q
from rongjia.core.sightings import Sightings

from .models import Visit

IN_PERSON = (Visit.Place.HOME, Visit.Place.STATION, Visit.Place.HOSPITAL)


def seen_in_person(prefix: str, since: date) -> dict[int, date]:
    visits = Visit.objects.filter(subtree_q("region_code", prefix), visited_on__gte=since, place__in=IN_PERSON)
    return dict(visits.values("person_id").annotate(latest=Max("visited_on")).values_list("person_id", "latest"))


SIGHTINGS = Sightings(key="visits", label=_("a visit in person"), latest=seen_in_person)
