"""Whom a task goes to: the units of the assigner's subtree chosen by level, by list or by a filter ("stations below
standard"), optionally inside one region below. The same choice is stored with a standing menu and made again for
each of its instances, so a station opened since gets next month's."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from rongjia.core.models import OrgUnit
from rongjia.core.regions import LEVEL_CHOICES
from rongjia.core.scoping import code_in_subtree, scope_prefix, subtree_q
from rongjia.network.facts import filter_by_facts

MAIN_KINDS = (OrgUnit.Kind.CENTRE, OrgUnit.Kind.STATION)


@dataclass
class Target:
    levels: list[int] = field(default_factory=list)
    units: list[int] = field(default_factory=list)
    below_standard: bool = False
    region: str = ""  # a region prefix inside the assigner's subtree ("" = the whole subtree)

    @classmethod
    def from_json(cls, data: dict) -> "Target":
        return cls(levels=[int(x) for x in data.get("levels", [])], units=[int(x) for x in data.get("units", [])],
                   below_standard=bool(data.get("below_standard")), region=str(data.get("region", "")))

    def as_json(self) -> dict:
        return {"levels": self.levels, "units": self.units, "below_standard": self.below_standard,
                "region": self.region}


def chosen_units(actor, target: Target):
    """The units (a queryset, ordered by code) the target names, below the actor's own unit; refuses an empty choice."""
    prefix = scope_prefix(actor)
    if prefix is None or actor.org_unit is None:
        raise ValidationError(_("Your account belongs to no unit."))
    if target.region and not (target.region.isdigit() and code_in_subtree(target.region, prefix)):
        raise ValidationError({"region": _("The region must lie inside your area.")})
    if not target.levels and not target.units:
        raise ValidationError({"levels": _("Choose the levels or the units the task goes to.")})
    units = OrgUnit.objects.visible_to(actor).exclude(pk=actor.org_unit_id).filter(level__gt=actor.org_unit.level)
    if target.region:
        units = units.filter(subtree_q("region_code", target.region))
    if target.units:
        picked = units.filter(pk__in=target.units)
        if picked.count() != len(set(target.units)):
            raise ValidationError({"units": _("Some of the chosen units are not below you.")})
        units = picked
    else:
        units = units.filter(level__in=target.levels, kind__in=MAIN_KINDS)
    if target.below_standard:
        units = filter_by_facts(actor, units, below_standard=True)
    units = units.order_by("region_code", "id")
    if not units.exists():
        raise ValidationError({"levels": _("No unit below you matches this choice.")})
    return units


def describe(target: Target, count: int) -> str:
    """The choice in words, as the task shows it."""
    levels = dict(LEVEL_CHOICES)
    if target.units:
        words = _("%(count)d chosen units") % {"count": count}
    else:
        words = "、".join(str(levels[level]) for level in sorted(target.levels))
    if target.below_standard:
        words = _("%(units)s below standard") % {"units": words}
    if target.region:
        words = _("%(units)s in %(region)s") % {"units": words, "region": target.region}
    return _("%(units)s (%(count)d)") % {"units": words, "count": count}
