"""Visits, visits owed and the 光荣牌 on the person's dossier and in the 一人一册 booklet (core's registry).

A visit is seen where the person was on the books when it was made: a county that receives a transferred
person does not read the old county's visit notes, which show there only as a count.
"""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rongjia.core.contributions import DossierContribution, Entry
from rongjia.core.history import actor_name
from rongjia.people.timeline import start_of

from .models import DueVisit, Plaque, PlaqueEvent, Visit


def visit_entries(viewer, person, pks):
    visits = (Visit.objects.visible_to(viewer).filter(person_id__in=pks)
              .select_related("recorded_by", "campaign").order_by("-visited_on", "-id")[:200])
    for visit in visits:
        parts = [visit.get_place_display(), visit.findings[:120]]
        if visit.money:
            parts.append(_("%(amount)s yuan from %(fund)s") % {"amount": visit.money, "fund": visit.fund})
        if visit.goods:
            parts.append(visit.goods)
        if visit.campaign:
            parts.append(visit.campaign.name)
        yield Entry(start_of(visit.visited_on), "visit", visit.get_kind_display(),
                    detail=" · ".join(part for part in parts if part), actor=actor_name(visit.recorded_by),
                    link=reverse("visits:visit_detail", args=[visit.pk]))
    owed = DueVisit.objects.visible_to(viewer).filter(person_id__in=pks).order_by("-occurred_on")[:50]
    for due in owed:
        yield Entry(start_of(due.occurred_on), "visit_owed", _("Visit owed: %(occasion)s") % {
            "occasion": due.get_occasion_display()},
            detail=_("met by the visit of %(day)s") % {"day": due.visit.visited_on} if due.visit_id and due.visit
            else _("due by %(day)s") % {"day": due.due_on.isoformat()})
    events = (PlaqueEvent.objects.filter(plaque__in=Plaque.objects.visible_to(viewer).filter(person_id__in=pks))
              .select_related("actor").order_by("-at")[:20])
    for event in events:
        yield Entry(start_of(event.on), "plaque", _("Honour plaque: %(step)s") % {"step": PLAQUE_STEPS.get(
            event.action, event.action)}, detail=event.note, actor=actor_name(event.actor))


def visits_outside(viewer, person, pks) -> int:
    visible = Visit.objects.visible_to(viewer).filter(person_id__in=pks).values("pk")
    return Visit.objects.filter(person_id__in=pks).exclude(pk__in=visible).count()


PLAQUE_STEPS = {"issue": gettext_lazy("issued"), "hang": gettext_lazy("hung with a ceremony"),
                "withdraw": gettext_lazy("withdrawn"), "restore": gettext_lazy("restored")}
OUTSIDE = gettext_lazy("%(count)d more visits to this person were made where they lived before and are not "
                       "shown here.")
DOSSIER = DossierContribution(key="visits", capability="visits.view", entries=visit_entries, outside=visits_outside,
                              outside_label=OUTSIDE, booklet_title=gettext_lazy("Visits and care"), order=40)
