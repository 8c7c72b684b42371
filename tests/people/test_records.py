"""The parts of a dossier: household, service history, awards, categories, tags, disability, photo."""

from datetime import date, timedelta

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.test import override_settings

from rongjia.core.errors import StaleVersion
from rongjia.people import services
from rongjia.people.books.services import status_change_record
from rongjia.people.models import Category, HouseholdMember, Person, ServiceRecord, Tag
from rongjia.people.services_records import (
    category_span_add,
    category_span_end,
    person_photo_set,
    record_remove,
    record_save,
)
from tests.factories import person_at, small_png, valid_id_number

SPOUSE_PHONE = "13700001111"


@pytest.fixture
def person(cast):
    return person_at(cast.village_worker, registered_on=date(2020, 1, 1))


def household(**fields):
    return {"name": "王秀英", "relationship": "spouse", "id_number": "", "phone": "", "note": "", **fields}


def test_household_member_with_id_and_phone_kept_encrypted_and_masked(cast, client_for, person):
    spouse_id = valid_id_number("19780303", sequence=24)
    record = record_save(actor=cast.village_worker, person=person, kind="household",
                         fields=household(id_number=spouse_id.lower(), phone=SPOUSE_PHONE))
    assert record.id_number == spouse_id and record.id_hash
    page = client_for(cast.village_worker).get(f"/people/{person.pk}/").content.decode()
    assert "王秀英" in page and spouse_id not in page and SPOUSE_PHONE not in page
    changes = " ".join(str(e.changes) for e in LogEntry.objects.filter(object_repr="王秀英"))
    assert SPOUSE_PHONE not in changes and spouse_id not in changes


@pytest.mark.parametrize("kind, fields, error_field", [
    ("household", household(id_number="320115197803030000"), "id_number"),
    ("household", household(phone="not a phone"), "phone"),
    ("household", household(relationship="cousin"), "relationship"),
    ("service", {"enlisted_on": date(2000, 1, 1), "discharged_on": date(1999, 1, 1), "branch": "army"},
     "discharged_on"),
    ("service", {"enlisted_on": date.today() + timedelta(days=3), "branch": "army"}, "enlisted_on"),
    ("award", {"kind": "fourth"}, "kind"),
])
def test_bad_entries_are_refused_and_nothing_is_saved(cast, person, kind, fields, error_field):
    with pytest.raises(ValidationError) as refused:
        record_save(actor=cast.village_worker, person=person, kind=kind, fields=fields)
    assert error_field in refused.value.message_dict
    assert not HouseholdMember.objects.exists() and not ServiceRecord.objects.exists()


def test_a_stale_edit_is_refused(cast, person):
    record = record_save(actor=cast.village_worker, person=person, kind="award", fields={"kind": "third"})
    record_save(actor=cast.village_worker, person=person, kind="award", fields={"title": "a"}, record_id=record.pk,
                version=1)
    with pytest.raises(StaleVersion):
        record_save(actor=cast.village_worker, person=person, kind="award", fields={"title": "b"},
                    record_id=record.pk, version=1)


def test_a_deceased_persons_record_is_closed_except_the_household(cast, person):
    status_change_record(actor=cast.village_worker, person=person, kind="death", day=date.today(), reason="病故")
    with pytest.raises(ValidationError):
        record_save(actor=cast.village_worker, person=person, kind="service",
                    fields={"enlisted_on": date(1990, 1, 1), "branch": "army"})
    record_save(actor=cast.village_worker, person=person, kind="household", fields=household())
    with pytest.raises(ValidationError):
        category_span_add(actor=cast.village_worker, person=person, category=Category.objects.get(name="转业干部"),
                          start_date=date(2020, 1, 1))


def test_outsiders_and_the_leader_cannot_write(cast, person):
    with pytest.raises(Http404):
        record_save(actor=cast.village2_worker, person=person, kind="household", fields=household())
    with pytest.raises(PermissionDenied):
        record_save(actor=cast.leader, person=person, kind="household", fields=household())
    record = record_save(actor=cast.village_worker, person=person, kind="household", fields=household())
    with pytest.raises(Http404):
        record_remove(actor=cast.outsider, person=person, kind="household", record_id=record.pk)


def test_categories_are_added_once_and_ended_within_their_span(cast, person):
    veteran_span = person.category_spans.get()
    with pytest.raises(ValidationError):
        category_span_add(actor=cast.village_worker, person=person, category=veteran_span.category,
                          start_date=date(2021, 1, 1))
    with pytest.raises(ValidationError):
        category_span_end(actor=cast.village_worker, person=person, span_id=veteran_span.pk,
                          end_date=date(2019, 1, 1))
    category_span_end(actor=cast.village_worker, person=person, span_id=veteran_span.pk, end_date=date(2022, 1, 1))
    category_span_add(actor=cast.village_worker, person=person, category=veteran_span.category,
                      start_date=date(2023, 1, 1))
    assert person.category_spans.count() == 2


def test_disability_and_priority_through_the_edit_service(cast, person):
    services.person_update(actor=cast.village_worker, person=person, version=person.version, disability_grade=7,
                           disability_cause="duty", disability_certificate="苏残军123", priority=True)
    person.refresh_from_db()
    assert (person.disability_grade, person.priority) == (7, True)
    with pytest.raises(ValidationError):
        services.person_update(actor=cast.village_worker, person=person, version=person.version, disability_grade=11)


def test_photo_checked_by_content_and_served_only_in_scope(cast, client_for, person, tmp_path):
    with override_settings(MEDIA_ROOT=tmp_path):
        with pytest.raises(ValidationError):
            person_photo_set(actor=cast.village_worker, person=person,
                             upload=SimpleUploadedFile("me.jpg", b"just text, renamed"))
        with override_settings(UPLOAD_MAX_BYTES=10), pytest.raises(ValidationError):
            person_photo_set(actor=cast.village_worker, person=person, upload=SimpleUploadedFile("a.png", small_png()))
        person_photo_set(actor=cast.village_worker, person=person, upload=SimpleUploadedFile("a.png", small_png()))
        response = client_for(cast.county_director).get(f"/people/{person.pk}/photo")
        assert response.status_code == 200 and b"".join(response.streaming_content)[:2] == b"\xff\xd8"  # JPEG
        assert client_for(cast.outsider).get(f"/people/{person.pk}/photo").status_code == 404


def test_record_pages_right_role_outsider_and_leader(cast, client_for, person):
    client = client_for(cast.village_worker)
    assert client.get(f"/people/{person.pk}/household/new").status_code == 200
    saved = client.post(f"/people/{person.pk}/household/new", household(phone=SPOUSE_PHONE))
    assert saved.status_code == 302
    member = HouseholdMember.objects.get()
    edit = client.get(f"/people/{person.pk}/household/{member.pk}/edit").content.decode()
    assert SPOUSE_PHONE not in edit  # shown masked, kept when left blank
    client.post(f"/people/{person.pk}/household/{member.pk}/edit", household(name="王秀兰", version=member.version))
    member.refresh_from_db()
    assert (member.name, member.phone) == ("王秀兰", SPOUSE_PHONE)
    assert client_for(cast.outsider).get(f"/people/{person.pk}/household/new").status_code == 404
    assert client_for(cast.village2_worker).get(f"/people/{person.pk}/service/new").status_code == 404
    assert client_for(cast.leader).get(f"/people/{person.pk}/award/new").status_code == 403
    assert client.get(f"/people/{person.pk}/spaceship/new").status_code == 404
    assert client.post(f"/people/{person.pk}/household/{member.pk}/remove").status_code == 302
    assert not HouseholdMember.objects.exists()


def test_tags_and_categories_pages(cast, client_for, person):
    client = client_for(cast.village_worker)
    tag = Tag.objects.get(name="就业需求")
    assert client.post(f"/people/{person.pk}/tags", {"tags": [tag.pk]}).status_code == 302
    assert list(person.tags.all()) == [tag]
    category = Category.objects.get(name="转业干部")
    client.post(f"/people/{person.pk}/categories/new", {"category": category.pk, "start_date": "2021-01-01"})
    span = person.category_spans.get(category=category)
    client.post(f"/people/{person.pk}/categories/{span.pk}/end", {"end_date": "2022-01-01"})
    span.refresh_from_db()
    assert span.end_date == date(2022, 1, 1)


def test_the_dossier_page_runs_a_bounded_number_of_queries(cast, client_for, person, django_assert_max_num_queries):
    for n in range(4):
        record_save(actor=cast.village_worker, person=person, kind="household", fields=household(name=f"成员{n}"))
        record_save(actor=cast.village_worker, person=person, kind="award", fields={"kind": "third"})
    client = client_for(cast.village_worker)
    with django_assert_max_num_queries(16):
        response = client.get(f"/people/{person.pk}/")
    assert all(f"成员{n}" in response.content.decode() for n in range(4))


def test_region_suggestions_come_from_ones_own_subtree(cast, client_for):
    options = client_for(cast.street_worker).get("/people/regions", {"address_region": "3201150030"}).content.decode()
    assert "320115003004" in options and "320114" not in options
    assert "320115003004" not in client_for(cast.outsider).get("/people/regions",
                                                               {"address_region": "320115"}).content.decode()
    assert Person.objects.count() == 0
