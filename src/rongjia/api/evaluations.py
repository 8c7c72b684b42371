"""API: the star evaluation (SPEC C9), read-only. Criteria sets with their versions and items, evaluation periods
with the stars' distribution, each station's score and its sheet (every item's points with the numbers behind
them), and the targets with their gap region by region. The same selectors as the pages: a station sees its own
score, a third-party evaluator only the stations it was given (404 on any other)."""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Prefetch
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from rongjia.api.pagination import Pages
from rongjia.core.scoping import get_visible_or_404
from rongjia.evaluation import selectors
from rongjia.evaluation.models import CriteriaVersion, Run, Score

router = Router(tags=["evaluations"])
Stars = Annotated[int, Field(ge=1, le=5)]
READERS = ("evaluation.view", "evaluation.assess")  # runs and scores: the evaluator reads what it was given


def _require(user, *capabilities):
    if not any(user.can(capability) for capability in capabilities):
        raise PermissionDenied


# --- criteria ----------------------------------------------------------------------------------------------------

class CriterionOut(Schema):
    position: int
    group: str
    name: str
    weight: Decimal
    method: str
    measure: str
    full_at: Decimal


class VersionOut(Schema):
    number: int
    note: str
    thresholds: list[Decimal]  # the least total (of 100) for 2, 3, 4 and 5 stars
    in_use: bool  # a period has used it: it is never edited again

    @staticmethod
    def resolve_in_use(version) -> bool:
        return version.used


class VersionDetailOut(VersionOut):
    items: list[CriterionOut]

    @staticmethod
    def resolve_items(version) -> list:
        return list(version.items.all())


class CriteriaSetOut(Schema):
    id: int
    name: str
    level: int
    year: int
    jurisdiction_code: str
    owner_id: int
    owner_name: str
    versions: list[VersionOut]  # the latest first

    @staticmethod
    def resolve_owner_name(criteria_set) -> str:
        return criteria_set.owner.name

    @staticmethod
    def resolve_versions(criteria_set) -> list:
        return list(criteria_set.versions.all())


class CriteriaSetDetailOut(CriteriaSetOut):
    versions: list[VersionDetailOut]


def _versions(*related: str) -> Prefetch:
    """The versions with whether a period used each, in the one prefetch query (not one query a version)."""
    versions = CriteriaVersion.objects.annotate(used=Exists(Run.objects.filter(criteria=OuterRef("pk"))))
    return Prefetch("versions", queryset=versions.prefetch_related(*related))


@router.get("/criteria-sets", response=list[CriteriaSetOut])
@paginate(Pages, page_size=50)
def criteria_sets_list(request):
    """The criteria of the caller's jurisdiction, of those above it that bear on it and of those below it."""
    _require(request.auth, "evaluation.view")
    return selectors.criteria_sets(request.auth).prefetch_related(None).prefetch_related(_versions())


@router.get("/criteria-sets/{set_id}", response=CriteriaSetDetailOut)
def criteria_set_detail(request, set_id: int):
    """The set with every version's items (position, group, name, points, how it is scored)."""
    _require(request.auth, "evaluation.view")
    criteria_sets = selectors.criteria_sets(request.auth).prefetch_related(None).prefetch_related(_versions("items"))
    return get_visible_or_404(criteria_sets, request.auth, pk=set_id)


# --- periods ------------------------------------------------------------------------------------------------------

class RunOut(Schema):
    id: int
    title: str
    since: date
    until: date
    state: str
    criteria_set_id: int
    criteria_set_name: str
    criteria_version: int
    level: int  # the stations' level it scores
    owner_id: int
    owner_name: str
    done_units: int
    total_units: int

    @staticmethod
    def resolve_criteria_set_id(run) -> int:
        return run.criteria.criteria_set_id

    @staticmethod
    def resolve_criteria_set_name(run) -> str:
        return run.criteria.criteria_set.name

    @staticmethod
    def resolve_criteria_version(run) -> int:
        return run.criteria.number

    @staticmethod
    def resolve_level(run) -> int:
        return run.criteria.criteria_set.level

    @staticmethod
    def resolve_owner_name(run) -> str:
        return run.owner.name


class StarCountOut(Schema):
    stars: int
    count: int


class DistributionOut(Schema):
    """The caller's stations in the period: how many have each number of stars, how many moved."""

    total: int
    down: int
    up: int
    adjusted: int
    by_stars: list[StarCountOut]  # five stars first


class RunDetailOut(RunOut):
    started_at: datetime | None
    finished_at: datetime | None
    closed_at: datetime | None
    distribution: DistributionOut


def _run(request, run_id: int) -> Run:
    _require(request.auth, *READERS)
    return get_visible_or_404(selectors.runs(request.auth), request.auth, pk=run_id)


@router.get("/runs", response=list[RunOut])
@paginate(Pages, page_size=50)
def runs_list(request, state: Run.State | None = None):
    """Periods over the caller's area or bearing on it; for an evaluator, those it was given stations in."""
    _require(request.auth, *READERS)
    runs = selectors.runs(request.auth)
    return runs.filter(state=state) if state else runs


@router.get("/runs/{run_id}", response=RunDetailOut)
def run_detail(request, run_id: int):
    run = _run(request, run_id)
    counts = selectors.distribution(request.auth, run)
    run.distribution = {**counts, "by_stars": [{"stars": n, "count": count} for n, count in counts["by_stars"]]}
    return run


# --- scores -------------------------------------------------------------------------------------------------------

class ScoreOut(Schema):
    id: int
    run_id: int
    unit_id: int
    unit_name: str
    region_code: str
    points: Decimal | None  # of 100, of the points counted
    stars: int | None
    computed_stars: int | None  # by the points; `stars` differs where the owner adjusted them with a reason
    previous_stars: int | None  # in the last closed period before
    adjustment_reason: str
    version: int

    @staticmethod
    def resolve_unit_name(score) -> str:
        return score.unit.name


class ItemOut(Schema):
    """One item of a sheet: its points (null: not counted) and the numbers behind them in words."""

    group: str
    name: str
    weight: Decimal
    method: str
    points: Decimal | None
    share: float | None  # the measure's share, for an automatic item
    text: str


class ScoreDetailOut(ScoreOut):
    items: list[ItemOut]


@router.get("/runs/{run_id}/scores", response=list[ScoreOut])
@paginate(Pages, page_size=100)
def run_scores(request, run_id: int, stars: Stars | None = None,
               change: Literal["down", "up", "adjusted"] | None = None, q: str = "",
               sort: Literal["code", "points", "-points", "stars", "-stars"] | None = None):
    """The caller's stations' scores in the period: `stars`, `change` (down, up or adjusted by hand) and `q` (in
    the station's name) as on the period's page."""
    run = _run(request, run_id)
    return selectors.scores(request.auth, run, stars=str(stars or ""), change=change or "", q=q, sort=sort or "")


@router.get("/scores/{score_id}", response=ScoreDetailOut)
def score_detail(request, score_id: int):
    """A station's sheet: each item's points with the numbers behind them."""
    _require(request.auth, *READERS)
    return get_visible_or_404(Score.objects.select_related("unit"), request.auth, pk=score_id)


# --- targets ------------------------------------------------------------------------------------------------------

class TargetRowOut(Schema):
    code: str
    name: str
    stations: int
    met: int  # with at least the target's stars in their latest closed period
    needed: int
    gap: int
    reached: bool


class TargetOut(Schema):
    id: int
    name: str
    jurisdiction_code: str
    owner_id: int
    owner_name: str
    levels: list[int]
    min_stars: int
    share: Decimal
    each_below: bool  # the share is to hold in every region one level down
    by_year: int
    source: str
    missed: bool
    overall: TargetRowOut  # over the caller's part of the target's jurisdiction
    below: list[TargetRowOut]  # each region one level down


def _row(row) -> dict:
    return {"code": row.code, "name": row.name, "stations": row.stations, "met": row.met, "needed": row.needed,
            "gap": row.gap, "reached": row.reached}


@router.get("/targets", response=list[TargetOut])
def targets_list(request):
    """Each target the caller sees with its figures overall and per region one level down (the targets page)."""
    _require(request.auth, "evaluation.view")
    return [{"id": target.pk, "name": target.name, "jurisdiction_code": target.jurisdiction_code,
             "owner_id": target.owner_id, "owner_name": target.owner.name, "levels": target.levels,
             "min_stars": target.min_stars, "share": target.share, "each_below": target.each_below,
             "by_year": target.by_year, "source": target.source,
             "missed": selectors.target_missed(target, own, below), "overall": _row(own),
             "below": [_row(row) for row in below]}
            for target, own, below in selectors.target_board(request.auth)]
