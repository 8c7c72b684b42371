"""The evaluation run as a background job (django-tasks; `manage.py db_worker` runs it)."""

from django_tasks import task

from . import scoring


@task()
def score_run(run_id: int) -> str:
    run = scoring.score_run(run_id)
    return f"{run.total_units} stations scored"
