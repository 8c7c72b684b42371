"""The assistance bench runs end to end on the cast's county (江宁区): a fund, a dozen applications past their 公示,
a few approved by hand through the service, the rest by the batch job in chunks with progress, every figure checked
against the database, and nothing left behind. Correctness only: the figures' times are not checked."""

import io

import pytest
from auditlog.models import LogEntry
from django.core.management import CommandError, call_command

from rongjia.accounts.models import User
from rongjia.assistance import batch
from rongjia.assistance.models import AidApplication, AidKind, ApprovalBatch, Fund, FundEntry
from rongjia.benchmarks.assistance import KIND, BenchError, bench_assistance
from rongjia.people.models import Person

pytestmark = pytest.mark.django_db


def _nothing_left(people: int, log_entries: int) -> None:
    assert not AidApplication.objects.exists() and not Fund.objects.exists() and not FundEntry.objects.exists()
    assert not ApprovalBatch.objects.exists() and not AidKind.objects.filter(name=KIND).exists()
    assert not User.objects.filter(username="bench_assistance_director").exists()
    assert Person.objects.count() == people and LogEntry.objects.count() == log_entries


def test_the_assistance_bench_approves_in_chunks_checks_the_money_and_rolls_back(cast, monkeypatch):
    monkeypatch.setattr(batch, "CHUNK", 5)  # several chunks, so the progress has steps to check
    people, log_entries = Person.objects.count(), LogEntry.objects.count()
    figures = bench_assistance(applications=12, by_hand=3)
    assert [figure.ratio is not None and figure.ratio > 0 for figure in figures] == [True, False, False]
    job, chunks, by_hand = figures
    assert job.name.startswith("batch approval of 12 aid applications at 江宁区 (") and "approvals/s" in job.measured
    assert "12 × one approval by hand" in job.baseline and "with the start: met" in job.note
    assert "(3 chunks)" in chunks.name and chunks.note.endswith("done 5 → 10 → 12")
    assert "(3 applications)" in by_hand.name
    _nothing_left(people, log_entries)


def test_a_batch_that_skips_the_audit_stops_the_bench(cast, monkeypatch):
    monkeypatch.setattr(batch, "_audit", lambda actor, approved, fund: None)
    people, log_entries = Person.objects.count(), LogEntry.objects.count()
    with pytest.raises(BenchError, match="0 audit entries for 6 approvals"):
        bench_assistance(applications=4, by_hand=2)
    _nothing_left(people, log_entries)


def test_a_batch_that_pays_the_wrong_amount_stops_the_bench(cast, monkeypatch):
    chunk = batch._approve_chunk

    def generous(approval, ids):
        chunk(approval, ids)
        AidApplication.objects.filter(pk__in=ids).update(amount_approved=9999)

    monkeypatch.setattr(batch, "_approve_chunk", generous)
    with pytest.raises(BenchError, match="of 5 applications approved for the amount proposed"):
        bench_assistance(applications=5, by_hand=1)
    assert not AidApplication.objects.exists()


def test_the_bench_command_prints_the_assistance_lines(cast):
    out = io.StringIO()
    call_command("bench", "--only", "assistance", "--applications", "3", stdout=out)
    printed = out.getvalue()
    assert "batch approval of 3 aid applications at 江宁区" in printed and "each chunk of 500 (1 chunk)" in printed
    assert not AidApplication.objects.exists()
    with pytest.raises(CommandError):
        call_command("bench", "--only", "assistance", "--applications", "0", stdout=io.StringIO())
