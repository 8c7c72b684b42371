"""manage.py load_holidays [YEAR ...]: the holiday table of those years from the chinesecalendar package.

Run it when a new State Council notice is out and the package (upgraded) has it; days entered
by hand for those years are replaced. Without a year it lists the years the package knows.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from rongjia.core.holidays import days_from_package, package_years
from rongjia.core.models import CalendarDay
from rongjia.core.signals import announce_holidays_changed


class Command(BaseCommand):
    help = "Load the holidays and 调休 working days of the given years from the chinesecalendar package."

    def add_arguments(self, parser):
        parser.add_argument("years", nargs="*", type=int)

    def handle(self, *args, years, **options):
        known = package_years()
        if not years:
            self.stdout.write("chinesecalendar 已包含：" + "、".join(map(str, sorted(known))))
            return
        unknown = sorted(set(years) - known)
        if unknown:
            raise CommandError(f"chinesecalendar 尚无这些年份的放假安排：{unknown}；请升级该包或在系统中手工录入。")
        with transaction.atomic():
            CalendarDay.objects.filter(date__year__in=years).delete()
            days = [CalendarDay(date=day, kind=kind, name=name) for day, kind, name in days_from_package(years)]
            CalendarDay.objects.bulk_create(days)
        self.stdout.write(f"已载入 {len(days)} 天（{'、'.join(map(str, years))}）。")
        # Deadlines counted before these years had a table (weekends only) are counted again.
        changed = announce_holidays_changed(years)
        self.stdout.write(f"重新计算后变动的期限：{len(changed)} 项。")
        for line in changed:
            self.stdout.write(f"  {line}")
