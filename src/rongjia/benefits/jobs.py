"""The benefits module's background jobs (django-tasks; `manage.py db_worker` runs them)."""

from django_tasks import task

from . import batches


@task()
def generate_batch(batch_id: int) -> str:
    batch = batches.run_generation(batch_id)
    return f"{batch.payment_count} payments, {batch.exception_count} exceptions"
