"""manage.py recompute_stats: bring the precomputed statistics up to date (safe to run twice)."""

from django.core.management.base import BaseCommand

from rongjia.insights.stats import rebuild_stats, refresh_stats


class Command(BaseCommand):
    help = "Refresh the precomputed statistics (the figures touched since the last run); --full rebuilds all."

    def add_arguments(self, parser):
        parser.add_argument("--full", action="store_true",
                            help="recompute every figure from scratch (nightly, or after a bulk load)")

    def handle(self, *args, full, **options):
        report = rebuild_stats() if full else refresh_stats()
        kind = "全部重算" if report.full else "增量刷新"
        self.stdout.write(f"统计{kind}完成：{report.touched:,} 项日统计，{report.current:,} 项当前统计，"
                          f"用时 {report.seconds:.1f} 秒。")
