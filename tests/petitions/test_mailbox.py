"""The service supervision mailbox (seed 003 (二十六)): routed to the level above, answered there,
read back by the sender with the receipt code; nothing leaks to the station commented on."""

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from rongjia.petitions.mailbox.services import (
    feedback_answer,
    feedback_by_receipt,
    feedback_submit,
    route,
)
from rongjia.petitions.models import Feedback
from tests.factories import HOME_COUNTY, STREET_CODE, VILLAGE_CODE, UserFactory, unit_at

COUNTY_CENTRE, CITY_CENTRE, PROVINCE_CENTRE = HOME_COUNTY + "000000", "320100000000", "320000000000"


@pytest.fixture(autouse=True)
def fresh_throttle():
    cache.clear()


def leave(about_code=VILLAGE_CODE, **overrides):
    values = {"topic": "attitude", "rating": "unsatisfied", "content": "窗口人员态度生硬。", **overrides}
    return feedback_submit(about=unit_at(about_code), **values)


@pytest.mark.parametrize(("about", "answered_by"), [
    (VILLAGE_CODE, COUNTY_CENTRE),  # a community station: the district answers
    (STREET_CODE, COUNTY_CENTRE),  # a street station: the district answers
    (COUNTY_CENTRE, CITY_CENTRE),  # the district centre: the city answers
    (CITY_CENTRE, PROVINCE_CENTRE),
    (PROVINCE_CENTRE, PROVINCE_CENTRE),  # nothing above the province: it answers its own
])
def test_routing_to_the_level_above(db, about, answered_by):
    assert route(unit_at(about)).region_code == answered_by
    feedback, _receipt = leave(about)
    assert feedback.routed_to.region_code == feedback.region_code == answered_by


def test_a_resident_station_is_answered_by_its_district(cast):
    from rongjia.core.models import OrgUnit

    resident = OrgUnit.objects.get(name="汤山医院派驻站")
    assert route(resident).region_code == COUNTY_CENTRE


def test_who_sees_it(cast):
    station_feedback, _r = leave(VILLAGE_CODE)
    county_feedback, _r = leave(COUNTY_CENTRE)
    city_director = UserFactory(org_unit=unit_at(CITY_CENTRE), roles=["centre_director"])
    assert set(Feedback.objects.visible_to(cast.county_director)) == {station_feedback}
    assert set(Feedback.objects.visible_to(city_director)) == {station_feedback, county_feedback}
    for who in (cast.village_worker, cast.street_worker, cast.outsider):  # the station itself does not see it
        assert not Feedback.objects.visible_to(who).exists()
        with pytest.raises(Http404):
            feedback_answer(actor=who, feedback=station_feedback, answer="x")
    with pytest.raises(Http404):  # the county does not answer feedback about itself
        feedback_answer(actor=cast.county_director, feedback=county_feedback, answer="x")
    with pytest.raises(PermissionDenied):
        feedback_answer(actor=cast.leader, feedback=station_feedback, answer="x")


def test_the_sender_reads_the_answer_with_the_receipt(cast):
    feedback, receipt = leave()
    assert len(receipt) == 14 and feedback.receipt_hash != receipt and receipt not in feedback.receipt_hash
    assert feedback_by_receipt(receipt.lower().replace("-", " ")) == feedback  # typed loosely, still found
    assert feedback_by_receipt("AAAA-BBBB-CCCC") is None
    feedback_answer(actor=cast.county_director, feedback=feedback, answer="已约谈该站负责人，责令整改。")
    assert feedback_by_receipt(receipt).answer == "已约谈该站负责人，责令整改。"


@pytest.mark.parametrize(("overrides", "field"), [
    ({"content": "  "}, "content"), ({"content": "长" * 2001}, "content"), ({"topic": "nonsense"}, "topic"),
    ({"rating": ""}, "rating"), ({"sender_name": "名" * 41}, "sender_name"),
])
def test_bad_feedback_is_refused_and_nothing_is_stored(db, overrides, field):
    with pytest.raises(ValidationError) as refused:
        leave(**overrides)
    assert field in refused.value.error_dict and not Feedback.objects.exists()


def test_an_empty_answer_and_a_stale_version_are_refused(cast):
    from rongjia.core.errors import StaleVersion

    feedback, _r = leave()
    with pytest.raises(ValidationError):
        feedback_answer(actor=cast.county_director, feedback=feedback, answer=" ")
    with pytest.raises(StaleVersion):
        feedback_answer(actor=cast.county_director, feedback=feedback, answer="好", version=feedback.version + 1)
    assert not Feedback.objects.get().answered_at


def test_one_address_is_throttled(db):
    from django.conf import settings

    limit = settings.MAILBOX_PER_HOUR
    for _n in range(limit):
        leave(client="203.0.113.9")
    with pytest.raises(ValidationError):
        leave(client="203.0.113.9")
    leave(client="203.0.113.10")  # another address is not
    assert Feedback.objects.count() == limit + 1


def test_behind_a_proxy_the_client_address_comes_from_its_header(db, client):
    from django.test import override_settings

    form = {"station": VILLAGE_CODE, "topic": "attitude", "rating": "fairly", "content": "意见"}
    with override_settings(MAILBOX_CLIENT_IP_HEADER="HTTP_X_REAL_IP", MAILBOX_PER_HOUR=1):
        assert client.post("/mailbox/", form, HTTP_X_REAL_IP="198.51.100.1").status_code == 302
        assert client.post("/mailbox/", form, HTTP_X_REAL_IP="198.51.100.2").status_code == 302  # another person
        assert client.post("/mailbox/", form, HTTP_X_REAL_IP="198.51.100.1").status_code == 200  # refused
    assert Feedback.objects.count() == 2


def test_the_public_pages_without_an_account(cast, client, client_for):
    assert client.get("/mailbox/").status_code == 200
    options = client.get("/mailbox/stations", {"station": VILLAGE_CODE[:9]}).content.decode()
    assert VILLAGE_CODE in options
    response = client.post(f"/mailbox/?station={VILLAGE_CODE}&via=terminal", {
        "station": VILLAGE_CODE, "topic": "efficiency", "rating": "fairly", "content": "办事要跑两趟。"})
    assert response.status_code == 302
    thanks = client.get(response["Location"]).content.decode()
    feedback = Feedback.objects.get()
    assert feedback.source == "terminal" and feedback.routed_to.region_code == COUNTY_CENTRE
    receipt = thanks.split('data-testid="receipt">')[1].split("<")[0]
    assert client.get("/mailbox/thanks").status_code == 302  # shown once
    lookup = client.post("/mailbox/answer", {"receipt": receipt}).content.decode()
    assert "办事要跑两趟" in lookup
    director = client_for(cast.county_director)
    assert "办事要跑两趟" not in client_for(cast.village_worker).get("/mailbox/inbox/").content.decode()
    assert client_for(cast.village_worker).get(f"/mailbox/inbox/{feedback.pk}/").status_code == 404
    assert director.post(f"/mailbox/inbox/{feedback.pk}/", {"answer": "已整改", "version": 1}).status_code == 302
    assert "已整改" in client.post("/mailbox/answer", {"receipt": receipt}).content.decode()


def test_the_public_form_refuses_an_unknown_station(db, client):
    response = client.post("/mailbox/", {"station": "不存在的服务站", "topic": "attitude", "rating": "fairly",
                                         "content": "x"})
    assert response.status_code == 200 and "invalid-feedback" in response.content.decode()
    assert not Feedback.objects.exists()


def test_the_inbox_lists_in_a_fixed_number_of_queries(cast, client_for, django_assert_max_num_queries):
    for _n in range(15):
        leave()
    client = client_for(cast.county_director)
    with django_assert_max_num_queries(12):
        assert client.get("/mailbox/inbox/?answered=no").status_code == 200
