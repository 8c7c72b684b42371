"""manage.py benefits_review: the nightly review proposes what the dossiers call for, withdraws what they no longer
do, suspends the payments whose certification is overdue beyond the grace, and a second run changes nothing."""

import io
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from rongjia.benefits import services
from rongjia.benefits.models import Proposal, Recipient
from rongjia.benefits.periods import add_months, month_of
from rongjia.people.models import Person
from tests.benefits.conftest import veteran
from tests.factories import HOME_COUNTY, VILLAGE_CODE

pytestmark = pytest.mark.django_db


def review(*args) -> str:
    out = io.StringIO()
    call_command("benefits_review", *args, stdout=out)
    return out.getvalue()


def open_proposals(person) -> list[tuple[str, str, int | None]]:
    return sorted(Proposal.objects.filter(person=person, state=Proposal.State.OPEN).values_list(
        "item__code", "change", "grade"))


def overdue(person, *, days: int) -> Recipient:
    """The person's recipient record, its certification due `days` ago."""
    recipient = services.recipient_for(person)
    recipient.certification_due = timezone.localdate() - timedelta(days=days)
    recipient.save(update_fields=["certification_due"])
    return recipient


def test_the_review_proposes_once_and_follows_the_dossier(cast):
    person = veteran(cast, seq=1, grade=6)
    review("--region", HOME_COUNTY)
    assert open_proposals(person) == [("disability-pension", "new", 6)]
    review("--region", HOME_COUNTY)
    assert Proposal.objects.count() == 1  # a second run adds nothing
    Person.objects.filter(pk=person.pk).update(disability_grade=3)  # re-assessed: the 护理费 is owed too
    review()
    assert open_proposals(person) == [("disability-pension", "new", 3), ("nursing-allowance", "new", 3)]
    assert Proposal.objects.count() == 2  # the grade-6 proposal withdrawn, not kept beside


def test_the_review_suspends_beyond_the_grace_only_and_once(cast):
    late, within = veteran(cast, seq=1), veteran(cast, seq=2, name="李卫东")
    overdue(late, days=90)  # the national grace is 60 days
    overdue(within, days=30)
    review("--region", VILLAGE_CODE)
    late_recipient, within_recipient = Recipient.objects.get(person=late), Recipient.objects.get(person=within)
    ends = late_recipient.certification_due + timedelta(days=60)
    assert late_recipient.suspended_from == add_months(month_of(ends), 1)
    assert within_recipient.suspended_from is None
    before = Recipient.objects.get(person=late).version
    review("--region", VILLAGE_CODE)
    assert Recipient.objects.get(person=late).version == before


def test_the_review_runs_as_of_another_day(cast):
    person = veteran(cast, seq=1)
    recipient = overdue(person, days=90)
    earlier = recipient.certification_due + timedelta(days=30)  # still within the grace then
    review("--today", earlier.isoformat())
    assert Recipient.objects.get(person=person).suspended_from is None
    assert Proposal.objects.get(person=person).month == month_of(earlier)
    review("--today", timezone.localdate().isoformat())
    assert Recipient.objects.get(person=person).suspended_from is not None


def test_the_review_counts_what_it_did(cast):
    veteran(cast, seq=1)
    printed = review("--region", "32")  # the province: its counties
    assert "1 " in printed and "320115" not in printed
    assert review("--region", "32").count(" 0 ") == 4  # nothing added, withdrawn, certified or suspended again


@pytest.mark.parametrize("args", [("--today", "2026-13-01"), ("--region", "32011"), ("--region", "abc"),
                                  ("--region", "999999"), ("--region", "999999999999")])
def test_bad_arguments_are_refused(db, args):
    with pytest.raises(CommandError):
        review(*args)
