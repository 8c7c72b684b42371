"""Background jobs of the dossiers (django-tasks: the database backend, `manage.py db_worker` runs them)."""

from django_tasks import task

from rongjia.core.audit import audit_actor


@task()
def run_import(job_id: int, commit: bool = False) -> str:
    """Check (or commit) one uploaded ledger; the job row carries progress and the per-row report."""
    from .importing.run import check_job, commit_job
    from .models import ImportJob

    job = ImportJob.objects.select_related("uploaded_by").get(pk=job_id)
    try:
        with audit_actor(job.uploaded_by):
            return (commit_job(job) if commit else check_job(job)).state
    except Exception as exc:
        # Nothing half-written: the commit is one transaction. Say so on the job, then let the
        # worker record the traceback.
        ImportJob.objects.filter(pk=job_id).update(state=ImportJob.State.FAILED,
                                                   message=f"导入失败：{type(exc).__name__}")
        if job.file:  # it holds ID numbers in clear and no commit will read it now
            job.file.delete(save=False)
            ImportJob.objects.filter(pk=job_id).update(file="")
        raise
