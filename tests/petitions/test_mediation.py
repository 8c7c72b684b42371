"""人民调解 (petitions/mediation/): opening, sessions, agreement and its performance, figures and pages."""

import re
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from rongjia.core.errors import StaleVersion
from rongjia.petitions.mediation.models import Mediation, MediationSession
from rongjia.petitions.mediation.selectors import mediation_figures
from rongjia.petitions.mediation.services import mediation_open, mediation_step, session_add
from tests.factories import OUTSIDER_COUNTY, STREET_CODE, VILLAGE_CODE, unit_at
from tests.petitions.test_workflow import register

PARTIES = "王建国（申请人）\n某物业公司（被申请人）"


def today():
    return timezone.localdate()


def open_case(actor, *, code=STREET_CODE, opened_on=None, **values):
    values = {"parties": PARTIES, "mediator": "周调解", "matter": "退役军人住房维修费用纠纷", **values}
    return mediation_open(actor=actor, unit=unit_at(code), opened_on=opened_on or today() - timedelta(days=10),
                          **values)


def session(actor, mediation, *, held_on=None, summary="双方陈述意见"):
    return session_add(actor=actor, mediation=mediation, held_on=held_on or today() - timedelta(days=5),
                       place="老兵调解室", summary=summary)


def test_a_case_goes_from_sessions_to_an_agreement_and_its_performance(cast):
    case = open_case(cast.street_worker)
    assert (case.state, case.region_code, case.party_lines) == ("opened", STREET_CODE, PARTIES.splitlines())
    with pytest.raises(ValidationError):  # an agreement comes out of a session
        mediation_step(actor=cast.street_worker, mediation=case, action="agree", agreement="物业承担维修费")
    session(cast.street_worker, case)
    session(cast.street_worker, case, held_on=today(), summary="达成一致")
    with pytest.raises(ValidationError):  # the terms are the agreement
        mediation_step(actor=cast.street_worker, mediation=case, action="agree")
    agreed = mediation_step(actor=cast.street_worker, mediation=case, action="agree", agreement="物业承担维修费",
                            version=1)
    assert (agreed.state, agreed.agreed_on, agreed.version) == ("agreed", today(), 2)
    with pytest.raises(ValidationError):  # no session once agreed
        session(cast.street_worker, agreed, held_on=today())
    with pytest.raises(ValidationError):  # partly or not at all
        mediation_step(actor=cast.street_worker, mediation=agreed, action="fall_short", note="只付一半",
                       performance="full")
    short = mediation_step(actor=cast.street_worker, mediation=agreed, action="fall_short", note="只付一半",
                           performance="partly")
    assert (short.state, short.performance, short.checked_on) == ("unfulfilled", "partly", today())
    assert MediationSession.objects.filter(mediation=case).count() == 2


def test_a_failed_case_needs_a_reason_and_a_fulfilled_one_is_checked(cast):
    case = open_case(cast.street_worker)
    with pytest.raises(ValidationError):
        mediation_step(actor=cast.street_worker, mediation=case, action="fail")
    failed = mediation_step(actor=cast.street_worker, mediation=case, action="fail", note="对方拒绝调解")
    assert failed.state == "failed"
    other = open_case(cast.street_worker)
    session(cast.street_worker, other)
    mediation_step(actor=cast.street_worker, mediation=other, action="agree", agreement="一次性补偿",
                   agreed_on=today() - timedelta(days=1))
    done = mediation_step(actor=cast.street_worker, mediation=other, action="fulfil")
    assert (done.state, done.performance, done.agreed_on) == ("fulfilled", "full", today() - timedelta(days=1))


@pytest.mark.parametrize(("values", "field"), [
    ({"parties": "只有一方"}, "parties"), ({"mediator": " "}, "mediator"), ({"matter": ""}, "matter"),
    ({"opened_on": "tomorrow"}, "opened_on"),
])
def test_a_bad_case_is_refused_and_nothing_is_written(cast, values, field):
    if values.get("opened_on") == "tomorrow":
        values["opened_on"] = today() + timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        open_case(cast.street_worker, **values)
    assert field in refused.value.error_dict and not Mediation.objects.exists()


@pytest.mark.parametrize("days", [-11, 1])  # before the opening (10 days ago), in the future
def test_a_session_outside_the_case_is_refused(cast, days):
    case = open_case(cast.street_worker)
    with pytest.raises(ValidationError) as refused:
        session(cast.street_worker, case, held_on=today() + timedelta(days=days))
    assert "held_on" in refused.value.error_dict and not MediationSession.objects.exists()


def test_an_agreement_dated_before_the_opening_is_refused(cast):
    case = open_case(cast.street_worker)
    session(cast.street_worker, case)
    with pytest.raises(ValidationError) as refused:
        mediation_step(actor=cast.street_worker, mediation=case, action="agree", agreement="x",
                       agreed_on=case.opened_on - timedelta(days=1))
    assert "agreed_on" in refused.value.error_dict
    assert Mediation.objects.get().state == "opened"


def test_cases_are_scoped_and_written_by_handlers_only(cast):
    case = open_case(cast.street_worker)
    with pytest.raises(Http404):
        session(cast.village_worker, case)  # the village station is below the street's room
    with pytest.raises(Http404):
        mediation_step(actor=cast.outsider, mediation=case, action="fail", note="x")
    with pytest.raises(PermissionDenied):
        open_case(cast.leader)
    with pytest.raises(StaleVersion):
        mediation_step(actor=cast.street_worker, mediation=case, action="fail", note="x", version=9)
    assert mediation_step(actor=cast.county_director, mediation=case, action="fail", note="上级核实").state == "failed"


def test_a_case_from_a_petition_takes_its_petitioners_dossier_link(cast):
    petition = register(cast.village_worker)
    case = open_case(cast.village_worker, code=VILLAGE_CODE, petition=petition)
    assert case.petition == petition
    with pytest.raises(Http404):  # a petition the actor cannot open
        open_case(cast.outsider, code=OUTSIDER_COUNTY + "000000", petition=petition)


def test_the_figures_count_by_state_within_scope(cast):
    open_case(cast.street_worker)
    failed = open_case(cast.street_worker)
    mediation_step(actor=cast.street_worker, mediation=failed, action="fail", note="x")
    open_case(cast.outsider, code=OUTSIDER_COUNTY + "000000")
    figures = mediation_figures(cast.county_director)
    assert (figures["total"], figures["open"]) == (2, 1)
    assert dict((code, n) for code, _label, n in figures["by_state"])["failed"] == 1
    assert mediation_figures(cast.village_worker)["total"] == 0  # the street's room is above the village
    assert mediation_figures(cast.grid_worker)["total"] == 0  # no petitions.view


def _rows(html: str) -> int:
    return len(re.findall(r"<tr data-row>", html))


def test_the_dashboard_card_equals_the_rows_of_the_list_it_opens(cast, client_for):
    for _n in range(3):
        open_case(cast.street_worker)
    mediation_step(actor=cast.street_worker, mediation=Mediation.objects.first(), action="fail", note="x")
    open_case(cast.outsider, code=OUTSIDER_COUNTY + "000000")
    client = client_for(cast.county_director)
    dashboard = client.get(reverse("petitions:dashboard")).content.decode()
    link = re.search(r'data-testid="mediation-open" href="([^"]+)">(\d+)<', dashboard)
    number = int(link.group(2))
    assert number == 2 and _rows(client.get(link.group(1).replace("&amp;", "&")).content.decode()) == number
    for href, count in re.findall(r'<a href="(/[^"]*mediation/\?state=\w+)">[^<]+</a><span>(\d+)</span>', dashboard):
        assert _rows(client.get(href).content.decode()) == int(count)


def test_mediation_pages_for_the_right_role_and_404_outside(cast, client_for):
    case = open_case(cast.street_worker)
    worker, outsider = client_for(cast.street_worker), client_for(cast.outsider)
    assert worker.get(reverse("petitions:mediation_detail", args=[case.pk])).status_code == 200
    assert outsider.get(reverse("petitions:mediation_detail", args=[case.pk])).status_code == 404
    for name in ("mediation_session_add", "mediation_step"):
        assert outsider.post(reverse(f"petitions:{name}", args=[case.pk])).status_code == 404
    assert "周调解" not in outsider.get(reverse("petitions:mediation_list")).content.decode()
    assert worker.get(reverse("petitions:mediation_new")).status_code == 200
    assert client_for(cast.leader).get(reverse("petitions:mediation_new")).status_code == 403


def test_a_case_is_opened_from_the_petition_page_and_recorded_through_the_pages(cast, client_for):
    petition = register(cast.village_worker)
    client = client_for(cast.village_worker)
    detail = client.get(reverse("petitions:petition_detail", args=[petition.pk])).content.decode()
    new = reverse("petitions:mediation_new") + f"?petition={petition.pk}"
    assert new.replace("&", "&amp;") in detail or new in detail
    response = client.post(new, {"unit": unit_at(VILLAGE_CODE).pk, "parties": PARTIES, "mediator": "周调解",
                                 "matter": "安置待遇", "opened_on": (today() - timedelta(days=3)).isoformat()})
    case = Mediation.objects.get()
    assert response.status_code == 302 and case.petition == petition
    client.post(reverse("petitions:mediation_session_add", args=[case.pk]),
                {"held_on": today().isoformat(), "place": "调解室", "summary": "首次调解"})
    client.post(reverse("petitions:mediation_step", args=[case.pk]),
                {"action": "agree", "agreement": "按政策补发", "version": 1})
    assert Mediation.objects.get().state == "agreed"
    listed = client.get(reverse("petitions:mediation_list") + f"?petition={petition.pk}").content.decode()
    assert _rows(listed) == 1


def test_the_mediation_list_reads_a_fixed_number_of_queries(cast, client_for, django_assert_max_num_queries):
    for n in range(12):
        open_case(cast.street_worker, matter=f"纠纷{n}")
    client = client_for(cast.street_worker)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("petitions:mediation_list")).status_code == 200
