"""Inspections drawn reproducibly from their seed, scored on the checklist, findings turned into rectification
tasks; below-standard stations get theirs; information reports and meetings whose decisions become tasks."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from rongjia.network.models import Rectification
from rongjia.worklist import inspections
from rongjia.worklist.measures import inspection_scores
from rongjia.worklist.models import Inspection, InspectionTarget, Task
from rongjia.worklist.notes import info_report_send, info_report_step, meeting_record
from rongjia.worklist.rectify import rectify_below_standard
from rongjia.worklist.services import assignment_submit
from tests.factories import (
    HOME_COUNTY,
    OUTSIDER_COUNTY,
    STREET_CODE,
    VILLAGE_CODE,
    StandardFactory,
    UserFactory,
    unit_at,
)

from .conftest import assign, photo

pytestmark = pytest.mark.django_db
CHECKLIST = [{"item": "五有 齐全", "max": 40}, {"item": "台账规范", "max": 60}]


def plan(actor, **kwargs) -> Inspection:
    today = timezone.localdate()
    kwargs.setdefault("kind", "spot")
    kwargs.setdefault("population_prefix", HOME_COUNTY)
    return inspections.inspection_plan(actor=actor, title="第四季度抽查", population_level=5, sample_size=6,
                                       checklist=CHECKLIST, starts_on=today, ends_on=today + timedelta(days=7),
                                       **kwargs)


def test_the_sample_is_drawn_again_from_its_recorded_seed(cast):
    first = plan(cast.county_director)
    drawn = sorted(first.targets.values_list("unit_id", flat=True))
    assert len(drawn) == 6 and inspections.redraw(first) == drawn
    again = plan(cast.county_director, seed=first.seed)
    assert sorted(again.targets.values_list("unit_id", flat=True)) == drawn
    other = plan(cast.county_director, seed=first.seed + 1)
    assert sorted(other.targets.values_list("unit_id", flat=True)) != drawn
    assert first.population_size == len(inspections.population(HOME_COUNTY, 5))


@pytest.mark.parametrize(("change", "field"), [
    ({"population_prefix": OUTSIDER_COUNTY}, "population_prefix"),
    ({"population_prefix": "32011"}, "population_prefix"),
    ({"kind": "cross"}, "inspector"),  # a cross-check by the organiser itself
])
def test_a_bad_plan_draws_nothing(cast, change, field):
    with pytest.raises(ValidationError) as error:
        plan(cast.county_director, **change)
    assert field in error.value.message_dict
    assert not Inspection.objects.exists() and not InspectionTarget.objects.exists()


def test_a_cross_check_sends_one_district_to_anothers_stations(cast):
    city = UserFactory(username="city_director", org_unit=unit_at("320100000000"), roles=["centre_director"])
    team = unit_at(OUTSIDER_COUNTY + "000000")
    with pytest.raises(ValidationError):  # its own area
        plan(city, kind="cross", inspector=team, population_prefix=OUTSIDER_COUNTY)
    inspection = plan(city, kind="cross", inspector=team)
    assert Inspection.objects.visible_to(cast.outsider).filter(pk=inspection.pk).exists()  # the team sees it
    target = inspection.targets.first()
    inspections.target_score(actor=cast.outsider, target_id=target.pk, scores={"0": "30", "1": "45.5"})
    assert InspectionTarget.objects.get(pk=target.pk).score == 75.5


def test_scores_and_findings_become_a_rectification_task(cast):
    inspection = plan(cast.county_director)
    target = inspection.targets.first()
    with pytest.raises(ValidationError):
        inspections.target_score(actor=cast.county_director, target_id=target.pk, scores={"0": "41", "1": "10"})
    with pytest.raises(ValidationError):
        inspections.target_score(actor=cast.county_director, target_id=target.pk, scores={"0": "10"})
    assert InspectionTarget.objects.get(pk=target.pk).score is None
    with pytest.raises(Http404):
        inspections.target_score(actor=cast.outsider, target_id=target.pk, scores={"0": "1", "1": "1"})
    inspections.target_score(actor=cast.county_director, target_id=target.pk, scores={"0": "35", "1": "50"})
    with pytest.raises(ValidationError):  # the other stations are not scored yet
        inspections.inspection_close(actor=cast.county_director, inspection_id=inspection.pk)
    finding = inspections.finding_add(actor=cast.county_director, target_id=target.pk, text="服务台账缺少三月记录",
                                      photo=photo())
    assert finding.photo
    finding = inspections.finding_rectify(actor=cast.county_director, finding_id=finding.pk)
    task = finding.task
    assert task.kind == "rectification" and task.needs_photos and task.rectification.status == "open"
    assert list(task.assignments.values_list("unit_id", flat=True)) == [target.unit_id]
    with pytest.raises(ValidationError):
        inspections.finding_rectify(actor=cast.county_director, finding_id=finding.pk)
    reading = inspection_scores(cast.county_director, [target.unit], inspection.starts_on, inspection.starts_on)
    assert reading[target.unit_id].share == 0.85  # what the evaluation reads: 85 of the checklist's 100 points


def test_below_standard_stations_get_a_rectification_task_that_closes_the_item(cast):
    StandardFactory(min_area_m2=50)
    due = timezone.localdate() + timedelta(days=30)
    tasks = rectify_below_standard(actor=cast.county_director,
                                   due_on=due, region=STREET_CODE[:9])
    assert tasks and all(task.kind == "rectification" and task.assignee_count == 1 for task in tasks)
    again = rectify_below_standard(actor=cast.county_director, due_on=due, region=STREET_CODE[:9])
    assert {task.pk for task in again} == {task.pk for task in tasks}  # once per item
    village_task = Task.objects.get(assignments__region_code=VILLAGE_CODE, kind="rectification")
    part = village_task.assignments.get()
    assignment_submit(actor=cast.village_worker, assignment_id=part.pk, photos=[photo()])
    assert Rectification.objects.get(pk=village_task.rectification_id).status == Rectification.Status.DONE


def test_an_information_report_goes_up_and_is_decided_above(cast):
    report = info_report_send(actor=cast.village_worker, title="开展八一走访", body="走访12户",
                              happened_on=timezone.localdate())
    with pytest.raises(ValidationError):
        info_report_step(actor=cast.village_worker, report_id=report.pk, action="accept")
    with pytest.raises(Http404):
        info_report_step(actor=cast.village2_worker, report_id=report.pk, action="accept")
    with pytest.raises(ValidationError):
        info_report_send(actor=cast.village_worker, title="", body="x", happened_on=timezone.localdate())
    info_report_step(actor=cast.street_worker, report_id=report.pk, action="return", note="请补充照片")
    info_report_step(actor=cast.village_worker, report_id=report.pk, action="resubmit")
    report = info_report_step(actor=cast.county_director, report_id=report.pk, action="accept")
    assert report.state == "accepted" and report.decided_by == cast.county_director.org_unit


def test_a_meetings_decision_becomes_a_task(cast):
    meeting = meeting_record(actor=cast.county_director, kind="business", held_on=timezone.localdate(),
                             attendees="局长、各街道站长", minutes="部署年终走访",
                             decisions=["各街道月底前报送走访台账", ""])
    decision = meeting.decisions.get()
    task = assign(cast.county_director, title=decision.text, decision=decision)
    assert list(decision.tasks.all()) == [task]
    with pytest.raises(ValidationError):
        meeting_record(actor=cast.county_director, kind="regular", held_on=timezone.localdate() + timedelta(days=1),
                       attendees="x", minutes="y")
