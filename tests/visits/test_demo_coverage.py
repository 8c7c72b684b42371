"""The demo's year of visits, and the coverage figures: for every region of the demo county, each count equals
the list it opens, for every viewer level."""

import pytest
from django.utils import timezone

from rongjia.core.models import OrgUnit
from rongjia.core.regions import PREFIX_LENGTH
from rongjia.core.scoping import subtree_q
from rongjia.demo.people_seed import seed_people
from rongjia.demo.visits_seed import seed_visits
from rongjia.visits.coverage import STATUSES, coverage_rolled_up, people_by_status
from rongjia.visits.models import Campaign, DueVisit, Merit, Plaque, Visit
from tests.factories import HOME_COUNTY

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(cast):
    seed_people(county_prefix=HOME_COUNTY, total=700)
    made = seed_visits(county_prefix=HOME_COUNTY)
    assert made and seed_visits(county_prefix=HOME_COUNTY) == 0  # a second run adds nothing
    return made


def test_the_demo_has_a_year_of_visits_with_gaps_and_every_honour_state(demo, cast):
    today = timezone.localdate()
    assert Visit.objects.count() == demo and not Visit.objects.filter(visited_on__gt=today).exists()
    figures, _rows = coverage_rolled_up(cast.county_director, day=today, region=HOME_COUNTY)
    assert figures["done"] and figures["overdue"] and figures["never"]
    campaign = Campaign.objects.get()
    assert campaign.starts_on <= today <= campaign.ends_on and campaign.visits.exists()
    assert set(Plaque.objects.values_list("state", flat=True)) == set(Plaque.State.values)
    assert set(Merit.objects.values_list("state", flat=True)) == set(Merit.State.values)
    assert DueVisit.objects.filter(visit__isnull=True).exists()


def test_every_coverage_count_equals_its_list_in_every_region(demo, cast):
    today = timezone.localdate()
    units = OrgUnit.objects.filter(subtree_q("region_code", HOME_COUNTY), kind__in=["centre", "station"])
    regions = sorted({u.region_code[:PREFIX_LENGTH[u.level]] for u in units if u.level <= 4} | {HOME_COUNTY})
    for viewer in (cast.county_director, cast.street_worker):
        for region in regions:
            if not region.startswith(viewer.org_unit.region_code[:PREFIX_LENGTH[viewer.org_unit.level]]):
                continue
            total, rows = coverage_rolled_up(viewer, day=today, region=region)
            for status in STATUSES:
                listed = people_by_status(viewer, status=status, day=today, region=region)
                assert total[status] == listed.count(), (viewer, region, status)
                for row in rows:
                    assert row.figures[status] == people_by_status(viewer, status=status, day=today,
                                                                   region=row.code).count()
            assert total["done"] + total["due"] == total["total"]


def test_a_villages_coverage_per_grid_adds_up_to_the_village(cast):
    from rongjia.network.models import Grid
    from rongjia.people.grids.services import households_assign
    from rongjia.visits.coverage import coverage_by_grid
    from rongjia.visits.services import visit_record
    from tests.factories import VILLAGE_CODE, person_at, unit_at

    first = Grid.objects.create(unit=unit_at(VILLAGE_CODE), name="第一网格", worker=cast.grid_worker)
    people = [person_at(cast.village_worker, name=f"网格户{n}", seq=60 + n) for n in range(4)]
    households_assign(actor=cast.village_worker, grid=first, people=people[:3])
    visit_record(actor=cast.grid_worker, person_id=people[0].pk, visited_on=timezone.localdate())
    today = timezone.localdate()
    rows = {row.code: row.figures for row in coverage_by_grid(cast.village_worker, day=today, region=VILLAGE_CODE)}
    assert rows[str(first.pk)]["total"] == 3 and rows[""]["total"] == 1
    assert rows[str(first.pk)]["done"] == 1 and rows[str(first.pk)]["never"] == 2
    total, _below = coverage_rolled_up(cast.village_worker, day=today, region=VILLAGE_CODE)
    for status in STATUSES:
        assert sum(figures[status] for figures in rows.values()) == total[status]
