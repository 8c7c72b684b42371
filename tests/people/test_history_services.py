"""The books: status changes as a table, the transfer hand-over, as-of lists, merges, reveals."""

from datetime import date, timedelta

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from rongjia.people import services
from rongjia.people.models import Person, PersonMerge, StatusChange, Transfer
from rongjia.people.selectors_history import duplicate_groups, people_on_books
from rongjia.people.services_status import (
    person_merge,
    person_reveal,
    status_change_record,
    transfer_accept,
    transfer_cancel,
    transfer_propose,
    transfer_refuse,
)
from rongjia.people.timeline import timeline_for
from tests.factories import VILLAGE2_CODE, VILLAGE_CODE, person_at, unit_at, valid_id_number

Kind = StatusChange.Kind
YESTERDAY = date.today() - timedelta(days=1)


@pytest.fixture
def person(cast):
    return person_at(cast.village_worker, phone="13912345678", registered_on=date(2020, 1, 1))


def test_death_closes_the_record_but_not_the_household(cast, person):
    status_change_record(actor=cast.village_worker, person=person, kind=Kind.DEATH, day=YESTERDAY, reason="病故")
    person.refresh_from_db()
    assert person.status == Person.Status.DECEASED and person.deceased_on == YESTERDAY
    with pytest.raises(ValidationError):
        services.person_update(actor=cast.village_worker, person=person, version=person.version, name="张三")


@pytest.mark.parametrize("first, then", [
    (Kind.DEATH, Kind.LOST), (Kind.DEATH, Kind.MOVE_OUT), (Kind.DEATH, Kind.FOUND), (Kind.MOVE_OUT, Kind.LOST),
    (None, Kind.FOUND), (None, Kind.NEW), (None, Kind.MOVE_IN),
])
def test_changes_the_status_does_not_allow_are_refused(cast, person, first, then):
    if first:
        status_change_record(actor=cast.village_worker, person=person, kind=first, day=YESTERDAY, reason="x")
    before = StatusChange.objects.count()
    with pytest.raises(ValidationError):
        status_change_record(actor=cast.village_worker, person=person, kind=then, day=date.today(), reason="x")
    assert StatusChange.objects.count() == before


def test_lost_then_found_and_the_date_rules(cast, person):
    status_change_record(actor=cast.village_worker, person=person, kind=Kind.LOST, day=date.today(), reason="电话停机")
    with pytest.raises(ValidationError, match="date"):
        status_change_record(actor=cast.village_worker, person=person, kind=Kind.FOUND, day=YESTERDAY, reason="x")
    with pytest.raises(ValidationError, match="date"):
        status_change_record(actor=cast.village_worker, person=person, kind=Kind.FOUND,
                             day=date.today() + timedelta(days=1), reason="x")
    with pytest.raises(ValidationError, match="reason"):
        status_change_record(actor=cast.village_worker, person=person, kind=Kind.FOUND, day=date.today(), reason=" ")
    status_change_record(actor=cast.village_worker, person=person, kind=Kind.FOUND, day=date.today(), reason="联系上")
    person.refresh_from_db()
    assert person.status == Person.Status.ACTIVE


def test_the_leader_and_the_outsider_cannot_change_the_books(cast, person):
    with pytest.raises(PermissionDenied):
        status_change_record(actor=cast.leader, person=person, kind=Kind.LOST, day=YESTERDAY, reason="x")
    with pytest.raises(Http404):
        status_change_record(actor=cast.outsider, person=person, kind=Kind.LOST, day=YESTERDAY, reason="x")


def test_transfer_hand_over_accepted(cast, person):
    transfer = transfer_propose(actor=cast.village_worker, person=person, to_station=unit_at(VILLAGE2_CODE),
                                reason="随子女居住")
    # Until accepted the sender holds the record; the receiver cannot open it.
    assert Person.objects.visible_to(cast.village_worker).filter(pk=person.pk).exists()
    assert not Person.objects.visible_to(cast.village2_worker).filter(pk=person.pk).exists()
    with pytest.raises(PermissionDenied):  # the sender cannot accept its own proposal
        transfer_accept(actor=cast.village_worker, transfer=transfer)
    with pytest.raises(ValidationError):  # a second open proposal
        transfer_propose(actor=cast.village_worker, person=person, to_station=unit_at(VILLAGE2_CODE), reason="x")
    transfer_accept(actor=cast.village2_worker, transfer=transfer)
    assert Person.objects.visible_to(cast.village2_worker).filter(pk=person.pk).exists()
    assert not Person.objects.visible_to(cast.village_worker).filter(pk=person.pk).exists()
    kinds = list(person.status_changes.order_by("id").values_list("kind", "station__region_code"))
    assert kinds == [(Kind.NEW, VILLAGE_CODE), (Kind.MOVE_OUT, VILLAGE_CODE), (Kind.MOVE_IN, VILLAGE2_CODE)]
    with pytest.raises(ValidationError):  # decided once
        transfer_refuse(actor=cast.village2_worker, transfer=transfer, note="x")


def test_transfer_refused_or_withdrawn_leaves_the_record_where_it_was(cast, person):
    transfer = transfer_propose(actor=cast.village_worker, person=person, to_station=unit_at(VILLAGE2_CODE),
                                reason="x")
    with pytest.raises(ValidationError):
        transfer_refuse(actor=cast.village2_worker, transfer=transfer, note="")
    transfer_refuse(actor=cast.village2_worker, transfer=transfer, note="查无此人")
    again = transfer_propose(actor=cast.village_worker, person=person, to_station=unit_at(VILLAGE2_CODE), reason="y")
    with pytest.raises(PermissionDenied):  # the receiver cannot withdraw
        transfer_cancel(actor=cast.village2_worker, transfer=again)
    transfer_cancel(actor=cast.village_worker, transfer=again)
    person.refresh_from_db()
    assert person.station.region_code == VILLAGE_CODE
    assert set(Transfer.objects.values_list("state", flat=True)) == {"refused", "cancelled"}
    with pytest.raises(Http404):  # an outsider does not see the transfer at all
        transfer_cancel(actor=cast.outsider, transfer=again)


def _history(person, *changes):
    """Replace a person's books with hand-written (kind, date, station code) lines."""
    person.status_changes.all().delete()
    for kind, day, code in changes:
        unit = unit_at(code)
        StatusChange.objects.create(person=person, kind=kind, date=date.fromisoformat(day), station=unit,
                                    region_code=unit.region_code)


def test_the_books_as_of_a_past_day_against_a_hand_computed_fixture(cast):
    a, b, c, d, e = (person_at(cast.county_director, name=n, seq=i) for i, n in enumerate("甲乙丙丁戊", start=1))
    _history(a, (Kind.NEW, "2024-03-01", VILLAGE_CODE))
    _history(b, (Kind.NEW, "2025-07-01", VILLAGE_CODE))
    _history(c, (Kind.NEW, "2024-01-01", VILLAGE_CODE), (Kind.MOVE_OUT, "2025-05-01", VILLAGE_CODE),
             (Kind.MOVE_IN, "2025-05-01", VILLAGE2_CODE))
    _history(d, (Kind.NEW, "2024-01-01", VILLAGE2_CODE), (Kind.DEATH, "2025-09-30", VILLAGE2_CODE))
    _history(e, (Kind.NEW, "2024-01-01", VILLAGE_CODE), (Kind.LOST, "2025-02-01", VILLAGE_CODE),
             (Kind.FOUND, "2025-11-01", VILLAGE_CODE))

    def books(user, day):
        return {(row.person.name, row.station.region_code) for row in people_on_books(user, date.fromisoformat(day))}

    assert books(cast.county_director, "2025-06-30") == {("甲", VILLAGE_CODE), ("丙", VILLAGE2_CODE),
                                                         ("丁", VILLAGE2_CODE)}
    assert books(cast.county_director, "2025-12-31") == {("甲", VILLAGE_CODE), ("乙", VILLAGE_CODE),
                                                         ("丙", VILLAGE2_CODE), ("戊", VILLAGE_CODE)}
    assert books(cast.village_worker, "2025-04-30") == {("甲", VILLAGE_CODE), ("丙", VILLAGE_CODE)}
    assert books(cast.village_worker, "2023-12-31") == set()
    assert books(cast.outsider, "2025-12-31") == set()


def test_duplicates_found_for_the_centre_and_merged_keeping_both_histories(cast):
    number = valid_id_number("19600101", sequence=77)
    first = person_at(cast.village_worker, name="王强", id_number=number)
    second = person_at(cast.village2_worker, code=VILLAGE2_CODE, name="王强", id_number=number,
                       categories=("转业干部",))
    assert [len(group) for group in duplicate_groups(cast.street_worker)] == [2]
    assert duplicate_groups(cast.village_worker) == []  # each station sees only its own record
    with pytest.raises(PermissionDenied):
        person_merge(actor=cast.village_worker, survivor=first, duplicate=second)
    person_merge(actor=cast.county_director, survivor=first, duplicate=second)
    assert not Person.objects.filter(pk=second.pk).exists()
    assert first.category_spans.count() == 2 and first.status_changes.count() == 2
    assert PersonMerge.objects.get(survivor=first).merged_pk == second.pk
    titles = [entry.title for entry in timeline_for(first)]
    assert sum(t in ("建档", "Dossier created") for t in titles) == 2  # both creations stay on the timeline
    assert duplicate_groups(cast.county_director) == []


def test_merging_two_different_people_is_refused(cast):
    first, second = person_at(cast.village_worker, seq=1), person_at(cast.village2_worker, code=VILLAGE2_CODE, seq=3)
    with pytest.raises(ValidationError):
        person_merge(actor=cast.county_director, survivor=first, duplicate=second)


def test_a_reveal_is_audited_with_its_reason_and_refused_without_the_capability(cast, person):
    assert person_reveal(actor=cast.village_worker, person=person, field="phone", reason="回访") == "13912345678"
    entry = LogEntry.objects.filter(action=LogEntry.Action.ACCESS, object_pk=str(person.pk)).get()
    assert entry.actor == cast.village_worker and entry.additional_data["reason"] == "回访"
    assert "13912345678" not in str(entry.changes) + str(entry.additional_data)
    with pytest.raises(ValidationError):
        person_reveal(actor=cast.village_worker, person=person, field="phone", reason="")
    with pytest.raises(PermissionDenied):
        person_reveal(actor=cast.leader, person=person, field="id_number", reason="x")
    with pytest.raises(Http404):
        person_reveal(actor=cast.village2_worker, person=person, field="id_number", reason="x")
    assert LogEntry.objects.filter(action=LogEntry.Action.ACCESS).count() == 1
