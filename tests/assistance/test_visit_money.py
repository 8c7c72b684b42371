"""Visit money (慰问金) paid out of a fund: the visits module asks core, the assistance module's ledger records it,
and a fund that cannot cover it refuses the visit whole."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from rongjia.assistance.models import FundEntry
from rongjia.assistance.payments import spend_visit_money
from rongjia.visits.forms import VisitForm
from rongjia.visits.models import Visit
from rongjia.visits.services import visit_record

pytestmark = pytest.mark.django_db


def test_visit_money_from_a_fund_is_written_in_its_ledger(cast, person, care_fund):
    visit, _new = visit_record(actor=cast.county_director, person_id=person.pk, visited_on=timezone.localdate(),
                               kind="festival", money=Decimal("300"), fund_account=care_fund.pk)
    care_fund.refresh_from_db()
    entry = care_fund.entries.get(source=FundEntry.Source.VISIT)
    assert (care_fund.balance, entry.amount, entry.balance_after) == (Decimal("49700"), Decimal("-300"),
                                                                       Decimal("49700"))
    assert visit.fund == care_fund.name and person.name in entry.note


def test_a_fund_that_cannot_cover_the_visit_money_refuses_the_visit(cast, person, care_fund):
    with pytest.raises(ValidationError) as refused:
        visit_record(actor=cast.county_director, person_id=person.pk, visited_on=timezone.localdate(),
                     money=Decimal("60000"), fund_account=care_fund.pk)
    assert "fund_account" in refused.value.message_dict
    care_fund.refresh_from_db()
    assert care_fund.balance == 50000 and not Visit.objects.exists()
    assert not care_fund.entries.filter(source=FundEntry.Source.VISIT).exists()


def test_only_those_who_keep_a_funds_books_are_offered_the_fund(cast, care_fund):
    assert "fund_account" in VisitForm(user=cast.county_director).fields
    assert "fund_account" not in VisitForm(user=cast.village_worker).fields  # no fund's books at a village
    with pytest.raises(ValidationError):  # and a fund outside its scope is refused, not spent
        spend_visit_money(actor=cast.outsider, fund_id=care_fund.pk, amount=Decimal("1"), on=timezone.localdate(),
                          note="越界")
    care_fund.refresh_from_db()
    assert care_fund.balance == 50000
