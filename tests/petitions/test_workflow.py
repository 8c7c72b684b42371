"""The petition lifecycle as a transition table: states, roles, windows, repeats (信访工作条例 2022)."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from rongjia.core.deadlines import deadline
from rongjia.petitions import workflow
from rongjia.petitions.models import Petition
from rongjia.petitions.services import IllegalStep, petition_register, petition_transition
from tests.api.conftest import api
from tests.factories import STREET_CODE, VILLAGE_CODE, unit_at, valid_id_number

PETITIONER_ID = valid_id_number("19600101", sequence=31)
REPLY = "经调查核实，已按政策予以落实。"


def register(actor, *, code=VILLAGE_CODE, category="placement", subject="安置待遇未落实", people=None, **extra):
    people = people or [{"name": "王建国", "id_number": PETITIONER_ID}]
    return petition_register(actor=actor, unit=unit_at(code), channel=extra.pop("channel", "visit"), type="claim",
                             category=category, subject=subject, petitioners=people, **extra)


def step(actor, petition, action, **data):
    return petition_transition(actor=actor, petition=petition, action=action, **data)


def test_the_whole_lifecycle_is_recorded_with_who_when_why(cast):
    petition = register(cast.street_worker, code=STREET_CODE)
    assert petition.state == "registered" and petition.due_on == deadline(petition.registered_on, 15).due
    petition = step(cast.street_worker, petition, "accept")
    assert petition.due_on == deadline(timezone.localdate(), 60).due
    petition = step(cast.street_worker, petition, "assign", unit=unit_at(VILLAGE_CODE))
    petition = step(cast.village_worker, petition, "take_on")  # the receiving unit's own 受理 (Art. 23)
    with pytest.raises(ValidationError, match="reply|答复"):  # the written reply is required
        step(cast.village_worker, petition, "reply", outcome="support", note="已落实")
    petition = step(cast.village_worker, petition, "reply", outcome="support", note="已落实", reply_text=REPLY)
    assert petition.reply_text == REPLY
    petition = step(cast.village_worker, petition, "revisit", satisfaction="satisfied")
    petition = step(cast.village_worker, petition, "close")
    assert petition.state == "closed"
    events = list(petition.events.values_list("action", "actor__username"))
    assert events == [("register", "street_worker"), ("accept", "street_worker"), ("assign", "street_worker"),
                      ("take_on", "village_worker"), ("reply", "village_worker"), ("revisit", "village_worker"),
                      ("close", "village_worker")]


@pytest.mark.parametrize("state", list(workflow.STATES))
def test_every_step_the_state_does_not_allow_is_refused_with_the_allowed_ones(cast, state):
    petition = register(cast.village_worker)
    Petition.objects.filter(pk=petition.pk).update(state=state)
    for action in set(workflow.STEPS) - set(workflow.allowed_actions(state)):
        with pytest.raises(IllegalStep) as refused:
            step(cast.county_director, petition, action, note="x")
        assert refused.value.allowed == workflow.allowed_actions(state)
    assert Petition.objects.get(pk=petition.pk).state == state


def test_roles(cast):
    petition = register(cast.village_worker)
    with pytest.raises(PermissionDenied):
        step(cast.leader, petition, "accept")
    with pytest.raises(PermissionDenied):
        register(cast.leader)
    petition = step(cast.village_worker, petition, "accept")
    with pytest.raises(PermissionDenied):  # an extension needs the director's approval
        step(cast.village_worker, petition, "extend", note="案情复杂", days=30)
    with pytest.raises(ValidationError):
        step(cast.county_director, petition, "extend", note="案情复杂", days=31)
    petition = step(cast.county_director, petition, "extend", note="案情复杂", days=30)
    assert petition.due_on == deadline(petition.accepted_on, 90).due
    with pytest.raises(ValidationError):  # 30 days at most in all (Art. 32)
        step(cast.county_director, petition, "extend", note="再延", days=5)
    with pytest.raises(ValidationError):  # a refusal needs its reason
        step(cast.village_worker, register(cast.village_worker, subject="另一件事"), "reject")


def test_objection_within_five_working_days_only(cast):
    petition = step(cast.street_worker, register(cast.street_worker, code=STREET_CODE), "accept")
    petition = step(cast.street_worker, petition, "assign", unit=unit_at(VILLAGE_CODE))
    back = step(cast.village_worker, petition, "object", note="不属本站职责")
    assert back.state == "accepted" and back.unit.region_code == STREET_CODE
    petition = step(cast.street_worker, back, "assign", unit=unit_at(VILLAGE_CODE))
    Petition.objects.filter(pk=petition.pk).update(assigned_on=timezone.localdate() - timedelta(days=20))
    with pytest.raises(ValidationError, match="Too late|逾期|期限"):
        step(cast.village_worker, petition, "object", note="不属本站职责")


def test_review_and_recheck_windows_and_no_repeat_after_recheck(cast):
    petition = step(cast.village_worker, register(cast.village_worker), "accept")
    petition = step(cast.village_worker, petition, "reply", outcome="refuse", reply_text=REPLY)
    # 复查 must be asked within 30 days of receiving the written reply (Art. 35)
    Petition.objects.filter(pk=petition.pk).update(reply_delivered_on=timezone.localdate() - timedelta(days=45))
    with pytest.raises(ValidationError):
        step(cast.village_worker, petition, "request_review", note="不服")
    Petition.objects.filter(pk=petition.pk).update(reply_delivered_on=timezone.localdate() - timedelta(days=3))
    petition = step(cast.village_worker, petition, "request_review", note="不服")
    assert petition.due_on == deadline(timezone.localdate(), 30).due
    with pytest.raises(ValidationError, match="above|上级|以上|上一级"):  # 复查 is answered by the level above
        step(cast.village_worker, petition, "review_reply", outcome="refuse", reply_text=REPLY)
    petition = step(cast.street_worker, petition, "review_reply", outcome="refuse", reply_text=REPLY)
    petition = step(cast.street_worker, petition, "request_recheck", note="仍不服")
    with pytest.raises(ValidationError, match="above|上级|以上|上一级"):  # 复核: directly above the 复查's answerer
        step(cast.street_worker, petition, "recheck_reply", outcome="refuse", reply_text=REPLY)
    petition = step(cast.county_director, petition, "recheck_reply", outcome="refuse", reply_text=REPLY)
    assert petition.state == "rechecked" and workflow.allowed_actions("rechecked") == ["deliver"]  # only its 送达
    # Art. 36: only the same facts and reasons are not accepted again, and never silently: registered and answered
    again = register(cast.village_worker, subject="同一事项再次反映", same_facts_as=petition.pk)
    assert again.state == "not_accepted" and again.events.last().action == "reject"
    assert register(cast.village_worker, subject="同类新事项").state == "registered"  # a new matter, same category


def test_repeats_collective_and_above_county_are_flagged(cast):
    first = register(cast.village_worker)
    again = register(cast.village_worker, subject="再次反映")
    assert list(again.repeat_of.all()) == [first]
    crowd = [{"name": f"群众{n}", "id_number": valid_id_number("19700101", sequence=40 + n)} for n in range(5)]
    # 集体访 counts people: at a visit those present (the named are representatives, Art. 18), in a letter the names
    assert register(cast.village_worker, subject="集体反映", people=crowd[:2], headcount=5).collective
    assert register(cast.village_worker, subject="联名信", people=crowd, channel="letter").collective
    assert not register(cast.village_worker, subject="四人", people=crowd[:4], channel="letter").collective
    assert not first.above_county
    city = petition_register(actor=cast.county_director, unit=unit_at("320115000000"), channel="letter",
                             type="claim", category="other", subject="区里", petitioners=[{"name": "李", "id_number":
                                                                                              PETITIONER_ID}])
    assert not city.above_county  # the county itself is not above the county


def test_scoping_the_responsible_unit_and_its_ancestors_see_it(cast):
    petition = register(cast.village_worker)
    for who in (cast.village_worker, cast.street_worker, cast.county_director, cast.leader):
        assert Petition.objects.visible_to(who).filter(pk=petition.pk).exists()
    for who in (cast.village2_worker, cast.outsider):
        with pytest.raises(Http404):
            step(who, petition, "accept")


def test_the_api(cast, client, token_for):
    token = token_for(cast.village_worker)
    created = api(client, "post", "/api/v1/petitions/", token, unit_id=unit_at(VILLAGE_CODE).pk, channel="visit",
                  type="claim", category="housing", subject="住房困难", petitioners=[{"name": "赵", "id_number":
                                                                                   PETITIONER_ID}])
    assert created.status_code == 201 and created.json()["allowed_actions"] == ["accept", "reject", "supervise"]
    pk = created.json()["id"]
    illegal = api(client, "post", f"/api/v1/petitions/{pk}/transitions", token, action="close")
    assert illegal.status_code == 422 and illegal.json()["allowed"] == ["accept", "reject", "supervise"]
    assert api(client, "post", f"/api/v1/petitions/{pk}/transitions", token, action="accept").json()["state"] \
        == "accepted"
    no_text = api(client, "post", f"/api/v1/petitions/{pk}/transitions", token, action="reply", outcome="support")
    assert no_text.status_code == 422 and Petition.objects.get(pk=pk).state == "accepted"
    deadlines = api(client, "get", f"/api/v1/petitions/{pk}/deadlines", token).json()
    assert [d["name"] for d in deadlines] == ["告知受理与否", "办理期限"]
    assert api(client, "get", f"/api/v1/petitions/{pk}", token_for(cast.village2_worker)).status_code == 404
    assert api(client, "get", "/api/v1/petitions/", token_for(cast.county_director)).json()["count"] == 1
    assert PETITIONER_ID not in created.content.decode()


def test_a_petition_shows_on_the_petitioners_timeline(cast):
    from rongjia.people.timeline import timeline_for
    from tests.factories import person_at

    person = person_at(cast.village_worker, id_number=PETITIONER_ID)
    register(cast.village_worker, people=[{"name": person.name, "id_number": PETITIONER_ID}])  # linked by the ID
    entries, _outside = timeline_for(cast.village_worker, person)
    assert any(entry.kind == "petition" and "安置待遇未落实" in entry.title for entry in entries)
    assert any(entry.title == "信访登记：安置待遇未落实" for entry in entries)
