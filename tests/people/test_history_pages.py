"""The pages of the books: who may see and do what, and that each does what it says."""

import io
from datetime import date

import pytest
from auditlog.models import LogEntry
from django.urls import reverse
from openpyxl import load_workbook

from rongjia.core.masking import mask_id_number
from rongjia.people.books import services as books_services
from rongjia.people.models import Person, StatusChange, Transfer
from rongjia.people.services_records import record_save
from tests.factories import (
    VILLAGE2_CODE,
    VILLAGE_CODE,
    duplicate_from_before_the_rule,
    person_at,
    unit_at,
    valid_id_number,
)

PHONE = "13912345678"


@pytest.fixture
def person(cast):
    return person_at(cast.village_worker, phone=PHONE, registered_on=date(2020, 1, 1))


def url(name, *args):
    return reverse(f"people:{name}", args=args)


@pytest.mark.parametrize("name", ["person_timeline", "status_change", "transfer_propose", "merge"])
def test_outsiders_and_other_stations_get_404(cast, client_for, person, name):
    for who in (cast.outsider, cast.village2_worker):
        if name == "merge" and not who.can("people.merge"):
            continue
        assert client_for(who).get(url(name, person.pk)).status_code == 404


def test_the_timeline_shows_registration_and_changes(cast, client_for, person):
    response = client_for(cast.county_director).get(url("person_timeline", person.pk))
    assert response.status_code == 200
    assert "新增" in response.content.decode()


def test_a_status_change_through_the_page(cast, client_for, person):
    client = client_for(cast.village_worker)
    page = client.get(url("status_change", person.pk))
    assert page.status_code == 200 and "失联" in page.content.decode()
    bad = client.post(url("status_change", person.pk), {"kind": "lost", "day": "2019-01-01", "reason": "x",
                                                         "version": person.version})
    assert bad.status_code == 200 and person.status_changes.count() == 1  # before the registration: refused
    done = client.post(url("status_change", person.pk), {"kind": "lost", "day": date.today().isoformat(),
                                                          "reason": "电话停机", "version": person.version})
    assert done.status_code == 302
    assert Person.objects.get(pk=person.pk).status == "lost"
    assert client_for(cast.leader).get(url("status_change", person.pk)).status_code == 403


def test_transfer_proposed_and_accepted_through_the_pages(cast, client_for, person):
    receiver = unit_at(VILLAGE2_CODE)
    options = client_for(cast.village_worker).get(url("station_options"), {"to_station": receiver.name[:3]})
    assert receiver.region_code in options.content.decode()
    proposed = client_for(cast.village_worker).post(url("transfer_propose", person.pk), {
        "to_station": f"{receiver.name} {receiver.region_code}", "reason": "随子女居住"})
    assert proposed.status_code == 302
    transfer = Transfer.objects.get()
    inbox = client_for(cast.village2_worker).get(url("transfer_list"))
    assert person.name in inbox.content.decode() and PHONE not in inbox.content.decode()
    assert client_for(cast.village2_worker).get(url("person_detail", person.pk)).status_code == 404
    assert client_for(cast.outsider).post(url("transfer_decide", transfer.pk, "accept")).status_code == 404
    assert client_for(cast.village_worker).post(url("transfer_decide", transfer.pk, "accept")).status_code == 404
    assert client_for(cast.village2_worker).post(url("transfer_decide", transfer.pk, "accept")).status_code == 302
    assert client_for(cast.village2_worker).get(url("person_detail", person.pk)).status_code == 200
    assert client_for(cast.village_worker).get(url("person_detail", person.pk)).status_code == 404


def test_an_unknown_receiving_unit_is_a_field_error(cast, client_for, person):
    response = client_for(cast.village_worker).post(url("transfer_propose", person.pk),
                                                     {"to_station": "不存在的站", "reason": "x"})
    assert response.status_code == 200 and not Transfer.objects.exists()


def test_duplicates_report_and_merge_page(cast, client_for):
    number = valid_id_number("19600101", sequence=77)
    first = person_at(cast.village_worker, name="王强", id_number=number)
    second = duplicate_from_before_the_rule(cast.village2_worker, code=VILLAGE2_CODE, name="王强", id_number=number)
    report = client_for(cast.street_worker).get(url("duplicates")).content.decode()
    assert report.count("王强") == 2 and number not in report
    assert "王强" not in client_for(cast.outsider).get(url("duplicates")).content.decode()
    assert client_for(cast.village_worker).get(url("merge", first.pk)).status_code == 403  # no people.merge
    merged = client_for(cast.county_director).post(url("merge", first.pk), {"survivor": second.pk})
    assert merged.status_code == 302
    assert list(Person.objects.filter(id_hash=first.id_hash).values_list("pk", flat=True)) == [second.pk]


def test_reveal_needs_a_reason_and_is_recorded(cast, client_for, person):
    client = client_for(cast.village_worker)
    assert client.post(url("reveal", person.pk), {"field": "phone", "reason": ""}).status_code == 422
    shown = client.post(url("reveal", person.pk), {"field": "phone", "reason": "回访"}, HTTP_HX_REQUEST="true")
    assert PHONE in shown.content.decode()
    assert LogEntry.objects.filter(action=LogEntry.Action.ACCESS, object_pk=str(person.pk)).count() == 1
    assert client_for(cast.leader).post(url("reveal", person.pk), {"field": "phone", "reason": "x"}).status_code == 403
    assert client_for(cast.outsider).post(url("reveal", person.pk),
                                          {"field": "phone", "reason": "x"}).status_code == 404
    assert client.get(url("reveal", person.pk)).status_code == 405


def test_the_as_of_page_and_its_export(cast, client_for, person, django_assert_max_num_queries):
    for n in range(5):
        person_at(cast.village_worker, seq=10 + n, registered_on=date(2021, 1, 1))
    client = client_for(cast.county_director)
    with django_assert_max_num_queries(12):
        page = client.get(url("as_of"), {"day": "2020-12-31"}).content.decode()
    assert person.name in page and "1" in page
    assert "张伟" not in client.get(url("as_of"), {"day": "2019-12-31"}).content.decode()
    assert client.get(url("as_of"), {"day": "2999-01-01"}).status_code == 200  # a form error, not a crash
    sheet = load_workbook(io.BytesIO(client.get(url("as_of_export"), {"day": "2021-06-30"}).content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len([row for row in rows if row[0] == "张伟"]) == 6
    assert all(valid_id_number("19750505", sequence=1) not in str(row) for row in rows)
    assert client_for(cast.outsider).get(url("as_of"), {"day": "2021-06-30"}).content.decode().count("张伟") == 0


def test_full_export_is_for_the_director_and_recorded(cast, client_for, person):
    assert client_for(cast.village_worker).get(url("export_full")).status_code == 403
    client = client_for(cast.county_director)
    assert client.post(url("export_full"), {"reason": "核对", "confirm": ""}).status_code == 200  # not ticked
    response = client.post(url("export_full") + "?q=张", {"reason": "核对", "confirm": "on"})
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert any(PHONE in str(row) for row in rows)
    entry = LogEntry.objects.get(action=LogEntry.Action.ACCESS)
    assert entry.actor == cast.county_director and entry.additional_data["what"] == "export_full"


def test_the_transfer_list_runs_a_bounded_number_of_queries(cast, client_for, django_assert_max_num_queries):
    from rongjia.people.books.services import transfer_propose

    for n in range(6):
        p = person_at(cast.village_worker, seq=20 + n)
        transfer_propose(actor=cast.village_worker, person=p, to_station=unit_at(VILLAGE2_CODE), reason="x")
    client = client_for(cast.village2_worker)
    with django_assert_max_num_queries(12):
        response = client.get(url("transfer_list"))
    assert response.content.decode().count("/accept") == 6
    assert StatusChange.objects.count() == 6


def test_a_person_moving_in_from_outside_arrives_as_moved_in(cast, client_for):
    from tests.people.test_people_pages import form_data

    response = client_for(cast.village_worker).post("/people/new", form_data(arrival="move_in"))
    assert response.status_code == 302
    assert StatusChange.objects.get().kind == "move_in"


def test_the_list_filters_by_tag(cast, client_for, person):
    from rongjia.people.models import Tag

    other = person_at(cast.village_worker, name="李明", seq=5)
    tag = Tag.objects.get(name="党员")
    other.tags.add(tag)
    page = client_for(cast.village_worker).get("/people/", {"tag": tag.pk}).content.decode()
    assert "李明" in page and "张伟" not in page


def test_the_leader_reads_but_cannot_change_the_books(cast, client_for, person):
    transfer = books_services.transfer_propose(actor=cast.village_worker, person=person, reason="x",
                                                to_station=unit_at(VILLAGE2_CODE))
    leader = client_for(cast.leader)
    assert leader.get(url("person_timeline", person.pk)).status_code == 200
    assert person.name in leader.get(url("transfer_list"), {"direction": "out"}).content.decode()
    for name in ("status_change", "transfer_propose", "merge"):
        assert leader.get(url(name, person.pk)).status_code == 403
    for action in ("accept", "refuse", "cancel"):
        assert leader.post(url("transfer_decide", transfer.pk, action), {"note": "x"}).status_code == 403
    assert leader.post(url("export_full"), {"reason": "x", "confirm": "on"}).status_code == 403
    assert Transfer.objects.get().state == Transfer.State.PROPOSED


def test_outsiders_see_nothing_of_ours_on_any_page(cast, client_for, person):
    number = valid_id_number("19600101", sequence=77)
    person_at(cast.village_worker, name="王强", id_number=number)
    duplicate_from_before_the_rule(cast.village2_worker, code=VILLAGE2_CODE, name="王强", id_number=number)
    transfer = books_services.transfer_propose(actor=cast.village_worker, person=person, reason="x",
                                                to_station=unit_at(VILLAGE2_CODE))
    outsider = client_for(cast.outsider)
    for name in ("person_timeline", "status_change", "transfer_propose", "merge"):
        assert outsider.get(url(name, person.pk)).status_code == 404
    assert outsider.post(url("reveal", person.pk), {"field": "id_number", "reason": "x"}).status_code == 404
    for action in ("accept", "refuse", "cancel"):
        assert outsider.post(url("transfer_decide", transfer.pk, action), {"note": "x"}).status_code == 404
    pages = [outsider.get(url("transfer_list"), {"direction": d}) for d in ("in", "out")]
    pages += [outsider.get(url("duplicates")), outsider.get(url("as_of"), {"day": date.today().isoformat()})]
    for page in pages:
        assert page.status_code == 200 and "张伟" not in page.content.decode() and "王强" not in page.content.decode()
    export = outsider.post(url("export_full"), {"reason": "核对", "confirm": "on"})
    assert PHONE not in export.content.decode("latin-1") and "张伟".encode() not in export.content
    assert Transfer.objects.get().state == Transfer.State.PROPOSED


def test_the_inbox_shows_the_receiver_what_it_needs_and_no_more(cast, client_for, person):
    books_services.transfer_propose(actor=cast.village_worker, person=person, reason="随子女居住",
                                     to_station=unit_at(VILLAGE2_CODE))
    page = client_for(cast.village2_worker).get(url("transfer_list")).content.decode()
    assert all(text in page for text in (person.name, mask_id_number(person.id_number), unit_at(VILLAGE_CODE).name,
                                         "随子女居住"))
    assert person.id_number not in page and PHONE not in page
    assert reverse("people:person_detail", args=[person.pk]) not in page  # no link to a dossier it cannot open


def test_a_refusal_needs_a_note_and_the_sender_may_withdraw(cast, client_for, person):
    transfer = books_services.transfer_propose(actor=cast.village_worker, person=person, reason="x",
                                                to_station=unit_at(VILLAGE2_CODE))
    receiver = client_for(cast.village2_worker)
    assert receiver.post(url("transfer_decide", transfer.pk, "refuse"), {"note": ""}).status_code == 302
    assert Transfer.objects.get().state == Transfer.State.PROPOSED  # refused without a note: nothing happened
    assert receiver.post(url("transfer_decide", transfer.pk, "cancel")).status_code == 404  # not the sender
    assert receiver.post(url("transfer_decide", transfer.pk, "explode")).status_code == 404
    assert client_for(cast.village_worker).post(url("transfer_decide", transfer.pk, "cancel")).status_code == 302
    assert Transfer.objects.get().state == Transfer.State.CANCELLED
    assert receiver.post(url("transfer_decide", transfer.pk, "accept")).status_code == 302
    assert Person.objects.get(pk=person.pk).station.region_code != VILLAGE2_CODE


def test_the_duplicates_report_runs_a_bounded_number_of_queries(cast, client_for, django_assert_max_num_queries):
    for n in range(6):
        number = valid_id_number("19600101", sequence=100 + n)
        person_at(cast.village_worker, name="王强", id_number=number)
        duplicate_from_before_the_rule(cast.village2_worker, code=VILLAGE2_CODE, name="王强", id_number=number)
    client = client_for(cast.county_director)
    with django_assert_max_num_queries(12):
        page = client.get(url("duplicates")).content.decode()
    assert page.count('/merge"') == 6 and page.count("王强") == 12


def test_a_household_members_phone_is_revealed_in_place(cast, client_for, person):
    member = record_save(actor=cast.village_worker, person=person, kind="household",
                         fields={"name": "李梅", "relationship": "spouse", "phone": "13800000001"})
    client = client_for(cast.village_worker)
    blank = client.post(url("reveal", person.pk), {"field": "phone", "member_id": member.pk, "reason": " "},
                        HTTP_HX_REQUEST="true")
    assert blank.status_code == 200 and 'name="member_id"' in blank.content.decode()  # the form again, for htmx
    shown = client.post(url("reveal", person.pk), {"field": "phone", "member_id": member.pk, "reason": "联系家属"},
                        HTTP_HX_REQUEST="true")
    assert "13800000001" in shown.content.decode()
    assert LogEntry.objects.get(action=LogEntry.Action.ACCESS).additional_data["member"] == member.pk


def test_the_dossier_loads_its_timeline_lazily_with_a_fallback_link(cast, client_for, person):
    page = client_for(cast.village_worker).get(url("person_detail", person.pk)).content.decode()
    assert f'hx-get="{url("person_timeline", person.pk)}"' in page and "<noscript>" in page
    assert page.count(f'hx-get="{url("person_timeline", person.pk)}"') == 1
    assert "<" not in page[page.index("<title>") + 7:page.index("</title>")]  # the fragments stay out of the title
    assert url("status_change", person.pk) in page and url("transfer_propose", person.pk) in page
    assert url("reveal", person.pk) in page
    leader_page = client_for(cast.leader).get(url("person_detail", person.pk)).content.decode()
    assert url("status_change", person.pk) not in leader_page and url("reveal", person.pk) not in leader_page


def test_the_as_of_page_takes_date_too_pages_cleanly_and_says_when_nobody_was_there(cast, client_for, person):
    for n in range(55):
        person_at(cast.village_worker, seq=100 + n, registered_on=date(2021, 1, 1))
    client = client_for(cast.village_worker)
    first = client.get(url("as_of"), {"date": "2021-06-30"}).content.decode()
    assert "56" in first and "page=2" in first
    second = client.get(url("as_of"), {"date": "2021-06-30", "page": 2}).content.decode()
    assert "page=2&amp;page" not in second and "page=1" in second
    rows = list(load_workbook(io.BytesIO(client.get(url("as_of_export"), {"date": "2021-06-30"}).content))
                .active.iter_rows(values_only=True))
    assert len([row for row in rows if row[0] == "张伟"]) == 56
    nobody = client.get(url("as_of"), {"day": "2019-12-31"}).content.decode()
    assert "张伟" not in nobody
    assert "Nobody was on the books" in nobody or "当日无在册人员" in nobody  # said, not a blank page
