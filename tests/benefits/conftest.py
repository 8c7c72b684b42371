"""Benefits fixtures: a test item with dated national standards, persons with entitlements confirmed through
proposals, accounts, and `pay(month)` that takes a county batch through its three people (经办 → 复核 → 负责人).

The amounts are chosen so that the hand figures in the tests are easy to follow: ¥36,000 a year is ¥3,000 a month.
"""

from datetime import date

import pytest

from rongjia.benefits import batches, proposals, services
from rongjia.benefits.models import BenefitItem, PaymentBatch, Proposal
from rongjia.people.models import Category
from tests.factories import HOME_COUNTY, UserFactory, person_at, unit_at

COUNTY_UNIT = HOME_COUNTY + "000000"
# A valid Luhn number per seq (6222 0200 0000 000x + check digit), different for each person.
BASE_ACCOUNT = "622202000000000"


def luhn_number(seq: int) -> str:
    from rongjia.benefits.accounts import luhn_ok

    stem = f"{BASE_ACCOUNT}{seq:03d}"
    return next(stem + str(digit) for digit in range(10) if luhn_ok(stem + str(digit)))


@pytest.fixture
def staff(cast):
    """The three people of a batch: a preparer and a checker (centre staff) and the director who approves."""
    preparer = UserFactory(username="benefits_preparer", org_unit=unit_at(COUNTY_UNIT), roles=["centre_staff"])
    checker = UserFactory(username="benefits_checker", org_unit=unit_at(COUNTY_UNIT), roles=["centre_staff"])
    return preparer, checker, cast.county_director


@pytest.fixture
def item(db):
    """A monthly test pension for 残疾军人 of any grade."""
    item = BenefitItem.objects.create(code="test-pension", name="测试抚恤金", period="monthly", position=90)
    item.categories.set([Category.objects.get(name="残疾军人")])
    return item


def table(cast, item, start: date, rates: list[dict], *, until=None, kind="base", code="") -> None:
    actor = cast.system_admin if code == "" else cast.county_director
    services.standard_table_create(actor=actor, item=item, jurisdiction_code=code, kind=kind,
                                   title=f"{item.name} {start}", effective_from=start, effective_until=until,
                                   rates=rates)


def grade_rates(**by_grade) -> list[dict]:
    """grade_rates(g4=60000, g6=36000): yearly amounts for cause 因战 by grade."""
    return [{"grade": int(key[1:]), "cause": "war", "amount": amount} for key, amount in by_grade.items()]


@pytest.fixture
def standards(cast, item):
    table(cast, item, date(2024, 1, 1), grade_rates(g4=60000, g6=36000))
    return item


def veteran(cast, *, seq=1, name="王建国", grade=6, account=True, categories=("残疾军人",)):
    person = person_at(cast.village_worker, seq=seq, name=name, categories=categories, disability_grade=grade,
                       disability_cause="war", registered_on=date(2020, 1, 1))
    if account:
        services.account_add(actor=cast.village_worker, person=person, bank="农业银行", number=luhn_number(seq))
    return person


def entitle(cast, person, item, month: date, *, change="new", entitlement=None, grade=None):
    """Confirm a proposal as a worker would, taking effect in `month`."""
    person.refresh_from_db()
    proposal = Proposal.objects.create(person=person, item=item, change=change, month=month,
                                       category=Category.objects.get(name="残疾军人"),
                                       grade=grade or person.disability_grade, cause=person.disability_cause,
                                       entitlement=entitlement, reason="测试")
    return proposals.proposal_confirm(actor=cast.village_worker, pk=proposal.pk, month=month)


def generate(preparer, month: date) -> PaymentBatch:
    batch = batches.batch_create(actor=preparer, month=month)
    return batches.run_generation(batch.pk)


def take(actor, batch, action, note="", **data) -> PaymentBatch:
    batch.refresh_from_db()
    return batches.batch_step(actor=actor, pk=batch.pk, action=action, note=note, version=batch.version, data=data)


def approve(staff, batch) -> PaymentBatch:
    preparer, checker, director = staff
    take(preparer, batch, "prepare")
    take(checker, batch, "check")
    return take(director, batch, "approve")


def pay(staff, month: date) -> PaymentBatch:
    """Generate and approve the county's batch of `month`."""
    return approve(staff, generate(staff[0], month))


def lines_of(batch, person) -> list[tuple[str, str, str]]:
    """(period, kind, amount) of a person's lines in a batch, in order."""
    return [(f"{line.period:%Y-%m}", line.kind, str(line.amount)) for line in
            batch.payments.get(person=person).lines.order_by("period", "kind")]
