"""The contact rules a station follows: the strictest of every regime at or above it.

A centre sets the regime for its subtree; a lower level may tighten it (more contacts, fewer days to a
必访 visit) but not loosen it (decision 0013). The rule with no regime anywhere is the seeds' floor:
priority people contacted once a quarter and visited at home once a year, everyone else once a year,
a 必访 visit within 7 days.
"""

from dataclasses import dataclass, replace
from datetime import date

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rongjia.core.scoping import ancestor_prefixes, code_in_subtree

from .models import Regime

# The numbers a regime sets, and whether "more" (True) or "fewer" (False) is the stricter.
STRICTER_IS_MORE = {
    "priority_contacts_per_quarter": True,
    "priority_home_visits_per_year": True,
    "other_contacts_per_year": True,
    "trigger_days": False,
}


@dataclass(frozen=True)
class Rule:
    priority_contacts_per_quarter: int = 1
    priority_home_visits_per_year: int = 1
    other_contacts_per_year: int = 1
    trigger_days: int = 7

    @classmethod
    def of(cls, regime: Regime) -> "Rule":
        return cls(**{name: getattr(regime, name) for name in STRICTER_IS_MORE})

    def tightened_by(self, other: "Rule") -> "Rule":
        """Each number the stricter of the two."""
        return replace(self, **{name: (max if more else min)(getattr(self, name), getattr(other, name))
                                for name, more in STRICTER_IS_MORE.items()})

    def looser_than(self, other: "Rule") -> list[str]:
        """The numbers of this rule that would loosen `other`: their field names."""
        return [name for name, more in STRICTER_IS_MORE.items()
                if (getattr(self, name) < getattr(other, name) if more else getattr(self, name) > getattr(other, name))]


FLOOR = Rule()

# The seeds' named schemes, offered as templates: the occasions on which a visit is owed.
TEMPLATES = {
    "nine": (gettext_lazy("九必访"), [
        "生病住院必访", "家庭变故必访", "生活困难必访", "发生矛盾纠纷必访", "重要节日必访",
        "退役返乡必访", "立功受奖必访", "婚丧嫁娶必访", "高龄生日必访"]),
    "six": (gettext_lazy("六必访"), [
        "生病住院必访", "家庭变故必访", "生活困难必访", "发生矛盾纠纷必访", "重要节日必访", "退役返乡必访"]),
}


def rules_above(code_or_prefix: str) -> list[Regime]:
    """The regimes of every jurisdiction at or above a station, the country's first."""
    return list(Regime.objects.filter(jurisdiction_code__in=ancestor_prefixes(code_or_prefix))
                .order_by("jurisdiction_code"))


def effective_for(code: str, regimes: list[Regime] | None = None) -> Rule:
    """The rule a station (its region code) follows: the floor tightened by each regime above it."""
    rule = FLOOR
    for regime in (regimes if regimes is not None else rules_above(code)):
        if code_in_subtree(code, regime.jurisdiction_code):
            rule = rule.tightened_by(Rule.of(regime))
    return rule


def inherited_rule(jurisdiction_code: str) -> Rule:
    """What a jurisdiction's own regime may not loosen: the floor and every regime strictly above it."""
    above = [r for r in rules_above(jurisdiction_code) if r.jurisdiction_code != jurisdiction_code]
    return effective_for(jurisdiction_code, above)


def loosening_message(fields: list[str]) -> dict[str, str]:
    return {name: _("Looser than the rule set above your level: a lower level may tighten it, not loosen it.")
            for name in fields}


def quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def year_start(day: date) -> date:
    return date(day.year, 1, 1)


def previous_quarter_start(day: date) -> date:
    start = quarter_start(day)
    return date(start.year - 1, 10, 1) if start.month == 1 else date(start.year, start.month - 3, 1)
