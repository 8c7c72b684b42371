"""积案 and 包案 (seed 000: 信访积案化解工作推进缓慢): a petition open past its deadline or lodged three times is a
积案; the owning centre names a 包案 leader with a plan, reports progress every month, and resolves it (化解) once
the petition is closed. Nothing waits for `run_deadlines`: the desk and the workbench read it live."""

import io
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone

from rongjia.core import contributions
from rongjia.core.errors import StaleVersion
from rongjia.petitions.backlog.models import BacklogCase, BacklogProgress
from rongjia.petitions.backlog.selectors import detect, month_of
from rongjia.petitions.backlog.services import (
    backlog_assign,
    backlog_open_detected,
    backlog_progress_add,
    backlog_resolve,
)
from rongjia.petitions.models import Petition
from rongjia.petitions.services import petition_register
from tests.factories import HOME_COUNTY, OUTSIDER_COUNTY, VILLAGE2_CODE, VILLAGE_CODE, unit_at

TODAY = timezone.localdate()
COUNTY_CENTRE = HOME_COUNTY + "000000"


def lodge(actor, subject, *, code=VILLAGE_CODE, name="信访人", due=None):
    petition = petition_register(actor=actor, unit=unit_at(code), channel="visit", type="claim", category="housing",
                                 subject=subject, petitioners=[{"name": name}])
    if due is not None:
        Petition.objects.filter(pk=petition.pk).update(due_on=TODAY + timedelta(days=due))
    return petition


@pytest.fixture
def late(cast):
    return lodge(cast.village_worker, "逾期未办事项", name="甲", due=-3)


@pytest.fixture
def thrice(cast):
    """The same subject at the same unit, three times: the third is a 积案 (it and two repeats)."""
    first, second = (lodge(cast.village_worker, "同一事项反复信访", name=n, due=20) for n in ("乙", "丙"))
    third = lodge(cast.village_worker, "同一事项反复信访", name="丁", due=20)
    assert third.repeat_of.count() == 2 and second.repeat_of.count() == 1
    return third


def keys(user):
    return {item.key: item.count for item in contributions.workbench(user)}


def test_overdue_and_thrice_lodged_petitions_qualify_without_the_command(cast, client_for, late, thrice):
    fresh = lodge(cast.village_worker, "新事项", name="戊", due=10)
    assert {p.pk for p in detect(TODAY)} == {late.pk, thrice.pk}  # not the first two lodgings, not the fresh one
    page = client_for(cast.county_director).get("/petitions/?backlog=1")
    assert [p.pk for p in page.context["page"].object_list] == [thrice.pk, late.pk]
    assert page.content.decode().count('data-testid="qualifies"') == 2  # each offered a 包案 leader
    assert fresh.subject not in page.content.decode()
    assert keys(cast.county_director)["backlog_unassigned"] == 2  # before any run_deadlines
    assert not BacklogCase.objects.exists()


def test_run_deadlines_opens_each_case_once_and_waits_for_its_leader(cast, late, thrice):
    for _ in range(2):
        call_command("run_deadlines", stdout=io.StringIO())
    cases = {case.petition_id: case for case in BacklogCase.objects.all()}
    assert set(cases) == {late.pk, thrice.pk}
    assert cases[late.pk].reason == "overdue" and cases[thrice.pk].reason == "repeated"
    assert cases[late.pk].centre == unit_at(COUNTY_CENTRE) and cases[late.pk].leader_name == ""
    assert keys(cast.county_director)["backlog_unassigned"] == 2  # a case without a leader is still to do
    assert not detect(TODAY).exists()


def test_a_fourth_lodging_of_an_open_case_is_followed_there(cast, thrice):
    backlog_assign(actor=cast.county_director, petition=thrice, leader_name="张局长", plan="约谈信访人")
    fourth = lodge(cast.village_worker, "同一事项反复信访", name="己", due=20)
    assert fourth.repeat_of.count() == 3 and not detect(TODAY).filter(pk=fourth.pk).exists()


def test_the_director_names_the_leader_through_the_pages(cast, client_for, late):
    client = client_for(cast.county_director)
    assert client.get(f"/petitions/{late.pk}/backlog/assign").status_code == 200
    response = client.post(f"/petitions/{late.pk}/backlog/assign", {
        "leader_name": "王副主任", "leader_title": "区退役军人事务局副局长", "plan": "一、核实情况；二、协调住建部门。",
        "leader": cast.county_director.pk})
    assert response.status_code == 302
    case = BacklogCase.objects.get(petition=late)
    assert (case.leader_name, case.leader, case.region_code) == ("王副主任", cast.county_director, COUNTY_CENTRE)
    page = client.get(f"/petitions/{late.pk}/backlog/").content.decode()
    assert "王副主任" in page and "本月未报进展" in page
    assert "王副主任" in client.get(f"/petitions/{late.pk}/").content.decode()  # the petition links to its 积案
    assert keys(cast.county_director)["backlog_unassigned"] == 0
    assert keys(cast.county_director)["backlog_no_progress"] == 1


def test_who_may_name_a_leader(cast, client_for, late):
    fresh = lodge(cast.village_worker, "未逾期事项", name="庚", due=10)
    director = client_for(cast.county_director)
    assert director.get(f"/petitions/{fresh.pk}/backlog/assign").status_code == 404  # not a 积案
    assert client_for(cast.village_worker).get(f"/petitions/{late.pk}/backlog/assign").status_code == 403
    assert client_for(cast.leader).get(f"/petitions/{late.pk}/backlog/assign").status_code == 403
    assert client_for(cast.outsider).get(f"/petitions/{late.pk}/backlog/assign").status_code == 404
    with pytest.raises(ValidationError):  # the service refuses too, and writes nothing
        backlog_assign(actor=cast.county_director, petition=fresh, leader_name="某", plan="某")
    with pytest.raises(PermissionDenied):
        backlog_assign(actor=cast.street_worker, petition=late, leader_name="某", plan="某")
    with pytest.raises(ValidationError):
        backlog_assign(actor=cast.county_director, petition=late, leader_name="", plan="计划")
    with pytest.raises(ValidationError):  # an account outside the area
        backlog_assign(actor=cast.county_director, petition=late, leader_name="某", plan="某", leader=cast.outsider)
    assert not BacklogCase.objects.exists()


def test_a_stale_edit_of_the_leader_is_refused(cast, late):
    case = backlog_assign(actor=cast.county_director, petition=late, leader_name="甲领导", plan="计划")
    backlog_assign(actor=cast.county_director, petition=late, leader_name="乙领导", plan="计划", version=case.version)
    with pytest.raises(StaleVersion):
        backlog_assign(actor=cast.county_director, petition=late, leader_name="丙领导", plan="计划",
                       version=case.version)
    assert BacklogCase.objects.get().leader_name == "乙领导"


def test_progress_by_month_and_the_missing_months(cast, client_for, late):
    case = backlog_assign(actor=cast.county_director, petition=late, leader_name="甲领导", plan="计划")
    BacklogCase.objects.filter(pk=case.pk).update(opened_on=month_of(TODAY) - timedelta(days=40))
    case.refresh_from_db()
    earlier = month_of(case.opened_on)
    backlog_progress_add(actor=cast.county_director, case=case, text="已约谈", month=earlier)
    client = client_for(cast.county_director)
    assert keys(cast.county_director)["backlog_no_progress"] == 1
    response = client.post(f"/petitions/{late.pk}/backlog/progress", {"text": "已协调住建部门"})
    assert response.status_code == 302
    assert list(BacklogProgress.objects.values_list("month", flat=True)) == [earlier, month_of(TODAY)]
    assert keys(cast.county_director)["backlog_no_progress"] == 0
    months = client.get(f"/petitions/{late.pk}/backlog/").context["months"]
    assert [len(m["entries"]) for m in months] == [1, 0, 1]  # this month, the month between (missing), the first
    with pytest.raises(ValidationError):  # a month before the case
        backlog_progress_add(actor=cast.county_director, case=case, text="x", month=date(2000, 1, 1))
    client.post(f"/petitions/{late.pk}/backlog/progress", {"text": ""})  # refused, nothing written
    assert BacklogProgress.objects.count() == 2
    assert client_for(cast.leader).post(f"/petitions/{late.pk}/backlog/progress", {"text": "x"}).status_code == 403


def test_resolved_only_once_the_petition_is_closed(cast, client_for, late):
    case = backlog_assign(actor=cast.county_director, petition=late, leader_name="甲领导", plan="计划")
    with pytest.raises(ValidationError):
        backlog_resolve(actor=cast.county_director, case=case, note="已化解", version=case.version)
    Petition.objects.filter(pk=late.pk).update(state="closed")
    client = client_for(cast.county_director)
    client.post(f"/petitions/{late.pk}/backlog/resolve", {"note": "信访人息诉罢访", "version": case.version})
    case.refresh_from_db()
    assert (case.state, case.resolution, case.resolved_on) == ("resolved", "信访人息诉罢访", TODAY)
    assert keys(cast.county_director)["backlog_no_progress"] == 0


def test_run_deadlines_resolves_the_case_of_a_closed_petition(cast, late):
    backlog_open_detected(TODAY)
    Petition.objects.filter(pk=late.pk).update(state="closed")
    call_command("run_deadlines", stdout=io.StringIO())
    assert BacklogCase.objects.get().state == "resolved"


def test_the_case_belongs_to_the_owning_centre(cast, client_for, late):
    backlog_assign(actor=cast.county_director, petition=late, leader_name="甲领导", plan="计划")
    village = client_for(cast.village_worker)
    assert village.get(f"/petitions/{late.pk}/").status_code == 200
    assert "甲领导" not in village.get(f"/petitions/{late.pk}/").content.decode()  # the county's case, not shown
    assert village.get(f"/petitions/{late.pk}/backlog/").status_code == 404
    assert client_for(cast.outsider).get(f"/petitions/{late.pk}/backlog/").status_code == 404
    assert client_for(cast.leader).get(f"/petitions/{late.pk}/backlog/").status_code == 200
    assert client_for(cast.outsider).get("/petitions/backlog/").context["page"].paginator.count == 0


def test_the_backlog_list_filters_pages_and_exports(cast, client_for, late, thrice, django_assert_max_num_queries):
    backlog_assign(actor=cast.county_director, petition=late, leader_name="甲领导", plan="计划")
    backlog_open_detected(TODAY)
    for n in range(3):
        backlog_assign(actor=cast.county_director, leader_name="乙", plan="计划",
                       petition=lodge(cast.village2_worker, f"又一逾期{n}", name=f"人{n}", code=VILLAGE2_CODE, due=-1))
    client = client_for(cast.county_director)

    def count(query):
        return client.get(f"/petitions/backlog/?{query}").context["page"].paginator.count

    assert count("") == 5 and count("leader=none") == 1 and count("leader=named") == 4
    assert count("reason=repeated") == 1 and count("progress=missing") == 5 and count("state=resolved") == 0
    assert count("leader=x&progress=y&state=z&reason=w&page=x") == 5  # unknown values filter nothing
    with django_assert_max_num_queries(12):
        assert client.get("/petitions/backlog/?progress=missing").status_code == 200
    with django_assert_max_num_queries(12):
        response = client.get("/petitions/backlog/export.xlsx?leader=named")
    assert response.status_code == 200 and "backlog-cases-" in response["Content-Disposition"]
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.max_row == 1 + 4


def test_outside_records_are_not_cases_of_ours(cast, client_for):
    outside = lodge(cast.outsider, "外县逾期事项", code=f"{OUTSIDER_COUNTY}000000", due=-5)
    backlog_open_detected(TODAY)
    assert BacklogCase.objects.get(petition=outside).region_code == f"{OUTSIDER_COUNTY}000000"
    assert keys(cast.county_director)["backlog_unassigned"] == 0
    assert client_for(cast.county_director).get(f"/petitions/{outside.pk}/backlog/").status_code == 404
    assert client_for(cast.county_director).get(f"/petitions/{outside.pk}/backlog/assign").status_code == 404


def test_the_demo_backlog(cast):
    from rongjia.demo.petitions_backlog_seed import seed_backlog
    from rongjia.demo.seed import DemoReport, _demo_accounts

    _demo_accounts(HOME_COUNTY, DemoReport())
    late = lodge(cast.village_worker, "演示逾期", name="甲", due=-1)
    lodge(cast.village_worker, "演示在办", name="乙", due=10)
    assert seed_backlog(county_prefix=HOME_COUNTY) == 2
    assert seed_backlog(county_prefix=HOME_COUNTY) == 0  # once
    cases = list(BacklogCase.objects.order_by("petition_id"))
    assert cases[0].petition == late and all(c.leader_name and c.plan for c in cases)
    assert all(len({p.month for p in c.progress.all()}) == 2 for c in cases)
    assert keys(cast.county_director)["backlog_no_progress"] == 0
