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
    options = client.get("/mailbox/stations", {"q": VILLAGE_CODE[:9]}).content.decode()
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


# --- The answer deadline, the sender's rating and one follow-up, the station's own page -----------------

def _answered(cast, **overrides):
    feedback, receipt = leave(sender_name="李秘密", content="窗口人员王某态度生硬。", **overrides)
    feedback = feedback_answer(actor=cast.county_director, feedback=feedback, answer="已约谈该站负责人，责令整改。")
    return feedback, receipt


@pytest.mark.parametrize(("received", "days", "due"), [
    ("2026-09-15", 15, "2026-09-30"),  # 15 calendar days end on an ordinary Wednesday
    ("2025-09-20", 15, "2025-10-09"),  # end 10-05 falls in National Day (10-01..08): the next working day
    ("2025-11-22", 15, "2025-12-08"),  # end on an ordinary Sunday 12-07: Monday
    ("2026-09-15", 10, "2026-09-28"),  # RONGJIA_MAILBOX_ANSWER_DAYS=10: end 09-25 in 中秋 (09-25..27): Monday
])
def test_the_answer_deadline_by_hand(db, settings, received, days, due):
    from datetime import date

    from rongjia.petitions.mailbox.services import answer_due

    settings.MAILBOX_ANSWER_DAYS = days
    assert answer_due(date.fromisoformat(received)) == date.fromisoformat(due)


def test_feedback_stores_its_deadline_from_the_day_received(db, monkeypatch):
    from datetime import date

    from rongjia.petitions.mailbox import services

    with monkeypatch.context() as patched:
        patched.setattr(services.timezone, "localdate", lambda: date(2025, 9, 20))
        feedback, _r = leave()
    assert feedback.due_on == date(2025, 10, 9) and Feedback.objects.get().due_on == date(2025, 10, 9)
    assert feedback.about_code == VILLAGE_CODE


def _set_due(feedback, days_from_today):
    from datetime import timedelta

    from django.utils import timezone

    Feedback.objects.filter(pk=feedback.pk).update(due_on=timezone.localdate() + timedelta(days=days_from_today))


def test_overdue_and_soon_in_the_inbox_and_the_workbench_count(cast, client_for):
    from rongjia.petitions.mailbox.selectors import inbox_list, mailbox_overdue_count

    late, soon, later = leave(content="过期未答")[0], leave(content="即将到期")[0], leave(content="时间还早")[0]
    answered_late, _r = _answered(cast)
    for feedback, days in ((late, -1), (soon, 5), (later, 6), (answered_late, -3)):
        _set_due(feedback, days)
    director = cast.county_director
    assert list(inbox_list(director, due="overdue")) == [late]  # an answered one is not overdue
    assert list(inbox_list(director, due="soon")) == [soon]
    assert mailbox_overdue_count(director) == 1
    assert mailbox_overdue_count(cast.village_worker) == 0  # the station does not answer its own
    assert mailbox_overdue_count(cast.outsider) == 0
    page = client_for(director).get("/mailbox/inbox/?due=overdue").content.decode()
    assert "overdue" in page or "逾期" in page
    assert f"/mailbox/inbox/{late.pk}/" in page and f"/mailbox/inbox/{soon.pk}/" not in page
    soon_page = client_for(director).get("/mailbox/inbox/?due=soon").content.decode()
    assert f"/mailbox/inbox/{soon.pk}/" in soon_page and f"/mailbox/inbox/{later.pk}/" not in soon_page


def test_the_sender_rates_the_answer_once(cast):
    from rongjia.core.errors import StaleVersion
    from rongjia.petitions.mailbox.services import feedback_rate

    unanswered, unanswered_receipt = leave()
    with pytest.raises(ValidationError, match="no answer|尚无"):
        feedback_rate(receipt=unanswered_receipt, rating="satisfied")
    feedback, receipt = _answered(cast)
    with pytest.raises(ValidationError) as wrong:
        feedback_rate(receipt="AAAA-BBBB-CCCC", rating="satisfied")
    assert "receipt" in wrong.value.error_dict
    with pytest.raises(ValidationError) as bad:
        feedback_rate(receipt=receipt, rating="great")
    assert "answer_rating" in bad.value.error_dict
    with pytest.raises(StaleVersion):
        feedback_rate(receipt=receipt, rating="fairly", version=feedback.version - 1)
    assert not Feedback.objects.get(pk=feedback.pk).answer_rating  # nothing written by any refusal
    rated = feedback_rate(receipt=receipt, rating="fairly", version=feedback.version)
    assert rated.answer_rating == "fairly" and rated.version == feedback.version + 1
    with pytest.raises(ValidationError, match="already rated|已评价过"):
        feedback_rate(receipt=receipt, rating="unsatisfied")
    stored = Feedback.objects.get(pk=feedback.pk)
    assert stored.answer_rating == "fairly" and stored.version == rated.version
    with pytest.raises(ValidationError):  # the rated text stays what was rated
        feedback_answer(actor=cast.county_director, feedback=stored, answer="改过的答复")
    assert Feedback.objects.get(pk=feedback.pk).answer == "已约谈该站负责人，责令整改。"


def test_one_follow_up_reopens_it_with_its_own_deadline(cast, monkeypatch):
    from datetime import date

    from rongjia.petitions.mailbox import services
    from rongjia.petitions.mailbox.selectors import inbox_list

    unanswered, unanswered_receipt = leave()
    with pytest.raises(ValidationError):
        services.feedback_follow_up(receipt=unanswered_receipt, text="还没回复？")
    feedback, receipt = _answered(cast)
    services.feedback_rate(receipt=receipt, rating="unsatisfied")
    with pytest.raises(ValidationError) as empty:
        services.feedback_follow_up(receipt=receipt, text="   ")
    assert "follow_up" in empty.value.error_dict and not Feedback.objects.get(pk=feedback.pk).followed_up_at
    with monkeypatch.context() as patched:
        patched.setattr(services.timezone, "localdate", lambda: date(2026, 9, 16))
        reopened = services.feedback_follow_up(receipt=receipt, text="整改没有落实，窗口仍然如此。")
    stored = Feedback.objects.get(pk=feedback.pk)
    assert stored.due_on == date(2026, 10, 8)  # 15 days end 10-01, in National Day 2026 (10-01..07)
    assert stored.answered_at is None and stored.answer == "" and stored.answer_rating == ""
    assert stored.first_answer == "已约谈该站负责人，责令整改。" and stored.first_answer_rating == "unsatisfied"
    assert stored.follow_up == "整改没有落实，窗口仍然如此。" and stored.version == reopened.version
    assert feedback in inbox_list(cast.county_director, answered="no")  # back among the unanswered
    with pytest.raises(ValidationError, match="already followed up once|已追问过一次"):
        services.feedback_follow_up(receipt=receipt, text="再追问一次")
    assert Feedback.objects.get(pk=feedback.pk).follow_up == "整改没有落实，窗口仍然如此。"
    again = feedback_answer(actor=cast.county_director, feedback=stored, answer="已再次督办，限期整改。")
    assert services.feedback_rate(receipt=receipt, rating="fairly").answer_rating == "fairly"  # the new answer
    with pytest.raises(ValidationError, match="already followed up once|已追问过一次"):
        services.feedback_follow_up(receipt=receipt, text="再追问一次", version=again.version + 1)


def test_rating_and_following_up_on_the_answer_page(cast, client):
    feedback, receipt = _answered(cast)
    page = client.post("/mailbox/answer", {"receipt": receipt}).content.decode()
    assert 'data-testid="rate"' in page and 'data-testid="follow-up"' in page
    version = Feedback.objects.get().version
    rated = client.post("/mailbox/answer/rate", {"receipt": receipt, "version": version, "answer_rating": "fairly"})
    assert rated.status_code == 200 and 'data-testid="rate"' not in rated.content.decode()
    assert Feedback.objects.get().answer_rating == "fairly"
    empty = client.post("/mailbox/answer/follow-up", {"receipt": receipt, "version": version + 1, "follow_up": " "})
    assert "invalid-feedback" in empty.content.decode() and not Feedback.objects.get().followed_up_at
    sent = client.post("/mailbox/answer/follow-up", {"receipt": receipt, "version": version + 1,
                                                    "follow_up": "还是不满意"})
    assert sent.status_code == 200 and Feedback.objects.get().followed_up_at
    twice = client.post("/mailbox/answer/follow-up", {"receipt": receipt, "version": version + 2,
                                                     "follow_up": "再来一次"}).content.decode()
    assert "alert-danger" in twice and Feedback.objects.get().follow_up == "还是不满意"
    assert client.get("/mailbox/answer/rate").status_code == 405


def test_wrong_receipts_from_one_address_are_throttled(cast, client, settings):
    feedback, receipt = _answered(cast)
    settings.MAILBOX_PER_HOUR = 2
    for _n in range(2):
        assert "invalid-feedback" in client.post("/mailbox/answer", {"receipt": "AAAA-BBBB-CCCC"}).content.decode()
    refused = client.post("/mailbox/answer", {"receipt": receipt}).content.decode()
    assert "已约谈" not in refused  # even the right code, from this address, this hour
    rate = client.post("/mailbox/answer/rate", {"receipt": receipt, "version": feedback.version,
                                                "answer_rating": "fairly"})
    assert "已约谈" not in rate.content.decode() and not Feedback.objects.get().answer_rating
    other = client.post("/mailbox/answer", {"receipt": receipt}, REMOTE_ADDR="192.0.2.77").content.decode()
    assert "已约谈" in other


def test_the_station_sees_the_outcome_never_the_sender(cast, client_for):
    feedback, receipt = _answered(cast)
    from rongjia.petitions.mailbox.services import feedback_rate

    feedback_rate(receipt=receipt, rating="satisfied")
    for who in (cast.village_worker, cast.street_worker, cast.county_director):  # the station and those above
        client = client_for(who)
        for url in ("/mailbox/about/", f"/mailbox/about/{feedback.pk}/"):
            response = client.get(url)
            page = response.content.decode()
            assert response.status_code == 200, (who, url)
            assert "李秘密" not in page and "王某" not in page and receipt not in page, (who, url)
        assert "已约谈该站负责人" in client.get(f"/mailbox/about/{feedback.pk}/").content.decode()


def test_the_station_page_is_scoped(cast, client_for):
    feedback, _receipt = _answered(cast)
    county, _r = leave(COUNTY_CENTRE, content="县中心的意见")
    for who in (cast.outsider, cast.village2_worker):  # another county, a neighbouring village
        client = client_for(who)
        assert client.get(f"/mailbox/about/{feedback.pk}/").status_code == 404
        assert f"/mailbox/about/{feedback.pk}/" not in client.get("/mailbox/about/").content.decode()
    village = client_for(cast.village_worker)
    assert village.get(f"/mailbox/about/{county.pk}/").status_code == 404  # feedback on the centre above
    assert client_for(cast.county_director).get(f"/mailbox/about/{county.pk}/").status_code == 200
    assert client_for(cast.grid_worker).get("/mailbox/about/").status_code == 403  # no petitions.view
    assert village.get("/mailbox/about/999999/").status_code == 404


def test_the_station_page_lists_in_a_fixed_number_of_queries(cast, client_for, django_assert_max_num_queries):
    for _n in range(15):
        _answered(cast)
    client = client_for(cast.village_worker)
    with django_assert_max_num_queries(12):
        page = client.get("/mailbox/about/").content.decode()
    assert page.count("/mailbox/about/") >= 15
    director = client_for(cast.county_director)
    with django_assert_max_num_queries(12):
        assert director.get("/mailbox/inbox/?due=soon").status_code == 200
