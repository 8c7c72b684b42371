"""Faults during an import (等保 8.1.4 / reliability): the database connection lost mid-commit, and
the worker killed mid-commit or mid-check. Nothing is half-written, the job can run again, and
nobody is registered twice."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import OperationalError
from django.test import override_settings
from django.utils import timezone

from rongjia.people.importing import import_commit, run
from rongjia.people.importing.recovery import recover_stale_jobs
from rongjia.people.models import ImportJob, Person
from tests.people.ledgers import check, good_row, read, workbook_bytes

ROWS = 5


class WorkerKilled(BaseException):
    """What a SIGKILL looks like from inside: nothing after it runs, no except Exception catches it."""


@pytest.fixture(autouse=True)
def media(tmp_path):
    with override_settings(MEDIA_ROOT=tmp_path):
        yield


@pytest.fixture
def checked_job(cast, monkeypatch):
    monkeypatch.setattr(run, "WRITE_BATCH", 2)  # several batches, so a fault can fall between two
    job = check(cast.village_worker, workbook_bytes([good_row(n) for n in range(1, ROWS + 1)]))
    assert job.state == ImportJob.State.VALID and not job.changes  # nothing to accept before the commit
    return job


def run_in_worker(cast, job) -> None:
    """Queue the commit; the (immediate) task backend records the task's own failure and goes on,
    as a worker process would, so the job row alone tells what happened."""
    try:
        import_commit(actor=cast.village_worker, job=job)
    except (OperationalError, WorkerKilled):
        pass


def stale(job) -> None:
    """As if the pass had begun two hours ago: past JOB_STALE_MINUTES."""
    ImportJob.objects.filter(pk=job.pk).update(started_at=timezone.now() - timedelta(hours=2))


def fail_second_batch(monkeypatch, error):
    """The commit's second batch of new people (as the check staged them) fails with `error`."""
    original = run.write_entries
    calls = []

    def batch(entries, *, encrypted):
        calls.append(len(entries))
        if len(calls) == 2:
            raise error
        return original(entries, encrypted=encrypted)

    monkeypatch.setattr(run, "write_entries", batch)
    return lambda: monkeypatch.setattr(run, "write_entries", original)


def test_a_connection_lost_mid_commit_writes_nothing_and_the_job_runs_again(cast, checked_job, monkeypatch):
    restore = fail_second_batch(monkeypatch, OperationalError("server closed the connection unexpectedly"))
    run_in_worker(cast, checked_job)
    checked_job.refresh_from_db()
    assert checked_job.state == ImportJob.State.VALID and "OperationalError" in checked_job.message
    assert not Person.objects.exists()
    restore()
    import_commit(actor=cast.village_worker, job=checked_job)
    checked_job.refresh_from_db()
    assert checked_job.state == ImportJob.State.DONE and Person.objects.count() == ROWS


def test_a_worker_killed_mid_commit_is_restarted_once_and_registers_nobody_twice(cast, checked_job, monkeypatch):
    restore = fail_second_batch(monkeypatch, WorkerKilled())
    run_in_worker(cast, checked_job)
    checked_job.refresh_from_db()
    assert checked_job.state == ImportJob.State.COMMITTING and not Person.objects.exists()  # left hanging
    assert recover_stale_jobs() == (0, 0)  # not stale yet: it might still be running
    stale(checked_job)
    restore()
    assert recover_stale_jobs() == (1, 0)
    checked_job.refresh_from_db()
    assert checked_job.state == ImportJob.State.DONE and checked_job.attempts == 1
    assert Person.objects.count() == ROWS
    assert recover_stale_jobs() == (0, 0)  # done is done


def test_a_job_that_stops_twice_fails_with_a_message(cast, checked_job):
    ImportJob.objects.filter(pk=checked_job.pk).update(state=ImportJob.State.COMMITTING, attempts=1,
                                                       started_at=timezone.now() - timedelta(hours=2))
    assert recover_stale_jobs() == (0, 1)
    checked_job.refresh_from_db()
    assert checked_job.state == ImportJob.State.FAILED and "重新上传" in checked_job.message
    assert not checked_job.file and not Person.objects.exists()


@pytest.mark.parametrize("pass_", ["read", "check"])
def test_a_worker_killed_mid_read_or_mid_check_is_restarted_and_the_pass_runs_again(cast, pass_):
    """The read pass (columns) and the check write no person: restarted by `manage.py recover_jobs` (which
    `make serve` runs before the worker starts), each ends where it would have."""
    content = workbook_bytes([good_row(n) for n in range(1, ROWS + 1)])
    job = read(cast.village_worker, content) if pass_ == "read" else check(cast.village_worker, content)
    ImportJob.objects.filter(pk=job.pk).update(state=ImportJob.State.VALIDATING)  # as a killed worker leaves it
    assert recover_stale_jobs() == (0, 0)
    stale(job)
    out = io.StringIO()
    call_command("recover_jobs", stdout=out)
    assert "重新排队 1 个，标记失败 0 个" in out.getvalue()
    job.refresh_from_db()
    expected = ImportJob.State.MAPPING if pass_ == "read" else ImportJob.State.VALID
    assert job.state == expected and job.attempts == 1 and job.file and not Person.objects.exists()
    if pass_ == "check":
        assert job.created_count == ROWS
