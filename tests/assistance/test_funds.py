"""Fund arithmetic through the services (no pages): after every operation — income, a donation, an approval on the
engine, a payment, visit money, a refused overspend, a batch approval — every fund's balance is its income less
its outgoings and the balance after its last entry; money beyond the balance is refused and changes nothing."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from rongjia.assistance import batch, funds, ledger
from rongjia.assistance.models import AidApplication, AidEvent, Fund, FundEntry
from tests.assistance.conftest import kind_named, past_publicity, register, step, to_publicity

S = AidApplication.State


def assert_books_balance() -> None:
    """For every fund: balance == Σ income − Σ outgoings == the last entry's balance_after, and each entry's
    balance_after is the running sum; the ledger module's check agrees."""
    for fund in Fund.objects.all():
        entries = list(FundEntry.objects.filter(fund=fund).order_by("id"))
        income = sum((e.amount for e in entries if e.source in FundEntry.INCOME), Decimal(0))
        outgoings = sum((-e.amount for e in entries if e.source not in FundEntry.INCOME), Decimal(0))
        assert all(e.amount > 0 for e in entries if e.source in FundEntry.INCOME)
        assert all(e.amount < 0 for e in entries if e.source not in FundEntry.INCOME)
        last = entries[-1].balance_after if entries else Decimal(0)
        assert fund.balance == income - outgoings == last, fund.name
        running = Decimal(0)
        for entry in entries:
            running += entry.amount
            assert entry.balance_after == running >= 0
        totals, check = ledger.totals(fund)
        assert check.ok and (totals.income, totals.outgoings, totals.count) == (income, outgoings, len(entries))


def ready(cast, person, amount="2000", kind="临时救助") -> AidApplication:
    """An application whose 公示 ended yesterday: the county may approve it."""
    return past_publicity(to_publicity(cast, register(cast.village_worker, person, kind=kind, amount=amount)))


def snapshot(*funds_):
    return [(f.pk, Fund.objects.get(pk=f.pk).balance, FundEntry.objects.filter(fund=f).count()) for f in funds_]


def test_every_operation_keeps_every_funds_books(cast, person, care_fund, django_capture_on_commit_callbacks):
    today = timezone.localdate()
    assert_books_balance()
    assert care_fund.balance == Decimal("50000.00")

    funds.fund_income(actor=cast.county_director, fund=care_fund, source="donation", amount="8000.50",
                      on=today - timedelta(days=3), donor="江苏某科技有限公司", restriction="大病医疗救助")
    assert_books_balance()

    small = funds.fund_create(actor=cast.county_director, name="应急救助资金", kind="emergency")
    funds.fund_income(actor=cast.county_director, fund=small, source="allocation", amount="3000", on=today)
    assert_books_balance()

    application = ready(cast, person, amount="2000")
    step(cast.county_director, application, "approve", fund=care_fund.pk)
    assert_books_balance()
    application.refresh_from_db()
    assert application.state == S.APPROVED and application.fund_id == care_fund.pk
    assert application.fund_entry.amount == Decimal("-2000.00")
    assert Fund.objects.get(pk=care_fund.pk).balance == Decimal("56000.50")

    step(cast.county_director, application, "pay", method="bank", reference="NB2024001")
    assert_books_balance()  # the payment is recorded on the application; the money left at approval
    assert FundEntry.objects.filter(application=application).count() == 1

    funds.fund_spend(actor=cast.county_director, fund=care_fund, source="visit", amount="1500.25", on=today,
                     note="春节走访慰问困难退役军人 3 户")
    assert_books_balance()
    assert Fund.objects.get(pk=care_fund.pk).balance == Decimal("54500.25")

    before = snapshot(care_fund, small)
    with pytest.raises(ValidationError) as refused:
        funds.fund_spend(actor=cast.county_director, fund=small, source="other_out", amount="3000.01", on=today,
                         note="购置慰问物资")
    assert "3000.00" in " ".join(refused.value.messages)  # the balance is shown
    assert snapshot(care_fund, small) == before
    assert_books_balance()

    first, second = ready(cast, person, amount="1000"), ready(cast, person, amount="1200")
    with django_capture_on_commit_callbacks(execute=True):
        started = batch.batch_start(actor=cast.county_director, kind=kind_named("临时救助"), fund=care_fund)
    started.refresh_from_db()
    assert (started.state, started.approved, started.refused, started.amount) == ("done", 2, [], Decimal("2200.00"))
    assert set(AidApplication.objects.filter(pk__in=[first.pk, second.pk]).values_list("state", flat=True)) == {
        S.APPROVED}
    assert Fund.objects.get(pk=care_fund.pk).balance == Decimal("52300.25")
    assert_books_balance()


def test_an_approval_beyond_the_balance_is_refused_and_changes_nothing(cast, person, care_fund):
    small = funds.fund_create(actor=cast.county_director, name="应急救助资金", kind="emergency")
    funds.fund_income(actor=cast.county_director, fund=small, source="allocation", amount="1000",
                      on=timezone.localdate())
    application = ready(cast, person, amount="2000")
    events = AidEvent.objects.filter(application=application).count()
    before = snapshot(small, care_fund)

    with pytest.raises(ValidationError) as refused:
        step(cast.county_director, application, "approve", fund=small.pk)

    assert "1000.00" in " ".join(refused.value.messages)  # the message shows the balance
    application.refresh_from_db()
    assert (application.state, application.fund_id, application.amount_approved) == (S.PUBLICITY, None, None)
    assert not FundEntry.objects.filter(application=application).exists()
    assert AidEvent.objects.filter(application=application).count() == events
    assert snapshot(small, care_fund) == before
    assert_books_balance()

    step(cast.county_director, application, "approve", fund=care_fund.pk)  # the bigger fund can pay it
    assert_books_balance()


def test_the_last_of_a_balance_can_be_spent_exactly(cast, person):
    fund = funds.fund_create(actor=cast.county_director, name="春节慰问金", kind="campaign")
    funds.fund_income(actor=cast.county_director, fund=fund, source="allocation", amount="2000.00",
                      on=timezone.localdate())
    step(cast.county_director, ready(cast, person, amount="2000"), "approve", fund=fund.pk)
    assert Fund.objects.get(pk=fund.pk).balance == Decimal("0.00")
    with pytest.raises(ValidationError):
        funds.fund_spend(actor=cast.county_director, fund=fund, source="visit", amount="0.01",
                         on=timezone.localdate(), note="走访")
    assert_books_balance()


def test_a_payment_recorded_twice_is_refused(cast, person, care_fund):
    application = ready(cast, person, amount="2000")
    step(cast.county_director, application, "approve", fund=care_fund.pk)
    step(cast.county_director, application, "pay", method="bank", reference="NB2024001")
    application.refresh_from_db()
    paid = (application.state, application.paid_on, application.payment_reference, application.version)
    before = snapshot(care_fund)

    with pytest.raises(ValidationError):
        step(cast.county_director, application, "pay", method="bank", reference="NB2024002")
    with pytest.raises(ValidationError):  # nor can the money leave the fund a second time for it
        funds.pay_out(fund=care_fund, amount=Decimal("2000"), on=timezone.localdate(), actor=cast.county_director,
                      application=application)

    application.refresh_from_db()
    assert (application.state, application.paid_on, application.payment_reference, application.version) == paid
    assert snapshot(care_fund) == before
    assert_books_balance()


def test_a_batch_that_runs_out_of_money_approves_what_the_balance_allows(cast, person,
                                                                        django_capture_on_commit_callbacks):
    fund = funds.fund_create(actor=cast.county_director, name="节日关爱资金", kind="campaign")
    funds.fund_income(actor=cast.county_director, fund=fund, source="allocation", amount="5000",
                      on=timezone.localdate())
    applications = [ready(cast, person, amount="2000") for _ in range(3)]

    with django_capture_on_commit_callbacks(execute=True):
        started = batch.batch_start(actor=cast.county_director, kind=kind_named("临时救助"), fund=fund)

    started.refresh_from_db()
    assert (started.state, started.total, started.done, started.approved) == ("done", 3, 3, 2)
    assert started.amount == Decimal("4000.00")
    [refused] = started.refused
    assert refused["id"] == applications[2].pk  # registered last, so approved last
    assert "1000.00" in refused["reason"]  # the reason names the balance left
    states = dict(AidApplication.objects.filter(pk__in=[a.pk for a in applications]).values_list("pk", "state"))
    assert [states[a.pk] for a in applications] == [S.APPROVED, S.APPROVED, S.PUBLICITY]
    assert not FundEntry.objects.filter(application=applications[2]).exists()
    assert Fund.objects.get(pk=fund.pk).balance == Decimal("1000.00")
    assert_books_balance()


@pytest.mark.parametrize("amount", ["abc", "-5", "0", "0.00", "10.555", "", "1e3x"])
def test_an_amount_that_is_not_positive_with_two_decimals_is_refused(cast, care_fund, amount):
    before = snapshot(care_fund)
    with pytest.raises(ValidationError) as refused:
        funds.fund_income(actor=cast.county_director, fund=care_fund, source="allocation", amount=amount,
                          on=timezone.localdate())
    assert "amount" in refused.value.message_dict
    with pytest.raises(ValidationError):
        funds.fund_spend(actor=cast.county_director, fund=care_fund, source="visit", amount=amount,
                         on=timezone.localdate(), note="走访")
    assert snapshot(care_fund) == before


def test_a_donation_needs_its_donor_and_no_date_lies_in_the_future(cast, care_fund):
    before = snapshot(care_fund)
    today = timezone.localdate()
    with pytest.raises(ValidationError) as no_donor:
        funds.fund_income(actor=cast.county_director, fund=care_fund, source="donation", amount="100", on=today,
                          donor="  ")
    assert "donor" in no_donor.value.message_dict
    with pytest.raises(ValidationError) as future:
        funds.fund_income(actor=cast.county_director, fund=care_fund, source="allocation", amount="100",
                          on=today + timedelta(days=1))
    assert "on" in future.value.message_dict
    with pytest.raises(ValidationError) as future_spend:
        funds.fund_spend(actor=cast.county_director, fund=care_fund, source="visit", amount="100",
                         on=today + timedelta(days=1), note="走访")
    assert "on" in future_spend.value.message_dict
    with pytest.raises(ValidationError):  # income is an allocation or a donation, not aid
        funds.fund_income(actor=cast.county_director, fund=care_fund, source="aid", amount="100", on=today)
    with pytest.raises(ValidationError):  # money out by hand is visit money or other spending, not aid
        funds.fund_spend(actor=cast.county_director, fund=care_fund, source="aid", amount="100", on=today,
                         note="走访")
    assert snapshot(care_fund) == before
    assert_books_balance()
