"""The books: status changes as a table, the transfer hand-over, as-of lists, merges, reveals."""

from datetime import date, timedelta

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from rongjia.people import services
from rongjia.people.books.selectors import duplicate_groups, incoming_transfers, outgoing_transfers, people_on_books
from rongjia.people.books.services import (
    person_merge,
    person_reveal,
    status_change_record,
    transfer_accept,
    transfer_cancel,
    transfer_propose,
    transfer_refuse,
)
from rongjia.people.models import Person, PersonMerge, StatusChange, Transfer
from rongjia.people.services_records import record_save
from rongjia.people.timeline import timeline_for
from tests.factories import (
    VILLAGE2_CODE,
    VILLAGE_CODE,
    OrgUnitFactory,
    UserFactory,
    duplicate_from_before_the_rule,
    person_at,
    unit_at,
    valid_id_number,
)

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
    with pytest.raises(ValidationError):  # nor can the dead be handed over
        transfer_propose(actor=cast.village_worker, person=person, to_station=unit_at(VILLAGE2_CODE), reason="x")
    # survivor matters stay open: the widow's phone can still be added
    member = record_save(actor=cast.village_worker, person=person, kind="household",
                         fields={"name": "李梅", "relationship": "spouse", "phone": "13800000001"})
    assert member.person_id == person.pk
    assert Person.objects.get(pk=person.pk).name == "张伟"


# Written out by hand, not read from books.services.ALLOWED, so that a slip in the table shows.
# (status now, change) -> status after; every pair not listed must be refused.
LEGAL = {
    ("active", "move_out"): "moved_out", ("active", "death"): "deceased", ("active", "lost"): "lost",
    ("lost", "move_out"): "moved_out", ("lost", "death"): "deceased", ("lost", "found"): "active",
    ("moved_out", "move_in"): "active",
}


@pytest.mark.parametrize("status", Person.Status.values)
@pytest.mark.parametrize("kind", Kind.values)
def test_every_change_follows_the_table_and_the_rest_change_nothing(cast, person, status, kind):
    Person.objects.filter(pk=person.pk).update(status=status)
    person.refresh_from_db()
    before = (StatusChange.objects.count(), person.version)
    if (status, kind) in LEGAL:
        status_change_record(actor=cast.village_worker, person=person, kind=kind, day=date.today(), reason="x")
        person.refresh_from_db()
        assert person.status == LEGAL[status, kind] and person.version == before[1] + 1
        assert person.status_changes.order_by("-id")[0].kind == kind
        return
    with pytest.raises(ValidationError):
        status_change_record(actor=cast.village_worker, person=person, kind=kind, day=date.today(), reason="x")
    person.refresh_from_db()
    assert (StatusChange.objects.count(), person.version) == before and person.status == status


def test_a_change_waits_for_an_open_transfer_and_a_stale_form_is_refused(cast, person):
    from rongjia.core.errors import StaleVersion

    transfer = transfer_propose(actor=cast.village_worker, person=person, to_station=unit_at(VILLAGE2_CODE),
                                reason="x")
    with pytest.raises(ValidationError):
        status_change_record(actor=cast.village_worker, person=person, kind=Kind.LOST, day=YESTERDAY, reason="x")
    transfer_cancel(actor=cast.village_worker, transfer=transfer)
    with pytest.raises(StaleVersion):
        status_change_record(actor=cast.village_worker, person=person, kind=Kind.LOST, day=YESTERDAY, reason="x",
                             version=person.version - 1)
    assert person.status_changes.count() == 1


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
    second = duplicate_from_before_the_rule(cast.village2_worker, code=VILLAGE2_CODE, name="王强", id_number=number,
                       categories=("转业干部",))
    assert [len(group) for group in duplicate_groups(cast.street_worker)] == [2]
    assert duplicate_groups(cast.village_worker) == []  # each station sees only its own record
    with pytest.raises(PermissionDenied):
        person_merge(actor=cast.village_worker, survivor=first, duplicate=second)
    person_merge(actor=cast.county_director, survivor=first, duplicate=second)
    assert not Person.objects.filter(pk=second.pk).exists()
    # both 新增 lines, then the duplicate station's line closed and the kept station's restated (same day)
    assert first.category_spans.count() == 2 and first.status_changes.count() == 4
    assert PersonMerge.objects.get(survivor=first).merged_pk == second.pk
    titles = [entry.title for entry in timeline_for(cast.county_director, first)[0]]
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


def test_a_grid_worker_may_look_but_not_reveal(cast, person):
    grid_worker = UserFactory(roles=["grid_worker"], org_unit=unit_at(VILLAGE_CODE))
    assert Person.objects.visible_to(grid_worker).filter(pk=person.pk).exists()
    with pytest.raises(PermissionDenied):
        person_reveal(actor=grid_worker, person=person, field="id_number", reason="核对")
    assert not LogEntry.objects.filter(action=LogEntry.Action.ACCESS).exists()


def test_a_household_members_value_is_revealed_and_recorded_against_the_person(cast, person):
    member = record_save(actor=cast.village_worker, person=person, kind="household",
                         fields={"name": "李梅", "relationship": "spouse", "phone": "13800000001"})
    other = person_at(cast.village_worker, name="王五", seq=9)
    assert person_reveal(actor=cast.village_worker, person=person, field="phone", reason="联系家属",
                         member_id=member.pk) == "13800000001"
    entry = LogEntry.objects.get(action=LogEntry.Action.ACCESS)
    assert entry.object_pk == str(person.pk)
    assert entry.additional_data == {"what": "reveal:household:phone", "field": "phone", "reason": "联系家属",
                                     "member": member.pk}
    with pytest.raises(Http404):  # a member of someone else's household through this person
        person_reveal(actor=cast.village_worker, person=other, field="phone", reason="x", member_id=member.pk)
    titles = [entry.title for entry in timeline_for(cast.village_worker, person)[0]]
    assert any("household member" in t or "家庭成员" in t for t in titles)


def test_transfer_proposals_that_make_no_sense_are_refused(cast, person):
    def propose(actor=cast.village_worker, to=None, reason="随子女居住", who=person):
        return transfer_propose(actor=actor, person=who, to_station=to or unit_at(VILLAGE2_CODE), reason=reason)

    with pytest.raises(ValidationError, match="reason"):
        propose(reason="  ")
    with pytest.raises(ValidationError):  # its own station
        propose(to=unit_at(VILLAGE_CODE))
    with pytest.raises(ValidationError):  # a resident (派驻) unit holds no books
        propose(to=OrgUnitFactory())
    with pytest.raises(PermissionDenied):
        propose(actor=cast.leader)
    with pytest.raises(Http404):
        propose(actor=cast.outsider)
    lost = person_at(cast.village_worker, name="赵六", seq=8)
    status_change_record(actor=cast.village_worker, person=lost, kind=Kind.LOST, day=date.today(), reason="x")
    with pytest.raises(ValidationError):  # only a person on the books is handed over
        propose(who=lost)
    assert not Transfer.objects.exists()
    far_away = unit_at("320114000000")  # another county's centre: anywhere in the country will do
    transfer = propose(to=far_away)
    assert transfer.state == Transfer.State.PROPOSED
    assert list(outgoing_transfers(cast.village_worker)) == [transfer]
    assert list(incoming_transfers(cast.outsider)) == [transfer]
    assert not incoming_transfers(cast.village_worker).exists() and not outgoing_transfers(cast.outsider).exists()
    assert not incoming_transfers(cast.village2_worker).exists()


def test_an_accepted_transfer_moves_the_person_on_the_books_from_today(cast, person):
    transfer = transfer_propose(actor=cast.village_worker, person=person, to_station=unit_at(VILLAGE2_CODE),
                                reason="随子女居住")
    transfer_accept(actor=cast.village2_worker, transfer=transfer)
    person.refresh_from_db()
    assert person.station.region_code == VILLAGE2_CODE and person.version == 2

    def where(user, day):
        return [row.station.region_code for row in people_on_books(user, day)]

    assert where(cast.county_director, YESTERDAY) == [VILLAGE_CODE]
    assert where(cast.county_director, date.today()) == [VILLAGE2_CODE]
    assert where(cast.village_worker, YESTERDAY) == [VILLAGE_CODE]  # the sender's past books stay its own
    assert where(cast.village_worker, date.today()) == []
    assert where(cast.village2_worker, date.today()) == [VILLAGE2_CODE]


def test_after_a_merge_the_books_count_the_person_once_where_the_kept_record_is(cast):
    number = valid_id_number("19600101", sequence=78)
    kept = person_at(cast.village_worker, name="王强", id_number=number, registered_on=date(2020, 1, 1))
    gone = duplicate_from_before_the_rule(cast.village2_worker, code=VILLAGE2_CODE, name="王强", id_number=number,
                     registered_on=date(2024, 1, 1))
    books = people_on_books(cast.county_director, date(2024, 6, 30))
    assert [row.person_id for row in books] == [kept.pk, gone.pk]  # the double count the merge ends
    person_merge(actor=cast.county_director, survivor=kept, duplicate=gone)
    # The duplicate's 新增 at the second station is the latest line: the merge closes it today.
    today = [(row.person_id, row.station.region_code) for row in people_on_books(cast.county_director, date.today())]
    assert today == [(kept.pk, VILLAGE_CODE)]
    assert list(kept.status_changes.order_by("id").values_list("kind", "station__region_code")) == [
        (Kind.NEW, VILLAGE_CODE), (Kind.NEW, VILLAGE2_CODE),
        (Kind.MOVE_OUT, VILLAGE2_CODE), (Kind.MOVE_IN, VILLAGE_CODE)]


def test_a_merge_into_the_later_record_needs_no_extra_line(cast):
    number = valid_id_number("19600101", sequence=79)
    older = person_at(cast.village_worker, name="王强", id_number=number, registered_on=date(2020, 1, 1))
    newer = duplicate_from_before_the_rule(cast.village2_worker, code=VILLAGE2_CODE, name="王强", id_number=number,
                      registered_on=date(2024, 1, 1))
    person_merge(actor=cast.county_director, survivor=newer, duplicate=older)
    assert newer.status_changes.count() == 2
    assert [(row.person_id, row.station.region_code) for row in people_on_books(cast.county_director, date.today())] \
        == [(newer.pk, VILLAGE2_CODE)]
    with pytest.raises(Http404):  # the village worker sees only one of the two: no merge across the fence
        person_merge(actor=UserFactory(roles=["centre_director"], org_unit=unit_at(VILLAGE_CODE)),
                     survivor=newer, duplicate=older)
