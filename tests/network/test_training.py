"""Training compliance: who in post is not trained this year, per unit and rolled up, against a hand-made fixture;
the page, the API and the workbench count the same; outsiders see none of it."""

from datetime import date

import pytest
from django.test import Client
from django.utils import timezone

from rongjia.core import contributions
from rongjia.network import training
from rongjia.network.models import TrainingRecord
from tests.api.conftest import api
from tests.factories import STREET_CODE, VILLAGE2_CODE, VILLAGE_CODE, StaffMemberFactory, unit_at

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(cast):
    """Village: 3 in post (2 trained this year, 1 only last year), 1 who left; village 2: 2 in post, none trained;
    the street: 1 trained."""
    year = timezone.localdate().year
    village, village2, street = unit_at(VILLAGE_CODE), unit_at(VILLAGE2_CODE), unit_at(STREET_CODE)
    people = {name: StaffMemberFactory(unit=unit, name=name) for name, unit in (
        ("甲", village), ("乙", village), ("丙", village), ("丁", village2), ("戊", village2), ("己", street))}
    StaffMemberFactory(unit=village, name="离任者", active=False)
    for name in ("甲", "乙", "己"):
        TrainingRecord.objects.create(staff=people[name], date=date(year, 3, 1), course="政策法规", hours=8)
    TrainingRecord.objects.create(staff=people["丙"], date=date(year - 1, 11, 1), course="心理健康", hours=4)
    return year


def test_compliance_counts_by_hand(cast, staff):
    own, rows = training.compliance(cast.county_director, staff)
    assert (own.staff, own.trained, own.untrained) == (6, 3, 3)
    (street,) = rows
    assert street.code == STREET_CODE[:9] and (street.staff, street.trained) == (6, 3)
    own, rows = training.compliance(cast.county_director, staff, region=STREET_CODE[:9])
    by_code = {row.code: (row.staff, row.trained) for row in rows}
    assert by_code[VILLAGE_CODE] == (3, 2) and by_code[VILLAGE2_CODE] == (2, 0) and by_code[STREET_CODE] == (1, 1)
    assert sorted(m.name for m in training.untrained(cast.county_director, staff)) == ["丁", "丙", "戊"]
    assert [m.name for m in training.untrained(cast.village_worker, staff)] == ["丙"]
    assert training.compliance(cast.county_director, staff - 1)[0].trained == 1  # last year: 丙 only


def test_page_api_and_workbench_agree_and_outsiders_see_nothing(cast, staff, client_for, token_for):
    page = client_for(cast.county_director).get(f"/network/training/?year={staff}")
    assert page.status_code == 200 and "戊" in page.content.decode() and "甲" not in page.content.decode()
    items = {item.key: item.count for item in contributions.workbench(cast.county_director)}
    assert items["untrained"] == 3
    body = api(Client(), "get", "/api/v1/training/", token_for(cast.county_director), year=staff).json()
    assert (body["staff"], body["trained"], body["untrained"]) == (6, 3, 3)
    outsider = client_for(cast.outsider)
    assert "戊" not in outsider.get("/network/training/").content.decode()
    assert outsider.get("/network/training/?region=320115").status_code == 404
    assert api(Client(), "get", "/api/v1/training/", token_for(cast.outsider), region="320115").status_code == 404
    assert api(Client(), "get", "/api/v1/training/untrained", token_for(cast.outsider)).json()["count"] == 0
    export = client_for(cast.county_director).get(f"/network/training/untrained.xlsx?year={staff}")
    assert export.status_code == 200


def test_a_course_completed_writes_the_training_records(cast, staff, client_for):
    from datetime import timedelta

    from django.core.exceptions import PermissionDenied, ValidationError
    from django.http import Http404

    from rongjia.network import services_training
    from rongjia.network.models import StaffMember

    today = timezone.localdate()
    with pytest.raises(ValidationError):  # a village station does not organise courses
        services_training.course_create(actor=cast.village_worker, title="x", starts_on=today, ends_on=today,
                                        hours=4)
    course = services_training.course_create(actor=cast.county_director, title="政策法规培训班",
                                             starts_on=today - timedelta(days=2), ends_on=today, hours=16)
    untrained_before = training.untrained(cast.county_director, today.year).count()
    dingwu = list(StaffMember.objects.filter(name__in=["丁", "戊"]).values_list("pk", flat=True))
    assert services_training.enrol(actor=cast.county_director, course_id=course.pk, staff_ids=dingwu) == 2
    assert services_training.enrol(actor=cast.county_director, course_id=course.pk, staff_ids=dingwu) == 0
    stranger = StaffMemberFactory(unit=unit_at("320114000000"), name="外县人员")
    with pytest.raises(Http404):  # another county's centre: the same answer as a missing course
        services_training.enrol(actor=cast.outsider, course_id=course.pk, staff_ids=[stranger.pk])
    with pytest.raises(ValidationError):
        services_training.enrol(actor=cast.county_director, course_id=course.pk, staff_ids=[stranger.pk])
    with pytest.raises(PermissionDenied):  # the village reads the course but does not run it
        services_training.enrol(actor=cast.village_worker, course_id=course.pk, staff_ids=dingwu)
    enrolments = list(course.enrolments.values_list("pk", flat=True))
    with pytest.raises(ValidationError):
        services_training.complete(actor=cast.county_director, course_id=course.pk, enrolment_ids=enrolments,
                                   completed_on=today + timedelta(days=1))
    assert services_training.complete(actor=cast.county_director, course_id=course.pk, enrolment_ids=enrolments,
                                      completed_on=today) == 2
    assert training.untrained(cast.county_director, today.year).count() == untrained_before - 2
    page = client_for(cast.village2_worker).get(f"/network/training/courses/{course.pk}/").content.decode()
    assert "戊" in page and "丙" not in page  # the village reads its own people on the county's course
    assert client_for(cast.outsider).get(f"/network/training/courses/{course.pk}/").status_code == 404
    organisers = dict((centre.region_code, n) for centre, n in training.organisers(cast.county_director, today.year))
    assert organisers == {"320115000000": 1}


def test_placements_a_month_at_the_centre_above(cast, staff):
    from datetime import timedelta

    from django.core.exceptions import ValidationError

    from rongjia.network import services_training
    from rongjia.network.models import StaffMember

    today = timezone.localdate()
    street_worker = StaffMember.objects.get(name="己")
    assert street_worker in training.placement_gaps(cast.county_director)
    assert not training.placement_gaps(cast.county_director).filter(name="甲").exists()  # a village's: not due
    with pytest.raises(ValidationError):
        village_worker = StaffMember.objects.get(name="甲")
        services_training.placement_record(actor=cast.county_director, staff_id=village_worker.pk,
                                           starts_on=today - timedelta(days=40), ends_on=today)
    short = services_training.placement_record(actor=cast.county_director, staff_id=street_worker.pk,
                                               starts_on=today - timedelta(days=10), ends_on=today)
    assert short.host.region_code == "320115000000" and short.days == 11
    assert street_worker in training.placement_gaps(cast.county_director)  # ten days are not a month
    services_training.placement_record(actor=cast.county_director, staff_id=street_worker.pk,
                                       starts_on=today - timedelta(days=60), ends_on=today - timedelta(days=31))
    assert street_worker not in training.placement_gaps(cast.county_director)
