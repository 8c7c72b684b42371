"""The network's measures for the star evaluation (core.measures): a unit's 五有 with their evidence, its staff and
area against the standard in force, and its staff trained in the year. Each reads a unit's own facts (its staff
directory, its checklist), for any number of units in a fixed number of queries."""

from datetime import date

from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rongjia.core.measures import Measure, Reading, share

from .facts import unit_facts
from .models import StaffMember
from .training import trained_q

_last_batch: tuple = (None, None, {})  # the batch (the list itself), its day, its facts


def _facts(units, until: date) -> dict:
    """The batch's facts, read once for the two measures that use them: a run passes the same list to both. Only
    that very list is answered from memory (held here, so no other list can take its place), so a station scored
    again after a change, in a list of its own, reads its facts afresh. The tuple is replaced whole, so a thread
    never reads another's facts."""
    global _last_batch
    batch = _last_batch
    if batch[0] is not units or batch[1] != until:
        batch = (units, until, unit_facts(list(units), on=until))
        _last_batch = batch
    return batch[2]


def five_haves(viewer, units, since: date, until: date) -> dict[int, Reading]:
    readings = {}
    for pk, facts in _facts(units, until).items():
        if not facts.five_have:
            continue
        missing = "、".join(item.name for item in facts.five_have_missing)
        text = _("%(met)d of %(total)d 五有 items met with evidence") % {"met": facts.five_have_met,
                                                                    "total": len(facts.five_have)}
        if missing:
            text += _("; missing: %(items)s") % {"items": missing}
        readings[pk] = Reading(share(facts.five_have_met, len(facts.five_have)), text,
                               {"met": facts.five_have_met, "items": len(facts.five_have)})
    return readings


def standard(viewer, units, since: date, until: date) -> dict[int, Reading]:
    """Of the standard's requirements (area, staff, full-time staff), the share the unit meets."""
    readings = {}
    for pk, facts in _facts(units, until).items():
        s = facts.standard
        if s is None:
            continue
        required = sum(value is not None for value in (s.min_area_m2, s.min_staff, s.min_full_time_staff))
        if not required:
            continue
        met = required - len(facts.shortfalls)
        text = (_("%(met)d of %(required)d requirements of the standard met") % {"met": met, "required": required})
        if facts.shortfalls:
            text += "：" + "；".join(facts.shortfalls)
        readings[pk] = Reading(share(met, required), text, {"met": met, "required": required,
                                                            "staff": facts.staff, "full_time": facts.full_time})
    return readings


def training(viewer, units, since: date, until: date) -> dict[int, Reading]:
    """The unit's staff in post at the end of the period with a training record in its year."""
    by_unit = {u.pk: u for u in units}
    rows = (StaffMember.objects.visible_to(viewer).filter(unit_id__in=by_unit, active=True)
            .values("unit_id").annotate(staff=Count("id"), trained=Count("id", filter=trained_q(until.year)))
            .order_by())
    words = _("%(trained)d of %(staff)d staff trained in %(year)d")
    return {row["unit_id"]: Reading(share(row["trained"], row["staff"]), words % {**row, "year": until.year},
                                    {"trained": row["trained"], "staff": row["staff"]})
            for row in rows}


MEASURES = [
    Measure("network.five_haves", gettext_lazy("五有 met with evidence"), five_haves, order=10,
            help=gettext_lazy("Share of the unit's 五有 items met with their evidence at the end of the period.")),
    Measure("network.standard", gettext_lazy("Staff and area against the standard"), standard, order=11,
            help=gettext_lazy("Share of the standard's requirements (area, staff, full-time staff) met.")),
    Measure("network.training", gettext_lazy("Staff trained this year"), training, order=12,
            help=gettext_lazy("Share of the unit's staff in post with a training record in the period's year.")),
]
