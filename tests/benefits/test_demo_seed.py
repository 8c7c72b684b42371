"""The benefits part of the demo (demo/benefits_seed.py) on a small slice of the demo county: a few hundred generated
dossiers, and a few more registered at the demo's two villages. A year of paid batches by three people, the failed
transfers re-issued, a re-assessment paid back, two deaths, and this month's batch with its exceptions, every
total adding up; a second run adds nothing."""

from datetime import date
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.utils import timezone

from rongjia.benefits.accounts import luhn_ok
from rongjia.benefits.models import (
    BatchEvent,
    BatchException,
    Certification,
    Entitlement,
    Payment,
    PaymentAccount,
    PaymentBatch,
    PaymentLine,
    Proposal,
    Recipient,
)
from rongjia.benefits.periods import add_months, month_of
from rongjia.demo import benefits_seed
from rongjia.demo.benefits_seed import seed_benefits
from rongjia.demo.people_records import seed_people_records
from rongjia.demo.people_seed import seed_people
from rongjia.people.models import HouseholdMember, Person, StatusChange
from tests.factories import HOME_COUNTY, VILLAGE2_CODE, VILLAGE_CODE, UserFactory, person_at, unit_at

pytestmark = pytest.mark.django_db

MODELS = (Entitlement, Proposal, Recipient, Certification, PaymentAccount, PaymentBatch, BatchEvent, Payment,
          PaymentLine, BatchException, LogEntry)

# The demo's own villages: a few more dossiers than the generated slice gives them (category, grade, cause, born)
AT_GUQUAN = [("残疾军人", 6, "war", "19620302"), ("残疾军人", 3, "duty", "19580911"),
             ("复员军人", None, "", "19450607"), ("烈士遗属", None, "", "19500101"),
             ("现役军人家属", None, "", "19750505"), ("带病回乡退伍军人", None, "", "19600808"),
             ("复员军人", None, "", "19480303"), ("参战参试退役人员", None, "", "19550505")]
AT_GAOZHUANG = [("复员军人", None, "", "19320301"), ("复员军人", None, "", "19340415"),
                ("残疾军人", 5, "war", "19660606"), ("参战参试退役人员", None, "", "19570707"),
                ("现役军人家属", None, "", "19720202")]


def register(actor, code, rows, first_seq):
    for n, (category, grade, cause, born) in enumerate(rows, start=first_seq):
        person = person_at(actor, code=code, seq=n, birth=born, name=f"测试{n}", categories=(category,),
                           disability_grade=grade, disability_cause=cause, registered_on=date(2021, 3, 1))
        HouseholdMember.objects.create(person=person, name=f"测试{n}之子", relationship="child")


@pytest.fixture
def world(cast):
    """A slice of the demo county: its accounts, ~460 generated dossiers with their records, and the extra ones."""
    UserFactory(username="jn_county", org_unit=unit_at(HOME_COUNTY + "000000"), roles=["centre_director"])
    seed_people(county_prefix=HOME_COUNTY, total=460)
    seed_people_records(county_prefix=HOME_COUNTY)
    register(cast.village_worker, VILLAGE_CODE, AT_GUQUAN, 700)
    register(cast.village2_worker, VILLAGE2_CODE, AT_GAOZHUANG, 800)
    return cast


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def test_the_demo_has_a_paid_year_and_a_running_batch_and_a_second_run_adds_nothing(world):
    assert seed_benefits(county_prefix=HOME_COUNTY) > 50
    this_month = month_of(timezone.localdate())
    _entitlements_and_accounts()
    _paid_year(this_month)
    _regrade(this_month)
    _deaths(this_month)
    _running(this_month)
    before = counts()
    assert seed_benefits(county_prefix=HOME_COUNTY) == 0
    assert counts() == before


def _entitlements_and_accounts():
    entitled = set(Entitlement.objects.values_list("person_id", flat=True))
    assert set(Recipient.objects.values_list("person_id", flat=True)) >= entitled
    accounts = list(PaymentAccount.objects.filter(active=True))
    assert all(luhn_ok(account.number) and account.number.endswith(account.last_digits) for account in accounts)
    assert len({account.number_hash for account in accounts}) == len(accounts)  # nobody shares an account
    without = entitled - {account.person_id for account in accounts}
    assert 1 <= len(without) <= len(entitled) // 10  # almost everyone has an account; a few are exceptions
    guardians = [a for a in accounts if a.holder == PaymentAccount.Holder.GUARDIAN]
    assert guardians and all(a.reason and a.household_member_id for a in guardians)
    # the demo's villages went through the services: proposals confirmed, some left to the station, one refused
    at_villages = Proposal.objects.filter(person__station__region_code__in=[VILLAGE_CODE, VILLAGE2_CODE])
    assert at_villages.filter(state=Proposal.State.CONFIRMED, decided_by__isnull=False).count() >= 8
    assert Proposal.objects.filter(state=Proposal.State.REFUSED).count() == 1
    # the carried-over ledger is what the review would propose: nothing new for the living entitled
    assert not Proposal.objects.filter(state=Proposal.State.OPEN, person__status=Person.Status.ACTIVE,
                                       person__entitlements__isnull=False).exclude(
        person__station__region_code__in=[VILLAGE_CODE, VILLAGE2_CODE]).exists()


def _paid_year(this_month: date):
    months = [add_months(this_month, -back) for back in range(benefits_seed.YEAR, 0, -1)]
    paid = list(PaymentBatch.objects.filter(state=PaymentBatch.State.PAID).order_by("month"))
    assert [batch.month for batch in paid] == months
    for batch in paid:
        takers = dict(batch.events.filter(action__in=["prepare", "check", "approve"]).values_list(
            "action", "actor__username"))
        assert takers == {"prepare": "jn_benefits_preparer", "check": "jn_benefits_checker", "approve": "jn_county"}
        assert {event.at.date().replace(day=1) for event in batch.events.all()} == {batch.month}
        _adds_up(batch)
        assert not batch.payments.filter(result=Payment.Result.PENDING).exists()
    failed_month = add_months(this_month, -benefits_seed.FAILED_BACK)
    failed = Payment.objects.filter(batch__month=failed_month, result=Payment.Result.FAILED)
    assert sorted(failed.values_list("failure", flat=True)) == sorted(benefits_seed.FAILURES)
    reissued = PaymentLine.objects.filter(payment__batch__month=add_months(failed_month, 1),
                                          kind=PaymentLine.Kind.REISSUE)
    assert set(reissued.values_list("payment__person_id", flat=True)) == set(failed.values_list("person_id",
                                                                                                  flat=True))


def _adds_up(batch: PaymentBatch):
    payments = sum(batch.payments.values_list("amount", flat=True), Decimal(0))  # not SQLite's floating-point SUM
    lines = sum(PaymentLine.objects.filter(payment__batch=batch).values_list("amount", flat=True), Decimal(0))
    assert batch.total == payments == lines
    assert batch.payment_count == batch.payments.count() and batch.exception_count == batch.exceptions.count()


def _regrade(this_month: date):
    change = Proposal.objects.get(change=Proposal.Change.CHANGE, state=Proposal.State.CONFIRMED)
    person = change.person
    assert person.disability_grade == 4 and change.month == add_months(this_month, -benefits_seed.REGRADE_BACK)
    spans = list(Entitlement.objects.filter(person=person, item__code="disability-pension").order_by("start_month")
                 .values_list("grade", "end_month", "start_month"))
    assert spans[0][:2] == (6, add_months(change.month, -1)) and spans[1] == (4, None, change.month)
    back_pay = PaymentLine.objects.filter(payment__batch__month=this_month, payment__person=person,
                                          kind=PaymentLine.Kind.BACK_PAY)
    months = [add_months(change.month, n) for n in range(benefits_seed.REGRADE_BACK)]
    assert sorted(set(back_pay.values_list("period", flat=True))) == months
    assert {"disability-pension", "nursing-allowance"} == set(back_pay.values_list("item__code", flat=True))
    assert BatchException.objects.filter(batch__month=this_month, person=person, kind="changed").exists()


def _deaths(this_month: date):
    deaths = StatusChange.objects.filter(kind=StatusChange.Kind.DEATH, station__region_code=VILLAGE2_CODE,
                                         date__gte=add_months(this_month, -2))
    assert deaths.count() == 2
    settled, waiting = sorted(deaths, key=lambda change: change.date)
    recovered = PaymentLine.objects.get(payment__batch__month=this_month, payment__person_id=settled.person_id,
                                        kind=PaymentLine.Kind.RECOVERY)
    assert recovered.amount < 0 and recovered.period == add_months(this_month, -1)
    assert PaymentLine.objects.filter(payment__batch__month=this_month, payment__person_id=settled.person_id,
                                      item__code="funeral-allowance", amount=Decimal("12000.00")).exists()
    assert BatchException.objects.filter(batch__month=this_month, person_id=waiting.person_id,
                                         kind="deceased").exists()


def _running(this_month: date):
    batch = PaymentBatch.objects.get(month=this_month)
    assert batch.state == PaymentBatch.State.DRAFT and not batch.running and batch.payment_count
    kinds = set(batch.exceptions.values_list("kind", flat=True))
    assert {"suspended", "no_account", "changed", "deceased"} <= kinds
    suspended = Recipient.objects.filter(suspended_from__isnull=False)
    assert 1 <= suspended.count() <= benefits_seed.SUSPENDED + 1
    assert set(suspended.values_list("suspended_from", flat=True)) == {this_month}
    _adds_up(batch)
