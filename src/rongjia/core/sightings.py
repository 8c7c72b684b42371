"""A served person seen alive, told by the module that met them to the module that pays them (rule 8).

Life certification (生存认证) asks whether a person was seen in person lately. The visits module knows (a home or
hospital visit, a visit at the station); the benefits module needs it. Neither imports the other: a module that
meets people registers its `Sightings` here in its AppConfig.ready(), and a module that needs them asks core for
the latest day each person of a subtree was seen since a day.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Sightings:
    key: str
    label: str  # how the person was seen, in words ("a home visit")
    latest: Callable[..., dict[int, date]]  # (prefix, since) -> {person pk: the latest day seen in person}


_SOURCES: dict[str, Sightings] = {}


def register_sightings(sightings: Sightings) -> Sightings:
    _SOURCES[sightings.key] = sightings
    return sightings


def last_seen(*, prefix: str, since: date) -> dict[int, tuple[date, str]]:
    """Each person of the subtree seen in person since `since`: the latest day, and how (the source's label)."""
    seen: dict[int, tuple[date, str]] = {}
    for source in _SOURCES.values():
        for person_id, day in source.latest(prefix, since).items():
            if person_id not in seen or day > seen[person_id][0]:
                seen[person_id] = (day, str(source.label))
    return seen
