"""Files made in the background (core.files, issue 24): a job's life, its progress page, its owner's alone,
its failures written on its page, its expiry."""

import io
import os
from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from rongjia.core import files
from rongjia.core.files import FileMaker, JobRefused, MadeFile, file_job_start
from rongjia.core.jobs import make_file
from rongjia.core.models import FileJob

KIND = "test.notes"


def _note_maker(job, progress) -> MadeFile:
    """A maker that reports three rows one by one and writes them: what a real one does, without a real list."""
    progress.stage("rows", total=3)
    lines = list(progress.counted(["一", "二", "三"]))
    return MadeFile(content="\n".join(lines).encode(), filename="古泉社区_测试_20261203.txt", rows=len(lines))


@pytest.fixture
def maker(monkeypatch, settings, tmp_path):
    """A registered maker of small text files (people.view), its files under a temporary MEDIA_ROOT."""
    settings.MEDIA_ROOT = tmp_path
    registered = FileMaker(kind=KIND, label="测试文件", capability="people.view", make=_note_maker)
    monkeypatch.setitem(files._MAKERS, KIND, registered)
    return registered


def start(user) -> FileJob:
    """Queued (the test's transaction never commits, so nothing runs it until the test calls the task)."""
    return file_job_start(actor=user, kind=KIND, parameters={"source": "/test/", "filters": "q=x"})


def page(client, job):
    return client.get(reverse("core:file_job", args=[job.pk]))


# --- its life ---------------------------------------------------------------------------------------------

def test_a_job_is_queued_then_made_offered_and_recorded_when_made(cast, maker, client_for):
    queued = start(cast.village_worker)
    assert queued.state == FileJob.State.QUEUED and queued.region_code == cast.village_worker.org_unit.region_code
    assert make_file.call(queued.pk) == FileJob.State.DONE
    job = FileJob.objects.get(pk=queued.pk)
    assert (job.state, job.done, job.total, job.size) == (FileJob.State.DONE, 3, 3, len("一\n二\n三".encode()))
    assert job.expires_at == job.finished_at + files.KEEP
    assert job.file.name.startswith(f"jobs/{cast.village_worker.pk}/")  # under MEDIA_ROOT, never served
    [entry] = LogEntry.objects.filter(action=LogEntry.Action.ACCESS, additional_data__what="export")
    assert (entry.actor, entry.additional_data["rows"], entry.additional_data["source"],
            entry.additional_data["filters"]) == (cast.village_worker, 3, "/test/", "q=x")
    client = client_for(cast.village_worker)
    text = page(client, job).content.decode()
    assert "已生成" in text and "下载（" in text and "只有您本人可以下载" in text
    assert 'hx-trigger="every 1s"' not in text  # made: the page stops polling
    download = client.get(reverse("core:file_job_download", args=[job.pk]))
    assert b"".join(download.streaming_content).decode() == "一\n二\n三"
    assert "attachment" in download["Content-Disposition"] and download["Cache-Control"] == "private, no-store"
    assert "%E5%8F%A4%E6%B3%89" in download["Content-Disposition"]  # 古泉…: the file's own name


def test_a_job_queued_twice_is_made_once(cast, maker):
    job = start(cast.village_worker)
    assert make_file.call(job.pk) == FileJob.State.DONE
    assert make_file.call(job.pk) == "skipped"
    assert LogEntry.objects.filter(action=LogEntry.Action.ACCESS, additional_data__what="export").count() == 1


def test_the_page_polls_and_shows_the_progress_while_the_file_is_made(cast, maker, client_for):
    job = start(cast.village_worker)
    client = client_for(cast.village_worker)
    text = page(client, job).content.decode()
    assert "排队中" in text and 'hx-trigger="every 1s"' in text and "可以先离开本页" in text
    FileJob.objects.filter(pk=job.pk).update(state=FileJob.State.RUNNING, stage="layout", done=40, total=80)
    polled = client.get(reverse("core:file_job", args=[job.pk]), headers={"HX-Request": "true"})
    text = polled.content.decode()
    assert polled.templates[0].name == "core/_file_job_status.html"  # the fragment the poll swaps in
    assert 'hx-trigger="every 1s"' in text and "正在排版" in text and "40 / 80" in text
    assert 'aria-valuenow="50"' in text and "width: 50%" in text
    FileJob.objects.filter(pk=job.pk).update(stage="writing")  # one step that cannot be counted: a moving bar
    assert "progress-bar-indeterminate" in client.get(reverse("core:file_job", args=[job.pk]),
                                                      headers={"HX-Request": "true"}).content.decode()


def test_progress_is_written_to_the_row_as_the_maker_reports_it(cast, maker):
    job = start(cast.village_worker)
    progress = files.Progress(job.pk)
    progress.stage("layout", total=10)
    progress._written = 0.0  # as if a second had passed since the last write
    progress.advance(4)
    job.refresh_from_db()
    assert (job.stage, job.done, job.total) == ("layout", 4, 10)


# --- the owner's alone ------------------------------------------------------------------------------------

@pytest.mark.parametrize("other", ["grid_worker", "county_director", "outsider", "village2_worker"])
def test_nobody_but_the_owner_sees_or_downloads_the_file(cast, maker, client_for, other):
    job = start(cast.village_worker)
    make_file.call(job.pk)
    client = client_for(getattr(cast, other))  # the grid worker works at the same station, the director above it
    assert page(client, job).status_code == 404
    assert client.get(reverse("core:file_job_download", args=[job.pk])).status_code == 404


def test_an_owner_who_lost_the_capability_or_moved_away_no_longer_reaches_the_job(cast, maker, client_for):
    job = start(cast.village_worker)
    make_file.call(job.pk)
    client = client_for(cast.village_worker)
    FileJob.objects.filter(pk=job.pk).update(region_code="320114000000")  # now outside the owner's area
    assert page(client, job).status_code == 404
    FileJob.objects.filter(pk=job.pk).update(region_code=cast.village_worker.org_unit.region_code)
    assert page(client, job).status_code == 200
    assert client_for(cast.auditor).get(reverse("core:file_job", args=[job.pk])).status_code == 404


def test_only_a_registered_maker_with_its_capability_starts_a_job(cast, maker):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        file_job_start(actor=cast.auditor, kind=KIND, parameters={})  # no people.view
    with pytest.raises(PermissionDenied):
        file_job_start(actor=cast.village_worker, kind="no.such.kind", parameters={})
    assert not FileJob.objects.exists()


# --- failures ---------------------------------------------------------------------------------------------

def test_a_maker_that_breaks_fails_the_job_with_a_message_and_keeps_no_file(cast, maker, monkeypatch, client_for):
    def broken(job, progress):
        raise ValueError("boom")

    monkeypatch.setitem(files._MAKERS, KIND, FileMaker(kind=KIND, label="测试文件", capability="people.view",
                                                      make=broken))
    job = start(cast.village_worker)
    with pytest.raises(ValueError):
        make_file.call(job.pk)  # raised again, so the worker's own record of the task says it failed too
    job.refresh_from_db()
    assert job.state == FileJob.State.FAILED and "ValueError" in job.message and "请重试" in job.message
    assert not job.file and job.expires_at
    assert not LogEntry.objects.filter(action=LogEntry.Action.ACCESS).exists()  # nothing made, nothing recorded
    text = page(client_for(cast.village_worker), job).content.decode()
    assert "生成失败" in text and "ValueError" in text
    assert client_for(cast.village_worker).get(reverse("core:file_job_download", args=[job.pk])).status_code == 302


def test_a_refusal_by_the_maker_is_the_jobs_message(cast, maker, monkeypatch):
    def refusing(job, progress):
        raise JobRefused("最多 2000 人")

    monkeypatch.setitem(files._MAKERS, KIND, FileMaker(kind=KIND, label="测试文件", capability="people.view",
                                                      make=refusing))
    job = start(cast.village_worker)
    assert make_file.call(job.pk) == FileJob.State.FAILED
    job.refresh_from_db()
    assert (job.state, job.message) == (FileJob.State.FAILED, "最多 2000 人")


def test_the_owners_capability_is_checked_again_when_the_job_runs(cast, maker, monkeypatch):
    job = start(cast.village_worker)
    monkeypatch.setattr(type(cast.village_worker), "can", lambda user, capability: False)
    assert make_file.call(job.pk) == FileJob.State.FAILED
    job.refresh_from_db()
    assert "无权查看" in job.message and not LogEntry.objects.filter(action=LogEntry.Action.ACCESS).exists()


def test_a_job_whose_worker_stopped_is_failed_by_recover_jobs(cast, maker, settings):
    job = start(cast.village_worker)
    started = timezone.now() - timedelta(minutes=settings.JOB_STALE_MINUTES + 1)
    FileJob.objects.filter(pk=job.pk).update(state=FileJob.State.RUNNING, started_at=started)
    fresh = start(cast.village_worker)
    FileJob.objects.filter(pk=fresh.pk).update(state=FileJob.State.RUNNING, started_at=timezone.now())
    out = io.StringIO()
    call_command("recover_jobs", stdout=out)
    assert "中途停止 1 个" in out.getvalue()
    job.refresh_from_db()
    fresh.refresh_from_db()
    assert job.state == FileJob.State.FAILED and "重新生成" in job.message
    assert fresh.state == FileJob.State.RUNNING


# --- expiry -----------------------------------------------------------------------------------------------

def test_a_file_is_deleted_when_its_time_is_up_and_the_page_says_so(cast, maker, client_for):
    job = start(cast.village_worker)
    make_file.call(job.pk)
    job.refresh_from_db()
    path = job.file.path
    FileJob.objects.filter(pk=job.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    out = io.StringIO()
    call_command("recover_jobs", stdout=out)
    assert "到期删除 1 个" in out.getvalue()
    job.refresh_from_db()
    assert job.state == FileJob.State.EXPIRED and not job.file
    assert not os.path.exists(path)
    client = client_for(cast.village_worker)
    assert "已到期删除" in page(client, job).content.decode()
    assert client.get(reverse("core:file_job_download", args=[job.pk])).status_code == 302
    FileJob.objects.filter(pk=job.pk).update(expires_at=timezone.now() - files.ROWS_KEPT - timedelta(days=1))
    files.purge_expired_files()  # a month later the row itself goes
    assert not FileJob.objects.filter(pk=job.pk).exists()


def test_asking_for_a_file_purges_the_files_whose_time_is_up(cast, maker):
    old = start(cast.village_worker)
    make_file.call(old.pk)
    FileJob.objects.filter(pk=old.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    start(cast.street_worker)
    old.refresh_from_db()
    assert old.state == FileJob.State.EXPIRED and not old.file
