"""The assistance module's background jobs (django-tasks; `manage.py db_worker` runs them)."""

from django_tasks import task

from . import batch


@task()
def approve_batch(batch_id: int) -> str:
    done = batch.run_batch(batch_id)
    return f"{done.approved} of {done.total} approved"
