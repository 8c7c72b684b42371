"""Jobs whose worker stopped mid-pass (killed, machine restarted) stay VALIDATING or COMMITTING for
ever. `manage.py recover_jobs` (run by `make serve` before the worker starts) queues each such job
once more; a second stop fails it with a message. A commit cannot duplicate anyone: it is one
transaction, and a retry counts the rows already registered as unchanged."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from rongjia.core.workflow import step_between

from ..books.workflows import IMPORT_JOB
from ..models import ImportJob
from .staging import discard_upload

MAX_RESTARTS = 1


def recover_stale_jobs() -> tuple[int, int]:
    """(jobs queued again, jobs failed): those whose pass began over JOB_STALE_MINUTES ago."""
    from ..jobs import run_import

    cutoff = timezone.now() - timedelta(minutes=settings.JOB_STALE_MINUTES)
    stale = ImportJob.objects.filter(state__in=[ImportJob.State.VALIDATING, ImportJob.State.COMMITTING],
                                     started_at__lt=cutoff)
    retried = failed = 0
    for job in stale:
        commit = job.state == ImportJob.State.COMMITTING
        if job.attempts >= MAX_RESTARTS:
            ImportJob.objects.filter(pk=job.pk).update(
                state=IMPORT_JOB.step("fail").target, finished_at=timezone.now(),
                message="后台任务两次中途停止，导入未完成，没有写入任何数据；请重新上传。")
            if job.file:
                discard_upload(job)
                ImportJob.objects.filter(pk=job.pk).update(file="")
            failed += 1
            continue
        # Claimed by a conditional update, so two recoveries running at once restart it once.
        if ImportJob.objects.filter(pk=job.pk, state=job.state, attempts=job.attempts).update(
                state=step_between(IMPORT_JOB, job.state, ImportJob.State.QUEUED).target, attempts=job.attempts + 1):
            run_import.enqueue(job.pk, commit=commit)
            retried += 1
    return retried, failed
