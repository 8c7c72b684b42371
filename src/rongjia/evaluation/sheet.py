"""A score sheet as it is read: items under their groups, each group's points of its possible, and the words of
a move in stars (what was lost since the period before)."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from .models import Score


@dataclass
class Group:
    name: str
    items: list[dict] = field(default_factory=list)

    @property
    def points(self) -> Decimal:
        return sum((Decimal(item["points"]) for item in self.items if item["points"] is not None), Decimal(0))

    @property
    def possible(self) -> Decimal:
        return sum((Decimal(item["weight"]) for item in self.items if item["points"] is not None), Decimal(0))


def sheet_groups(score: Score) -> list[Group]:
    groups: dict[str, Group] = {}
    for item in score.items:
        groups.setdefault(item["group"], Group(item["group"])).items.append(item)
    return list(groups.values())


def change_in_words(score: Score, previous: Score | None) -> str:
    """Why the stars moved: the items that earned fewer points than in the period before."""
    if score.change is None or score.change == 0:
        return ""
    if previous is None:
        return ""
    before = {item["name"]: item for item in previous.items}
    lost = []
    for item in score.items:
        old = before.get(item["name"])
        if old and old["points"] is not None and item["points"] is not None and \
                Decimal(item["points"]) < Decimal(old["points"]):
            lost.append(_("%(item)s %(before)s → %(now)s") % {"item": item["name"], "before": old["points"],
                                                               "now": item["points"]})
    if score.change < 0:
        head = _("Down %(n)d star(s) since the last period (%(before)s → %(now)s points).") % {
            "n": -score.change, "before": previous.points, "now": score.points}
    else:
        head = _("Up %(n)d star(s) since the last period (%(before)s → %(now)s points).") % {
            "n": score.change, "before": previous.points, "now": score.points}
    return head + (" " + _("Fewer points for: %(items)s.") % {"items": "；".join(lost)} if lost else "")
