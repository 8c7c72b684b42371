"""Core's registry of measures: the live figures a module can give for a station over a period (rule 8).

The star evaluation scores each station from the live data of every module (visit coverage, petitions
answered on time, tasks done, 五有 evidence…), but a module app never imports another. So each module
registers here, in its AppConfig.ready(), the measures it can compute, and the evaluation reads only
through this registry:

    # visits/apps.py
    measures.register(measures.Measure(key="visits.coverage", label=_("Visit coverage"),
                                       read=coverage.coverage_measure))

A measure reads many units at once in a fixed number of queries (the run covers a province's 19,000
units) and starts from what the run's owner may see. Its reading is a share between 0 and 1 and the
numbers behind it in words, so a score can always say why it is what it is.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.db.models.functions import Substr

from .regions import PREFIX_LENGTH, subtree_prefix


@dataclass(frozen=True)
class Reading:
    """One measure of one unit: `share` in [0, 1], or None when there was nothing to measure (no people on
    the books, no petition answered…); `numbers` are the counts behind it; `text` says them in words."""

    share: float | None
    text: str
    numbers: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Measure:
    """`read(viewer, units, since, until)` -> {unit pk: Reading} for the units it could measure."""

    key: str
    label: str
    read: Callable[..., dict[int, Reading]]
    help: str = ""  # what is counted, for the criteria editor
    order: int = 100


_MEASURES: dict[str, Measure] = {}


def register(measure: Measure) -> Measure:
    _MEASURES[measure.key] = measure
    return measure


def measures() -> list[Measure]:
    return sorted(_MEASURES.values(), key=lambda m: (m.order, m.key))


def get(key: str) -> Measure | None:
    return _MEASURES.get(key)


def choices() -> list[tuple[str, str]]:
    return [(m.key, str(m.label)) for m in measures()]


def share(part: float, whole: float) -> float | None:
    return part / whole if whole else None


def per_area(rows: QuerySet, code_field: str, units: Iterable, **aggregates) -> dict[int, dict]:
    """`aggregates` of `rows` over each unit's area (its region subtree), one grouped query per level.

    A village station's area is its village; a street station's is the street with its villages; a
    district centre's, the district. Units of one level share a prefix length, so a level is one GROUP BY
    on the first characters of the code, whatever the number of units.
    """
    by_level: dict[int, dict[str, list[int]]] = {}
    for unit in units:
        prefix = subtree_prefix(unit.region_code, unit.level)
        by_level.setdefault(unit.level, {}).setdefault(prefix, []).append(unit.pk)
    found: dict[int, dict] = {}
    for level, prefixes in by_level.items():
        length = PREFIX_LENGTH[level]
        grouped = rows.annotate(area=Substr(code_field, 1, length))
        if len(prefixes) <= 1000:  # a batch of areas: read only theirs; a province's thousands: group all, keep theirs
            grouped = grouped.filter(area__in=list(prefixes))
        for row in grouped.order_by().values("area").annotate(**aggregates):
            for pk in prefixes.get(row.pop("area"), ()):
                found[pk] = row
    return found
