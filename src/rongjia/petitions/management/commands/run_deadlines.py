"""manage.py run_deadlines: warnings 5 days and 1 day before each petition deadline, escalation when overdue.

Idempotent: each warning is made once per deadline, however often this runs (cron, a worker).
"""

from django.core.management.base import BaseCommand
from django.utils import timezone

from rongjia.petitions.deadlines import run_deadlines


class Command(BaseCommand):
    help = "Make the petition deadline warnings and overdue escalations due today (safe to run twice)."

    def handle(self, *args, **options):
        made = run_deadlines(timezone.localdate())
        self.stdout.write(f"新发出提醒 {made} 条。")
