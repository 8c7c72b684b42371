"""Training: a course's dates and places, enrolment up to the places (and once per seeker), attendance within the
course's sessions, completion putting the certificate and the skill on the seeker's profile, dropping out with a
reason. Bad input: a clear message and nothing changed."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from rongjia.core.errors import StaleVersion
from rongjia.employment import services_courses as services
from rongjia.employment.models import Certificate, Course, Enrolment, Seeker

from .conftest import seeker_for, skill


@pytest.fixture
def course(cast, today):
    """A forklift course of the county: two places, ten sessions, a certificate and the 叉车操作 skill."""
    return services.course_create(
        actor=cast.county_director, kind="skill", title="叉车操作培训", provider="江宁技师学院",
        starts_on=today - timedelta(days=10), ends_on=today + timedelta(days=20), places=2, sessions=10,
        certificate="叉车司机证", skill=skill("叉车操作"))


def message(exc) -> str:
    return " ".join(exc.value.messages)


def test_a_centre_plans_a_course_for_its_area(cast, course):
    assert course.jurisdiction_code == "320115" and course.organiser == cast.county_director.org_unit
    assert Course.objects.visible_to(cast.village_worker).filter(pk=course.pk).exists()
    assert not Course.objects.visible_to(cast.outsider).filter(pk=course.pk).exists()


def test_a_station_does_not_plan_courses(cast, today):
    with pytest.raises(PermissionDenied):
        services.course_create(actor=cast.village_worker, kind="skill", title="课", provider="学校",
                               starts_on=today, ends_on=today, places=1)


@pytest.mark.parametrize("field, changes", [
    ("ends_on", {"ends_on": -1}), ("places", {"places": 0}), ("sessions", {"sessions": 0}),
    ("kind", {"kind": "party"}), ("title", {"title": "  "}), ("provider", {"provider": ""})])
def test_a_bad_course_is_refused_with_a_message(cast, today, field, changes):
    given = {"kind": "adaptive", "title": "适应性培训", "provider": "区退役军人服务中心", "starts_on": today,
             "ends_on": today + timedelta(days=3), "places": 30, "sessions": 3}
    if changes.get("ends_on") == -1:
        changes = {"ends_on": today - timedelta(days=1)}
    with pytest.raises(ValidationError) as refused:
        services.course_create(actor=cast.county_director, **{**given, **changes})
    assert field in refused.value.error_dict and not Course.objects.exists()


def test_ending_before_it_starts_names_the_start(cast, today):
    with pytest.raises(ValidationError) as refused:
        services.course_create(actor=cast.county_director, kind="skill", title="课", provider="学校",
                               starts_on=today, ends_on=today - timedelta(days=1), places=1)
    assert today.isoformat() in message(refused)


def test_the_course_takes_as_many_as_its_places(cast, course, seeker, sibling_seeker):
    services.enrol(actor=cast.village_worker, course=course, seeker=seeker)
    services.enrol(actor=cast.village2_worker, course=course, seeker=sibling_seeker)
    third = seeker_for(cast.village_worker, name="钱多", seq=530)
    with pytest.raises(ValidationError) as refused:
        services.enrol(actor=cast.village_worker, course=course, seeker=third)
    assert "2" in message(refused) and Enrolment.objects.count() == 2
    assert refused.value.message_dict["seeker"] == ["该培训班共 2 个名额，已全部报满。"]


def test_enrolling_several_is_all_or_none(cast, course):
    many = [seeker_for(cast.village_worker, name=f"王{n}", seq=540 + n) for n in range(3)]
    with pytest.raises(ValidationError):
        services.enrol_many(actor=cast.village_worker, course=course, seekers=many)
    assert not Enrolment.objects.exists()
    assert len(services.enrol_many(actor=cast.village_worker, course=course, seekers=many[:2])) == 2


def test_a_seeker_is_enrolled_once_and_a_dropped_place_is_free_again(cast, course, seeker, sibling_seeker):
    enrolment = services.enrol(actor=cast.village_worker, course=course, seeker=seeker)
    with pytest.raises(ValidationError) as refused:
        services.enrol(actor=cast.village_worker, course=course, seeker=seeker)
    assert seeker.person.name in message(refused) and Enrolment.objects.count() == 1
    services.enrolment_drop(actor=cast.village_worker, enrolment=enrolment, version=1, note="外出务工")
    services.enrol(actor=cast.village2_worker, course=course, seeker=sibling_seeker)
    services.enrol(actor=cast.village_worker, course=course, seeker=seeker_for(cast.village_worker, name="钱多",
                                                                              seq=530))
    assert Enrolment.objects.filter(state="enrolled").count() == 2


def test_a_station_enrols_only_its_own_seekers(cast, course, sibling_seeker, outsider_seeker):
    with pytest.raises(ValidationError) as refused:
        services.enrol(actor=cast.village_worker, course=course, seeker=sibling_seeker)
    assert sibling_seeker.person.name not in message(refused)
    with pytest.raises(Http404):  # the county's course is not the other county's to enrol on
        services.enrol(actor=cast.outsider, course=course, seeker=outsider_seeker)
    assert not Enrolment.objects.exists()


def test_a_course_that_ended_takes_no_enrolment(cast, course, seeker, today):
    Course.objects.filter(pk=course.pk).update(ends_on=today - timedelta(days=1))
    with pytest.raises(ValidationError) as refused:
        services.enrol(actor=cast.village_worker, course=course, seeker=seeker)
    assert (today - timedelta(days=1)).isoformat() in message(refused) and not Enrolment.objects.exists()


@pytest.mark.parametrize("attended, ok", [(0, True), (10, True), (11, False), (-1, False), (None, False)])
def test_attendance_lies_between_none_and_the_courses_sessions(cast, course, seeker, attended, ok):
    enrolment = services.enrol(actor=cast.village_worker, course=course, seeker=seeker)
    if ok:
        saved = services.attendance_record(actor=cast.village_worker, enrolment=enrolment,
                                           sessions_attended=attended, version=1)
        assert (saved.sessions_attended, saved.version) == (attended, 2)
        return
    with pytest.raises(ValidationError) as refused:
        services.attendance_record(actor=cast.village_worker, enrolment=enrolment, sessions_attended=attended,
                                   version=1)
    assert "10" in message(refused)
    kept = Enrolment.objects.get(pk=enrolment.pk)
    assert (kept.sessions_attended, kept.version) == (0, 1)


def test_completion_puts_the_certificate_and_the_skill_on_the_profile(cast, course, seeker, today):
    enrolment = services.enrol(actor=cast.village_worker, course=course, seeker=seeker)
    services.attendance_record(actor=cast.village_worker, enrolment=enrolment, sessions_attended=9, version=1)
    before = Seeker.objects.get(pk=seeker.pk).version
    done = services.enrolment_complete(actor=cast.village_worker, enrolment=enrolment, completed_on=today,
                                       certificate_number="CC-2026-001", version=2)
    assert (done.state, done.completed_on, done.certificate_number) == ("completed", today, "CC-2026-001")
    certificate = Certificate.objects.get(seeker=seeker)
    assert (certificate.name, certificate.number, certificate.issued_on, certificate.course) == (
        "叉车司机证", "CC-2026-001", today, course)
    profile = Seeker.objects.get(pk=seeker.pk)
    assert skill("叉车操作") in profile.skills.all() and skill("汽车驾驶") in profile.skills.all()
    assert profile.version == before + 1  # an edit opened before the completion does not drop the new skill


def test_a_course_without_certificate_adds_none(cast, today, seeker):
    course = services.course_create(actor=cast.county_director, kind="adaptive", title="适应性培训",
                                    provider="区退役军人服务中心", starts_on=today, ends_on=today, places=5)
    enrolment = services.enrol(actor=cast.village_worker, course=course, seeker=seeker)
    services.enrolment_complete(actor=cast.village_worker, enrolment=enrolment, completed_on=today, version=1)
    assert not Certificate.objects.exists()


@pytest.mark.parametrize("shift", [1, -11])
def test_completion_lies_between_the_courses_start_and_today(cast, course, seeker, today, shift):
    enrolment = services.enrol(actor=cast.village_worker, course=course, seeker=seeker)
    with pytest.raises(ValidationError) as refused:
        services.enrolment_complete(actor=cast.village_worker, enrolment=enrolment,
                                    completed_on=today + timedelta(days=shift), version=1)
    assert "completed_on" in refused.value.error_dict
    assert Enrolment.objects.get(pk=enrolment.pk).state == "enrolled" and not Certificate.objects.exists()
    assert skill("叉车操作") not in Seeker.objects.get(pk=seeker.pk).skills.all()


def test_dropping_out_needs_the_reason_and_ends_the_steps(cast, course, seeker, today):
    enrolment = services.enrol(actor=cast.village_worker, course=course, seeker=seeker)
    with pytest.raises(ValidationError) as refused:
        services.enrolment_drop(actor=cast.village_worker, enrolment=enrolment, version=1, note=" ")
    assert "note" in refused.value.error_dict and Enrolment.objects.get(pk=enrolment.pk).state == "enrolled"
    dropped = services.enrolment_drop(actor=cast.village_worker, enrolment=enrolment, version=1, note="外出务工")
    assert (dropped.state, dropped.note) == ("dropped", "外出务工")
    with pytest.raises(ValidationError):
        services.enrolment_complete(actor=cast.village_worker, enrolment=enrolment, completed_on=today, version=2)


def test_a_stale_step_is_refused(cast, course, seeker):
    enrolment = services.enrol(actor=cast.village_worker, course=course, seeker=seeker)
    services.attendance_record(actor=cast.village_worker, enrolment=enrolment, sessions_attended=3, version=1)
    with pytest.raises(StaleVersion):
        services.attendance_record(actor=cast.village_worker, enrolment=enrolment, sessions_attended=5, version=1)


def test_a_course_keeps_places_for_those_enrolled(cast, course, seeker, sibling_seeker):
    services.enrol(actor=cast.village_worker, course=course, seeker=seeker)
    services.enrol(actor=cast.village2_worker, course=course, seeker=sibling_seeker)
    with pytest.raises(ValidationError) as refused:
        services.course_update(actor=cast.county_director, course=course, version=1, places=1)
    assert "places" in refused.value.error_dict and Course.objects.get(pk=course.pk).places == 2
    with pytest.raises(PermissionDenied):
        services.course_update(actor=cast.village_worker, course=course, version=1, places=3)
    assert services.course_update(actor=cast.county_director, course=course, version=1, places=3).places == 3
