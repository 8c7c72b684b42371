"""The benefits bench runs end to end on the cast's county (江宁区): a few hundred recipients with their accounts and
entitlements, the month's batch generated, its page opened by the 复核, prepared, checked and approved by three bench
users, every figure checked against the database first, and nothing left behind. Correctness only: the figures'
times are not checked."""

import pytest
from auditlog.models import LogEntry

from rongjia.accounts.models import User
from rongjia.benchmarks import benefits as bench
from rongjia.benchmarks.benefits import BenchError, bench_benefits, largest_county
from rongjia.benefits import batches
from rongjia.benefits.models import Entitlement, PaymentAccount, PaymentBatch, Recipient
from rongjia.people.models import Person
from tests.factories import HOME_COUNTY

pytestmark = pytest.mark.django_db


def _nothing_left(people: int, log_entries: int) -> None:
    assert not PaymentBatch.objects.exists() and not Entitlement.objects.exists()
    assert not Recipient.objects.exists() and not PaymentAccount.objects.exists()
    assert not User.objects.filter(username__startswith="bench_benefits_").exists()
    assert Person.objects.count() == people and LogEntry.objects.count() == log_entries


def test_the_benefits_bench_generates_checks_approves_and_rolls_back(cast):
    people, log_entries = Person.objects.count(), LogEntry.objects.count()
    figures = bench_benefits(people=300, county=HOME_COUNTY)
    assert [figure.ratio is not None and figure.ratio > 0 for figure in figures] == [True, True, True]
    generated, page, approval = figures
    assert generated.name.startswith("payment batch of 江宁区 (320115, ") and "300 recipients" in generated.name
    # 300 persons: 3 without an account, 2 suspended, the other 295 paid (1.3 items each, 3 from three months back)
    assert "295 payments, 5 exceptions" in generated.measured and "generated and checked < 60 s: met" in generated.note
    assert "(5 requests)" in page.name and "three bench users" in approval.note
    _nothing_left(people, log_entries)


def test_a_batch_that_leaves_someone_out_stops_the_bench(cast, monkeypatch):
    compute = batches.compute

    def forgetful(**kwargs):
        computed = compute(**kwargs)
        computed.payments = computed.payments[1:]
        return computed

    monkeypatch.setattr(batches, "compute", forgetful)
    people, log_entries = Person.objects.count(), LogEntry.objects.count()
    with pytest.raises(BenchError, match="of the bench's persons paid, not the 58 with an account and no exception"):
        bench_benefits(people=60, county=HOME_COUNTY)
    _nothing_left(people, log_entries)


def test_a_batch_whose_total_is_not_its_payments_stops_the_bench(cast, monkeypatch):
    write = batches._write

    def generous(batch, computed):
        write(batch, computed)
        batch.total += 1

    monkeypatch.setattr(batches, "_write", generous)
    with pytest.raises(BenchError, match="is not the sum of its"):
        bench_benefits(people=40, county=HOME_COUNTY)
    assert not PaymentBatch.objects.exists()


def test_the_bench_counts_the_back_pay_lines(cast, monkeypatch):
    monkeypatch.setattr(bench, "PATTERNS", bench.PATTERNS[5:6])  # 复员军人 only: one item each
    figures = bench_benefits(people=100, county=HOME_COUNTY)
    # 98 paid (one without an account, one suspended), one of them from three months back: 3 more lines
    assert "(101 lines, 98 payments, 2 exceptions;" in figures[0].measured


def test_the_largest_county_of_gansu_is_the_one_with_most_villages():
    assert largest_county("62") == "621202"  # 武都区, 701 villages in the region files
