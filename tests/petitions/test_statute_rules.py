"""The 信访工作条例 (2022) rules of the steps after registration, one table test per rule with its article,
and hand-checked dates (the holiday table of 2024–2026 is loaded by the migrations; 2027 is not).

Rule 3 (Arts. 35–36): the 复查/复核 windows run from the delivery of the written reply.
Rule 4 (Art. 32): an extension only while the 60 days run, by the 负责人, 30 days at most in all, told.
Rule 6: a deadline in a year without a holiday table is provisional, and recomputed when it is loaded.
Rule 7: the on-time rate is measured on the first answer against its own deadline; later answers keep theirs.
Rule 8 (Arts. 35–36): 上一级 is the next level up from the unit that answered.
Rule 9 (Arts. 23, 32): 交办/转办 gives the receiving unit its own 15 and 60 days.
Rule 10 (Art. 36): a 复核 hearing's days are not counted in its 30 days.
"""

import re
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import TestCase
from django.utils import timezone, translation

from rongjia.core.models import CalendarDay
from rongjia.core.services import calendar_day_save
from rongjia.petitions import workflow
from rongjia.petitions.clocks import petition_deadlines
from rongjia.petitions.models import Petition, PetitionNotice, PetitionReply
from rongjia.petitions.selectors_stats import on_time_by_stage, on_time_by_unit
from rongjia.petitions.services import petition_register, petition_transition
from tests.api.conftest import api
from tests.factories import STREET_CODE, VILLAGE_CODE, UserFactory, unit_at

REPLY = "经调查核实，已按政策予以落实。"
S = workflow.State


@pytest.fixture(autouse=True)
def in_english():
    """The refusals are matched on their English words (the catalogue words them in Chinese)."""
    with translation.override("en"):
        yield


@pytest.fixture
def clock(monkeypatch):
    """Sets "today" for the services (timezone.localdate), so dated cases are computed as by hand."""
    real = timezone.localdate

    class Clock:
        day = date(2026, 3, 2)

        def set(self, day):
            self.day = day

    clock = Clock()
    monkeypatch.setattr(timezone, "localdate", lambda value=None, tz=None: clock.day if value is None else
                        real(value, tz))
    return clock


def register(actor, code=VILLAGE_CODE, **extra):
    return petition_register(actor=actor, unit=unit_at(code), channel="letter", type="claim", category="placement",
                             subject=extra.pop("subject", "安置待遇未落实"),
                             petitioners=[{"name": "王建国"}], **extra)


def step(actor, petition, action, **data):
    return petition_transition(actor=actor, petition=petition, action=action, **data)


def replied(cast, clock, day=date(2026, 3, 2), **delivery):
    """A petition of the village station, accepted and answered on `day`."""
    clock.set(day)
    petition = step(cast.village_worker, register(cast.village_worker), "accept")
    return step(cast.village_worker, petition, "reply", outcome="refuse", reply_text=REPLY, **delivery)


# --- hand-checked dates ---------------------------------------------------------------------------------

def _petition(**fields):
    return Petition(**{"registered_on": date(2026, 1, 5), **fields})


# (what, the petition's own dates, the running deadline, why — checked by hand against the notices)
DATES = [
    ("告知受理, 2026-09-16 登记", {"state": S.REGISTERED, "registered_on": date(2026, 9, 16)}, date(2026, 10, 8),
     "15 days end 10-01, inside 国庆 10-01..07"),
    ("承办单位 15 days from its receipt", {"state": S.ASSIGNED, "assigned_on": date(2026, 6, 4)}, date(2026, 6, 22),
     "06-19 is 端午 (06-19..21)"),
    ("承办单位 60 days from its own 受理", {"state": S.TAKEN_ON, "taken_on": date(2025, 12, 20)}, date(2026, 2, 24),
     "02-18 is inside 春节 02-15..23"),
    ("registering unit's 60 days with 30 extended", {"state": S.ACCEPTED, "accepted_on": date(2026, 1, 1),
                                                     "extended_days": 30}, date(2026, 4, 1),
     "01-01 + 90 days = 04-01 (Jan 30, Feb 28, Mar 31, Apr 1), a Wednesday"),
    ("复查 answered within 30 days of the request", {"state": S.REVIEW, "review_requested_on": date(2026, 9, 1)},
     date(2026, 10, 8), "30 days end 10-01, inside 国庆"),
    ("复核 with a 3-day hearing", {"state": S.RECHECK, "recheck_requested_on": date(2026, 3, 2), "hearing_days": 3},
     date(2026, 4, 7), "30 + 3 days end 04-04, inside 清明 04-04..06"),
    ("复核 without a hearing", {"state": S.RECHECK, "recheck_requested_on": date(2026, 3, 2)}, date(2026, 4, 1),
     "30 days end 04-01, a Wednesday"),
    ("a 2027 deadline before the 2027 table: weekends only", {"state": S.ACCEPTED, "accepted_on": date(2026, 12, 12)},
     date(2027, 2, 10), "60 days end 2027-02-10, a Wednesday"),
]


@pytest.mark.parametrize(("what", "fields", "due", "why"), DATES, ids=[row[0] for row in DATES])
@pytest.mark.django_db
def test_running_deadline_by_hand(what, fields, due, why):
    assert workflow.running_deadline(_petition(**fields)) == due, why


@pytest.mark.django_db
def test_delivery_by_post_starts_the_review_window_and_without_it_the_window_is_not_running(cast, clock):
    """Art. 35: 自收到书面答复之日起30日内. Reply 03-02, delivered by post 03-09: the window ends 04-08
    (30 days; 04-08 is a Wednesday after 清明 04-04..06)."""
    petition = replied(cast, clock)
    window = [row for row in petition_deadlines(petition) if row["name"] == "申请复查期限"]
    assert window[0]["due"] is None and "Not yet running" in window[0]["rule"]
    clock.set(date(2026, 3, 9))
    petition = step(cast.village_worker, petition, "deliver", delivery_method="post", delivered_on=date(2026, 3, 9))
    window = [row for row in petition_deadlines(petition) if row["name"] == "申请复查期限"]
    assert window[0]["due"] == date(2026, 4, 8)
    clock.set(date(2026, 4, 9))
    with pytest.raises(ValidationError, match="Too late|已逾期"):
        step(cast.village_worker, petition, "request_review", note="不服")
    clock.set(date(2026, 4, 8))
    petition = step(cast.village_worker, petition, "request_review", note="不服")
    assert petition.review_requested_on == date(2026, 4, 8) and petition.due_on == date(2026, 5, 8)


@pytest.mark.django_db
def test_without_a_delivery_date_a_late_request_is_still_taken(cast, clock):
    petition = replied(cast, clock)
    clock.set(date(2026, 6, 30))  # 120 days after the reply, but its delivery is unknown: the window never started
    assert step(cast.village_worker, petition, "request_review", note="不服").state == S.REVIEW


@pytest.mark.parametrize(("method", "day", "message"), [
    ("post", date(2026, 3, 1), "between"),  # before the reply
    ("post", date(2026, 3, 20), "between"),  # after today
    ("", date(2026, 3, 5), "both"),
    ("pigeon", date(2026, 3, 5), "both"),
])
@pytest.mark.django_db
def test_a_bad_delivery_is_refused_and_nothing_changes(cast, clock, method, day, message):
    petition = replied(cast, clock)
    clock.set(date(2026, 3, 10))
    with pytest.raises(ValidationError, match=message):
        step(cast.village_worker, petition, "deliver", delivery_method=method, delivered_on=day)
    petition.refresh_from_db()
    assert petition.reply_delivered_on is None and petition.replies.get().delivered_on is None
    assert not petition.events.filter(action="deliver").exists()


@pytest.mark.django_db
def test_a_delivery_recorded_with_the_reply_and_not_twice(cast, clock):
    petition = replied(cast, clock, delivery_method="in_person", delivered_on=date(2026, 3, 2))
    assert petition.reply_delivered_on == date(2026, 3, 2)
    with pytest.raises(ValidationError, match="already"):
        step(cast.village_worker, petition, "deliver", delivery_method="post", delivered_on=date(2026, 3, 2))


# --- Art. 32: extensions -----------------------------------------------------------------------------------

@pytest.mark.django_db
def test_an_extension_on_the_last_day_is_granted_and_the_day_after_refused(cast, clock):
    """Accepted 2026-01-01: the 60 days end 03-02 (Monday). Asked on 03-02: granted; on 03-03: refused."""
    clock.set(date(2026, 1, 1))
    petition = step(cast.village_worker, register(cast.village_worker), "accept")
    assert petition.due_on == date(2026, 3, 2)
    clock.set(date(2026, 3, 3))
    with pytest.raises(ValidationError, match="ended on 2026-03-02"):
        step(cast.county_director, petition, "extend", note="情况复杂", days=10)
    assert Petition.objects.get(pk=petition.pk).extended_days == 0
    clock.set(date(2026, 3, 2))
    petition = step(cast.county_director, petition, "extend", note="情况复杂", days=10)
    assert petition.due_on == date(2026, 3, 12)  # 70 days: 03-12, a Thursday
    event = petition.events.get(action="extend")
    assert event.data["due"] == "2026-03-12" and workflow.STEPS["extend"].document.title == "信访事项延期办理告知书"


@pytest.mark.django_db
def test_extensions_add_up_to_30_days_at_most(cast, clock):
    clock.set(date(2026, 1, 1))
    petition = step(cast.village_worker, register(cast.village_worker), "accept")
    petition = step(cast.county_director, petition, "extend", note="情况复杂", days=20)
    with pytest.raises(ValidationError, match="1 to 10"):
        step(cast.county_director, petition, "extend", note="再延", days=11)
    petition = step(cast.county_director, petition, "extend", note="再延", days=10)
    assert petition.extended_days == 30 and petition.due_on == date(2026, 4, 1)
    with pytest.raises(ValidationError, match="30 days"):
        step(cast.county_director, petition, "extend", note="三延", days=1)


@pytest.mark.django_db
def test_the_extension_document_prints_the_reason_and_the_new_deadline(cast, clock, client_for):
    clock.set(date(2026, 1, 1))
    petition = step(cast.village_worker, register(cast.village_worker), "accept")
    petition = step(cast.county_director, petition, "extend", note="需调取档案", days=10)
    event = petition.events.get(action="extend")
    response = client_for(cast.county_director).get(f"/petitions/{petition.pk}/documents/{event.pk}.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"


# --- Arts. 23, 32: the receiving unit's own clock ---------------------------------------------------------

@pytest.mark.django_db
def test_assignment_gives_the_receiving_unit_its_own_clocks_and_the_assigner_sees_both(cast, clock):
    clock.set(date(2026, 5, 6))
    petition = step(cast.street_worker, register(cast.street_worker, code=STREET_CODE), "accept")
    assert petition.due_on == date(2026, 7, 6)  # 60 days: 07-05 is a Sunday → 07-06
    clock.set(date(2026, 6, 4))
    petition = step(cast.street_worker, petition, "assign", unit=unit_at(VILLAGE_CODE))
    assert petition.state == S.ASSIGNED and petition.due_on == date(2026, 6, 22)  # 15 days; 06-19..21 端午
    with pytest.raises(ValidationError):  # the village must first accept it: no reply before its 受理
        step(cast.village_worker, petition, "reply", outcome="support", reply_text=REPLY)
    clock.set(date(2026, 6, 8))
    petition = step(cast.village_worker, petition, "take_on")
    assert petition.state == S.TAKEN_ON and petition.due_on == date(2026, 8, 7)  # 60 days from 06-08
    clocks = {row["name"]: row for row in petition_deadlines(petition)}
    assert clocks["办理期限（交办单位）"]["due"] == date(2026, 7, 6)
    assert clocks["办理期限（承办单位）"]["due"] == date(2026, 8, 7) and clocks["办理期限（承办单位）"]["running"]
    assert clocks["承办单位告知受理与否"]["due"] == date(2026, 6, 22)


@pytest.mark.django_db
def test_the_receiving_unit_extends_its_own_60_days(cast, clock):
    clock.set(date(2026, 6, 1))
    petition = step(cast.street_worker, register(cast.street_worker, code=STREET_CODE), "accept")
    petition = step(cast.village_worker, step(cast.street_worker, petition, "assign", unit=unit_at(VILLAGE_CODE)),
                    "take_on")
    petition = step(cast.county_director, petition, "extend", note="情况复杂", days=30)
    assert petition.assignee_extended_days == 30 and petition.extended_days == 0
    assert petition.due_on == date(2026, 8, 31)  # 90 days from 06-01: 08-30 is a Sunday → 08-31


# --- Arts. 35–36: 上一级 is the next level up; the 复核 hearing -------------------------------------------

@pytest.fixture
def city_director(cast):
    return UserFactory(org_unit=unit_at("320100000000"), roles=["centre_director"])


@pytest.mark.django_db
def test_review_by_the_next_level_up_and_recheck_by_the_one_above_that(cast, clock, city_director):
    """The village station answered: its 复查 is the street's (not the county's); the street answered the
    复查: the 复核 is the county's (not the city's)."""
    petition = replied(cast, clock)
    petition = step(cast.village_worker, petition, "request_review", note="不服")
    for too_high in (cast.county_director, city_director):
        with pytest.raises(ValidationError, match="directly above"):
            step(too_high, petition, "review_reply", outcome="refuse", reply_text=REPLY)
    petition = step(cast.street_worker, petition, "review_reply", outcome="refuse", reply_text=REPLY)
    reply = petition.replies.get(stage=PetitionReply.Stage.REVIEW)
    assert reply.unit.region_code == STREET_CODE and petition.replied_on == date(2026, 3, 2)  # the first answer's
    petition = step(cast.street_worker, petition, "request_recheck", note="仍不服")
    with pytest.raises(ValidationError, match="directly above"):
        step(city_director, petition, "recheck_reply", outcome="refuse", reply_text=REPLY)
    petition = step(cast.county_director, petition, "recheck_reply", outcome="refuse", reply_text=REPLY)
    assert petition.state == S.RECHECKED
    assert [r.stage for r in petition.replies.order_by("id")] == ["answer", "review", "recheck"]


@pytest.mark.django_db
def test_a_hearing_pauses_the_recheck_clock(cast, clock):
    """复核 asked 2026-03-02: due 04-01. A hearing on 03-10..03-12 (3 days): due 04-07 (04-04 is 清明)."""
    petition = replied(cast, clock, day=date(2026, 1, 5))
    petition = step(cast.village_worker, petition, "request_review", note="不服")
    petition = step(cast.street_worker, petition, "review_reply", outcome="refuse", reply_text=REPLY)
    clock.set(date(2026, 3, 2))
    petition = step(cast.street_worker, petition, "request_recheck", note="仍不服")
    assert petition.due_on == date(2026, 4, 1)
    clock.set(date(2026, 3, 12))
    with pytest.raises(ValidationError, match="directly above"):  # the hearing is held by the 复核 body
        step(cast.street_worker, petition, "hearing", hearing_from=date(2026, 3, 10), hearing_to=date(2026, 3, 12))
    with pytest.raises(ValidationError, match="end before"):
        step(cast.county_director, petition, "hearing", hearing_from=date(2026, 3, 12), hearing_to=date(2026, 3, 10))
    petition = step(cast.county_director, petition, "hearing", hearing_from=date(2026, 3, 10),
                    hearing_to=date(2026, 3, 12))
    assert petition.hearing_days == 3 and petition.due_on == date(2026, 4, 7)


# --- on-time rates per answer --------------------------------------------------------------------------------

@pytest.mark.django_db
def test_the_on_time_rate_keeps_the_first_answer_and_each_later_answer_its_own(cast, clock):
    """Answered on day 10 of 60 (on time); the 复查 answered 40 days after its request (late): the first
    answer's rate stays 1/1 and its date stays; the 复查's is 0/1."""
    petition = replied(cast, clock, day=date(2026, 1, 5))
    petition = step(cast.village_worker, petition, "request_review", note="不服")
    clock.set(date(2026, 2, 20))
    petition = step(cast.street_worker, petition, "review_reply", outcome="refuse", reply_text=REPLY)
    assert petition.replied_on == date(2026, 1, 5)
    petitions = Petition.objects.filter(pk=petition.pk)
    assert [(row["on_time"], row["answered"]) for row in on_time_by_unit(petitions)] == [(1, 1)]
    stages = {row["key"]: (row["on_time"], row["answered"]) for row in on_time_by_stage(petitions)}
    assert stages == {"answer": (1, 1), "review": (0, 1), "recheck": (0, 0)}


@pytest.mark.django_db
def test_the_dashboard_shows_each_answer_s_own_rate(cast, clock, client_for):
    petition = replied(cast, clock, day=date(2026, 1, 5))
    step(cast.village_worker, petition, "request_review", note="不服")
    clock.set(date(2026, 2, 20))
    step(cast.street_worker, Petition.objects.get(pk=petition.pk), "review_reply", outcome="refuse", reply_text=REPLY)
    page = client_for(cast.county_director).get("/petitions/dashboard").content.decode()
    card = page[page.index('data-testid="on-time-by-stage"'):]
    card = re.sub(r"<[^>]+>", "", card[:card.index("</table>")])  # each figure is a link to the list it counts
    assert "1 / 1" in card and "0 / 1" in card and "0 / 0" in card


# --- a year without a holiday table -------------------------------------------------------------------------

@pytest.mark.django_db
def test_a_2027_deadline_is_provisional_until_its_holidays_are_loaded_then_recomputed_and_told(cast, clock,
                                                                                              client_for, token_for):
    """Accepted 2026-12-12: 60 days end 2027-02-10 (Wednesday), weekends only. The 2027 notice then makes
    02-06..02-12 rest days (entered by the administrator): 02-13 and 02-14 are a weekend, so 02-15."""
    assert not CalendarDay.objects.filter(date__year=2027).exists()
    clock.set(date(2026, 12, 12))
    petition = step(cast.village_worker, register(cast.village_worker), "accept")
    assert petition.due_on == date(2027, 2, 10)
    running = [row for row in petition_deadlines(petition) if row["running"]][0]
    assert running["provisional"]
    client = client_for(cast.village_worker)
    for url in (f"/petitions/{petition.pk}/", "/petitions/"):  # the petition's clocks and the desk
        assert 'data-testid="provisional"' in client.get(url).content.decode(), url
    token = token_for(cast.village_worker)
    assert api(client, "get", f"/api/v1/petitions/{petition.pk}", token).json()["due_provisional"] is True
    admin = UserFactory(org_unit=unit_at("320000000000"), roles=["sys_admin"])
    with TestCase.captureOnCommitCallbacks(execute=True):
        for day in range(6, 13):
            calendar_day_save(actor=admin, day=date(2027, 2, day), kind="rest", name="春节")
    petition.refresh_from_db()
    assert petition.due_on == date(2027, 2, 15)
    notice = PetitionNotice.objects.get(petition=petition, kind=PetitionNotice.Kind.MOVED)
    assert notice.due_on == date(2027, 2, 15) and notice.unit == petition.unit
    assert not [row for row in petition_deadlines(petition) if row["running"]][0]["provisional"]
    assert api(client, "get", f"/api/v1/petitions/{petition.pk}", token).json()["due_provisional"] is False


@pytest.mark.django_db
def test_load_holidays_lists_the_deadlines_it_moved(cast, clock, capsys):
    """2026's table is reloaded from the package: nothing was counted without it, so nothing moves."""
    clock.set(date(2026, 9, 16))
    register(cast.village_worker)
    call_command("load_holidays", "2026")
    assert "变动的期限：0 项" in capsys.readouterr().out


@pytest.mark.django_db
def test_the_api_records_a_delivery_and_shows_the_clocks(cast, clock, client, token_for):
    petition = replied(cast, clock)
    token = token_for(cast.village_worker)
    url = f"/api/v1/petitions/{petition.pk}"
    clock.set(date(2026, 3, 9))
    refused = api(client, "post", f"{url}/transitions", token, action="deliver", delivery_method="post",
                  delivered_on="2026-03-20")  # after today
    assert refused.status_code == 422 and Petition.objects.get(pk=petition.pk).reply_delivered_on is None
    done = api(client, "post", f"{url}/transitions", token, action="deliver", delivery_method="post",
               delivered_on="2026-03-09")
    assert done.status_code == 200, done.content
    clocks = {row["name"]: row for row in api(client, "get", f"{url}/deadlines", token).json()}
    assert clocks["申请复查期限"]["due"] == "2026-04-08" and clocks["申请复查期限"]["running"]
    assert api(client, "get", f"{url}/deadlines", token_for(cast.outsider)).status_code == 404


@pytest.mark.parametrize("state", list(workflow.State))
@pytest.mark.django_db
def test_the_open_states_are_exactly_those_with_a_running_deadline(state):
    """The desk, the warnings and 积案 read OPEN_STATES: a state whose step has a clock must be among them
    (a petition taken on by its receiving unit once fell out of every overdue list)."""
    from rongjia.petitions.deadlines import OPEN_STATES

    day = date(2026, 3, 2)
    petition = _petition(state=state, accepted_on=day, assigned_on=day, taken_on=day, review_requested_on=day,
                         recheck_requested_on=day)
    assert (workflow.running_deadline(petition) is not None) == (state in OPEN_STATES)
