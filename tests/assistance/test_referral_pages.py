"""The referrals' pages: who sees what, the overdue filter the workbench links to, a new referral and its steps on
the engine (chase, answer, close), each refusal leaving the referral as it was."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import pgettext

from rongjia.assistance import services
from rongjia.assistance.models import Referral, ReferralEvent
from rongjia.core.errors import StaleVersion

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def ids(response, attribute: str = "referral") -> list[int]:
    return [int(pk) for pk in re.findall(rf'data-{attribute}="(\d+)"', response.content.decode())]


def refer(actor, person, *, sent_ago=3, due_in=None, department="civil", service="低保") -> Referral:
    sent = TODAY - timedelta(days=sent_ago)
    return services.referral_create(actor=actor, person=person, department=department, service=service,
                                    request="家庭收入低于当地低保标准，请核查", sent_on=sent,
                                    answer_due=None if due_in is None else TODAY + timedelta(days=due_in))


@pytest.fixture
def referral(cast, person):
    return refer(cast.village_worker, person)


def step(client, referral, action, **fields):
    referral.refresh_from_db()
    return client.post(reverse("assistance:referral_step", args=[referral.pk]),
                       {"action": action, "version": referral.version, "note": "", **fields})


# --- who sees what ----------------------------------------------------------------------------------------------

def test_the_village_sees_its_referrals_and_the_county_all_below(cast, client_for, referral, sibling_person):
    other = refer(cast.village2_worker, sibling_person)
    url = reverse("assistance:referrals")
    assert ids(client_for(cast.village_worker).get(url)) == [referral.pk]
    assert sorted(ids(client_for(cast.county_director).get(url))) == sorted([referral.pk, other.pk])
    assert ids(client_for(cast.outsider).get(url)) == []
    assert client_for(cast.leader).get(url).status_code == 200
    for who in (cast.village_worker, cast.county_director, cast.leader):
        assert client_for(who).get(reverse("assistance:referral_detail", args=[referral.pk])).status_code == 200


@pytest.mark.parametrize("who", ["outsider", "village2_worker"])
def test_someone_outside_the_area_gets_404(cast, client_for, referral, who):
    client = client_for(getattr(cast, who))
    assert client.get(reverse("assistance:referral_detail", args=[referral.pk])).status_code == 404
    assert step(client, referral, "chase").status_code == 404
    assert step(client, referral, "nonsense").status_code == 404  # before any form is read
    referral.refresh_from_db()
    assert referral.chased_on is None and referral.version == 1


def test_a_grid_worker_and_the_leader_are_refused(cast, client_for, referral):
    grid = client_for(cast.grid_worker)
    for url in (reverse("assistance:referrals"), reverse("assistance:referral_new"),
                reverse("assistance:referral_detail", args=[referral.pk])):
        assert grid.get(url).status_code in (403, 404)
    assert step(grid, referral, "chase").status_code in (403, 404)
    leader = client_for(cast.leader)
    assert leader.get(reverse("assistance:referral_new")).status_code == 403
    assert step(leader, referral, "chase").status_code == 403
    page = leader.get(reverse("assistance:referral_detail", args=[referral.pk]))
    assert page.context["form"] is None  # no step open to a reader
    referral.refresh_from_db()
    assert referral.chased_on is None


# --- the list ---------------------------------------------------------------------------------------------------

@pytest.fixture
def referrals(cast, person):
    """Sent and overdue, sent and due later, sent and due today, answered after its date, closed."""
    overdue = refer(cast.village_worker, person, sent_ago=40, due_in=-10)
    waiting = refer(cast.village_worker, person, sent_ago=2, due_in=10, department="hrss", service="就业援助")
    due_today = refer(cast.village_worker, person, sent_ago=15, due_in=0, department="medical", service="医疗救助")
    answered = refer(cast.village_worker, person, sent_ago=30, due_in=-5, department="justice", service="法律援助")
    services.referral_transition(actor=cast.village_worker, referral=answered, action="answer", note="已受理",
                                 data={"outcome": "granted"})
    closed = refer(cast.village_worker, person, sent_ago=60, due_in=-30, department="housing", service="危房改造")
    services.referral_transition(actor=cast.village_worker, referral=closed, action="answer", note="不符合条件",
                                 data={"outcome": "not_eligible"})
    services.referral_transition(actor=cast.village_worker, referral=closed, action="close")
    return {"overdue": overdue, "waiting": waiting, "due_today": due_today, "answered": answered, "closed": closed}


def test_the_overdue_filter_gives_exactly_the_overdue_ones(cast, client_for, referrals):
    client = client_for(cast.village_worker)
    response = client.get(reverse("assistance:referrals"), {"overdue": "1"})
    assert ids(response) == [referrals["overdue"].pk]
    assert client.get(reverse("assistance:referrals")).content.decode().count("data-overdue") == 1


def test_the_list_filters(cast, client_for, referrals):
    client, url = client_for(cast.village_worker), reverse("assistance:referrals")
    assert ids(client.get(url, {"department": "hrss"})) == [referrals["waiting"].pk]
    assert ids(client.get(url, {"state": "answered"})) == [referrals["answered"].pk]
    assert ids(client.get(url, {"state": "closed"})) == [referrals["closed"].pk]
    assert ids(client.get(url, {"sort": "due"}))[0] == referrals["closed"].pk
    assert ids(client.get(url, {"q": "王建国"})) and ids(client.get(url, {"q": "李卫东"})) == []
    ignored = client.get(url, {"state": "lost", "department": "army", "overdue": "maybe"})
    assert ignored.status_code == 200 and len(ids(ignored)) == 5


def test_the_list_has_no_query_per_row(cast, client_for, referrals, django_assert_max_num_queries):
    client = client_for(cast.village_worker)
    client.get(reverse("assistance:referrals"))
    with django_assert_max_num_queries(11):
        response = client.get(reverse("assistance:referrals"))
    assert len(ids(response)) == 5


def test_an_empty_list_says_so(cast, client_for):
    response = client_for(cast.village_worker).get(reverse("assistance:referrals"))
    assert response.status_code == 200 and 'data-testid="empty"' in response.content.decode()


# --- a new referral ---------------------------------------------------------------------------------------------

def referral_form(who, **fields) -> dict:
    return {"person": who.pk, "department": "civil", "service": "临时救助", "request": "突发重病，生活困难",
            "sent_on": TODAY.isoformat(), "answer_due": "", **fields}


def test_a_referral_is_made_from_the_dossier(cast, client_for, person):
    client = client_for(cast.village_worker)
    page = client.get(reverse("assistance:referral_new"), {"person": person.pk})
    assert page.status_code == 200 and page.context["chosen"] == person
    response = client.post(f'{reverse("assistance:referral_new")}?person={person.pk}', referral_form(person))
    referral = Referral.objects.get(person=person)
    assert response.status_code == 302 and response["Location"] == reverse("assistance:referral_detail",
                                                                           args=[referral.pk])
    assert referral.answer_due == TODAY + timedelta(days=15) and referral.state == "sent"
    assert referral.events.get().action == "send"


@pytest.mark.parametrize("change, field", [
    ({"sent_on": (TODAY + timedelta(days=1)).isoformat()}, "sent_on"),
    ({"answer_due": (TODAY - timedelta(days=1)).isoformat()}, "answer_due"),
    ({"department": "army"}, "department"),
    ({"request": ""}, "request"),
    ({"service": ""}, "service"),
    ({"person": "999999"}, "person"),
])
def test_a_bad_referral_changes_nothing(cast, client_for, person, change, field):
    response = client_for(cast.village_worker).post(reverse("assistance:referral_new"),
                                                    referral_form(person, **change))
    assert response.status_code == 400 and field in response.context["form"].errors
    assert not Referral.objects.exists()


def test_a_person_outside_the_scope_cannot_be_referred(cast, client_for, person, sibling_person):
    response = client_for(cast.village_worker).post(reverse("assistance:referral_new"),
                                                    referral_form(sibling_person))
    assert response.status_code == 400 and "person" in response.context["form"].errors
    outsider = client_for(cast.outsider).post(reverse("assistance:referral_new"), referral_form(person))
    assert outsider.status_code == 400 and "person" in outsider.context["form"].errors
    assert not Referral.objects.exists()


# --- the referral's page and its steps --------------------------------------------------------------------------

def test_the_page_shows_the_history_in_words_and_the_picture(cast, client_for, referral):
    response = client_for(cast.village_worker).get(reverse("assistance:referral_detail", args=[referral.pk]))
    html = response.content.decode()
    assert 'data-event="send"' in html and "<svg" in html
    assert [event.label for event in response.context["events"]] == [pgettext("referral step", "Referred")]
    assert dict(response.context["form"].fields["action"].choices).keys() == {"chase", "answer"}
    assert reverse("people:person_detail", args=[referral.person_id]) in html


def test_a_referral_is_chased_answered_and_closed(cast, client_for, referral):
    client = client_for(cast.village_worker)
    assert step(client, referral, "chase", note="电话催办").status_code == 302
    referral.refresh_from_db()
    assert referral.chased_on == TODAY and referral.state == "sent"
    answered_on = (TODAY - timedelta(days=1)).isoformat()
    assert step(client, referral, "answer", note="已纳入低保", outcome="granted",
                answered_on=answered_on).status_code == 302
    referral.refresh_from_db()
    assert (referral.state, referral.outcome, referral.answer) == ("answered", "granted", "已纳入低保")
    assert referral.answered_on.isoformat() == answered_on
    assert step(client, referral, "close").status_code == 302
    referral.refresh_from_db()
    assert referral.state == "closed"
    page = client.get(reverse("assistance:referral_detail", args=[referral.pk]))
    assert page.context["form"] is None
    assert [e.action for e in page.context["events"]] == ["send", "chase", "answer", "close"]


@pytest.mark.parametrize("fields, field", [
    ({"action": "answer", "note": "已受理"}, "outcome"),  # no outcome
    ({"action": "answer", "outcome": "granted"}, "note"),  # no answer text
    ({"action": "answer", "note": "已受理", "outcome": "granted",
      "answered_on": (TODAY + timedelta(days=1)).isoformat()}, "answered_on"),
    ({"action": "answer", "note": "已受理", "outcome": "granted",
      "answered_on": (TODAY - timedelta(days=30)).isoformat()}, "answered_on"),  # before it was sent
    ({"action": "close"}, "action"),  # not open while it is sent
    ({"action": "fly"}, "action"),
])
def test_a_bad_step_changes_nothing(cast, client_for, referral, fields, field):
    client = client_for(cast.village_worker)
    response = step(client, referral, **fields)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    referral.refresh_from_db()
    assert (referral.state, referral.version, referral.outcome, referral.answer) == ("sent", 1, "", "")
    assert ReferralEvent.objects.filter(referral=referral).count() == 1


def test_a_stale_step_says_someone_else_changed_it(cast, client_for, referral):
    client = client_for(cast.village_worker)
    response = client.post(reverse("assistance:referral_step", args=[referral.pk]),
                           {"action": "chase", "version": referral.version + 1, "note": ""})
    assert response.status_code == 400
    assert str(StaleVersion.message) in response.context["form"].non_field_errors()
    referral.refresh_from_db()
    assert referral.chased_on is None
