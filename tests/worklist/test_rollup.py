"""Roll-up counts equal the per-unit states at every level; standing menus make one instance a period; 督办 is
recorded and reaches the unit."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from rongjia.core import contributions
from rongjia.core.regions import PREFIX_LENGTH
from rongjia.worklist import selectors
from rongjia.worklist.models import Assignment, Task
from rongjia.worklist.recurrence import generate_due, period_of, recurrence_save
from rongjia.worklist.services import assignment_report, assignment_submit, assignment_urge, urgings_seen
from rongjia.worklist.targets import Target
from tests.factories import HOME_COUNTY, STREET_CODE, VILLAGE_CODE

from .conftest import assign, make_overdue

pytestmark = pytest.mark.django_db
A = Assignment.State


def expected(parts, overdue: bool) -> dict:
    """The buckets counted by hand from the parts' own states."""
    counts = dict.fromkeys(selectors.BUCKETS, 0)
    for part in parts:
        if part.state == A.DONE:
            counts["done"] += 1
        elif part.state == A.SUBMITTED:
            counts["submitted"] += 1
        elif overdue:
            counts["overdue"] += 1
        else:
            counts["doing" if part.state in (A.DOING, A.RETURNED) else "todo"] += 1
    return counts


def _mixed_task(cast):
    task = assign(cast.county_director, levels=[5], review_level=4)
    parts = list(task.assignments.order_by("region_code"))
    states = [A.DONE] * 7 + [A.SUBMITTED] * 5 + [A.DOING] * 4 + [A.RETURNED] * 2
    for part, state in zip(parts, states, strict=False):  # set directly: the services are tested elsewhere
        Assignment.objects.filter(pk=part.pk).update(state=state)
    return task


@pytest.mark.parametrize("overdue", [False, True])
def test_the_rollup_equals_the_parts_at_every_level(cast, overdue):
    task = _mixed_task(cast)
    if overdue:
        Task.objects.filter(pk=task.pk).update(due_on=timezone.localdate() - timedelta(days=1))
        task.refresh_from_db()
    for prefix in (HOME_COUNTY, STREET_CODE[:9], VILLAGE_CODE):
        parts = list(Assignment.objects.filter(task=task, region_code__startswith=prefix))
        own, children = selectors.rollup(cast.county_director, task, region=prefix)
        assert own.counts == expected(parts, overdue) and own.total == len(parts)
        for row in children:
            below = [p for p in parts if p.region_code.startswith(row.code)]
            assert row.counts == expected(below, overdue) and row.total == len(below)
            assert len(row.code) == next(n for n in sorted(PREFIX_LENGTH.values()) if n > len(prefix))
        assert sum(row.total for row in children) == (own.total if children else 0)
        for bucket in selectors.BUCKETS:  # the click-through list holds exactly the count
            assert selectors.parts_in_bucket(cast.county_director, task, region=prefix,
                                             bucket=bucket).count() == own.counts[bucket]


def test_the_rollup_is_the_viewers_share_only(cast):
    task = _mixed_task(cast)
    own, children = selectors.rollup(cast.street_worker, task)
    assert own.total == Assignment.objects.filter(task=task, region_code__startswith=STREET_CODE[:9]).count()
    own, _children = selectors.rollup(cast.village_worker, task)
    assert own.total == 1
    with pytest.raises(Exception):  # a region outside the viewer's scope: 404
        selectors.rollup(cast.village_worker, task, region=STREET_CODE[:9])


def test_a_standing_menu_makes_one_task_a_period_however_often_it_runs(cast):
    menu = recurrence_save(actor=cast.county_director, title="月度工作菜单", kind="monthly", frequency="monthly",
                           target=Target(levels=[4]), due_after_days=25)
    period, starts = period_of("monthly", timezone.localdate())
    first = Task.objects.get(recurrence=menu)
    assert first.period == period and first.due_on == starts + timedelta(days=24)
    assert generate_due() == [] and generate_due() == []
    call_command("generate_tasks")
    assert Task.objects.filter(recurrence=menu).count() == 1
    next_month = (starts + timedelta(days=32)).replace(day=1)
    made = generate_due(next_month)
    assert len(made) == 1 and made[0].assignee_count == first.assignee_count
    call_command("generate_tasks", "--day", next_month.isoformat())
    assert Task.objects.filter(recurrence=menu).count() == 2


def test_periods():
    assert period_of("monthly", date(2026, 12, 4)) == ("2026-12", date(2026, 12, 1))
    assert period_of("quarterly", date(2026, 8, 31)) == ("2026-Q3", date(2026, 7, 1))
    assert period_of("yearly", date(2026, 8, 31)) == ("2026", date(2026, 1, 1))


def test_urging_an_overdue_unit_is_recorded_and_shown_to_it(cast):
    task = assign(cast.county_director)
    part = task.assignments.get(region_code=VILLAGE_CODE)
    with pytest.raises(ValidationError):  # not overdue yet
        assignment_urge(actor=cast.county_director, assignment_id=part.pk, note="请抓紧")
    make_overdue(task)
    with pytest.raises(ValidationError):  # the unit itself is not above itself
        assignment_urge(actor=cast.village_worker, assignment_id=part.pk, note="请抓紧")
    assignment_urge(actor=cast.county_director, assignment_id=part.pk, note="请三日内报送")
    event = part.events.get(action="urge")
    assert event.note == "请三日内报送" and event.actor_unit == cast.county_director.org_unit
    assert selectors.inbox(cast.village_worker, show="urged").count() == 1
    items = {item.key: item.count for item in contributions.workbench(cast.village_worker)}
    assert items["tasks_urged"] == 1 and items["tasks_overdue"] == 1
    assert urgings_seen(actor=cast.county_director, assignment=part) == 0  # only the unit marks it read
    assert urgings_seen(actor=cast.village_worker, assignment=part) == 1
    assert selectors.inbox(cast.village_worker, show="urged").count() == 0
    assert selectors.overdue_below(cast.county_director).count() == 2
    assert selectors.overdue_by_level(cast.county_director) == {5: 2}
    assert selectors.overdue_below(cast.village_worker).count() == 0


def test_the_workbench_counts_open_their_lists(cast):
    task = assign(cast.county_director, review_level=4)
    part = task.assignments.get(region_code=VILLAGE_CODE)
    assignment_report(actor=cast.village_worker, assignment_id=part.pk, progress=50)
    assignment_submit(actor=cast.village_worker, assignment_id=part.pk)
    street = {item.key: item for item in contributions.workbench(cast.street_worker)}
    assert street["tasks_review"].count == selectors.waiting_for_review(cast.street_worker).count() == 1
    county = {item.key: item.count for item in contributions.workbench(cast.county_director)}
    assert county["tasks_review"] == 0  # the street reviews, not the county
    village2 = {item.key: item.count for item in contributions.workbench(cast.village2_worker)}
    assert village2["tasks_week"] == 0 and village2.get("tasks_review", 0) == 0
    Task.objects.filter(pk=task.pk).update(due_on=timezone.localdate() + timedelta(days=3))
    village2 = {item.key: item.count for item in contributions.workbench(cast.village2_worker)}
    assert village2["tasks_week"] == 1
    assert {item.key: item.count for item in contributions.workbench(cast.leader)}["tasks_review"] == 0
    assert "tasks_review" not in {item.key for item in contributions.workbench(cast.village_worker)}
