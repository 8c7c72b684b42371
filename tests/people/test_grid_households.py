"""Households in grids: the station puts its households in its grids; a grid worker keeps theirs up to date on a
phone and proposes status changes that the station confirms on the books."""

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from rongjia.network.models import Grid
from rongjia.people.grids import services
from rongjia.people.models import Person, StatusChange, StatusProposal, Tag
from tests.factories import VILLAGE2_CODE, VILLAGE_CODE, person_at, unit_at

pytestmark = pytest.mark.django_db


@pytest.fixture
def grid(cast):
    return Grid.objects.create(unit=unit_at(VILLAGE_CODE), name="第一网格", worker=cast.grid_worker)


@pytest.fixture
def household(cast, grid):
    person = person_at(cast.village_worker, name="孙立军", phone="13812345678")
    services.households_assign(actor=cast.village_worker, grid=grid, people=[person])
    person.refresh_from_db()
    return person


def test_the_station_puts_only_its_own_households_in_its_grids(cast, grid):
    ours = person_at(cast.village_worker, seq=2)
    theirs = person_at(cast.village2_worker, code=VILLAGE2_CODE, seq=3)
    with pytest.raises(ValidationError):
        services.households_assign(actor=cast.village_worker, grid=grid, people=[ours, theirs])
    assert not Person.objects.filter(grid=grid).exists()
    assert services.households_assign(actor=cast.village_worker, grid=grid, people=[ours]) == 1
    with pytest.raises(Http404):
        services.households_assign(actor=cast.village2_worker, grid=grid, people=[theirs])
    with pytest.raises(PermissionDenied):
        services.households_assign(actor=cast.grid_worker, grid=grid, people=[ours])


def test_the_grid_worker_updates_their_household_and_it_is_audited(cast, household):
    need = Tag.objects.get(name="就医需求")
    person = services.household_update(actor=cast.grid_worker, person=household, version=household.version,
                                       phone="13900001111", address_detail="古泉社区5栋2单元", health="高血压",
                                       needs=[need])
    assert (person.phone, person.health) == ("13900001111", "高血压") and list(person.tags.all()) == [need]
    changed = {name for entry in LogEntry.objects.get_for_object(person).filter(actor=cast.grid_worker)
               for name in entry.changes_dict}
    assert {"health", "address_detail", "phone", "tags"} <= changed


def test_bad_input_and_a_household_in_another_grid_change_nothing(cast, household, grid):
    with pytest.raises(ValidationError):
        services.household_update(actor=cast.grid_worker, person=household, version=household.version,
                                  phone="电话不详")
    other = person_at(cast.village_worker, name="外网格", seq=5)
    with pytest.raises(PermissionDenied):
        services.household_update(actor=cast.grid_worker, person=other, version=other.version, health="x")
    with pytest.raises(Http404):
        services.household_update(actor=cast.outsider, person=household, version=household.version, health="x")
    household.refresh_from_db()
    assert household.phone == "13812345678" and household.health == ""


def test_a_death_seen_by_the_grid_worker_is_confirmed_by_the_station(cast, household):
    proposal = services.status_propose(actor=cast.grid_worker, person=household, kind=StatusChange.Kind.DEATH,
                                       day=timezone.localdate(), reason="家属告知今日病故")
    with pytest.raises(ValidationError):  # one waiting change at a time
        services.status_propose(actor=cast.grid_worker, person=household, kind=StatusChange.Kind.LOST,
                                day=timezone.localdate(), reason="x")
    assert Person.objects.get(pk=household.pk).status == Person.Status.ACTIVE  # nothing on the books yet
    services.status_proposal_decide(actor=cast.village_worker, proposal=proposal, confirm=True)
    person = Person.objects.get(pk=household.pk)
    assert person.status == Person.Status.DECEASED and person.deceased_on == timezone.localdate()
    assert StatusProposal.objects.get().state == StatusProposal.State.CONFIRMED


def test_a_refusal_needs_a_note_and_a_grid_worker_cannot_decide(cast, household):
    proposal = services.status_propose(actor=cast.grid_worker, person=household, kind=StatusChange.Kind.MOVE_OUT,
                                       day=timezone.localdate(), reason="随子女迁往外省")
    with pytest.raises(PermissionDenied):
        services.status_proposal_decide(actor=cast.grid_worker, proposal=proposal, confirm=True)
    with pytest.raises(ValidationError):
        services.status_proposal_decide(actor=cast.village_worker, proposal=proposal, confirm=False)
    services.status_proposal_decide(actor=cast.village_worker, proposal=proposal, confirm=False, note="仍在本村居住")
    assert Person.objects.get(pk=household.pk).status == Person.Status.ACTIVE


def test_the_grid_pages(cast, client_for, household, django_assert_max_num_queries):
    grid_client = client_for(cast.grid_worker)
    with django_assert_max_num_queries(12):
        page = grid_client.get("/people/grids/mine").content.decode()
    assert "孙立军" in page and "138****5678" in page
    response = grid_client.post(f"/people/grids/households/{household.pk}", {
        "phone": "13900002222", "address_detail": "5号", "health": "", "version": household.version})
    assert response.status_code == 302 and Person.objects.get(pk=household.pk).phone == "13900002222"
    assert client_for(cast.outsider).get(f"/people/grids/households/{household.pk}").status_code == 404
    assert client_for(cast.leader).get(f"/people/grids/households/{household.pk}").status_code == 403
    assert client_for(cast.leader).get("/people/grids/mine").status_code == 403
    grid_client.post(f"/people/grids/households/{household.pk}/propose", {
        "kind": "lost", "day": timezone.localdate().isoformat(), "reason": "多次上门无人，电话停机"})
    station = client_for(cast.village_worker)
    assert "多次上门无人" in station.get("/people/grids/proposals").content.decode()
    assert station.get("/people/grids/assign").status_code == 200
