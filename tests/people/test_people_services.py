"""Dossiers: registration derives what the ID number says, stores it encrypted, and finds it again."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import TextField
from django.db.models.functions import Cast
from django.http import Http404

from rongjia.core.errors import StaleVersion
from rongjia.core.models import Region
from rongjia.people import selectors, services
from rongjia.people.models import Category, Person
from tests.factories import VILLAGE2_CODE, VILLAGE_CODE, unit_at, valid_id_number


def register(actor, name="张伟", id_number=None, station_code=VILLAGE_CODE, **fields):
    fields.setdefault("address_region", Region.objects.get(code=station_code))
    return services.person_register(actor=actor, station=unit_at(station_code), name=name,
                                    id_number=id_number or valid_id_number(), **fields)


def raw(person, field):
    return Person.objects.filter(pk=person.pk).annotate(raw=Cast(field, TextField())).values_list(
        "raw", flat=True).get()


def test_registration_derives_birth_and_sex_and_encrypts(cast):
    number = valid_id_number("19680315", sequence=124)  # even sequence digit: female
    person = register(cast.village_worker, id_number=number, phone="13812345678")
    assert (person.birth_date, person.sex, person.name_initials) == (date(1968, 3, 15), "F", "zw")
    assert number not in raw(person, "id_number") and "13812345678" not in raw(person, "phone")
    assert Person.objects.get(pk=person.pk).id_number == number


def test_a_wrong_check_digit_is_refused_in_chinese(cast):
    number = valid_id_number()
    wrong = number[:17] + ("0" if number[17] != "0" else "1")
    with pytest.raises(ValidationError, match="校验码"):
        register(cast.village_worker, id_number=wrong)
    assert not Person.objects.exists()


def test_scope_and_capability_are_checked(cast):
    with pytest.raises(Http404):
        register(cast.village_worker, station_code=VILLAGE2_CODE)
    with pytest.raises(PermissionDenied):
        register(cast.leader)
    with pytest.raises(ValidationError):
        register(cast.village_worker, address_region=Region.objects.get(code=VILLAGE2_CODE))
    assert not Person.objects.exists()


def test_search_by_id_phone_initials_name_category_and_age(cast):
    veteran = Category.objects.get(name="退役士兵")
    zhang = register(cast.village_worker, id_number=valid_id_number("19700101"), phone="138-1234-5678",
                     categories=[(veteran, date(1995, 12, 1))])
    li = register(cast.village_worker, name="李娜", id_number=valid_id_number("19900606", sequence=222))
    find = lambda **kw: list(selectors.person_search(cast.village_worker, today=date(2026, 11, 24), **kw))  # noqa: E731
    assert find(q=zhang.id_number) == [zhang]
    assert find(q=zhang.id_number.lower()) == [zhang]
    assert find(q="13812345678") == [zhang]
    assert find(q="zw") == [zhang] and find(q="ln") == [li]
    assert find(q="李") == [li] and find(q="李娜") == [li]  # one or two characters: the beginning of the name
    assert find(q="娜") == []
    assert find(q="lina") == [li] and find(q="li na") == [li] and find(q="zhangw") == [zhang]
    assert find(category=veteran.pk) == [zhang]
    assert find(age_min=50) == [zhang] and find(age_max=40) == [li]
    assert find(q=zhang.id_number[:10]) == []  # a partial ID number matches nothing: no LIKE on ID numbers


def test_search_is_scoped(cast):
    register(cast.village_worker)
    assert selectors.person_search(cast.county_director).count() == 1
    assert selectors.person_search(cast.village2_worker).count() == 0
    assert selectors.person_search(cast.outsider).count() == 0
    with pytest.raises(Http404):
        selectors.person_search(cast.village_worker, region="320115003")


def test_update_keeps_derived_facts_and_refuses_a_stale_version(cast):
    person = register(cast.village_worker)
    services.person_update(actor=cast.village_worker, person=person, version=1, name="张卫", phone="13900001111")
    fresh = Person.objects.get(pk=person.pk)
    assert (fresh.name, fresh.name_initials, fresh.version) == ("张卫", "zw", 2)
    with pytest.raises(StaleVersion):
        services.person_update(actor=cast.village_worker, person=person, version=1, name="错误")
    with pytest.raises(ValueError):
        services.person_update(actor=cast.village_worker, person=fresh, version=2, id_number="x")
    assert Person.objects.get(pk=person.pk).name == "张卫"


def test_the_audit_log_holds_neither_id_number_nor_phone(cast):
    from auditlog.models import LogEntry

    person = register(cast.village_worker, phone="13812345678")
    changes = str(LogEntry.objects.get_for_object(person).get().changes)
    assert person.id_number not in changes and person.id_number[6:14] not in changes
    assert "13812345678" not in changes and "张伟" in changes


def test_demo_people_are_valid_scoped_and_made_once(db):
    from rongjia.core.idnumber import parse_id_number
    from rongjia.demo.people_seed import seed_people

    assert seed_people(county_prefix="320115", total=500) >= 212  # at least one in every village
    person = Person.objects.order_by("?").first()
    facts = parse_id_number(person.id_number)
    assert (facts.birth_date, facts.sex) == (person.birth_date, person.sex)
    assert person.station.level == 5 and person.address_region == person.station.region
    assert list(selectors.person_search(_worker(person), q=person.id_number)) == [person]
    assert seed_people(county_prefix="320115", total=500) == 0


def _worker(person):
    from tests.factories import UserFactory

    return UserFactory(org_unit=person.station, roles=["station_worker"])


def test_a_number_on_file_is_refused_by_one_rule_that_names_only_what_the_worker_may_see(cast):
    """The form, the API and the import share people/on_file.py: here, at a station in the area (named), or
    outside the area (neutral, audited on the holding dossier, and a 转入申请 offered)."""
    from auditlog.models import LogEntry

    number = valid_id_number("19750505")
    held = register(cast.village_worker, id_number=number)
    with pytest.raises(ValidationError, match="已在本站点登记"):
        register(cast.county_director, name="张伟二", id_number=number)
    with pytest.raises(ValidationError, match="古泉社区") as inside:  # the county sees the holding station
        register(cast.county_director, id_number=number, station_code=VILLAGE2_CODE)
    assert "转入申请" not in str(inside.value)
    with pytest.raises(ValidationError, match="辖区外") as outside:
        register(cast.village2_worker, id_number=number, station_code=VILLAGE2_CODE)
    assert "古泉" not in str(outside.value) and "转入申请" in str(outside.value)
    assert Person.objects.count() == 1
    check = LogEntry.objects.get(action=LogEntry.Action.ACCESS, object_pk=str(held.pk))
    assert check.actor == cast.village2_worker and check.additional_data["what"] == "number_check"


def test_a_latin_name_is_searchable_by_its_letters(cast):
    person = register(cast.village_worker, name="Anna Petrova")
    assert person.name_initials == "annapetrova"
    assert list(selectors.person_search(cast.village_worker, q="anna")) == [person]


def test_a_dossier_without_a_registering_user_still_shows(cast, client_for):
    person = register(cast.village_worker)
    Person.objects.filter(pk=person.pk).update(created_by=None)  # as the demo and imports create them
    assert client_for(cast.village_worker).get(f"/people/{person.pk}/").status_code == 200


def test_demo_records_are_consistent_with_the_books(cast):
    """Every demo person has a first line; the people moved by accepted transfers sit where their books say."""
    from datetime import date

    from rongjia.demo.people_records import seed_people_records
    from rongjia.demo.people_seed import seed_people
    from rongjia.people.books.selectors import duplicate_groups, people_on_books
    from rongjia.people.models import StatusChange, Transfer

    seed_people(county_prefix="320115", total=600)
    seed_people_records(county_prefix="320115")
    assert not Person.objects.exclude(status_changes__kind="new").exists()
    for transfer in Transfer.objects.filter(state="accepted").select_related("person"):
        latest = transfer.person.status_changes.order_by("-date", "-id").first()
        assert transfer.person.station_id == transfer.to_station_id == latest.station_id
    assert Transfer.objects.filter(state="proposed").exists()
    assert StatusChange.objects.filter(kind="death").count() == Person.objects.filter(status="deceased").count()
    assert duplicate_groups(cast.county_director)
    on_books_now = people_on_books(cast.county_director, date.today()).count()
    assert on_books_now == Person.objects.filter(status="active").count()
