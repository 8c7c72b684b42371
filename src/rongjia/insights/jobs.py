"""Background refresh of the statistics (django-tasks; `manage.py db_worker` runs it)."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from .models import StatsRefresh


@task()
def refresh_statistics() -> str:
    from .stats import refresh_stats

    report = refresh_stats()
    return f"{report.touched} figures, {report.current} current, {report.seconds:.1f} s"


def refresh_if_stale() -> None:
    """Queue one refresh when the figures are older than STATS_MAX_AGE_SECONDS.

    The conditional update claims the refresh, so many dashboards opened at once queue one job.
    """
    now = timezone.now()
    stale = now - timedelta(seconds=settings.STATS_MAX_AGE_SECONDS)
    StatsRefresh.objects.get_or_create(pk=1)
    claimed = StatsRefresh.objects.filter(
        Q(finished_at__isnull=True) | Q(finished_at__lt=stale), pk=1,
    ).filter(Q(queued_at__isnull=True) | Q(queued_at__lt=stale)).update(queued_at=now)
    if claimed:
        transaction.on_commit(refresh_statistics.enqueue)
