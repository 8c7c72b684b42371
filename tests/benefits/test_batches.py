"""Batches: regenerated freely and idempotently before approval, never changed after, three different people for
the three steps, approval refused when anything changed since generation, the bank's return file applied whole or
not at all, and a failed transfer re-issued exactly in the next batch."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from rongjia.benefits import bankfiles, batches, services
from rongjia.benefits.models import BankFormat, Payment, PaymentBatch, PaymentLine
from tests.factories import UserFactory

from .conftest import entitle, generate, grade_rates, lines_of, pay, table, take, veteran
from .test_bank_files import bank_return

pytestmark = pytest.mark.django_db
S = PaymentBatch.State

COLUMNS = [{"field": "seq", "title": "序号"}, {"field": "reference", "title": "业务编号"},
           {"field": "account", "title": "账号"}, {"field": "holder", "title": "户名"},
           {"field": "amount", "title": "金额"}]


@pytest.fixture
def fmt(db):
    return BankFormat.objects.create(name="测试CSV", bank="农业银行", kind="csv", encoding="gbk", columns=COLUMNS,
                                     header=True, totals="", success_values=["成功"])


@pytest.fixture
def three(cast, staff, standards):
    """Three pensioners entitled from October."""
    people = [veteran(cast, seq=seq, name=name) for seq, name in ((1, "王建国"), (2, "李秀英"), (3, "赵卫东"))]
    for person in people:
        entitle(cast, person, standards, date(2026, 10, 1))
    return people


def returned(batch, fmt, failed=None) -> SimpleUploadedFile:
    content, _name = batches.bank_file(actor=batch.created_by, pk=batch.pk, bank_format=fmt)
    return SimpleUploadedFile("return.csv", bank_return(content, fmt, failed or {}))


def test_regenerating_what_did_not_change_keeps_the_steps_taken(staff, three):
    preparer, _checker, director = staff
    batch = generate(preparer, date(2026, 10, 1))
    take(preparer, batch, "prepare")
    take(director, batch, "check")
    digest, lines = batch.digest, list(PaymentLine.objects.filter(payment__batch=batch).values_list(
        "payment__person_id", "item_id", "period", "kind", "amount"))
    batches.batch_regenerate(actor=preparer, pk=batch.pk)
    batch = batches.run_generation(batch.pk)
    assert (batch.state, batch.digest) == (S.CHECKED, digest)
    with pytest.raises(ValidationError):
        take(director, batch, "approve")  # the steps are kept, and so are who took them
    assert list(PaymentLine.objects.filter(payment__batch=batch).values_list(
        "payment__person_id", "item_id", "period", "kind", "amount")) == lines
    assert batch.total == Decimal("9000.00") == sum(p.amount for p in batch.payments.all())


def test_regenerating_after_a_change_sends_the_batch_back_to_be_prepared(cast, staff, three, standards):
    preparer, checker, _director = staff
    batch = generate(preparer, date(2026, 10, 1))
    take(preparer, batch, "prepare")
    entitle(cast, veteran(cast, seq=4, name="孙立"), standards, date(2026, 10, 1))
    batches.batch_regenerate(actor=preparer, pk=batch.pk)
    batch = batches.run_generation(batch.pk)
    assert (batch.state, batch.payment_count, batch.total) == (S.DRAFT, 4, Decimal("12000.00"))


def test_approval_is_refused_when_something_changed_since_generation(cast, staff, three, standards):
    preparer, checker, director = staff
    batch = generate(preparer, date(2026, 10, 1))
    take(preparer, batch, "prepare")
    take(checker, batch, "check")
    table(cast, standards, date(2026, 10, 1), grade_rates(g4=61200, g6=36720))  # a raise entered meanwhile
    with pytest.raises(ValidationError):
        take(director, batch, "approve")
    batch.refresh_from_db()
    assert batch.state == S.CHECKED
    assert not PaymentBatch.objects.filter(state=S.APPROVED).exists()


def test_three_different_people_prepare_check_and_approve(cast, staff, three):
    """Two directors (each may take every step) and a staff member: nobody takes two of the three steps."""
    preparer, checker, director = staff
    deputy = UserFactory(username="benefits_deputy", org_unit=director.org_unit, roles=["centre_director"])
    batch = generate(preparer, date(2026, 10, 1))
    take(director, batch, "prepare")
    with pytest.raises(ValidationError):
        take(director, batch, "check")  # who prepared it
    take(deputy, batch, "check")
    for taken_before in (director, deputy):
        with pytest.raises(ValidationError):
            take(taken_before, batch, "approve")
    with pytest.raises(PermissionDenied):
        take(checker, batch, "approve")  # centre staff may not approve at all
    assert PaymentBatch.objects.get(pk=batch.pk).state == S.CHECKED
    # sent back and prepared again, the earlier steps no longer count
    take(deputy, batch, "send_back", "金额需核对")
    take(preparer, batch, "prepare")
    take(checker, batch, "check")
    assert take(director, batch, "approve").state == S.APPROVED
    assert list(batch.events.values_list("action", flat=True)) == [
        "regenerate", "regenerate", "prepare", "check", "send_back", "prepare", "check", "approve"]


def test_an_approved_batch_never_changes(staff, three):
    batch = pay(staff, date(2026, 10, 1))
    with pytest.raises(ValidationError):
        batches.batch_regenerate(actor=staff[0], pk=batch.pk)
    with pytest.raises(ValidationError):
        take(staff[1], batch, "send_back", "重做")
    assert PaymentBatch.objects.get(pk=batch.pk).state == S.APPROVED


def test_a_failed_transfer_is_reissued_exactly_the_next_month(staff, three, fmt):
    october = pay(staff, date(2026, 10, 1))
    failed = october.payments.get(person=three[1])
    take(staff[0], october, "record_return", file=returned(october, fmt, {failed.seq: "账户已销户"}))
    october.refresh_from_db()
    assert october.state == S.PAID
    assert dict(october.payments.values_list("person_id", "result")) == {
        three[0].pk: Payment.Result.PAID, three[1].pk: Payment.Result.FAILED, three[2].pk: Payment.Result.PAID}
    november = generate(staff[0], date(2026, 11, 1))
    assert lines_of(november, three[1]) == [("2026-10", PaymentLine.Kind.REISSUE, "3000.00"),
                                            ("2026-11", PaymentLine.Kind.REGULAR, "3000.00")]
    for paid in (three[0], three[2]):
        assert lines_of(november, paid) == [("2026-11", PaymentLine.Kind.REGULAR, "3000.00")]


def test_a_return_file_for_another_batch_or_with_an_unknown_account_changes_nothing(cast, staff, three, fmt):
    october = pay(staff, date(2026, 10, 1))
    november = pay(staff, date(2026, 11, 1))
    with pytest.raises(ValidationError):
        take(staff[0], november, "record_return", file=returned(october, fmt))
    content, _name = batches.bank_file(actor=staff[0], pk=november.pk, bank_format=fmt)
    account = november.payments.first().account.number
    forged = bank_return(content, fmt).decode("gbk").replace(account, "6222020000000000999").encode("gbk")
    with pytest.raises(ValidationError):
        take(staff[0], november, "record_return", file=SimpleUploadedFile("r.csv", forged))
    november.refresh_from_db()
    assert november.state == S.APPROVED
    assert set(november.payments.values_list("result", flat=True)) == {Payment.Result.PENDING}


def test_a_bank_file_is_only_for_an_approved_batch_and_its_download_is_audited(staff, three, fmt):
    from auditlog.models import LogEntry

    batch = generate(staff[0], date(2026, 10, 1))
    with pytest.raises(ValidationError):
        batches.bank_file(actor=staff[0], pk=batch.pk, bank_format=fmt)
    batch = pay(staff, date(2026, 11, 1))
    content, name = batches.bank_file(actor=staff[0], pk=batch.pk, bank_format=fmt)
    assert name.endswith(".csv") and bankfiles.read_bank_file(content, fmt).total == batch.total
    assert LogEntry.objects.filter(action=LogEntry.Action.ACCESS, additional_data__source="benefits.bank_file").exists()


def test_batches_run_forward_and_are_made_by_a_county(cast, staff, three):
    generate(staff[0], date(2026, 11, 1))
    with pytest.raises(ValidationError):
        batches.batch_create(actor=staff[0], month=date(2026, 10, 1))
    with pytest.raises(ValidationError):
        batches.batch_create(actor=staff[0], month=date(2027, 6, 1))
    with pytest.raises(PermissionDenied):
        batches.batch_create(actor=cast.village_worker, month=date(2026, 12, 1))
    assert PaymentBatch.objects.count() == 1


def test_a_batch_leaves_out_whom_it_cannot_pay_and_says_why(cast, staff, three, standards):
    no_account = veteran(cast, seq=5, name="钱进", account=False)
    entitle(cast, no_account, standards, date(2026, 10, 1))
    batch = generate(staff[0], date(2026, 10, 1))
    assert batch.exceptions.get(person=no_account).kind == "no_account"
    assert batch.payment_count == 3
    approved = batches.batch_step  # the person left out is paid October as back-pay once the account exists
    take(staff[0], batch, "prepare")
    take(staff[1], batch, "check")
    approved(actor=staff[2], pk=batch.pk, action="approve", version=PaymentBatch.objects.get(pk=batch.pk).version)
    services.account_add(actor=cast.village_worker, person=no_account, bank="农业银行", number="6222020000000000011")
    november = generate(staff[0], date(2026, 11, 1))
    assert lines_of(november, no_account) == [("2026-10", PaymentLine.Kind.BACK_PAY, "3000.00"),
                                              ("2026-11", PaymentLine.Kind.REGULAR, "3000.00")]
