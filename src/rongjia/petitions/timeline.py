"""Petitions on the petitioner's dossier timeline (registered in PetitionsConfig.ready): every step of
every petition the person lodged, legal aid included."""

from django.urls import reverse

from rongjia.people.timeline import Entry

from .models import PetitionEvent
from .workflow import ACTION_LABELS


def petition_entries(person, pks):
    """Found through the dossier link on the petitioners; one entry per recorded step."""
    events = (PetitionEvent.objects.filter(petition__petitioners__person_id__in=pks).distinct()
              .select_related("petition__unit", "actor").order_by("-at")[:200])
    for event in events:
        petition = event.petition
        yield Entry(event.at, "petition", f"信访{ACTION_LABELS.get(event.action, event.action)}：{petition.subject}",
                    detail=" · ".join(part for part in (petition.unit.name, event.note) if part),
                    actor=str(event.actor or ""),
                    link=reverse("petitions:petition_detail", args=[petition.pk]))
