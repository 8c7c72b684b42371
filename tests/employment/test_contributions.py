"""Employment on the person's timeline and on the workbench (core's registry): every line filtered by the viewer,
what lies outside counted, never shown; each workbench count the rows its list holds, all counted in one query."""

from datetime import timedelta

import pytest

from rongjia.core import contributions
from rongjia.employment import dossier, services_referrals, workbench
from rongjia.employment.models import Business, Referral, Seeker
from tests.employment import world
from tests.employment.conftest import seeker_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(cast, posting, seeker, sibling_seeker, outsider_seeker, today):
    return world.build(cast, posting, seeker, sibling_seeker, outsider_seeker, today)


@pytest.fixture
def registered(monkeypatch):
    """The contributions as EmploymentConfig.ready registers them (restored after the test)."""
    monkeypatch.setitem(contributions._DOSSIER, "employment", dossier.DOSSIER)
    for contribution in workbench.CONTRIBUTIONS:
        monkeypatch.setitem(contributions._WORKBENCH, contribution.key, contribution)


def titles(viewer, person) -> list[str]:
    return [entry.title for entry in dossier.employment_entries(viewer, person, [person.pk])]


def test_the_timeline_holds_the_profile_referral_outcome_training_and_business(cast, people):
    li = people["li"].person
    mine = titles(cast.village_worker, li)
    assert any("货车司机" in t and "江宁物流有限公司" in t for t in mine) and len(mine) == 3  # profile, referral, hire
    qian = titles(cast.village_worker, people["qian"].person)
    assert sum("叉车培训" in t for t in qian) == 2  # enrolled, completed
    sun = titles(cast.village_worker, people["sun"])
    assert any("孙八便利店" in t for t in sun) and any("创业担保贷款" in t for t in sun)
    entries = dossier.employment_entries(cast.county_director, li, [li.pk])
    assert [e.when for e in entries] == sorted((e.when for e in entries), reverse=True)
    assert dossier.employment_outside(cast.county_director, li, [li.pk]) == 0


def test_a_sibling_village_sees_nothing_of_another_stations_seeker_only_a_count(cast, people):
    li, zhou = people["li"].person, people["zhou"].person
    assert titles(cast.village2_worker, li) == [] and titles(cast.outsider, li) == []
    assert dossier.employment_outside(cast.village2_worker, li, [li.pk]) == 2  # the profile and the referral
    assert dossier.employment_outside(cast.village2_worker, zhou, [zhou.pk]) == 2  # the profile and the business
    assert dossier.employment_outside(cast.village_worker, zhou, [zhou.pk]) == 0
    sibling = people["sibling"].person
    assert titles(cast.village_worker, sibling) == []
    assert dossier.employment_outside(cast.village_worker, sibling, [sibling.pk]) == 1


def test_through_the_registry_the_timeline_and_its_outside_note(cast, people, registered):
    li = people["li"].person
    entries, notes = contributions.timeline(cast.village2_worker, li, [li.pk])
    assert not [e for e in entries if e.kind in ("employment", "training", "fair", "business")]
    assert notes == [str(dossier.OUTSIDE) % {"count": 2}]
    entries, notes = contributions.timeline(cast.village_worker, li, [li.pk])
    assert len([e for e in entries if e.kind == "employment"]) == 3 and notes == []
    grid = contributions.timeline(cast.grid_worker, li, [li.pk])  # the dossier's own lines, no employment.view
    assert not [e for e in grid[0] if e.kind in ("employment", "training", "fair", "business")] and grid[1] == []


@pytest.fixture
def due(cast, people, posting, today):
    """Due today: 赵六's profile offered; a referral of 钱七 made 15 days ago with no outcome (and one of 赵磊 in the
    sibling village, and one of 吴十 made two weeks ago to the day: not overdue yet); 李强's six-month follow-up;
    孙八's shop's follow-up."""
    Seeker.objects.filter(pk=people["zhao"].pk).update(status=Seeker.Status.OFFERED)
    wu = seeker_for(cast.village_worker, name="吴十", seq=521)
    for chosen, days in ((people["qian"], 15), (people["sibling"], 15), (wu, 14)):
        actor = cast.village2_worker if chosen == people["sibling"] else cast.village_worker
        referral = services_referrals.referral_create(actor=actor, seeker=chosen, posting=posting)
        Referral.objects.filter(pk=referral.pk).update(referred_on=today - timedelta(days=days))
    Referral.objects.filter(pk=people["referral"].pk).update(follow_up_due=today)
    Business.objects.filter(pk=people["shop"].pk).update(follow_up_due=today - timedelta(days=1))
    seeker_for(cast.village_worker, name="新人", seq=520, status=Seeker.Status.OFFERED, source="returning")


def test_the_workbench_counts_are_the_lists_in_one_query(cast, due, client_for, django_assert_num_queries):
    with django_assert_num_queries(1):
        village = workbench.counts(cast.village_worker)
    assert village == {"employment_offered": 2, "employment_outcome_due": 1, "employment_follow_up_due": 1,
                       "employment_business_follow_up_due": 1}
    assert workbench.counts(cast.village2_worker) == {
        "employment_offered": 0, "employment_outcome_due": 1, "employment_follow_up_due": 0,
        "employment_business_follow_up_due": 0}
    assert workbench.counts(cast.outsider) == dict.fromkeys(village, 0)
    county = {**village, "employment_outcome_due": 2}  # the sibling village's referral too
    assert workbench.counts(cast.leader) == workbench.counts(cast.county_director) == county
    for key, queryset in workbench.lists(cast.village_worker).items():
        assert queryset.count() == village[key]
    # each item opens the list holding exactly its rows
    client = client_for(cast.village_worker)
    for item in workbench.employment_items(cast.village_worker):
        page = client.get(item.url)
        assert page.context["page"].paginator.count == item.count == village[item.key], item.url


def test_the_workbench_shows_the_items_through_the_registry(cast, due, registered, client_for):
    keys = {item.key: item.count for item in contributions.workbench(cast.village_worker)}
    assert keys["employment_business_follow_up_due"] == 1
    assert not [item for item in contributions.workbench(cast.grid_worker) if item.key.startswith("employment")]
    assert client_for(cast.village_worker).get("/").status_code == 200


def test_the_dossier_section_costs_a_fixed_number_of_queries(cast, people, django_assert_max_num_queries):
    zhou = people["zhou"].person
    with django_assert_max_num_queries(13):  # one a kind of record, one a count of the outside ones
        entries = dossier.employment_entries(cast.county_director, zhou, [zhou.pk])
        dossier.employment_outside(cast.county_director, zhou, [zhou.pk])
    assert len(entries) == 2  # the profile and the farm
