"""The pages of fairs and training: the right role opens them, an outsider gets 404, a fair's guests and a course's
enrolments are those of the viewer's area with a count of the others, the phone at the door checks in once, the
printed invitation carries the QR code of the door's page, and the lists stay within a query ceiling."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse

from rongjia.employment import services_courses, services_fairs
from rongjia.employment.models import Course, Enrolment, Fair, FairGuest, Referral

from .conftest import seeker_for, skill


@pytest.fixture
def fair(cast, today, employer, posting):
    return services_fairs.fair_create(actor=cast.county_director, title="江宁区退役军人专场招聘会", date=today,
                                      venue="江宁区人力资源市场", employers=[employer], postings=[posting])


@pytest.fixture
def course(cast, today):
    return services_courses.course_create(
        actor=cast.county_director, kind="skill", title="叉车操作培训", provider="江宁技师学院",
        starts_on=today - timedelta(days=1), ends_on=today + timedelta(days=20), places=3, sessions=10,
        certificate="叉车司机证", skill=skill("叉车操作"))


def ids(response, name: str) -> list[int]:
    return [int(pk) for pk in re.findall(rf'data-{name}="(\d+)"', response.content.decode())]


# --- who opens what ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("page", ["fair_detail", "fair_invitation", "course_detail"])
def test_the_county_and_its_stations_open_a_county_record_and_an_outsider_gets_404(cast, client_for, fair, course,
                                                                                   page):
    pk = course.pk if page.startswith("course") else fair.pk
    url = reverse(f"employment:{page}", args=[pk])
    for user in (cast.county_director, cast.village_worker, cast.leader):
        assert client_for(user).get(url).status_code == 200, user
    assert client_for(cast.outsider).get(url).status_code == 404


@pytest.mark.parametrize("page", ["fair_invite", "fair_check_in", "course_enrol"])
def test_a_stations_pages_are_404_outside_and_refused_to_a_leader(cast, client_for, fair, course, page):
    url = reverse(f"employment:{page}", args=[course.pk if page.startswith("course") else fair.pk])
    assert client_for(cast.village_worker).get(url).status_code == 200
    assert client_for(cast.outsider).get(url).status_code == 404
    assert client_for(cast.leader).get(url).status_code == 403  # view only


@pytest.mark.parametrize("page", ["fairs", "courses"])
def test_the_lists_open_to_viewers_and_not_to_a_grid_worker(cast, client_for, page):
    url = reverse(f"employment:{page}")
    for user in (cast.village_worker, cast.county_director, cast.leader):
        assert client_for(user).get(url).status_code == 200
    assert client_for(cast.grid_worker).get(url).status_code == 403


def test_only_the_organisers_area_edits(cast, client_for, fair, course):
    for name, pk in (("fair_edit", fair.pk), ("course_edit", course.pk)):
        url = reverse(f"employment:{name}", args=[pk])
        assert client_for(cast.county_director).get(url).status_code == 200
        assert client_for(cast.village_worker).get(url).status_code == 403
        assert client_for(cast.outsider).get(url).status_code == 404


# --- planning ---------------------------------------------------------------------------------------------------

def test_a_centre_plans_a_fair_on_its_page(cast, client_for, today, employer, posting):
    client = client_for(cast.county_director)
    response = client.post(reverse("employment:fair_new"), {
        "title": "春风行动招聘会", "date": today.isoformat(), "venue": "区人才市场", "postings": [posting.pk]})
    fair = Fair.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("employment:fair_detail", args=[fair.pk])
    assert list(fair.employers.all()) == [employer]
    bad = client.post(reverse("employment:fair_new"), {"title": "", "date": today.isoformat(), "venue": "x"})
    assert bad.status_code == 400 and Fair.objects.count() == 1
    assert client_for(cast.village_worker).get(reverse("employment:fair_new")).status_code == 403


def test_a_course_with_bad_dates_comes_back_with_the_message(cast, client_for, today):
    client = client_for(cast.county_director)
    response = client.post(reverse("employment:course_new"), {
        "kind": "skill", "title": "电工培训", "provider": "技师学院", "starts_on": today.isoformat(),
        "ends_on": (today - timedelta(days=2)).isoformat(), "places": 10, "sessions": 5})
    assert response.status_code == 400 and not Course.objects.exists()
    assert today.isoformat() in response.content.decode()


# --- a fair's guests, filtered by the viewer ------------------------------------------------------------------

def test_a_village_worker_sees_own_guests_on_a_county_fair_and_a_count_of_the_others(cast, client_for, fair, seeker,
                                                                                   sibling_seeker):
    services_fairs.fair_invite(actor=cast.village_worker, fair=fair, seekers=[seeker])
    services_fairs.fair_invite(actor=cast.village2_worker, fair=fair, seekers=[sibling_seeker])
    services_fairs.fair_check_in(actor=cast.county_director, fair=fair, id_number=sibling_seeker.person.id_number)
    page = client_for(cast.village_worker).get(reverse("employment:fair_detail", args=[fair.pk]))
    text = page.content.decode()
    assert ids(page, "guest") == [FairGuest.objects.get(seeker=seeker).pk]
    assert seeker.person.name in text and sibling_seeker.person.name not in text
    assert 'data-others="1"' in text
    county = client_for(cast.county_director).get(reverse("employment:fair_detail", args=[fair.pk]))
    assert len(ids(county, "guest")) == 2 and 'data-testid="others-outside"' not in county.content.decode()


def test_the_fair_list_counts_only_the_viewers_guests(cast, client_for, fair, seeker, sibling_seeker):
    services_fairs.fair_invite(actor=cast.village_worker, fair=fair, seekers=[seeker])
    services_fairs.fair_invite(actor=cast.village2_worker, fair=fair, seekers=[sibling_seeker])
    text = client_for(cast.village_worker).get(reverse("employment:fairs")).content.decode()
    assert 'data-invited="1"' in text
    text = client_for(cast.county_director).get(reverse("employment:fairs")).content.decode()
    assert 'data-invited="2"' in text


def test_the_invite_page_invites_the_ticked_seekers_once(cast, client_for, fair, seeker):
    client = client_for(cast.village_worker)
    url = reverse("employment:fair_invite", args=[fair.pk])
    assert seeker.pk in ids(client.get(url), "seeker")
    assert client.post(url, {"seekers": [seeker.pk]}).status_code == 302
    assert client.post(url, {"seekers": [seeker.pk]}).status_code == 302
    assert FairGuest.objects.filter(fair=fair).count() == 1
    assert "已在参会名单中" in client.get(url).content.decode()
    assert client.post(url, {}).status_code == 400


# --- the door -------------------------------------------------------------------------------------------------

def test_the_phone_checks_in_by_number_once(cast, client_for, fair, seeker):
    client = client_for(cast.village_worker)
    url = reverse("employment:fair_check_in", args=[fair.pk])
    page = client.get(url).content.decode()
    assert 'inputmode="numeric"' in page and 'data-type-x="id_id_number"' in page
    assert client.post(url, {"id_number": seeker.person.id_number}).status_code == 302
    first = client.get(url).content.decode()
    guest = FairGuest.objects.get()
    assert 'data-fresh="1"' in first and "李*" in first and guest.checked_in_at
    assert client.post(url, {"id_number": seeker.person.id_number}).status_code == 302
    second = client.get(url).content.decode()
    assert 'data-fresh="0"' in second and FairGuest.objects.count() == 1
    assert FairGuest.objects.get().checked_in_at == guest.checked_in_at
    assert 'data-testid="check-in-outcome"' not in client.get(url).content.decode()  # the banner shows once


def test_a_scanned_invitation_asks_to_confirm_with_the_masked_name(cast, client_for, fair, seeker):
    client = client_for(cast.village_worker)
    url = reverse("employment:fair_check_in", args=[fair.pk])
    code = services_fairs.check_in_code(seeker)
    page = client.get(url, {"code": code}).content.decode()
    assert 'data-testid="confirm-form"' in page and "李*" in page and seeker.person.name not in page
    assert not FairGuest.objects.exists()  # opening the link checks no one in
    assert client.post(url, {"code": code}).status_code == 302
    assert FairGuest.objects.get().checked_in_at is not None


def test_the_door_refuses_with_a_message_and_changes_nothing(cast, client_for, fair, seeker, sibling_seeker, today):
    client = client_for(cast.village_worker)
    url = reverse("employment:fair_check_in", args=[fair.pk])
    outside = client.post(url, {"id_number": sibling_seeker.person.id_number})
    assert outside.status_code == 400 and "本辖区没有此身份证号码的档案" in outside.content.decode()
    Fair.objects.filter(pk=fair.pk).update(date=today + timedelta(days=1))
    early = client.post(url, {"id_number": seeker.person.id_number})
    assert early.status_code == 400 and (today + timedelta(days=1)).isoformat() in early.content.decode()
    assert 'data-testid="not-today"' in client.get(url).content.decode()
    assert not FairGuest.objects.exists()


def test_the_invitation_carries_the_qr_code_of_the_door(cast, client_for, fair, seeker):
    services_fairs.fair_invite(actor=cast.village_worker, fair=fair, seekers=[seeker])
    guest = FairGuest.objects.get()
    response = client_for(cast.village_worker).get(reverse("employment:fair_invitation", args=[fair.pk, guest.pk]))
    text = response.content.decode()
    assert response.status_code == 200 and 'src="data:image/svg+xml;base64,' in text and seeker.person.name in text
    everyone = client_for(cast.village_worker).get(reverse("employment:fair_invitation", args=[fair.pk]))
    assert ids(everyone, "guest") == [guest.pk]
    assert client_for(cast.village2_worker).get(
        reverse("employment:fair_invitation", args=[fair.pk, guest.pk])).status_code == 404


def test_an_offer_on_the_fair_page_is_a_referral_of_the_fair(cast, client_for, fair, seeker, posting):
    services_fairs.fair_check_in(actor=cast.village_worker, fair=fair, id_number=seeker.person.id_number)
    client = client_for(cast.village_worker)
    detail = client.get(reverse("employment:fair_detail", args=[fair.pk])).content.decode()
    assert 'data-testid="offer-form"' in detail
    guest = FairGuest.objects.get()
    response = client.post(reverse("employment:fair_offer", args=[fair.pk]), {"guest": guest.pk,
                                                                               "posting": posting.pk})
    assert response.status_code == 302 and Referral.objects.get().fair == fair
    again = client.post(reverse("employment:fair_offer", args=[fair.pk]), {"guest": guest.pk, "posting": posting.pk})
    assert again.status_code == 400 and Referral.objects.count() == 1


# --- training pages ---------------------------------------------------------------------------------------------

def test_a_course_shows_the_viewers_enrolments_and_a_count_of_the_others(cast, client_for, course, seeker,
                                                                        sibling_seeker):
    mine = services_courses.enrol(actor=cast.village_worker, course=course, seeker=seeker)
    services_courses.enrol(actor=cast.village2_worker, course=course, seeker=sibling_seeker)
    page = client_for(cast.village_worker).get(reverse("employment:course_detail", args=[course.pk]))
    text = page.content.decode()
    assert ids(page, "enrolment") == [mine.pk] and 'data-others="1"' in text and 'data-taken="2"' in text
    assert sibling_seeker.person.name not in text


def test_enrolling_and_completing_on_the_pages(cast, client_for, course, seeker, today):
    client = client_for(cast.village_worker)
    assert client.post(reverse("employment:course_enrol", args=[course.pk]),
                       {"seekers": [seeker.pk]}).status_code == 302
    enrolment = Enrolment.objects.get()
    url = reverse("employment:enrolment_step", args=[enrolment.pk])
    assert client.get(url).status_code == 200
    over = client.post(url, {"action": "attend", "sessions_attended": 11, "version": 1})
    assert over.status_code == 400 and Enrolment.objects.get().sessions_attended == 0
    assert client.post(url, {"action": "attend", "sessions_attended": 10, "version": 1}).status_code == 302
    done = client.post(url, {"action": "complete", "completed_on": today.isoformat(), "certificate_number": "A1",
                             "version": 2})
    assert done.status_code == 302 and Enrolment.objects.get().state == "completed"
    assert seeker.certificates.get().name == "叉车司机证"
    assert client_for(cast.village2_worker).get(url).status_code == 404
    assert client_for(cast.leader).post(url, {"action": "attend", "sessions_attended": 1,
                                              "version": 3}).status_code == 403


def test_the_enrol_page_refuses_beyond_the_places(cast, client_for, course):
    many = [seeker_for(cast.village_worker, name=f"王{n}", seq=540 + n) for n in range(4)]
    response = client_for(cast.village_worker).post(reverse("employment:course_enrol", args=[course.pk]),
                                                    {"seekers": [s.pk for s in many]})
    assert response.status_code == 400 and "3" in response.content.decode() and not Enrolment.objects.exists()


# --- query ceilings ---------------------------------------------------------------------------------------------

def test_the_lists_and_pages_stay_within_a_query_ceiling(cast, client_for, today, employer, posting,
                                                         django_assert_max_num_queries):
    seekers = [seeker_for(cast.village_worker, name=f"赵{n}", seq=560 + n) for n in range(6)]
    for n in range(6):
        fair = services_fairs.fair_create(actor=cast.county_director, title=f"招聘会{n}", date=today, venue="大厅",
                                          employers=[employer], postings=[posting])
        services_fairs.fair_invite(actor=cast.village_worker, fair=fair, seekers=seekers)
        course = services_courses.course_create(actor=cast.county_director, kind="skill", title=f"课{n}",
                                                provider="学校", starts_on=today, ends_on=today, places=10)
        services_courses.enrol_many(actor=cast.village_worker, course=course, seekers=seekers)
    client = client_for(cast.village_worker)
    pages = [reverse("employment:fairs"), reverse("employment:courses"),
             reverse("employment:fair_detail", args=[fair.pk]), reverse("employment:course_detail", args=[course.pk]),
             reverse("employment:fair_invite", args=[fair.pk]), reverse("employment:course_enrol", args=[course.pk]),
             reverse("employment:fair_check_in", args=[fair.pk])]
    client.get(pages[0])
    for url in pages:
        with django_assert_max_num_queries(18):
            assert client.get(url).status_code == 200, url
    assert len(ids(client.get(pages[0]), "fair")) == 6 and len(ids(client.get(pages[1]), "course")) == 6
