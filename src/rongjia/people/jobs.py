"""Background jobs of the dossiers (django-tasks: the database backend, `manage.py db_worker` runs them)."""

from django_tasks import task

from rongjia.core.audit import audit_actor


@task(backend="imports")  # settings.TASKS["imports"]: the default backend unless RONGJIA_IMPORT_TASKS says otherwise
def run_import(job_id: int, commit: bool = False) -> str:
    """Check (or commit) one uploaded ledger; the job row carries progress and the per-row report."""
    from .importing.run import check_job, commit_job
    from .importing.staging import discard_upload
    from .models import ImportJob

    job = ImportJob.objects.select_related("uploaded_by").get(pk=job_id)
    try:
        with audit_actor(job.uploaded_by):
            return (commit_job(job) if commit else check_job(job)).state
    except Exception as exc:
        if commit:
            # The commit is one transaction: a dropped connection (or any error) rolled all of it back.
            # The checked file stays, so the uploader can press import again.
            message = f"导入中断（{type(exc).__name__}），没有写入任何数据，可以重新导入。"
            _move(job_id, "interrupted", message=message)
            raise
        _move(job_id, "fail", message=f"检查失败：{type(exc).__name__}")
        if job.file:  # it holds ID numbers in clear and no commit will read it now
            discard_upload(job)
            ImportJob.objects.filter(pk=job_id).update(file="")
        raise


def _move(job_id: int, action: str, **fields) -> None:
    """A step of books.workflows.IMPORT_JOB taken by the worker itself: only from the step's source states."""
    from .books.workflows import IMPORT_JOB
    from .models import ImportJob

    IMPORT_JOB.move_rows(ImportJob.objects.filter(pk=job_id), action, **fields)
