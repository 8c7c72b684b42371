"""Petitions on the petitioner's dossier (a contribution to core's registry, registered in PetitionsConfig.ready):
every step of every petition the person lodged that the viewer may open, legal aid included.

A petition is seen by its responsible unit and the centres above it, nothing else: a village worker
does not read a 检举控告 the county handles, even about a person of the village, and the county that
receives a transferred person does not read the old county's petitions. Those show only as a count.
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from rongjia.core.contributions import DossierContribution, Entry

from .models import Petition, PetitionEvent
from .workflow import ACTION_LABELS


def _linked(pks):
    return Petition.objects.filter(petitioners__person_id__in=pks)


def petition_entries(viewer, person, pks):
    """One entry per recorded step of the petitions the viewer may open."""
    visible = _linked(pks).visible_to(viewer).values("pk")
    events = (PetitionEvent.objects.filter(petition__in=visible)
              .select_related("petition__unit", "actor").order_by("-at")[:200])
    for event in events:
        petition = event.petition
        yield Entry(event.at, "petition", f"信访{ACTION_LABELS.get(event.action, event.action)}：{petition.subject}",
                    detail=" · ".join(part for part in (petition.unit.name, event.note) if part),
                    actor=str(event.actor or ""),
                    link=reverse("petitions:petition_detail", args=[petition.pk]))


def petitions_outside(viewer, person, pks) -> int:
    """Petitions linked to the person that the viewer may not open: a number, nothing more."""
    visible = _linked(pks).visible_to(viewer).values("pk")
    return _linked(pks).exclude(pk__in=visible).values("pk").distinct().count()


OUTSIDE = _("%(count)d more petitions about this person are handled outside your area and are not shown here.")
DOSSIER = DossierContribution(key="petitions", capability="petitions.view", entries=petition_entries,
                              outside=petitions_outside, outside_label=OUTSIDE, booklet_title=_("Petitions"), order=50)
