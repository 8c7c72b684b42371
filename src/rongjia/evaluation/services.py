"""Every write of the evaluation: criteria and their versions, runs and their steps, marks, adjustments with a
reason, evaluators' assignments. Each checks the actor, validates with a message in Chinese, changes nothing on
bad input and is audited. Targets, titles and pairings are in `services_titles`."""

from decimal import Decimal, InvalidOperation

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rongjia.core import measures
from rongjia.core.audit import audit_actor
from rongjia.core.errors import StaleVersion
from rongjia.core.regions import subtree_prefix
from rongjia.core.scoping import code_in_subtree, get_visible_or_404
from rongjia.core.workflow import transition
from rongjia.network.models import Rectification
from rongjia.network.services import rectification_record

from . import scoring
from .models import CriteriaSet, CriteriaVersion, Criterion, EvaluatorAssignment, Mark, Run, Score
from .workflow import RUN


def require(actor, capability: str) -> None:
    if not actor.can(capability) or actor.org_unit is None:
        raise PermissionDenied


def own_prefix(actor) -> str:
    return subtree_prefix(actor.org_unit.region_code, actor.org_unit.level)


# --- criteria ----------------------------------------------------------------------------------------------------

def clean_thresholds(values) -> list[str]:
    """Four totals (of 100) for 2, 3, 4 and 5 stars, each above the one before."""
    try:
        numbers = [Decimal(str(v).strip()) for v in values]
    except (InvalidOperation, ValueError):
        raise ValidationError({"thresholds": _("Give four numbers between 0 and 100.")}) from None
    if len(numbers) != 4 or any(n <= 0 or n > 100 for n in numbers) or numbers != sorted(set(numbers)):
        raise ValidationError({"thresholds": _("Give four numbers between 0 and 100, each above the one before "
                                               "(the least score for 2, 3, 4 and 5 stars).")})
    return [str(n) for n in numbers]


def clean_items(rows: list[dict]) -> list[Criterion]:
    """The items of a version, checked: a group and a name, points, and a known measure for an automatic item."""
    known = {m.key for m in measures.measures()}
    items, errors = [], []
    for position, row in enumerate(rows, start=1):
        method = row.get("method") or ""
        item = Criterion(position=position, group=str(row.get("group") or "").strip(),
                         name=str(row.get("name") or "").strip(), method=method,
                         measure="" if method == Criterion.Method.MANUAL else str(row.get("measure") or "").strip(),
                         weight=row.get("weight"), full_at=row.get("full_at") or Decimal("1.00"))
        if method == Criterion.Method.AUTO and item.measure not in known:
            errors.append(_("Item %(n)d: choose what it is measured by.") % {"n": position})
        try:
            item.full_clean(exclude=["version"])
        except ValidationError as error:
            errors += [_("Item %(n)d: %(problem)s") % {"n": position, "problem": "；".join(messages)}
                       for messages in error.message_dict.values()]
        items.append(item)
    if not rows:
        errors.append(_("A set needs at least one item."))
    if errors:
        raise ValidationError({"items": errors})
    return items


def criteria_set_create(*, actor, name: str, level: int, year: int, thresholds, items: list[dict]) -> CriteriaSet:
    """A jurisdiction's criteria for the stations of one level below it in a year, as version 1."""
    require(actor, "evaluation.manage")
    if not level or int(level) <= actor.org_unit.level:
        raise ValidationError({"level": _("Criteria are set for the stations below your unit.")})
    thresholds, rows = clean_thresholds(thresholds), clean_items(items)
    prefix = own_prefix(actor)
    with transaction.atomic(), audit_actor(actor):
        if CriteriaSet.objects.filter(jurisdiction_code=prefix, level=level, year=year).exists():
            raise ValidationError(_("Your jurisdiction already has criteria for this level and year; make a new "
                                    "version of them instead."))
        criteria_set = CriteriaSet(owner=actor.org_unit, jurisdiction_code=prefix, level=level, year=year,
                                   name=name.strip())
        criteria_set.full_clean()
        criteria_set.save()
        _version(criteria_set, 1, thresholds, rows, actor, _("First version"))
    return criteria_set


def _version(criteria_set, number, thresholds, rows, actor, note) -> CriteriaVersion:
    version = CriteriaVersion.objects.create(criteria_set=criteria_set, number=number, thresholds=thresholds,
                                             note=note[:200], created_by=actor)
    for row in rows:
        row.pk, row.version = None, version
    Criterion.objects.bulk_create(rows)
    return version


def _own_set(actor, set_id: int) -> CriteriaSet:
    require(actor, "evaluation.manage")
    criteria_set = get_visible_or_404(CriteriaSet.objects.select_for_update(), actor, pk=set_id)
    if criteria_set.jurisdiction_code != own_prefix(actor):
        raise PermissionDenied  # the set of a jurisdiction above is read, never changed, below
    return criteria_set


def version_save(*, actor, set_id: int, thresholds, items: list[dict], note: str) -> CriteriaVersion:
    """The set's criteria changed: the latest version edited while no run has used it, else a new version.

    A version a run has scored by is never edited, so a closed period keeps the criteria it was scored by."""
    thresholds, rows = clean_thresholds(thresholds), clean_items(items)
    if not note.strip():
        raise ValidationError({"note": _("Say what changed.")})
    with transaction.atomic(), audit_actor(actor):
        criteria_set = _own_set(actor, set_id)
        latest = criteria_set.versions.order_by("-number").first()
        if latest.in_use:
            return _version(criteria_set, latest.number + 1, thresholds, rows, actor, note.strip())
        latest.thresholds, latest.note = thresholds, note.strip()[:200]
        latest.save(update_fields=["thresholds", "note"])
        latest.items.all().delete()
        for row in rows:
            row.version = latest
        Criterion.objects.bulk_create(rows)
        return latest


# --- runs ---------------------------------------------------------------------------------------------------------

def run_create(*, actor, version_id: int, title: str, since, until) -> Run:
    """A period to score, over the actor's area, by a version of criteria that bear on it."""
    require(actor, "evaluation.manage")
    version = CriteriaVersion.objects.select_related("criteria_set").filter(
        criteria_set__in=CriteriaSet.objects.visible_to(actor), pk=version_id).first()
    if version is None:
        raise ValidationError({"criteria": _("Choose criteria that apply to your area.")})
    prefix = own_prefix(actor)
    if not code_in_subtree(prefix, version.criteria_set.jurisdiction_code):
        raise ValidationError({"criteria": _("These criteria are set for an area below yours; choose criteria of "
                                             "your own jurisdiction or one above it.")})
    if not title.strip():
        raise ValidationError({"title": _("Give the period a title.")})
    if since is None or until is None or since > until:
        raise ValidationError({"until": _("The period must end on or after the day it starts.")})
    with transaction.atomic(), audit_actor(actor):
        return Run.objects.create(criteria=version, owner=actor.org_unit, scope_code=prefix, title=title.strip(),
                                  since=since, until=until, created_by=actor)


def run_step(*, actor, run_id: int, action: str, version: int | None = None) -> Run:
    """Start (or score again) or close a run of the actor's own unit."""
    run = get_visible_or_404(Run, actor, pk=run_id)
    if run.owner_id != actor.org_unit_id or action not in ("start", "close"):  # "finish" is the job's own
        raise PermissionDenied
    return transition(RUN, actor=actor, queryset=Run.objects.all(), pk=run_id, action=action, version=version)


# --- a station's sheet --------------------------------------------------------------------------------------------

def _score_for_change(actor, score_id: int, version: int | None) -> Score:
    score = get_visible_or_404(Score.objects.select_for_update(of=("self",)).select_related("run"), actor,
                               pk=score_id)
    if version is not None and score.version != version:
        raise StaleVersion
    return score


def score_adjust(*, actor, score_id: int, stars: int, reason: str, version: int | None = None) -> Score:
    """The run's owner sets a station's stars by hand, with the reason recorded; a later scoring keeps them."""
    require(actor, "evaluation.manage")
    reason = (reason or "").strip()
    with transaction.atomic(), audit_actor(actor):
        score = _score_for_change(actor, score_id, version)
        if score.run.owner_id != actor.org_unit_id:
            raise PermissionDenied
        if score.run.state != Run.State.SCORED:
            raise ValidationError(_("Stars are adjusted while the period is open for review."))
        if stars not in range(1, 6):
            raise ValidationError({"stars": _("Choose from one to five stars.")})
        if not reason:
            raise ValidationError({"reason": _("Give the reason for the adjustment.")})
        score.stars, score.adjustment_reason = stars, reason[:300]
        score.adjusted_by, score.adjusted_at, score.version = actor, timezone.now(), score.version + 1
        score.save(update_fields=["stars", "adjustment_reason", "adjusted_by", "adjusted_at", "version"])
        return score


def mark_record(*, actor, score_id: int, criterion_id: int, points, note: str) -> Score:
    """An evaluator's (or the owner's inspector's) points for a manual item; the station's total follows."""
    if not (actor.can("evaluation.assess") or actor.can("evaluation.manage")):
        raise PermissionDenied
    with transaction.atomic(), audit_actor(actor):
        score = _score_for_change(actor, score_id, None)
        run = score.run
        assigned = EvaluatorAssignment.objects.filter(run=run, unit_id=score.unit_id, evaluator=actor).exists()
        if not assigned and not (actor.can("evaluation.manage") and run.owner_id == actor.org_unit_id):
            raise PermissionDenied
        if run.state != Run.State.SCORED:
            raise ValidationError(_("Marks are given while the period is open for review."))
        criterion = run.criteria.items.filter(pk=criterion_id, method=Criterion.Method.MANUAL).first()
        if criterion is None:
            raise ValidationError({"criterion": _("Choose an item marked by hand.")})
        try:
            points = Decimal(str(points).strip())
        except (InvalidOperation, ValueError):
            raise ValidationError({"points": _("Give the points as a number.")}) from None
        if points < 0 or points > criterion.weight:
            raise ValidationError({"points": _("Give between 0 and %(max)s points.") % {"max": criterion.weight}})
        if not (note or "").strip():
            raise ValidationError({"note": _("Say what was seen.")})
        Mark.objects.update_or_create(run=run, unit_id=score.unit_id, criterion=criterion, defaults={
            "points": points, "note": note.strip()[:300], "marked_by": actor, "region_code": score.region_code})
        return scoring.rescore_station(run, score.unit)


def evaluators_assign(*, actor, run_id: int, evaluator_id: int, unit_ids: list[int]) -> int:
    """Give a third-party evaluator stations of the run to mark: all it will see."""
    require(actor, "evaluation.manage")
    with transaction.atomic(), audit_actor(actor):
        run = get_visible_or_404(Run, actor, pk=run_id)
        if run.owner_id != actor.org_unit_id:
            raise PermissionDenied
        evaluator = get_user_model().objects.filter(pk=evaluator_id, is_active=True).first()
        if evaluator is None or not evaluator.can("evaluation.assess"):
            raise ValidationError({"evaluator": _("Choose an evaluator account.")})
        units = list(scoring.stations_of(run).filter(pk__in=unit_ids))
        if not units or len(units) != len(set(unit_ids)):
            raise ValidationError({"units": _("Choose stations scored in this period.")})
        EvaluatorAssignment.objects.bulk_create(
            [EvaluatorAssignment(run=run, unit=unit, evaluator=evaluator, region_code=unit.region_code)
             for unit in units], ignore_conflicts=True)
        return len(units)


def gaps_to_rectification(*, actor, score_id: int) -> Rectification:
    """The items a station earned less than half the points of, recorded as one item to put right (the network's
    rectification list, which the worklist turns into a 整改 task)."""
    require(actor, "evaluation.manage")
    score = get_visible_or_404(Score.objects.select_related("run", "unit"), actor, pk=score_id)
    gaps = [item["name"] for item in score.items
            if item["points"] is not None and Decimal(item["points"]) * 2 < Decimal(item["weight"])]
    if not gaps:
        raise ValidationError(_("No item earned less than half its points."))
    reason = _("Star evaluation %(run)s: %(items)s") % {"run": score.run.title, "items": "、".join(gaps)}
    return rectification_record(actor=actor, unit=score.unit, reason=reason)  # which checks the actor may edit it
