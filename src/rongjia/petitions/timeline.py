"""Petitions on the petitioner's dossier timeline (registered in PetitionsConfig.ready)."""

from django.urls import reverse

from rongjia.people.timeline import Entry, start_of

from .models import Petition
from .workflow import STATES


def petition_entries(person, pks):
    """Each petition the person lodged (found by the dossier link on its petitioners)."""
    petitions = Petition.objects.filter(petitioners__person_id__in=pks).distinct().select_related("unit")
    for petition in petitions:
        yield Entry(start_of(petition.registered_on), "petition",
                    f"信访：{petition.subject}（{STATES.get(petition.state, petition.state)}）",
                    petition.unit.name, link=reverse("petitions:petition_detail", args=[petition.pk]))
