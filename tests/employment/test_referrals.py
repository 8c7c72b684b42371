"""Referrals and their outcomes on the engine: referred → interview → hired (the seeker placed, the follow-up due six
calendar months after the start) → followed up; not hired with a reason; every refusal leaving things as they were."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from rongjia.core.errors import StaleVersion
from rongjia.core.models import Region
from rongjia.core.workflow import IllegalStep
from rongjia.employment import matching, services_postings, services_referrals, services_seekers
from rongjia.employment.models import Referral, ReferralEvent, Seeker
from rongjia.employment.values import months_after
from rongjia.employment.workflow import REFERRAL, follow_up_due
from tests.employment.conftest import seeker_for
from tests.factories import VILLAGE_CODE

pytestmark = pytest.mark.django_db


def refer(actor, seeker, posting, **kwargs) -> Referral:
    return services_referrals.referral_create(actor=actor, seeker=seeker, posting=posting, **kwargs)


def step(actor, referral, action, note="", **data) -> Referral:
    version = Referral.objects.get(pk=referral.pk).version
    return services_referrals.referral_step(actor=actor, referral=referral, action=action, version=version,
                                            note=note, data=data)


def refused_referral(call, field: str) -> str:
    before = (Referral.objects.count(), ReferralEvent.objects.count())
    with pytest.raises(ValidationError) as caught:
        call()
    assert field in caught.value.message_dict, caught.value
    assert (Referral.objects.count(), ReferralEvent.objects.count()) == before
    return " ".join(caught.value.message_dict[field])


def a_posting(cast, employer, today, **changes):
    fields = {"employer": employer, "title": "仓库管理员", "place": Region.objects.get(code=VILLAGE_CODE),
              "pay_min": 5000, "pay_max": 6000, "places": 2, "opens_on": today - timedelta(days=1),
              "closes_on": today + timedelta(days=10)} | changes
    return services_postings.posting_create(actor=cast.county_director, **fields)


@pytest.fixture
def referral(cast, seeker, posting):
    return refer(cast.village_worker, seeker, posting, note="驾驶经验丰富")


def test_a_referral_keeps_the_score_of_the_day_and_the_seekers_region(cast, referral, seeker, posting, today):
    assert referral.score == matching.explain(posting, seeker).total
    assert (referral.region_code, referral.referred_on, referral.state) == (seeker.region_code, today, "referred")
    event = referral.events.get()
    assert (event.action, event.to_state, event.note, event.actor) == ("refer", "referred", "驾驶经验丰富",
                                                                       cast.village_worker)


def test_interview_hire_and_the_six_month_follow_up(cast, referral, seeker, today):
    step(cast.village_worker, referral, "interview", interview_on=today + timedelta(days=2))
    start = today + timedelta(days=9)
    hired = step(cast.village_worker, referral, "hire", start_date=start.isoformat())
    assert hired.state == "hired" and hired.start_date == start
    assert hired.follow_up_due == months_after(start, 6)
    assert Seeker.objects.get(pk=seeker.pk).status == Seeker.Status.PLACED
    assert [e.action for e in hired.events.all()] == ["refer", "interview", "hire"]
    with pytest.raises(ValidationError):  # a follow-up before the work starts
        step(cast.village_worker, referral, "follow_up", followed_up_on=today, still_employed="yes")
    assert Referral.objects.get(pk=referral.pk).state == "hired"


def test_the_follow_up_is_recorded_from_the_hired_only(cast, referral, today):
    step(cast.village_worker, referral, "hire", start_date=today)
    with pytest.raises(ValidationError):  # whether the person is still in the job
        step(cast.village_worker, referral, "follow_up", followed_up_on=today)
    done = step(cast.village_worker, referral, "follow_up", followed_up_on=today, still_employed="no",
                follow_up_note="已离职，另谋他职")
    assert (done.state, done.followed_up_on, done.still_employed, done.follow_up_note) == (
        "followed_up", today, False, "已离职，另谋他职")
    assert list(done.events.values_list("action", flat=True)) == ["refer", "hire", "follow_up"]
    with pytest.raises(IllegalStep):
        step(cast.village_worker, referral, "follow_up", still_employed="yes")


def test_six_calendar_months_end_on_the_months_last_day():
    assert follow_up_due(date(2025, 8, 31)) == date(2026, 2, 28)
    assert follow_up_due(date(2027, 8, 31)) == date(2028, 2, 29)
    assert follow_up_due(date(2025, 3, 15)) == date(2025, 9, 15)
    assert follow_up_due(date(2025, 12, 1)) == date(2026, 6, 1)


def test_not_hired_needs_the_reason(cast, referral):
    with pytest.raises(ValidationError) as caught:
        step(cast.village_worker, referral, "not_hired")
    assert "note" in caught.value.message_dict
    fresh = Referral.objects.get(pk=referral.pk)
    assert (fresh.state, fresh.version, fresh.events.count()) == ("referred", 1, 1)
    closed = step(cast.village_worker, referral, "not_hired", note="驾龄不足三年")
    assert (closed.state, closed.reason) == ("not_hired", "驾龄不足三年")
    assert Seeker.objects.get(pk=referral.seeker_id).status == Seeker.Status.SEEKING
    assert closed.events.last().note == "驾龄不足三年"


def test_illegal_steps_and_refusals_change_nothing(cast, referral, today):
    refusals = [
        (cast.village_worker, "follow_up", {}, IllegalStep),  # not hired yet
        (cast.village_worker, "no_such_step", {}, IllegalStep),
        (cast.leader, "interview", {"interview_on": today}, PermissionDenied),  # reads only
        (cast.outsider, "interview", {"interview_on": today}, Http404),
        (cast.village2_worker, "interview", {"interview_on": today}, Http404),  # a sibling village's seeker
        (cast.village_worker, "interview", {}, ValidationError),  # the date is missing
        (cast.village_worker, "interview", {"interview_on": today - timedelta(days=3)}, ValidationError),
        (cast.village_worker, "hire", {"start_date": today - timedelta(days=3)}, ValidationError),  # before referral
    ]
    for actor, action, data, refusal in refusals:
        with pytest.raises(refusal):
            step(actor, referral, action, **data)
    with pytest.raises(StaleVersion):
        services_referrals.referral_step(actor=cast.village_worker, referral=referral, action="interview",
                                         version=5, data={"interview_on": today})
    fresh = Referral.objects.get(pk=referral.pk)
    assert (fresh.state, fresh.version, fresh.interview_on, fresh.events.count()) == ("referred", 1, None, 1)
    step(cast.village_worker, referral, "not_hired", note="未到面试")
    with pytest.raises(IllegalStep):
        step(cast.village_worker, referral, "hire", start_date=today)
    assert Seeker.objects.get(pk=referral.seeker_id).status == Seeker.Status.SEEKING


def test_the_steps_open_to_each_viewer(cast, referral):
    assert REFERRAL.allowed_for("referred", cast.village_worker) == ["interview", "hire", "not_hired"]
    assert REFERRAL.allowed_for("referred", cast.leader) == []
    assert REFERRAL.allowed_for("hired", cast.county_director) == ["follow_up"]


def test_a_second_referral_of_the_same_seeker_to_the_same_posting_is_refused(cast, referral, seeker, posting):
    message = refused_referral(lambda: refer(cast.county_director, seeker, posting), "seeker")
    assert seeker.person.name in message and referral.referred_on.isoformat() in message


def test_a_posting_not_open_today_is_refused(cast, employer, seeker, today):
    closed = a_posting(cast, employer, today, opens_on=today - timedelta(days=30), closes_on=today - timedelta(days=1))
    later = a_posting(cast, employer, today, opens_on=today + timedelta(days=3), closes_on=today + timedelta(days=9))
    withdrawn = services_postings.posting_withdraw(actor=cast.county_director, posting=a_posting(cast, employer, today),
                                                   version=1)
    assert (today - timedelta(days=1)).isoformat() in refused_referral(
        lambda: refer(cast.village_worker, seeker, closed), "posting")
    assert (today + timedelta(days=3)).isoformat() in refused_referral(
        lambda: refer(cast.village_worker, seeker, later), "posting")
    refused_referral(lambda: refer(cast.village_worker, seeker, withdrawn), "posting")


def test_a_posting_whose_places_are_filled_is_refused(cast, employer, seeker, sibling_seeker, today):
    one_place = a_posting(cast, employer, today, places=1)
    first = refer(cast.village_worker, seeker, one_place)
    second = refer(cast.village2_worker, sibling_seeker, one_place)  # referred while the place was free
    step(cast.village_worker, first, "hire", start_date=today)
    third = seeker_for(cast.village_worker, name="周杰", seq=504)
    assert "1" in refused_referral(lambda: refer(cast.village_worker, third, one_place), "posting")
    with pytest.raises(ValidationError):  # the place went to the first: the second cannot be hired too
        step(cast.village2_worker, second, "hire", start_date=today)
    assert Referral.objects.get(pk=second.pk).state == "referred"
    with pytest.raises(ValidationError):  # nor can the posting offer fewer places than are filled
        services_postings.posting_update(actor=cast.county_director, posting=one_place, version=1, places=0)


def test_only_a_seeker_of_ones_area_who_is_seeking_is_referred(cast, posting, seeker, outsider_seeker,
                                                                 sibling_seeker):
    refused_referral(lambda: refer(cast.village_worker, outsider_seeker, posting), "seeker")
    refused_referral(lambda: refer(cast.village_worker, sibling_seeker, posting), "seeker")
    refused_referral(lambda: refer(cast.outsider, outsider_seeker, posting), "posting")  # not its county's posting
    services_seekers.seeker_status_set(actor=cast.village_worker, seeker=seeker, status="placed")
    assert seeker.person.name in refused_referral(lambda: refer(cast.village_worker, seeker, posting), "seeker")
    with pytest.raises(PermissionDenied):
        refer(cast.leader, sibling_seeker, posting)
