"""Scoring from live data, against hand-computed fixtures: each automatic item, the total of the points counted,
the thresholds, determinism, versioning that never changes a closed period, adjustments with reasons and stars
going down."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from rongjia.core import measures
from rongjia.evaluation import services
from rongjia.evaluation.models import Criterion, Run, Score
from rongjia.network.models import ChecklistEntry, ChecklistItem, StaffMember, TrainingRecord
from tests.factories import STREET_CODE, StaffMemberFactory, StandardFactory, unit_at

from .conftest import ITEMS, PERIOD, criteria, scored_run

pytestmark = pytest.mark.django_db


def five_haves_met(unit, count: int) -> None:
    """The first `count` of the national 五有 met; those asking for evidence given it."""
    for item in ChecklistItem.objects.filter(kind=ChecklistItem.Kind.FIVE_HAVE, jurisdiction_code="").order_by(
            "position")[:count]:
        ChecklistEntry.objects.create(unit=unit, item=item, met=True, evidence="evidence/x.pdf")


def staff(unit, n: int, *, trained: int = 0, employment="full_time") -> list[StaffMember]:
    members = [StaffMemberFactory(unit=unit, employment=employment) for _ in range(n)]
    for member in members[:trained]:
        TrainingRecord.objects.create(staff=member, date=date(2026, 3, 1), course="轮训", hours=8)
    return members


@pytest.fixture
def street():
    return unit_at(STREET_CODE)


def test_each_automatic_item_against_a_hand_computed_street(cast, street, street_criteria,
                                                           django_capture_on_commit_callbacks):
    five_haves_met(street, 4)  # 4 of 5: 30 × 0.8 = 24
    StandardFactory(level=4, min_area_m2=None, min_staff=3, min_full_time_staff=2)
    staff(street, 2, trained=1)
    staff(street, 1, employment="part_time")  # 3 staff (meets 3), 2 full-time (meets 2): 20 of 20
    # training: 1 of 3 trained = 0.333, full at 0.8: 20 × 0.4167 = 8.3
    run = scored_run(cast.county_director, street_criteria, django_capture_on_commit_callbacks)
    assert run.state == Run.State.SCORED and run.total_units == run.done_units > 1
    score = Score.objects.get(run=run, unit=street)
    points = {item["name"]: item["points"] for item in score.items}
    assert points == {"五有齐全": "24.0", "人员场地达标": "20.0", "全员培训": "8.3", "实地察看": None}
    # Of the 70 points counted (the manual item not yet marked): 52.3 / 70 = 74.7 → 3 stars (≥70, <80).
    assert score.points == Decimal("74.7") and score.stars == score.computed_stars == 3
    texts = {item["name"]: item["text"] for item in score.items}
    assert "4" in texts["五有齐全"] and "有保障" in texts["五有齐全"]  # which one is missing, in words
    assert "1" in texts["全员培训"] and "3" in texts["全员培训"] and "80%" in texts["全员培训"]
    assert "不计入" in texts["实地察看"]


def test_a_station_with_nothing_to_measure_is_not_marked_down_for_it(cast, street_criteria,
                                                                    django_capture_on_commit_callbacks):
    run = scored_run(cast.county_director, street_criteria, django_capture_on_commit_callbacks)
    bare = Score.objects.filter(run=run).exclude(unit=unit_at(STREET_CODE)).first()
    five = next(item for item in bare.items if item["name"] == "五有齐全")
    training = next(item for item in bare.items if item["name"] == "全员培训")
    assert five["points"] == "0.0"  # the national list applies: nothing met is 0, counted
    assert training["points"] is None  # no staff on the books: nothing to measure
    assert bare.points == Decimal("0.0") and bare.stars == 1


def test_the_same_data_and_version_give_the_same_scores(cast, street, street_criteria,
                                                        django_capture_on_commit_callbacks):
    five_haves_met(street, 3)
    staff(street, 4, trained=3)
    first = scored_run(cast.county_director, street_criteria, django_capture_on_commit_callbacks)
    second = scored_run(cast.county_director, street_criteria, django_capture_on_commit_callbacks, title="再评一次")
    rows = lambda run: list(Score.objects.filter(run=run).order_by("unit_id").values_list(  # noqa: E731
        "unit_id", "points", "stars", "items"))
    assert rows(first) == rows(second)
    with django_capture_on_commit_callbacks(execute=True):
        services.run_step(actor=cast.county_director, run_id=first.pk, action="start")  # scored again
    assert rows(first) == rows(second)


def test_editing_criteria_used_by_a_period_makes_a_new_version_and_the_closed_period_stands(
        cast, street, street_criteria, django_capture_on_commit_callbacks):
    five_haves_met(street, 5)
    run = scored_run(cast.county_director, street_criteria, django_capture_on_commit_callbacks)
    services.run_step(actor=cast.county_director, run_id=run.pk, action="close")
    before = Score.objects.get(run=run, unit=street)
    changed = [{**ITEMS[0], "weight": "60"}, *ITEMS[1:]]
    version = services.version_save(actor=cast.county_director, set_id=street_criteria.pk,
                                    thresholds=["50", "60", "70", "80"], items=changed, note="五有加权")
    assert version.number == 2 and run.criteria.number == 1
    assert list(run.criteria.items.values_list("weight", flat=True))[0] == Decimal("30.0")
    after = Score.objects.get(run=run, unit=street)
    assert (after.points, after.stars, after.items) == (before.points, before.stars, before.items)
    with pytest.raises(ValidationError):  # a closed period is not scored again
        services.run_step(actor=cast.county_director, run_id=run.pk, action="start")
    # Unused, the new version is edited in place.
    again = services.version_save(actor=cast.county_director, set_id=street_criteria.pk,
                                  thresholds=["50", "60", "70", "85"], items=changed, note="五星门槛")
    assert again.pk == version.pk and again.thresholds[-1] == "85"


def test_thresholds_give_the_stars(street_criteria):
    version = street_criteria.versions.get()
    assert [version.stars_for(Decimal(p)) for p in ("59.9", "60", "69.9", "70", "80", "89.9", "90", "100")] == [
        1, 2, 2, 3, 4, 4, 5, 5]
    assert version.stars_for(None) is None


def test_an_adjustment_needs_a_reason_and_outlives_a_rescoring(cast, street, street_criteria,
                                                               django_capture_on_commit_callbacks):
    run = scored_run(cast.county_director, street_criteria, django_capture_on_commit_callbacks)
    score = Score.objects.get(run=run, unit=street)
    with pytest.raises(ValidationError) as refused:
        services.score_adjust(actor=cast.county_director, score_id=score.pk, stars=3, reason="  ")
    assert "理由" in str(refused.value)
    with pytest.raises(ValidationError):
        services.score_adjust(actor=cast.county_director, score_id=score.pk, stars=6, reason="x")
    score.refresh_from_db()
    assert score.stars == score.computed_stars and not score.adjustment_reason  # nothing changed
    with pytest.raises(PermissionDenied):  # a station does not adjust its own stars
        services.score_adjust(actor=cast.street_worker, score_id=score.pk, stars=5, reason="自评")
    services.score_adjust(actor=cast.county_director, score_id=score.pk, stars=3, reason="暗访发现台账补录，酌情上调")
    with django_capture_on_commit_callbacks(execute=True):
        services.run_step(actor=cast.county_director, run_id=run.pk, action="start")
    score.refresh_from_db()
    assert score.stars == 3 and score.computed_stars == 1 and score.adjusted_by == cast.county_director


def test_stars_go_down_next_period_and_say_why(cast, street, street_criteria, django_capture_on_commit_callbacks):
    from rongjia.evaluation.selectors import previous_score
    from rongjia.evaluation.sheet import change_in_words

    five_haves_met(street, 5)
    for member in staff(street, 2, trained=2):
        TrainingRecord.objects.create(staff=member, date=date(2025, 6, 1), course="轮训", hours=8)
    last_year = criteria(cast.county_director, year=2025)
    earlier = scored_run(cast.county_director, last_year, django_capture_on_commit_callbacks,
                         period=(date(2025, 1, 1), date(2025, 11, 30)), title="2025年度")
    services.run_step(actor=cast.county_director, run_id=earlier.pk, action="close")
    was = Score.objects.get(run=earlier, unit=street)
    ChecklistEntry.objects.filter(unit=street, item__position=5).update(met=False)  # 有保障 lost
    run = scored_run(cast.county_director, street_criteria, django_capture_on_commit_callbacks)
    now = Score.objects.get(run=run, unit=street)
    assert now.previous_stars == was.stars and now.stars < was.stars and now.change < 0
    words = change_in_words(now, previous_score(cast.county_director, now))
    assert "五有齐全" in words and "30.0" in words and "24.0" in words


def test_a_manual_mark_counts_once_given_and_only_within_its_points(cast, street, street_criteria,
                                                                     django_capture_on_commit_callbacks):
    run = scored_run(cast.county_director, street_criteria, django_capture_on_commit_callbacks)
    score = Score.objects.get(run=run, unit=street)
    manual = run.criteria.items.get(method=Criterion.Method.MANUAL)
    with pytest.raises(Http404):  # not given this station: it does not exist for the evaluator
        services.mark_record(actor=cast.evaluator, score_id=score.pk, criterion_id=manual.pk, points=20, note="好")
    services.evaluators_assign(actor=cast.county_director, run_id=run.pk, evaluator_id=cast.evaluator.pk,
                               unit_ids=[street.pk])
    with pytest.raises(ValidationError):
        services.mark_record(actor=cast.evaluator, score_id=score.pk, criterion_id=manual.pk, points=31, note="好")
    with pytest.raises(ValidationError):
        services.mark_record(actor=cast.evaluator, score_id=score.pk, criterion_id=manual.pk, points=20, note=" ")
    marked = services.mark_record(actor=cast.evaluator, score_id=score.pk, criterion_id=manual.pk, points=27,
                                  note="台账齐全，服务热情")
    item = next(i for i in marked.items if i["name"] == "实地察看")
    assert item["points"] == "27.0" and item["text"] == "台账齐全，服务热情"
    # 0 of 30 (五有) + 27 of 30 counted: 45.0
    assert marked.points == Decimal("45.0")


def test_bad_criteria_are_refused_with_a_message_and_nothing_saved(cast):
    from rongjia.evaluation.models import CriteriaSet

    bad = [{"group": "五有落实", "name": "五有", "weight": "30", "method": "auto", "measure": "no.such"},
           {"group": "", "name": "", "weight": "x", "method": "manual"}]
    with pytest.raises(ValidationError) as refused:
        criteria(cast.county_director, items=bad)
    assert "第1项" in str(refused.value) and "第2项" in str(refused.value)
    with pytest.raises(ValidationError):
        services.criteria_set_create(actor=cast.county_director, name="x", level=4, year=2026,
                                     thresholds=["70", "60", "80", "90"], items=ITEMS)
    with pytest.raises(ValidationError):  # not for its own level or above
        criteria(cast.county_director, level=3)
    with pytest.raises(PermissionDenied):
        criteria(cast.street_worker, level=5)
    assert not CriteriaSet.objects.exists()


def test_every_registered_measure_reads_a_batch_in_a_fixed_number_of_queries(cast, django_assert_max_num_queries):
    from rongjia.core.models import OrgUnit

    units = list(OrgUnit.objects.filter(region_code__startswith="320115", level=5)[:60])
    keys = {m.key for m in measures.measures()}
    assert {"network.five_haves", "network.standard", "network.training", "visits.coverage", "petitions.on_time",
            "mailbox.satisfaction", "worklist.tasks", "worklist.inspections"} <= keys
    for measure in measures.measures():
        with django_assert_max_num_queries(8):
            measure.read(cast.county_director, units, *PERIOD)
