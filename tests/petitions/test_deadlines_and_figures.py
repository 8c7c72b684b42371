"""Warnings before deadlines, escalation when overdue (idempotent), 督办, and the on-time rate."""

import io
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from rongjia.petitions import workflow
from rongjia.petitions.models import Petition, PetitionNotice, PetitionReply
from rongjia.petitions.selectors_stats import petition_dashboard
from rongjia.petitions.services import petition_transition
from tests.factories import STREET_CODE, VILLAGE_CODE
from tests.petitions.test_workflow import register

TODAY = timezone.localdate()


def due_in(petition, days):
    Petition.objects.filter(pk=petition.pk).update(due_on=TODAY + timedelta(days=days))


def test_run_deadlines_warns_once_at_5_and_1_days_and_escalates_overdue(cast):
    soon, tomorrow, late, later = (register(cast.village_worker, subject=f"事项{n}") for n in range(4))
    due_in(soon, 5)
    due_in(tomorrow, 1)
    due_in(late, -2)
    due_in(later, 20)
    for _ in range(2):  # twice: one warning each
        call_command("run_deadlines", stdout=io.StringIO())
    deadline_notices = PetitionNotice.objects.exclude(kind=PetitionNotice.Kind.REPEATED).select_related("unit")
    notices = {(n.petition_id, n.kind, n.unit.region_code) for n in deadline_notices}
    assert notices == {(soon.pk, "warn5", VILLAGE_CODE), (tomorrow.pk, "warn1", VILLAGE_CODE),
                       (late.pk, "overdue", STREET_CODE)}  # overdue goes to the level above
    due_in(soon, 1)  # a day later the same deadline is one day away: a second, different warning
    call_command("run_deadlines", stdout=io.StringIO())
    assert deadline_notices.filter(petition=soon).count() == 2


def test_closed_petitions_get_no_warnings(cast):
    petition = register(cast.village_worker)
    Petition.objects.filter(pk=petition.pk).update(state="closed", due_on=TODAY - timedelta(days=3))
    call_command("run_deadlines", stdout=io.StringIO())
    assert not PetitionNotice.objects.exists()


def test_supervision_by_a_centre_above_only(cast):
    petition = register(cast.village_worker)
    with pytest.raises(ValidationError):
        petition_transition(actor=cast.village_worker, petition=petition, action="supervise", note="抓紧")
    pressed = petition_transition(actor=cast.county_director, petition=petition, action="supervise", note="限期办结")
    assert pressed.state == "registered"
    assert pressed.events.filter(action="supervise", note="限期办结").exists()


def _answered(petition, *, accepted_on, replied_on):
    """As the reply step records it: the answer with the deadline it was due by (60 days from 受理)."""
    Petition.objects.filter(pk=petition.pk).update(state="replied", accepted_on=accepted_on, replied_on=replied_on)
    PetitionReply.objects.create(petition=petition, stage="answer", unit=petition.unit, outcome="support",
                                 text="已答复", replied_on=replied_on, due_on=workflow.HANDLING.due(accepted_on))


def test_the_dashboard_counts_and_the_on_time_rate(cast):
    on_time, late = register(cast.village_worker, subject="按期"), register(cast.village_worker, subject="超期")
    for petition, replied_after in ((on_time, 20), (late, 80)):
        start = TODAY - timedelta(days=100)
        _answered(petition, accepted_on=start, replied_on=start + timedelta(days=replied_after))
    open_one = register(cast.village_worker, subject="未办")
    due_in(open_one, -1)
    figures = petition_dashboard(cast.county_director)
    assert figures["total"] == 3 and figures["overdue"] == 1
    [unit] = figures["units"]
    assert (unit["on_time"], unit["answered"]) == (1, 2)
    assert petition_dashboard(cast.outsider)["total"] == 0


def test_the_on_time_rate_is_one_query_whatever_the_number_of_answers(cast, django_assert_max_num_queries):
    from rongjia.petitions.selectors_stats import on_time_by_unit

    start = TODAY - timedelta(days=100)
    for n in range(12):
        petition = register(cast.village_worker, subject=f"答复{n}")
        _answered(petition, accepted_on=start + timedelta(days=n), replied_on=start + timedelta(days=n + 30))
    with django_assert_max_num_queries(2):  # the viewer's scope and one count: the same for 12 answers as for 12,000
        [row] = on_time_by_unit(Petition.objects.visible_to(cast.county_director))
    assert (row["on_time"], row["answered"]) == (12, 12)


def test_the_warnings_page_shows_each_unit_its_own_and_those_below(cast, client_for, django_assert_max_num_queries):
    soon, late = register(cast.village_worker, subject="快到期事项"), register(cast.village_worker, subject="逾期事项")
    due_in(soon, 5)
    due_in(late, -2)
    call_command("run_deadlines", stdout=io.StringIO())
    village = client_for(cast.village_worker).get("/petitions/notices/").content.decode()
    assert "快到期事项" in village and "逾期事项" not in village  # the escalation is told to the street
    street_client = client_for(cast.street_worker)
    with django_assert_max_num_queries(13):  # +1: which years have a holiday table (provisional deadlines)
        street = street_client.get("/petitions/notices/?kind=overdue").content.decode()
    assert "逾期事项" in street and "快到期事项" not in street
    neighbour = client_for(cast.village2_worker).get("/petitions/notices/").content.decode()
    assert "快到期事项" not in neighbour and "逾期事项" not in neighbour
    assert client_for(cast.auditor).get("/petitions/notices/").status_code == 403
