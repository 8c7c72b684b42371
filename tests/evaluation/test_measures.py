"""Each module's measure for the evaluation against a hand-computed fixture: visit coverage, petitions answered
on time, the mailbox's ratings, tasks done by their due date and inspection scores (the network's three are in
test_scoring). Each reads only what the viewer may see."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from rongjia.core import measures
from rongjia.petitions.mailbox.services import feedback_submit
from rongjia.petitions.models import PetitionReply
from rongjia.petitions.services import petition_register
from rongjia.visits.services import visit_record
from rongjia.worklist.models import Assignment
from rongjia.worklist.services import task_assign
from rongjia.worklist.targets import Target
from tests.factories import STREET_CODE, VILLAGE2_CODE, VILLAGE_CODE, person_at, unit_at

pytestmark = pytest.mark.django_db


def read(key: str, viewer, units, since: date, until: date) -> dict:
    return measures.get(key).read(viewer, units, since, until)


def test_visit_coverage_counts_the_people_visited_by_their_rule_in_the_stations_area(cast):
    today = timezone.localdate()
    visited = person_at(cast.village_worker, name="已走访", seq=1)
    person_at(cast.village_worker, name="未走访", seq=2)
    person_at(cast.county_director, code=VILLAGE2_CODE, name="邻村未走访", seq=3)
    visit_record(actor=cast.village_worker, person_id=visited.pk, visited_on=today)
    village, street = unit_at(VILLAGE_CODE), unit_at(STREET_CODE)
    readings = read("visits.coverage", cast.county_director, [village, street], date(today.year, 1, 1), today)
    assert (readings[village.pk].numbers["done"], readings[village.pk].numbers["total"]) == (1, 2)
    assert readings[village.pk].share == 0.5
    # The street's area holds both of its villages: 1 of 3.
    assert (readings[street.pk].numbers["done"], readings[street.pk].numbers["total"]) == (1, 3)
    # The outsider reads nothing of the county.
    assert read("visits.coverage", cast.outsider, [village], date(today.year, 1, 1), today) == {}


def _answer(petition, unit, replied_on, due_on):
    return PetitionReply.objects.create(petition=petition, stage=PetitionReply.Stage.ANSWER, unit=unit,
                                        outcome="explain", text="答复", replied_on=replied_on, due_on=due_on)


def test_petitions_on_time_is_the_share_of_first_answers_given_by_their_deadline(cast):
    village = unit_at(VILLAGE_CODE)
    day = date(2026, 6, 1)
    answers = [(day, day + timedelta(days=1)), (day, day), (day + timedelta(days=3), day)]  # on time, on time, late
    for n, (replied, due) in enumerate(answers):
        petition = petition_register(actor=cast.county_director, unit=village, channel="visit", type="claim",
                                     category="housing", subject=f"事项{n}", petitioners=[{"name": "张三"}])
        _answer(petition, village, replied, due)
    reading = read("petitions.on_time", cast.county_director, [village], date(2026, 1, 1), date(2026, 12, 31))
    assert reading[village.pk].numbers == {"on_time": 2, "answered": 3}
    assert reading[village.pk].share == pytest.approx(2 / 3)
    assert read("petitions.on_time", cast.county_director, [village], date(2027, 1, 1), date(2027, 12, 31)) == {}


def test_mailbox_satisfaction_counts_satisfied_and_fairly_satisfied(cast):
    village = unit_at(VILLAGE_CODE)
    for rating in ("satisfied", "fairly", "unsatisfied", "satisfied"):
        feedback_submit(about=village, topic="overall", rating=rating, content="意见")
    today = timezone.localdate()
    reading = read("mailbox.satisfaction", cast.county_director, [village], today, today)[village.pk]
    assert reading.numbers == {"total": 4, "satisfied": 2, "fairly": 1} and reading.share == 0.75


def test_tasks_done_counts_those_due_in_the_period_and_done_by_their_date(cast):
    village, other = unit_at(VILLAGE_CODE), unit_at(VILLAGE2_CODE)
    due = timezone.localdate() + timedelta(days=3)
    tasks = [task_assign(actor=cast.county_director, title=f"任务{n}", kind="special", due_on=due,
                         target=Target(units=[village.pk, other.pk])) for n in range(4)]
    parts = Assignment.objects.filter(task__in=tasks, unit=village).order_by("task_id")
    in_time, late = timezone.now(), timezone.now() + timedelta(days=10)
    Assignment.objects.filter(pk__in=[parts[0].pk, parts[1].pk]).update(state="done", done_at=in_time)
    Assignment.objects.filter(pk=parts[2].pk).update(state="done", done_at=late)  # done, after its date
    reading = read("worklist.tasks", cast.county_director, [village, other], due - timedelta(days=30), due)
    assert reading[village.pk].numbers == {"total": 4, "done": 3, "in_time": 2} and reading[village.pk].share == 0.5
    assert reading[other.pk].share == 0.0
    sibling = read("worklist.tasks", cast.village2_worker, [village, other], due - timedelta(days=30), due)
    assert village.pk not in sibling  # a sibling village does not read this village's parts
