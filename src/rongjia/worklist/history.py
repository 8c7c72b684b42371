"""A part's history in words (DESIGN: history in words, not field names): who did what, when, with what."""

from dataclasses import dataclass, field
from datetime import datetime

from django.utils.translation import gettext as _

from .models import Assignment
from .workflow import ASSIGNMENT


@dataclass
class HistoryLine:
    when: datetime
    who: str
    what: str
    note: str = ""
    details: list[str] = field(default_factory=list)
    evidence: list = field(default_factory=list)
    urge: bool = False


def figures(part: Assignment) -> list[tuple[str, str]]:
    return [(spec["label"], shown(part.values.get(spec["key"], ""))) for spec in part.task.fields]


def part_history(part: Assignment) -> list[HistoryLine]:
    labels = ASSIGNMENT.action_labels()
    names = {spec["key"]: spec["label"] for spec in part.task.fields}
    events = part.events.select_related("actor", "actor_unit").prefetch_related("evidence")
    lines = []
    for event in events:
        unit = event.actor_unit.name if event.actor_unit else "—"
        who = f"{event.actor.full_name}（{unit}）" if event.actor else unit
        details = [f"{names.get(key, key)}：{shown(value)}" for key, value in event.values.items()]
        if event.action == "report" and event.progress is not None:
            details.insert(0, _("progress %(n)d%%") % {"n": event.progress})
        lines.append(HistoryLine(event.at, who, str(labels.get(event.action, event.action)), event.note, details,
                                 list(event.evidence.all()), event.action == "urge"))
    return lines


def shown(value) -> str:
    """A reported value as people write it: 12, not 12.0."""
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
