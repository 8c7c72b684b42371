"""Scoring a run: every station of the criteria's level in the run's area, item by item, from the modules' live
measures (core.measures) and the evaluators' marks, with the numbers behind each point.

An automatic item earns its points pro rata to the measure's share up to `full_at` (coverage 0.9 with full marks
at 0.9: all the points); an item with nothing to measure (no people on the books, no petition answered) and a
manual item not yet marked are not counted, and the total is of the points that were: a station is never marked
down for what it had no occasion to do, and the sheet says which items were left out. The same data and the same
criteria version always give the same scores: the measures are read in a fixed order and rounded once.

The stations are scored in batches, each written in its own transaction, so the run's progress is seen moving
and a province of 19,000 stations never holds one long transaction.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from rongjia.core import measures
from rongjia.core.models import OrgUnit
from rongjia.core.scoping import subtree_q
from rongjia.core.workflow import step_between
from rongjia.network.selectors import MAIN_KINDS

from .models import Criterion, Mark, Run, Score
from .workflow import RUN

BATCH = 500
TENTH = Decimal("0.1")


def stations_of(run: Run):
    """The stations a run scores: the main units of the criteria's level in the run's area."""
    return (OrgUnit.objects.filter(subtree_q("region_code", run.scope_code), level=run.criteria.criteria_set.level,
                                   kind__in=MAIN_KINDS).order_by("region_code", "id"))


def item_result(criterion: Criterion, reading: measures.Reading | None, mark: Mark | None) -> dict:
    """One item of a station's sheet: its points (None: not counted) and the words that explain them."""
    result = {"criterion": criterion.pk, "group": criterion.group, "name": criterion.name,
              "weight": str(criterion.weight), "method": criterion.method, "points": None, "share": None}
    if criterion.method == Criterion.Method.MANUAL:
        if mark is None:
            return {**result, "text": _("Not yet marked by the evaluator: not counted.")}
        return {**result, "points": str(mark.points), "text": mark.note}
    if reading is None or reading.share is None:
        text = reading.text if reading else _("Nothing to measure in the period")
        return {**result, "text": _("%(text)s: not counted.") % {"text": text}}
    earned = (criterion.weight * min(Decimal(1), Decimal(str(reading.share)) / criterion.full_at)).quantize(
        TENTH, rounding=ROUND_HALF_UP)
    rule = _("full points at %(percent)d%%") % {"percent": round(criterion.full_at * 100)}
    return {**result, "points": str(earned), "share": round(reading.share, 4),
            "text": f"{reading.text}（{rule}）"}


def total_of(items: list[dict]) -> Decimal | None:
    """The points earned as a share of 100 of the points counted."""
    counted = [item for item in items if item["points"] is not None]
    possible = sum(Decimal(item["weight"]) for item in counted)
    if not possible:
        return None
    earned = sum(Decimal(item["points"]) for item in counted)
    return (earned * 100 / possible).quantize(TENTH, rounding=ROUND_HALF_UP)


def previous_stars(run: Run, unit_ids: list[int]) -> dict[int, int]:
    """Each station's stars in the last closed period before this one over the same area and level."""
    earlier = (Run.objects.filter(state=Run.State.CLOSED, scope_code=run.scope_code, until__lt=run.since,
                                  criteria__criteria_set__level=run.criteria.criteria_set.level)
               .order_by("-until", "-id").first())
    if earlier is None:
        return {}
    return dict(Score.objects.filter(run=earlier, unit_id__in=unit_ids, stars__isnull=False)
                .values_list("unit_id", "stars"))


def score_batch(run: Run, units: list[OrgUnit], viewer) -> list[Score]:
    """The scores of these stations, written (kept adjustments stand: a recorded reason outlives a rescoring).

    The explanations are stored as the record of why, in the site's language whoever or whatever scores."""
    with translation.override(settings.LANGUAGE_CODE):
        return _score_batch(run, units, viewer)


def _score_batch(run: Run, units: list[OrgUnit], viewer) -> list[Score]:
    items = list(run.criteria.items.all())
    readings = {}
    for key in dict.fromkeys(item.measure for item in items if item.method == Criterion.Method.AUTO):
        measure = measures.get(key)
        readings[key] = measure.read(viewer, units, run.since, run.until) if measure else {}
    ids = [unit.pk for unit in units]
    marks = {(m.unit_id, m.criterion_id): m for m in Mark.objects.filter(run=run, unit_id__in=ids)}
    before = previous_stars(run, ids)
    existing = {score.unit_id: score for score in Score.objects.filter(run=run, unit_id__in=ids)}
    created, updated = [], []
    for unit in units:
        sheet = [item_result(item, readings.get(item.measure, {}).get(unit.pk), marks.get((unit.pk, item.pk)))
                 for item in items]
        score = existing.get(unit.pk) or Score(run=run, unit=unit, region_code=unit.region_code)
        score.items, score.points = sheet, total_of(sheet)
        score.computed_stars = run.criteria.stars_for(score.points)
        score.previous_stars = before.get(unit.pk)
        if not score.adjustment_reason:
            score.stars = score.computed_stars
        (updated if score.pk else created).append(score)
    with transaction.atomic():
        Score.objects.bulk_create(created)
        Score.objects.bulk_update(updated, ["items", "points", "computed_stars", "previous_stars", "stars"])
    return created + updated


def rescore_station(run: Run, unit: OrgUnit) -> Score:
    """One station scored again (a mark entered): the same batch scoring, for one."""
    return score_batch(run, [unit], run.started_by)[0]


def score_run(run_id: int) -> Run:
    """The job: score every station of the run in batches, reporting the progress on the run as it goes."""
    run = Run.objects.select_related("criteria__criteria_set", "started_by").get(pk=run_id)
    if run.state != Run.State.RUNNING:  # queued twice, or scored meanwhile by whoever started it: nothing to do
        return run
    stations = list(stations_of(run))
    Run.objects.filter(pk=run.pk).update(total_units=len(stations), done_units=0)
    for start in range(0, len(stations), BATCH):
        batch = stations[start:start + BATCH]
        score_batch(run, batch, run.started_by)
        Run.objects.filter(pk=run.pk).update(done_units=start + len(batch))
    # A station no longer in the area (merged, closed) since an earlier scoring keeps no stale score.
    Score.objects.filter(run=run).exclude(unit_id__in=stations_of(run).values("pk")).delete()
    run.refresh_from_db()
    step_between(RUN, run.state, Run.State.SCORED)
    run.state, run.finished_at, run.version = Run.State.SCORED, timezone.now(), run.version + 1
    run.save(update_fields=["state", "finished_at", "version"])
    return run
