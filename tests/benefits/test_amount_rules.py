"""The amount rules against cases computed by hand (Decimal to the fen; a year's standard ÷ 12 a month).

Each case pays some months through approved batches, then changes a fact, and reads the lines of the next batch:
the 补发 and 追回 lines must equal the hand figures exactly.
"""

from datetime import date
from decimal import Decimal

import pytest

from rongjia.benefits import rules, services
from rongjia.benefits.models import BatchException, BenefitItem, Entitlement, PaymentLine, Recipient
from rongjia.people.books.services import status_change_record
from rongjia.people.models import Category

from .conftest import entitle, generate, grade_rates, lines_of, pay, table, veteran

pytestmark = pytest.mark.django_db
K = PaymentLine.Kind


def test_a_grade_changed_from_a_past_month_is_paid_back_for_each_month_since(cast, staff, standards):
    """Grade 6 (¥36,000/yr = ¥3,000/month) from April; re-assessed to grade 4 (¥60,000/yr = ¥5,000) from May, known
    only in July: the July batch pays July at ¥5,000 and ¥2,000 back for May and for June."""
    person = veteran(cast)
    first = entitle(cast, person, standards, date(2026, 4, 1))
    for month in (4, 5, 6):
        assert lines_of(pay(staff, date(2026, month, 1)), person) == [(f"2026-0{month}", K.REGULAR, "3000.00")]
    entitle(cast, person, standards, date(2026, 5, 1), change="change", entitlement=first, grade=4)
    july = pay(staff, date(2026, 7, 1))
    assert lines_of(july, person) == [("2026-05", K.BACK_PAY, "2000.00"), ("2026-06", K.BACK_PAY, "2000.00"),
                                      ("2026-07", K.REGULAR, "5000.00")]
    assert july.payments.get(person=person).amount == Decimal("9000.00")
    first.refresh_from_db()
    assert (first.state, first.end_month) == (Entitlement.State.ENDED, date(2026, 4, 1))
    # settled: August pays August alone
    assert lines_of(pay(staff, date(2026, 8, 1)), person) == [("2026-08", K.REGULAR, "5000.00")]


def test_a_standard_raised_retroactively_becomes_back_pay_rounded_half_up(cast, staff, standards):
    """Paid ¥3,000 for August to October; in November the nation raises grade 6 to ¥36,725/yr from 1 August:
    a month is 36,725 ÷ 12 = 3,060.4166… → ¥3,060.42, so ¥60.42 back for each of August, September, October."""
    person = veteran(cast)
    entitle(cast, person, standards, date(2026, 8, 1))
    for month in (8, 9, 10):
        pay(staff, date(2026, month, 1))
    table(cast, standards, date(2026, 8, 1), grade_rates(g4=61200, g6=36725))
    november = pay(staff, date(2026, 11, 1))
    assert lines_of(november, person) == [("2026-08", K.BACK_PAY, "60.42"), ("2026-09", K.BACK_PAY, "60.42"),
                                          ("2026-10", K.BACK_PAY, "60.42"), ("2026-11", K.REGULAR, "3060.42")]
    assert november.payments.get(person=person).amount == Decimal("3241.68")
    line = november.payments.get(person=person).lines.get(period=date(2026, 8, 1))
    assert "36,725" in line.explanation and "3,000" in line.explanation


def test_a_death_mid_month_is_paid_through_that_month_recovers_the_next_and_pays_the_funeral_grant(
        cast, staff, standards):
    """Paid September to November; died on 15 October, recorded in November after its batch: October is owed in
    full, November's ¥3,000 is recovered, and the ¥12,000 丧葬补助费 is due: December pays ¥9,000."""
    funeral = BenefitItem.objects.create(code="test-funeral", name="测试丧葬补助费", period="once", trigger="death")
    funeral.categories.set([Category.objects.get(name="残疾军人")])
    table(cast, funeral, date(2024, 1, 1), [{"amount": "12000"}])
    person = veteran(cast)
    pension = entitle(cast, person, standards, date(2026, 9, 1))
    for month in (9, 10, 11):
        pay(staff, date(2026, month, 1))
    status_change_record(actor=cast.village_worker, person=person, kind="death", day=date(2026, 10, 15),
                         reason="病故")
    person.refresh_from_db()
    from rongjia.benefits.proposals import proposals_for

    drafts = {draft.item.code: draft for draft in proposals_for(person, today=date(2026, 12, 3))}
    assert (drafts["test-pension"].change, drafts["test-pension"].month) == ("end", date(2026, 10, 1))
    assert (drafts["test-funeral"].change, drafts["test-funeral"].month) == ("new", date(2026, 10, 1))
    entitle(cast, person, standards, date(2026, 10, 1), change="end", entitlement=pension)
    entitle(cast, person, funeral, date(2026, 10, 1))
    december = pay(staff, date(2026, 12, 1))
    assert lines_of(december, person) == [("2026-10", K.REGULAR, "12000.00"), ("2026-11", K.RECOVERY, "-3000.00")]
    assert december.payments.get(person=person).amount == Decimal("9000.00")


def test_a_suspension_leaves_the_person_out_and_certification_pays_the_months_back(cast, staff, standards):
    """Certification due 31 July, 60 days' grace to 29 September: suspended from October. October and November
    leave the person out; certified on 20 November, December pays October and November back with December."""
    person = veteran(cast)
    entitle(cast, person, standards, date(2026, 9, 1))
    Recipient.objects.filter(person=person).update(certification_due=date(2026, 7, 31))
    pay(staff, date(2026, 9, 1))
    assert services.suspend_overdue(today=date(2026, 9, 30)) == 1
    assert Recipient.objects.get(person=person).suspended_from == date(2026, 10, 1)
    assert services.suspend_overdue(today=date(2026, 10, 1)) == 0  # idempotent
    for month in (10, 11):
        batch = pay(staff, date(2026, month, 1))
        assert not batch.payments.filter(person=person).exists()
        assert batch.exceptions.get(person=person).kind == BatchException.Kind.SUSPENDED
    services.certify(actor=cast.village_worker, person=person, on=date(2026, 11, 20), method="station")
    recipient = Recipient.objects.get(person=person)
    assert (recipient.suspended_from, recipient.certification_due) == (None, date(2027, 11, 20))
    assert lines_of(pay(staff, date(2026, 12, 1)), person) == [
        ("2026-10", K.BACK_PAY, "3000.00"), ("2026-11", K.BACK_PAY, "3000.00"), ("2026-12", K.REGULAR, "3000.00")]


def test_a_person_in_two_categories_draws_each_item_once_at_the_higher_standard(cast, staff, standards):
    """残疾军人 and 复员军人: the pension is owed through either; the 复员军人 rate (¥48,000) is higher than the
    残疾军人 grade-6 rate (¥36,000), so the proposal takes it; a second item for 复员军人 is proposed beside it."""
    veteran_category = Category.objects.get(name="复员军人")
    standards.categories.add(veteran_category)
    disabled = Category.objects.get(name="残疾军人")
    table(cast, standards, date(2025, 1, 1), [*({**rate, "category": disabled.pk} for rate in grade_rates(g6=36000)),
                                               {"category": veteran_category.pk, "amount": "48000"}])
    allowance = BenefitItem.objects.create(code="test-allowance", name="测试生活补助", period="monthly")
    allowance.categories.set([veteran_category])
    table(cast, allowance, date(2024, 1, 1), [{"amount": "12000"}])
    person = veteran(cast, categories=("残疾军人", "复员军人"))
    from rongjia.benefits.proposals import proposals_for

    drafts = {draft.item.code: draft for draft in proposals_for(person)}
    assert drafts["test-pension"].category_id == veteran_category.pk
    assert drafts["test-allowance"].change == "new"
    for draft in drafts.values():
        if draft.item.code.startswith("test-"):
            from rongjia.benefits.models import Proposal
            from rongjia.benefits.proposals import proposal_confirm

            proposal = Proposal.objects.create(person=person, item=draft.item, change="new", month=date(2026, 12, 1),
                                               category_id=draft.category_id, grade=draft.grade, cause=draft.cause,
                                               reason=draft.reason)
            proposal_confirm(actor=cast.village_worker, pk=proposal.pk)
    december = pay(staff, date(2026, 12, 1))
    assert sorted(lines_of(december, person)) == [("2026-12", K.REGULAR, "1000.00"), ("2026-12", K.REGULAR, "4000.00")]


def test_a_yearly_item_started_in_march_is_owed_ten_twelfths_in_the_march_batch(cast, staff):
    """A yearly ¥10,000 item owed from March: the year's period (named by January) is owed 10 × 10,000 ÷ 12 =
    8,333.33, paid as the entitlement's first regular payment by the March batch."""
    yearly = BenefitItem.objects.create(code="test-yearly", name="测试优待金", period="yearly")
    yearly.categories.set([Category.objects.get(name="残疾军人")])
    table(cast, yearly, date(2024, 1, 1), [{"amount": "10000"}])
    person = veteran(cast)
    entitle(cast, person, yearly, date(2026, 3, 1))
    march = pay(staff, date(2026, 3, 1))
    assert lines_of(march, person) == [("2026-01", K.REGULAR, "8333.33")]
    assert not generate(staff[0], date(2026, 4, 1)).payments.filter(person=person).exists()


def test_the_nearest_base_table_wins_and_supplements_add(cast, standards):
    """A county that sets its own base and a county supplement: base from the county, plus the supplement."""
    table(cast, standards, date(2025, 1, 1), grade_rates(g6=40000), code="320115")
    table(cast, standards, date(2025, 1, 1), grade_rates(g6=1200), code="320115", kind="supplement")
    found = rules.Standards.bearing_on("320115")
    basis = rules.Basis(Category.objects.get(name="残疾军人").pk, 6, "war", "")
    assert found.amount(standards.pk, "320115003004", date(2025, 6, 1), basis) == Decimal("41200")
    assert found.amount(standards.pk, "320115003004", date(2024, 6, 1), basis) == Decimal("36000")
    assert found.amount(standards.pk, "320114000000", date(2025, 6, 1), basis) == Decimal("36000")  # the neighbour


def test_a_person_without_a_standard_for_their_facts_is_left_out_not_paid_nothing(cast, staff, standards):
    person = veteran(cast, grade=9)  # the test table has grades 4 and 6 only
    entitle(cast, person, standards, date(2026, 12, 1))
    batch = generate(staff[0], date(2026, 12, 1))
    assert batch.exceptions.get(person=person).kind == BatchException.Kind.NO_STANDARD
    assert not batch.payments.filter(person=person).exists()
