"""manage.py run_deadlines: warnings 5 days and 1 day before each petition deadline, escalation when overdue, and
the 积案: a case (awaiting its 包案 leader) for each petition open past its deadline or lodged three times, and the
case resolved once its petition is closed.

Idempotent: each warning is made once per deadline and each petition has at most one case, however often this
runs (cron, a worker). The pages do not wait for it: they read the deadlines and the qualifying petitions live.
"""

from django.core.management.base import BaseCommand
from django.utils import timezone

from rongjia.petitions.backlog.services import backlog_open_detected, backlog_resolve_closed
from rongjia.petitions.deadlines import run_deadlines


class Command(BaseCommand):
    help = "Make the petition deadline warnings, overdue escalations and 积案 due today (safe to run twice)."

    def handle(self, *args, **options):
        today = timezone.localdate()
        made = run_deadlines(today)
        opened, resolved = backlog_open_detected(today), backlog_resolve_closed(today)
        self.stdout.write(f"新发出提醒 {made} 条；新增积案 {opened} 件，化解 {resolved} 件。")
