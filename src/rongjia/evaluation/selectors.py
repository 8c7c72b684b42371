"""Reads of the evaluation, each from `visible_to(viewer)`: runs and their scores, the stars' distribution, the
stations down a star, each target's share met (overall or per region one level down), a station's latest sheet,
and what an evaluator still has to mark. A count is always its list's count."""

import math
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Substr

from rongjia.core.models import OrgUnit
from rongjia.core.regions import PREFIX_LENGTH
from rongjia.core.scoping import scope_prefix
from rongjia.core.selectors import prefix_names
from rongjia.network.selectors import MAIN_KINDS

from .models import CriteriaSet, Criterion, EvaluatorAssignment, Mark, Run, Score, Target

SORTS = {"code": ("region_code", "id"), "points": ("points", "region_code"), "-points": ("-points", "region_code"),
         "stars": ("stars", "region_code"), "-stars": ("-stars", "region_code")}


def criteria_sets(viewer):
    return CriteriaSet.objects.visible_to(viewer).select_related("owner").prefetch_related("versions")


def runs(viewer):
    return Run.objects.visible_to(viewer).select_related("criteria__criteria_set", "owner")


def scores(viewer, run: Run, *, stars: str = "", change: str = "", q: str = "", sort: str = ""):
    rows = Score.objects.visible_to(viewer).filter(run=run).select_related("unit")
    if stars.isdigit():
        rows = rows.filter(stars=int(stars))
    if change == "down":
        rows = rows.filter(stars__lt=F("previous_stars"))
    elif change == "up":
        rows = rows.filter(stars__gt=F("previous_stars"))
    elif change == "adjusted":
        rows = rows.exclude(adjustment_reason="")
    if q:
        rows = rows.filter(unit__name__icontains=q)
    return rows.order_by(*SORTS.get(sort, SORTS["code"]))


def distribution(viewer, run: Run) -> dict:
    """How many stations have each number of stars, how many moved, in one query."""
    visible = Score.objects.visible_to(viewer).filter(run=run)
    counts = visible.aggregate(total=Count("id"), down=Count("id", filter=Q(stars__lt=F("previous_stars"))),
                               up=Count("id", filter=Q(stars__gt=F("previous_stars"))),
                               adjusted=Count("id", filter=~Q(adjustment_reason="")),
                               **{f"s{n}": Count("id", filter=Q(stars=n)) for n in range(1, 6)})
    counts["by_stars"] = [(n, counts.pop(f"s{n}")) for n in range(5, 0, -1)]
    return counts


def latest_score(viewer, unit: OrgUnit) -> Score | None:
    """The station's sheet of its latest period scored (closed, or open for review)."""
    return (Score.objects.visible_to(viewer).filter(unit=unit, run__state__in=(Run.State.SCORED, Run.State.CLOSED))
            .select_related("run").order_by("-run__until", "-run_id").first())


def manual_items(score: Score) -> list[Criterion]:
    return list(score.run.criteria.items.filter(method=Criterion.Method.MANUAL))


def to_mark(viewer):
    """The stations assigned to the viewer in periods open for review with a manual item not yet marked."""
    assigned = EvaluatorAssignment.objects.filter(evaluator=viewer.pk, run=OuterRef("run"), unit=OuterRef("unit"))
    manual = (Criterion.objects.filter(version=OuterRef("run__criteria"), method=Criterion.Method.MANUAL).order_by()
              .values("version").annotate(n=Count("id")).values("n"))
    marked = (Mark.objects.filter(run=OuterRef("run"), unit=OuterRef("unit")).order_by().values("run")
              .annotate(n=Count("id")).values("n"))
    return (Score.objects.visible_to(viewer).filter(Exists(assigned), run__state=Run.State.SCORED)
            .annotate(manual=Coalesce(Subquery(manual, output_field=IntegerField()), 0),
                      marked=Coalesce(Subquery(marked, output_field=IntegerField()), 0))
            .filter(manual__gt=F("marked"))
            .select_related("run", "unit").order_by("run_id", "region_code"))


# --- targets --------------------------------------------------------------------------------------------------

@dataclass
class TargetRow:
    code: str
    name: str
    stations: int
    met: int
    share: Decimal

    @property
    def actual(self) -> float | None:
        return self.met / self.stations if self.stations else None

    @property
    def needed(self) -> int:
        return math.ceil(float(self.share) * self.stations)

    @property
    def gap(self) -> int:
        return max(0, self.needed - self.met)

    @property
    def reached(self) -> bool:
        return self.stations > 0 and self.gap == 0


def latest_stars():
    """A station's stars in its latest closed period (a Subquery on OrgUnit)."""
    return Subquery(Score.objects.filter(unit=OuterRef("pk"), run__state=Run.State.CLOSED, stars__isnull=False)
                    .order_by("-run__until", "-run_id").values("stars")[:1], output_field=IntegerField())


def target_stations(viewer, target: Target):
    """The stations a target counts that the viewer sees (its jurisdiction's, of its levels), each with its stars."""
    prefix = scope_prefix(viewer)
    if prefix is None:
        return OrgUnit.objects.none()
    area = target.jurisdiction_code if len(target.jurisdiction_code) >= len(prefix) else prefix
    return (OrgUnit.objects.visible_to(viewer).in_subtree(area).filter(level__in=target.levels, kind__in=MAIN_KINDS)
            .annotate(stars=latest_stars()))


def met_q(target: Target) -> Q:
    return Q(stars__gte=target.min_stars)


def target_rows(viewer, target: Target) -> tuple[TargetRow, list[TargetRow]]:
    """The target's figures over the viewer's part of its jurisdiction, and per region one level down (where the
    target holds in each, as "≥60% in every district")."""
    stations = target_stations(viewer, target)
    figures = {"stations": Count("id"), "met": Count("id", filter=met_q(target))}
    total = stations.aggregate(**figures)
    area = max(target.jurisdiction_code, scope_prefix(viewer) or "", key=len)
    own = TargetRow(area, prefix_names([area]).get(area, area), total["stations"], total["met"], target.share)
    # "In each district": the regions one level below the target's jurisdiction (a county sees its own row);
    # otherwise the regions one level below the viewer's part, to drill down.
    below = target.jurisdiction_code if target.each_below else area
    child_length = next((n for n in sorted(PREFIX_LENGTH.values()) if n > len(below)), None)
    if child_length is None:
        return own, []
    rows = (stations.annotate(child=Substr("region_code", 1, child_length)).order_by().values("child")
            .annotate(**figures).order_by("child"))
    names = prefix_names([row["child"] for row in rows])
    return own, [TargetRow(row["child"], names.get(row["child"], row["child"]), row["stations"], row["met"],
                           target.share) for row in rows]


def target_board(viewer) -> list[tuple[Target, TargetRow, list[TargetRow]]]:
    return [(target, *target_rows(viewer, target))
            for target in Target.objects.visible_to(viewer).select_related("owner").order_by("jurisdiction_code", "id")]


def target_missed(target: Target, own: TargetRow, below: list[TargetRow]) -> bool:
    if target.each_below:
        return any(not row.reached for row in below)
    return not own.reached


def previous_score(viewer, score: Score) -> Score | None:
    """The station's score in the closed period its stars are compared with (the one scoring recorded)."""
    run = score.run
    return (Score.objects.visible_to(viewer)
            .filter(unit_id=score.unit_id, run__state=Run.State.CLOSED, run__scope_code=run.scope_code,
                    run__until__lt=run.since, run__criteria__criteria_set__level=run.criteria.criteria_set.level)
            .select_related("run").order_by("-run__until", "-run_id").first())


def open_for_review(viewer):
    """The periods the viewer sees that are scored and not yet closed (the index lists them with ?state=scored)."""
    return runs(viewer).filter(state=Run.State.SCORED)


def assigned_scores(viewer):
    """Every sheet the viewer was given to mark, in any period."""
    assigned = EvaluatorAssignment.objects.filter(evaluator=viewer.pk, run=OuterRef("run"), unit=OuterRef("unit"))
    return (Score.objects.visible_to(viewer).filter(Exists(assigned)).select_related("run", "unit")
            .order_by("-run__until", "region_code"))
