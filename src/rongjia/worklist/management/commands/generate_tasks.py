from datetime import date

from django.core.management.base import BaseCommand

from rongjia.worklist.recurrence import generate_due


class Command(BaseCommand):
    help = "Make this period's instance of every standing menu and recurring task (safe to run twice)."

    def add_arguments(self, parser):
        parser.add_argument("--day", type=date.fromisoformat, help="the day whose period to make (default today)")

    def handle(self, *args, day=None, **options):
        made = generate_due(day)
        self.stdout.write(f"{len(made)} task(s) made")
