"""manage.py raise_due_visits: the visits owed for the 80th, 90th and 100th birthdays of the next two weeks.

Idempotent (one visit owed per person, occasion and day), so cron or a worker may run it daily, or twice.
The other 必访 occasions (illness, bereavement, a disaster…) are told by the workers as they happen.
"""

from django.core.management.base import BaseCommand
from django.utils import timezone

from rongjia.visits.services import birthday_visits_raise


class Command(BaseCommand):
    help = "Raise the birthday visits owed (80, 90, 100) of the next two weeks (safe to run twice)."

    def add_arguments(self, parser):
        parser.add_argument("--region", default="", help="only this region code prefix")

    def handle(self, *args, **options):
        made = birthday_visits_raise(today=timezone.localdate(), prefix=options["region"])
        self.stdout.write(f"新增生日必访 {made} 条。")
