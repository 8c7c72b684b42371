"""A run's states on core's engine: 未开始 → 评分中 (the background job) → 已评分 (open for marks and adjustments; it
may be scored again) → 已结束 (closed: its scores and stars stand, and the next period compares with them)."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from rongjia.core.workflow import Machine, Step

from .models import Run

R = Run.State


def _started(run, actor, today, data) -> dict:
    """The job is queued once the step is saved; the measures will read what the one who started it may see."""
    from . import jobs  # the job imports the scoring, which takes the machine's last step

    run.started_at, run.started_by, run.finished_at, run.done_units = timezone.now(), actor, None, 0
    transaction.on_commit(lambda: jobs.score_run.enqueue(run.pk))
    return {}


def _closed(run, actor, today, data) -> dict:
    run.closed_at = timezone.now()
    return {}


RUN = Machine(
    name="evaluation_run", label=gettext_lazy("Evaluation period"), states=R, initial=R.DRAFT,
    steps=(
        Step("start", gettext_lazy("Score the stations"), (R.DRAFT, R.SCORED), R.RUNNING,
             capability="evaluation.manage", effect=_started),
        Step("finish", gettext_lazy("Scoring finished"), (R.RUNNING,), R.SCORED),  # taken by the job
        Step("close", gettext_lazy("Close the period"), (R.SCORED,), R.CLOSED, capability="evaluation.manage",
             effect=_closed),
    ),
    saved_fields=("started_at", "started_by", "finished_at", "closed_at", "done_units", "total_units"),
)
