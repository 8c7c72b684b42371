"""Employers and postings through their services: who registers and changes them, who sees them (a county's employer
is its stations' too, not a sibling county's), and every bad input refused with a message and nothing changed."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import Http404

from rongjia.core.errors import StaleVersion
from rongjia.core.models import Region
from rongjia.employment import services_postings as services
from rongjia.employment.models import Employer, Posting
from tests.employment.conftest import sector, skill
from tests.factories import OUTSIDER_COUNTY, STREET_CODE, VILLAGE2_CODE, VILLAGE_CODE, UserFactory, unit_at

pytestmark = pytest.mark.django_db

GOOD_CODE = "91350100M000100Y43"  # the example of GB 32100-2015


def region(code: str) -> Region:
    return Region.objects.get(code=code)


@pytest.fixture
def street_manager(db):
    """A centre's worker at the street: manages its own street's employers, reads the county's."""
    return UserFactory(username="street_manager", org_unit=unit_at(STREET_CODE), roles=["centre_staff"])


def employer_args(**changes) -> dict:
    return {"name": "秣陵保安服务有限公司", "sector": sector(), "place": region(VILLAGE_CODE), "contact_name": "李经理",
            "contact_phone": "025-52711234", **changes}


def posting_args(employer, today, **changes) -> dict:
    return {"employer": employer, "title": "保安员", "place": region(VILLAGE_CODE), "pay_min": 4000, "pay_max": 5000,
            "places": 2, "opens_on": today, "closes_on": today + timedelta(days=20), **changes}


def refused(call, field: str) -> str:
    with pytest.raises(ValidationError) as caught:
        call()
    assert field in caught.value.message_dict, caught.value
    return " ".join(caught.value.message_dict[field])


# --- employers ---------------------------------------------------------------------------------------------------

def test_a_county_registers_an_employer_for_its_area(cast, employer):
    assert employer.jurisdiction_code == "320115"
    assert employer.registered_by == cast.county_director.org_unit
    assert employer.contact_phone == "13900001111" and employer.version == 1
    with connection.cursor() as cursor:  # stored encrypted
        cursor.execute("SELECT contact_phone FROM employment_employer WHERE id = %s", [employer.pk])
        assert "13900001111" not in cursor.fetchone()[0]


def test_the_county_employer_is_seen_by_its_stations_not_by_the_outsider(cast, employer, street_manager):
    for who in (cast.village_worker, cast.village2_worker, cast.street_worker, cast.county_director, cast.leader,
                street_manager):
        assert employer in Employer.objects.visible_to(who)
    assert employer not in Employer.objects.visible_to(cast.outsider)


def test_a_street_employer_is_not_seen_by_a_village_of_another_street(cast, street_manager):
    own = services.employer_create(actor=street_manager, **employer_args())
    assert own.jurisdiction_code == "320115003"
    assert own in Employer.objects.visible_to(cast.village_worker)  # a village of the street
    assert own in Employer.objects.visible_to(cast.county_director)  # above
    assert own not in Employer.objects.visible_to(cast.outsider)


def test_the_credit_code_is_checked_by_its_check_character(cast):
    employer = services.employer_create(actor=cast.county_director, **employer_args(credit_code=" 91350100m000100y43"))
    assert employer.credit_code == GOOD_CODE
    before = Employer.objects.count()
    for code, words in (("9135010", "18"), ("91350100M000100I43", "I"), ("91ABCDEFM000100Y43", "3"),
                        ("91350100M000100Y44", "")):
        message = refused(lambda code=code: services.employer_create(
            actor=cast.county_director, **employer_args(credit_code=code)), "credit_code")
        assert words in message
    assert Employer.objects.count() == before


def test_a_second_employer_with_the_same_code_is_refused(cast):
    first = services.employer_create(actor=cast.county_director, **employer_args(credit_code=GOOD_CODE))
    message = refused(lambda: services.employer_create(
        actor=cast.county_director, **employer_args(name="另一家", credit_code=GOOD_CODE)), "credit_code")
    assert first.name in message
    assert Employer.objects.filter(credit_code=GOOD_CODE).count() == 1


@pytest.mark.parametrize("changes, field", [
    ({"contact_phone": "call me"}, "contact_phone"),
    ({"contact_phone": " "}, "contact_phone"),
    ({"name": "  "}, "name"),
    ({"contact_name": ""}, "contact_name"),
    ({"place": None}, "place"),
    ({"sector": None}, "sector"),
])
def test_bad_employer_input_changes_nothing(cast, changes, field):
    before = Employer.objects.count()
    assert refused(lambda: services.employer_create(actor=cast.county_director, **employer_args(**changes)), field)
    assert Employer.objects.count() == before


def test_an_employer_is_placed_inside_the_centres_area(cast):
    outside = Region.objects.filter(code__startswith=OUTSIDER_COUNTY, level=5).first()
    refused(lambda: services.employer_create(actor=cast.county_director, **employer_args(place=outside)), "place")
    assert not Employer.objects.filter(name="秣陵保安服务有限公司").exists()


def test_stations_and_the_leader_do_not_register_employers(cast):
    for who in (cast.village_worker, cast.leader, cast.grid_worker):
        with pytest.raises(PermissionDenied):
            services.employer_create(actor=who, **employer_args())
    assert not Employer.objects.exists()


def test_the_county_edits_its_employer_and_a_stale_form_is_refused(cast, employer):
    saved = services.employer_update(actor=cast.county_director, employer=employer, version=1, name="江宁物流集团",
                                     contact_phone="13900002222")
    assert (saved.name, saved.contact_phone, saved.version) == ("江宁物流集团", "13900002222", 2)
    with pytest.raises(StaleVersion):
        services.employer_update(actor=cast.county_director, employer=employer, version=1, name="旧表单")
    assert Employer.objects.get(pk=employer.pk).name == "江宁物流集团"


def test_only_a_centre_covering_the_jurisdiction_edits_the_employer(cast, employer, street_manager):
    for who in (cast.village_worker, street_manager, cast.leader):  # they read it, they do not change it
        with pytest.raises(PermissionDenied):
            services.employer_update(actor=who, employer=employer, version=1, name="改名")
    with pytest.raises(Http404):
        services.employer_update(actor=cast.outsider, employer=employer, version=1, name="改名")
    assert not services.may_edit(street_manager, employer) and services.may_edit(cast.county_director, employer)
    fresh = Employer.objects.get(pk=employer.pk)
    assert (fresh.name, fresh.version) == ("江宁物流有限公司", 1)


def test_bad_edits_change_nothing(cast, employer):
    for changes, field in (({"credit_code": "123"}, "credit_code"), ({"contact_phone": "x"}, "contact_phone"),
                           ({"name": ""}, "name")):
        refused(lambda changes=changes: services.employer_update(
            actor=cast.county_director, employer=employer, version=1, **changes), field)
    with pytest.raises(ValueError):
        services.employer_update(actor=cast.county_director, employer=employer, version=1, jurisdiction_code="")
    fresh = Employer.objects.get(pk=employer.pk)
    assert (fresh.name, fresh.credit_code, fresh.contact_phone, fresh.version) == (
        "江宁物流有限公司", "", "13900001111", 1)


# --- postings ----------------------------------------------------------------------------------------------------

def test_a_posting_takes_the_employers_jurisdiction_and_sector(cast, employer, posting, today):
    assert posting.jurisdiction_code == employer.jurisdiction_code == "320115"
    assert posting.sector == employer.sector and posting.place_code == VILLAGE_CODE
    assert list(posting.skills.all()) == [skill("汽车驾驶")]
    assert posting.is_open(today)
    other = services.posting_create(actor=cast.county_director, **posting_args(
        employer, today, sector=sector("建筑业")))
    assert other.sector.name == "建筑业"


def test_postings_are_seen_by_the_county_stations_not_by_the_outsider(cast, posting):
    assert posting in Posting.objects.visible_to(cast.village_worker)
    assert posting in Posting.objects.visible_to(cast.village2_worker)
    assert posting not in Posting.objects.visible_to(cast.outsider)


@pytest.mark.parametrize("changes, field, words", [
    ({"closes_on": "yesterday"}, "closes_on", "不能早于"),
    ({"pay_min": 9000, "pay_max": 8000}, "pay_max", "9000"),
    ({"places": 0}, "places", ""),
    ({"pay_min": -1}, "pay_min", ""),
    ({"pay_max": 2_000_000}, "pay_max", ""),
    ({"title": " "}, "title", ""),
    ({"min_education": "phd"}, "min_education", ""),
    ({"driving_licence": "Z9"}, "driving_licence", ""),
    ({"skills": [999999]}, "skills", ""),
])
def test_bad_posting_input_gets_a_message_and_saves_nothing(cast, employer, today, changes, field, words):
    if changes.get("closes_on") == "yesterday":
        changes = {"closes_on": today - timedelta(days=1)}
    before = Posting.objects.count()
    message = refused(lambda: services.posting_create(actor=cast.county_director,
                                                      **posting_args(employer, today, **changes)), field)
    assert words in message
    assert Posting.objects.count() == before


def test_a_posting_is_placed_inside_the_employers_area(cast, employer, street_manager, today):
    outside = Region.objects.filter(code__startswith=OUTSIDER_COUNTY, level=5).first()
    refused(lambda: services.posting_create(actor=cast.county_director,
                                            **posting_args(employer, today, place=outside)), "place")
    street_employer = services.employer_create(actor=street_manager, **employer_args())
    other_street = Region.objects.filter(code__startswith="320115", level=5).exclude(
        code__startswith="320115003").first()
    refused(lambda: services.posting_create(actor=cast.county_director,  # the county covers it, the employer not
                                            **posting_args(street_employer, today, place=other_street)), "place")
    assert not Posting.objects.exists()


def test_only_a_centre_covering_the_employer_posts_its_jobs(cast, employer, street_manager, today):
    for who in (street_manager, cast.village_worker):
        with pytest.raises(PermissionDenied):
            services.posting_create(actor=who, **posting_args(employer, today))
    with pytest.raises(Http404):
        services.posting_create(actor=cast.outsider, **posting_args(employer, today))
    assert not Posting.objects.exists()


def test_an_inactive_employer_posts_no_jobs(cast, employer, today):
    services.employer_update(actor=cast.county_director, employer=employer, version=1, active=False)
    refused(lambda: services.posting_create(actor=cast.county_director, **posting_args(employer, today)), "employer")
    assert not Posting.objects.exists()


def test_a_posting_is_edited_as_a_whole_and_refused_whole(cast, posting, today):
    saved = services.posting_update(actor=cast.county_director, posting=posting, version=1, pay_max=9000,
                                    skills=[skill("汽车驾驶"), skill("电工")], place=region(VILLAGE2_CODE))
    assert (saved.pay_max, saved.version, saved.place_code) == (9000, 2, VILLAGE2_CODE)
    assert saved.skills.count() == 2
    # the kept values count: a new pay_min above the stored pay_max, a closing date before the stored opening
    refused(lambda: services.posting_update(actor=cast.county_director, posting=posting, version=2, pay_min=9500),
            "pay_max")
    refused(lambda: services.posting_update(actor=cast.county_director, posting=posting, version=2,
                                            closes_on=posting.opens_on - timedelta(days=1)), "closes_on")
    with pytest.raises(StaleVersion):
        services.posting_update(actor=cast.county_director, posting=posting, version=1, title="旧表单")
    with pytest.raises(PermissionDenied):
        services.posting_update(actor=cast.village_worker, posting=posting, version=2, title="站点改")
    fresh = Posting.objects.get(pk=posting.pk)
    assert (fresh.pay_min, fresh.pay_max, fresh.closes_on, fresh.title, fresh.version) == (
        6000, 9000, posting.closes_on, "货车司机", 2)


def test_withdrawing_a_posting(cast, posting):
    with pytest.raises(PermissionDenied):
        services.posting_withdraw(actor=cast.village_worker, posting=posting, version=1)
    with pytest.raises(StaleVersion):
        services.posting_withdraw(actor=cast.county_director, posting=posting, version=7)
    withdrawn = services.posting_withdraw(actor=cast.county_director, posting=posting, version=1)
    assert withdrawn.withdrawn and withdrawn.version == 2
    with pytest.raises(ValidationError):
        services.posting_withdraw(actor=cast.county_director, posting=posting, version=2)
    with pytest.raises(ValidationError):
        services.posting_update(actor=cast.county_director, posting=posting, version=2, title="再改")
    assert Posting.objects.get(pk=posting.pk).version == 2
