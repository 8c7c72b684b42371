"""The benefits services' refusals and checks: overlapping standard tables, an account failing its bank's check
digit, a guardian without a reason, the batch check's flags (a changed amount, a shared account), and life
certified from a visit in person through core's sightings (a phone call is not a sighting)."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from rongjia.benefits import services
from rongjia.benefits.models import BankFormat, BatchException, Certification, PaymentAccount, Recipient, StandardTable
from rongjia.visits.services import visit_record

from .conftest import entitle, generate, grade_rates, luhn_number, pay, table, veteran

pytestmark = pytest.mark.django_db


def test_a_table_overlapping_another_is_refused_and_nothing_is_saved(cast, standards):
    table(cast, standards, date(2025, 8, 1), grade_rates(g6=37000), until=date(2026, 7, 31))
    before = list(StandardTable.objects.values_list("pk", "effective_from", "effective_until"))
    with pytest.raises(ValidationError) as refusal:
        table(cast, standards, date(2026, 1, 1), grade_rates(g6=38000), until=date(2026, 12, 31))
    assert "effective_from" in refusal.value.message_dict
    assert list(StandardTable.objects.values_list("pk", "effective_from", "effective_until")) == before


def test_a_new_table_closes_the_open_one_the_day_before(cast, standards):
    table(cast, standards, date(2026, 8, 1), grade_rates(g6=37000))
    first = StandardTable.objects.get(item=standards, effective_from=date(2024, 1, 1))
    assert first.effective_until == date(2026, 7, 31)


@pytest.mark.parametrize("rates", [[], [{"grade": 6, "amount": "-1"}], [{"grade": 11, "amount": "1"}],
                                   [{"grade": 6, "amount": "1"}, {"grade": 6, "amount": "2"}],
                                   [{"amount": "1.005"}], [{"amount": "abc"}], [{"cause": "boredom", "amount": "1"}],
                                   [{"category": 999999, "amount": "1"}]])
def test_bad_rates_are_refused(cast, item, rates):
    with pytest.raises(ValidationError):
        table(cast, item, date(2025, 1, 1), rates)
    assert not StandardTable.objects.filter(item=item).exists()


def test_a_county_enters_only_its_own_area_and_the_nation_is_reference_data(cast, item):
    with pytest.raises(ValidationError):
        services.standard_table_create(actor=cast.county_director, item=item, jurisdiction_code="320114",
                                       kind="base", title="邻区", effective_from=date(2025, 1, 1),
                                       rates=[{"amount": "1"}])
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.standard_table_create(actor=cast.county_director, item=item, jurisdiction_code="", kind="base",
                                       title="全国", effective_from=date(2025, 1, 1), rates=[{"amount": "1"}])


def test_an_account_failing_its_banks_check_digit_is_refused(cast):
    BankFormat.objects.create(name="测试", bank="测试银行", account_check="luhn", columns=[])
    person = veteran(cast, account=False)
    bad = luhn_number(1)[:-1] + str((int(luhn_number(1)[-1]) + 1) % 10)
    with pytest.raises(ValidationError) as refusal:
        services.account_add(actor=cast.village_worker, person=person, bank="测试银行", number=bad)
    assert "number" in refusal.value.message_dict
    services.account_add(actor=cast.village_worker, person=person, bank="其他银行", number=bad)  # no check defined
    assert PaymentAccount.objects.get(person=person).last_digits == bad[-4:]


def test_money_to_a_guardian_needs_the_reason_and_replaces_the_account_in_use(cast):
    person = veteran(cast)
    with pytest.raises(ValidationError):
        services.account_add(actor=cast.village_worker, person=person, bank="农业银行", number=luhn_number(9),
                             holder="guardian", holder_name="王小明")
    services.account_add(actor=cast.village_worker, person=person, bank="农业银行", number=luhn_number(9),
                         holder="guardian", holder_name="王小明", reason="本人失能，由儿子代管")
    assert list(PaymentAccount.objects.filter(person=person).values_list("active", "holder")) == [
        (True, "guardian"), (False, "self")]


def test_an_outsider_cannot_add_an_account_or_certify(cast):
    person = veteran(cast)
    with pytest.raises(ValidationError):
        services.account_add(actor=cast.outsider, person=person, bank="农业银行", number=luhn_number(8))
    with pytest.raises(ValidationError):
        services.certify(actor=cast.outsider, person=person, on=date(2026, 11, 1), method="station")
    assert PaymentAccount.objects.filter(person=person).count() == 1


def test_the_check_flags_a_changed_amount_and_a_shared_account(cast, staff, standards):
    first, second = veteran(cast, seq=1), veteran(cast, seq=2, name="李秀英", account=False)
    services.account_add(actor=cast.village_worker, person=second, bank="农业银行", number=luhn_number(1),
                         holder="agent", holder_name="王建国", reason="代领")
    for person in (first, second):
        entitle(cast, person, standards, date(2026, 10, 1))
    pay(staff, date(2026, 10, 1))
    table(cast, standards, date(2026, 11, 1), grade_rates(g6=48000))  # +33 %, beyond the 20 % threshold
    november = generate(staff[0], date(2026, 11, 1))
    kinds = sorted(november.exceptions.values_list("person_id", "kind"))
    assert kinds == sorted([(first.pk, BatchException.Kind.CHANGED), (second.pk, BatchException.Kind.CHANGED),
                            (first.pk, BatchException.Kind.DUPLICATE_ACCOUNT),
                            (second.pk, BatchException.Kind.DUPLICATE_ACCOUNT)])
    assert november.payment_count == 2  # flagged, still paid


def test_a_visit_in_person_certifies_life_and_a_phone_call_does_not(cast, standards):
    seen, called = veteran(cast, seq=1), veteran(cast, seq=2, name="李秀英")
    for person in (seen, called):
        entitle(cast, person, standards, date(2026, 10, 1))
    day = timezone.localdate() - timedelta(days=3)
    visit_record(actor=cast.village_worker, person_id=seen.pk, visited_on=day, place="home")
    visit_record(actor=cast.village_worker, person_id=called.pk, visited_on=day, place="phone")
    assert services.certify_from_sightings(prefix="320115") == 1
    assert services.certify_from_sightings(prefix="320115") == 0  # idempotent
    assert Certification.objects.get(person=seen).method == Certification.Method.VISIT
    assert Recipient.objects.get(person=seen).certified_on == day
    assert not Certification.objects.filter(person=called).exists()
