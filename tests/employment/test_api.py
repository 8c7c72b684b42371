"""The employment API (/api/v1/employment/…): the same services, scoping and machine as the pages. The right role
reads and writes, a sibling village reads nothing of another station's seekers, the outsider county gets 404; bad
input 422 with nothing changed; a fair's and a course's counts are the caller's own people."""

from datetime import timedelta

from django.test import Client

from rongjia.employment import services_fairs
from rongjia.employment.models import Enrolment, FairGuest, Posting, Referral
from tests.api import conftest as api_fixtures
from tests.api.conftest import api
from tests.factories import VILLAGE_CODE

token_for = api_fixtures.token_for  # the API's fixture: a token issued as `manage.py create_api_token` does
BASE = "/api/v1/employment"


def get(token, url, **params):
    return api(Client(), "get", url, token, **params)


def post(token, url, **data):
    return api(Client(), "post", url, token, **data)


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["items"]}


def test_seekers_are_read_within_the_callers_area(cast, seeker, sibling_seeker, outsider_seeker, token_for):
    village, county = token_for(cast.village_worker), token_for(cast.county_director)
    assert ids(get(village, f"{BASE}/seekers/")) == {seeker.pk}
    assert ids(get(county, f"{BASE}/seekers/")) == {seeker.pk, sibling_seeker.pk}
    assert get(village, f"{BASE}/seekers/{seeker.pk}").json()["skills"] == ["汽车驾驶"]
    for hidden in (sibling_seeker.pk, outsider_seeker.pk):
        assert get(village, f"{BASE}/seekers/{hidden}").status_code == 404
    assert get(token_for(cast.outsider), f"{BASE}/seekers/{seeker.pk}").status_code == 404
    assert get(county, f"{BASE}/seekers/", region="320114").status_code == 404  # a region outside the scope


def test_postings_matches_and_a_referral_through_its_steps(cast, posting, seeker, sibling_seeker, token_for, today):
    village = token_for(cast.village_worker)
    assert posting.pk in ids(get(village, f"{BASE}/postings/", open=1)), "the county's posting, seen by its village"
    assert get(token_for(cast.outsider), f"{BASE}/postings/{posting.pk}").status_code == 404
    detail = get(village, f"{BASE}/postings/{posting.pk}").json()
    assert "1111" in detail["employer_contact"] and "13900001111" not in detail["employer_contact"]
    ranked = get(village, f"{BASE}/matches/", posting=posting.pk).json()["items"]
    assert [row["seeker_id"] for row in ranked] == [seeker.pk]  # not the sibling village's
    row = ranked[0]
    assert row["score"] == row["skill_part"] + row["place_part"] + row["education_part"] + row["preference_part"]
    created = post(village, f"{BASE}/referrals/", seeker_id=seeker.pk, posting_id=posting.pk)
    assert created.status_code == 201 and created.json()["score"] == row["score"]
    referral = created.json()
    assert post(village, f"{BASE}/referrals/", seeker_id=seeker.pk, posting_id=posting.pk).status_code == 422
    url = f"{BASE}/referrals/{referral['id']}/transitions"
    refused = post(village, url, action="follow_up", version=referral["version"])
    assert refused.status_code == 422 and "hire" in refused.json()["allowed"]
    stale = post(village, url, action="interview", version=referral["version"] + 5,
                 data={"interview_on": str(today)})
    assert stale.status_code == 409
    hired = post(village, url, action="hire", version=referral["version"], data={"start_date": str(today)})
    assert hired.status_code == 200 and hired.json()["state"] == "hired"
    assert hired.json()["follow_up_due"] is not None
    assert get(token_for(cast.village2_worker), f"{BASE}/referrals/{referral['id']}").status_code == 404
    assert get(token_for(cast.leader), f"{BASE}/referrals/{referral['id']}").status_code == 200
    assert post(token_for(cast.leader), f"{BASE}/referrals/", seeker_id=seeker.pk,
                posting_id=posting.pk).status_code == 403


def test_a_posting_made_through_the_api_is_checked_like_the_form(cast, employer, token_for, today):
    county = token_for(cast.county_director)
    before = Posting.objects.count()
    payload = {"employer_id": employer.pk, "title": "仓库管理员", "place_code": VILLAGE_CODE, "pay_min": 9000,
               "pay_max": 8000, "places": 2, "opens_on": str(today), "closes_on": str(today - timedelta(days=1))}
    refused = post(county, f"{BASE}/postings/", **payload)
    assert refused.status_code == 422 and Posting.objects.count() == before
    made = post(county, f"{BASE}/postings/", **{**payload, "pay_max": 9500, "closes_on": str(today)})
    assert made.status_code == 201 and made.json()["employer"] == "江宁物流有限公司"
    assert post(token_for(cast.village_worker), f"{BASE}/postings/", **payload).status_code == 403


def test_fair_check_in_is_idempotent_and_counts_are_the_callers(cast, employer, posting, seeker, sibling_seeker,
                                                               token_for, today):
    fair = services_fairs.fair_create(actor=cast.county_director, title="春季招聘会", date=today, venue="县中心",
                                      employers=[employer], postings=[posting])
    services_fairs.fair_invite(actor=cast.county_director, fair=fair, seekers=[seeker, sibling_seeker])
    village = token_for(cast.village_worker)
    url = f"{BASE}/fairs/{fair.pk}/check-in"
    code = services_fairs.check_in_code(seeker)
    first, second = post(village, url, code=code), post(village, url, code=code)
    assert (first.status_code, first.json()["new"]) == (201, True)
    assert (second.status_code, second.json()["new"]) == (200, False)
    assert FairGuest.objects.filter(fair=fair, checked_in_at__isnull=False).count() == 1
    assert post(village, url, code=services_fairs.check_in_code(sibling_seeker)).status_code == 422
    mine = get(village, f"{BASE}/fairs/{fair.pk}").json()
    assert (mine["invited"], mine["attending"]) == (1, 1)  # the sibling village's guest is not counted here
    assert get(token_for(cast.county_director), f"{BASE}/fairs/{fair.pk}").json()["invited"] == 2
    assert get(token_for(cast.outsider), f"{BASE}/fairs/{fair.pk}").status_code == 404


def test_course_enrolment_is_capped_by_its_places(cast, seeker, sibling_seeker, token_for, today):
    from rongjia.employment import services_courses

    course = services_courses.course_create(actor=cast.county_director, kind="skill", title="电工培训",
                                            provider="职业学校", starts_on=today, ends_on=today + timedelta(days=9),
                                            places=1)
    url = f"{BASE}/courses/{course.pk}/enrolments"
    assert post(token_for(cast.village_worker), url, seeker_id=seeker.pk).status_code == 201
    full = post(token_for(cast.village2_worker), url, seeker_id=sibling_seeker.pk)
    assert full.status_code == 422 and Enrolment.objects.filter(course=course).count() == 1
    listed = {row["id"]: row for row in get(token_for(cast.village2_worker), f"{BASE}/courses/").json()["items"]}
    assert (listed[course.pk]["taken"], listed[course.pk]["enrolled"]) == (1, 0)
    assert get(token_for(cast.outsider), f"{BASE}/courses/{course.pk}").status_code == 404
    assert Referral.objects.count() == 0
