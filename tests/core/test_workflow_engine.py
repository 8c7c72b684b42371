"""core.workflow and its picture, on the machines the apps declare: the refusals every machine shares, the
moves a job makes by itself, and the SVG each machine draws of itself."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from rongjia.core.errors import StaleVersion
from rongjia.core.workflow import IllegalStep, step_between, steps_open_to
from rongjia.core.workflow_picture import draw
from rongjia.people.books.workflows import IMPORT_JOB, STATUS, TRANSFER
from rongjia.petitions.models import Petition
from rongjia.petitions.services import petition_register, petition_transition
from rongjia.petitions.workflow import PETITION, REFERRAL
from tests.factories import VILLAGE_CODE, unit_at


@pytest.fixture
def petition(cast):
    return petition_register(actor=cast.village_worker, unit=unit_at(VILLAGE_CODE), channel="letter", type="claim",
                             category="housing", subject="引擎测试事项", petitioners=[{"name": "甲"}])


def test_every_refusal_changes_nothing(cast, petition):
    refusals = [
        (dict(actor=cast.village_worker, action="close"), IllegalStep),  # not from "registered"
        (dict(actor=cast.village_worker, action="no_such_step"), IllegalStep),
        (dict(actor=cast.village_worker, action="reject"), ValidationError),  # the reason is required
        (dict(actor=cast.leader, action="accept"), PermissionDenied),  # the leader reads only
        (dict(actor=cast.village_worker, action="accept", version=petition.version + 5), StaleVersion),
        (dict(actor=cast.village_worker, action="supervise", note="催办"), ValidationError),  # not above the unit
    ]
    for arguments, refusal in refusals:
        with pytest.raises(refusal):
            petition_transition(petition=petition, **arguments)
    fresh = Petition.objects.get(pk=petition.pk)
    assert (fresh.state, fresh.version, fresh.events.count()) == ("registered", petition.version, 1)


def test_an_illegal_step_says_what_is_allowed_in_words(cast, petition):
    with translation.override("zh-hans"), pytest.raises(IllegalStep) as refused:
        petition_transition(actor=cast.village_worker, petition=petition, action="close")
    assert refused.value.allowed == ["accept", "reject", "supervise"]
    assert "登记" in refused.value.messages[0] and "办结" in refused.value.messages[0]


def test_a_job_moves_only_as_its_machine_declares():
    assert step_between(IMPORT_JOB, "queued", "validating").action == "check"
    assert step_between(IMPORT_JOB, "committing", "valid").action == "interrupted"
    for source, target in (("done", "queued"), ("invalid", "committing"), ("unchanged", "done")):
        with pytest.raises(IllegalStep):
            step_between(IMPORT_JOB, source, target)


def test_open_steps_follow_capability_and_who_is_above_whom(cast, petition):
    assert steps_open_to(PETITION, petition, cast.village_worker) == ["accept", "reject"]  # supervise: from above
    assert "supervise" in steps_open_to(PETITION, petition, cast.county_director)
    assert steps_open_to(PETITION, petition, cast.leader) == []


@pytest.mark.parametrize("machine", [PETITION, REFERRAL, STATUS, TRANSFER, IMPORT_JOB], ids=lambda m: m.name)
def test_every_machine_draws_every_state_and_names_itself(machine):
    with translation.override("zh-hans"):
        svg = draw(machine, current=machine.initial, allowed=machine.allowed(machine.initial))
    assert svg.count("<g data-state=") == len(machine.states.values)
    assert svg.count('data-current="yes"') == 1 and 'role="img"' in svg and "<title" in svg and "<desc" in svg
    opened = {s.action for s in machine.steps if s.target and machine.initial in s.sources}
    assert svg.count('data-open-step="yes"') == len(opened)


def test_the_picture_escapes_what_it_draws(monkeypatch):
    from rongjia.core import workflow_picture

    monkeypatch.setattr(workflow_picture, "_describe", lambda *args: "<script>alert(1)</script>")
    svg = draw(PETITION, current="registered")
    assert "<script>" not in svg and "&lt;script&gt;" in svg
