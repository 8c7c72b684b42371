"""Assigning down (by level, by list, below standard), reporting with evidence, the review on the engine, closing,
and bad input that changes nothing."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404

from rongjia.core.models import OrgUnit
from rongjia.network.models import StationProfile
from rongjia.worklist.models import Assignment, AssignmentEvent, Evidence, Task
from rongjia.worklist.services import assignment_report, assignment_review, assignment_submit, task_step
from rongjia.worklist.targets import Target, chosen_units
from tests.factories import HOME_COUNTY, STREET_CODE, VILLAGE2_CODE, VILLAGE_CODE, StandardFactory, unit_at

from .conftest import assign, pdf, photo

pytestmark = pytest.mark.django_db
A = Assignment.State


def main_units(level: int, prefix: str = HOME_COUNTY) -> int:
    return OrgUnit.objects.filter(region_code__startswith=prefix, level=level, kind__in=["centre", "station"]).count()


def test_a_task_to_every_village_station_of_the_county(cast):
    task = assign(cast.county_director, levels=[5])
    assert task.assignee_count == main_units(5) == task.assignments.count() > 100
    assert set(task.assignments.values_list("state", flat=True)) == {A.NOT_STARTED}
    assert "村" in task.chosen or "Village" in task.chosen


def test_a_task_to_a_list_of_units_and_inside_one_street(cast):
    task = assign(cast.county_director)
    assert sorted(task.assignments.values_list("region_code", flat=True)) == sorted([VILLAGE_CODE, VILLAGE2_CODE])
    street = chosen_units(cast.county_director, Target(levels=[5], region=STREET_CODE[:9]))
    assert street.count() == main_units(5, STREET_CODE[:9])


def test_below_standard_picks_only_the_stations_under_their_standard(cast):
    StandardFactory(min_area_m2=50)
    StationProfile.objects.create(unit=unit_at(VILLAGE_CODE), area_m2=80)
    StationProfile.objects.create(unit=unit_at(VILLAGE2_CODE), area_m2=30)
    chosen = set(chosen_units(cast.county_director, Target(levels=[5], below_standard=True)).values_list(
        "region_code", flat=True))
    assert VILLAGE2_CODE in chosen and VILLAGE_CODE not in chosen
    assert len(chosen) == main_units(5) - 1  # the others report no area at all: below too


@pytest.mark.parametrize(("target", "field"), [
    (Target(), "levels"),
    (Target(levels=[5], region="320114"), "region"),  # the neighbour county
    (Target(units=[-1]), "units"),
])
def test_a_bad_choice_is_refused_and_nothing_is_assigned(cast, target, field):
    from datetime import date

    with pytest.raises(ValidationError) as error:
        from rongjia.worklist.services import task_assign

        task_assign(actor=cast.county_director, title="x", kind="special", due_on=date(2099, 1, 1), target=target)
    assert field in error.value.message_dict
    assert not Task.objects.exists() and not Assignment.objects.exists()


def test_bad_task_fields_are_refused(cast):
    with pytest.raises(ValidationError, match="已过"):
        assign(cast.county_director, days=-1)
    with pytest.raises(ValidationError) as error:
        assign(cast.county_director, review_level=2)  # above the county
    assert "review_level" in error.value.message_dict
    with pytest.raises(PermissionDenied):
        assign(cast.leader)
    with pytest.raises(ValidationError):
        assign(cast.outsider, units=[VILLAGE_CODE])
    assert not Task.objects.exists()


def test_progress_with_evidence_then_submission_counts_at_once_without_review(cast, task):
    part = task.assignments.get(region_code=VILLAGE_CODE)
    assignment_report(actor=cast.village_worker, assignment_id=part.pk, progress=40, note="已走访一半",
                      values={"f1": "12"}, photos=[photo()], files=[pdf()])
    part.refresh_from_db()
    assert (part.state, part.progress, part.values) == (A.DOING, 40, {"f1": 12.0})
    assert sorted(part.evidence.values_list("kind", flat=True)) == ["file", "photo"]
    assignment_submit(actor=cast.village_worker, assignment_id=part.pk, values={"f1": "25"})
    part.refresh_from_db()
    assert part.state == A.DONE and part.done_at and part.values["f1"] == 25.0


def test_what_the_task_requires_must_be_there_to_submit(cast):
    task = assign(cast.county_director, needs_photos=True, fields=[
        {"key": "f1", "label": "走访人数", "type": "number", "min": 0, "max": 500, "required": True}])
    part = task.assignments.get(region_code=VILLAGE_CODE)
    with pytest.raises(ValidationError, match="走访人数"):
        assignment_submit(actor=cast.village_worker, assignment_id=part.pk)
    with pytest.raises(ValidationError, match="照片"):
        assignment_submit(actor=cast.village_worker, assignment_id=part.pk, values={"f1": "3"})
    with pytest.raises(ValidationError):  # a PDF is not a photo
        assignment_submit(actor=cast.village_worker, assignment_id=part.pk, values={"f1": "3"},
                          photos=[pdf("照片.jpg")])
    with pytest.raises(ValidationError, match="500"):
        assignment_report(actor=cast.village_worker, assignment_id=part.pk, progress=10, values={"f1": "900"})
    with pytest.raises(ValidationError, match="数字"):
        assignment_report(actor=cast.village_worker, assignment_id=part.pk, progress=10, values={"f1": "很多"})
    with pytest.raises(ValidationError):  # not a PDF, picture or Office file
        assignment_report(actor=cast.village_worker, assignment_id=part.pk, progress=10,
                          files=[SimpleUploadedFile("a.pdf", b"MZ\x90\x00 an executable")])
    part.refresh_from_db()
    assert (part.state, part.progress, part.values, part.version) == (A.NOT_STARTED, 0, {}, 1)
    assert not AssignmentEvent.objects.exists() and not Evidence.objects.exists()
    assignment_submit(actor=cast.village_worker, assignment_id=part.pk, values={"f1": "3"}, photos=[photo()])
    assert Assignment.objects.get(pk=part.pk).state == A.DONE


def test_the_reviewing_level_accepts_or_returns(cast):
    task = assign(cast.county_director, review_level=4)  # the street reviews its villages
    part = task.assignments.get(region_code=VILLAGE_CODE)
    assignment_submit(actor=cast.village_worker, assignment_id=part.pk, note="已完成")
    assert Assignment.objects.get(pk=part.pk).state == A.SUBMITTED
    with pytest.raises(ValidationError, match="审核层级"):  # the village itself is not above the reporter
        assignment_review(actor=cast.village_worker, assignment_id=part.pk, accept=True)
    with pytest.raises(Http404):  # a sibling village does not even see it
        assignment_review(actor=cast.village2_worker, assignment_id=part.pk, accept=True)
    with pytest.raises(ValidationError, match="理由"):
        assignment_review(actor=cast.street_worker, assignment_id=part.pk, accept=False)
    assignment_review(actor=cast.street_worker, assignment_id=part.pk, accept=False, note="缺少照片")
    assert Assignment.objects.get(pk=part.pk).state == A.RETURNED
    assignment_submit(actor=cast.village_worker, assignment_id=part.pk, photos=[photo()])
    assignment_review(actor=cast.street_worker, assignment_id=part.pk, accept=True)
    part.refresh_from_db()
    assert part.state == A.DONE
    actions = list(part.events.values_list("action", flat=True))
    assert actions == ["submit_for_review", "return", "submit_for_review", "accept"]


def test_nothing_is_reported_on_a_closed_task(cast, task):
    part = task.assignments.get(region_code=VILLAGE_CODE)
    with pytest.raises(PermissionDenied):  # a village cannot close the county's task
        task_step(actor=cast.village_worker, task_id=task.pk, action="close")
    with pytest.raises(Http404):
        task_step(actor=cast.outsider, task_id=task.pk, action="close")
    task_step(actor=cast.county_director, task_id=task.pk, action="close")
    with pytest.raises(ValidationError, match="已关闭"):
        assignment_report(actor=cast.village_worker, assignment_id=part.pk, progress=50)
    assert Assignment.objects.get(pk=part.pk).state == A.NOT_STARTED


def test_a_unit_reports_only_on_its_own_part(cast, task):
    part = task.assignments.get(region_code=VILLAGE_CODE)
    with pytest.raises(ValidationError, match="本单位"):
        assignment_report(actor=cast.street_worker, assignment_id=part.pk, progress=50)
    with pytest.raises(Http404):
        assignment_report(actor=cast.village2_worker, assignment_id=part.pk, progress=50)
    with pytest.raises(Http404):
        assignment_report(actor=cast.outsider, assignment_id=part.pk, progress=50)
