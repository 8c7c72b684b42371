from datetime import timedelta

from auditlog.models import LogEntry
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

MINIMUM_RETENTION_DAYS = 184  # 等保 8.1.4.3 asks for at least six months; the database refuses less


class Command(BaseCommand):
    help = "Delete audit log entries older than the retention period (at least 184 days)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=settings.AUDIT_RETENTION_DAYS,
                            help="keep this many days (default RONGJIA_AUDIT_RETENTION_DAYS, at least 184)")
        parser.add_argument("--dry-run", action="store_true", help="count, delete nothing")

    def handle(self, days: int, dry_run: bool, **options):
        if days < MINIMUM_RETENTION_DAYS:
            raise CommandError(f"审计日志至少保留 {MINIMUM_RETENTION_DAYS} 天，不能只保留 {days} 天。")
        cutoff = timezone.now() - timedelta(days=days)
        old = LogEntry.objects.filter(timestamp__lt=cutoff)
        if dry_run:
            self.stdout.write(f"{cutoff:%Y-%m-%d} 之前的审计日志共 {old.count()} 条（未删除）")
            return
        deleted, _by_model = old.delete()
        self.stdout.write(f"已删除 {cutoff:%Y-%m-%d} 之前的审计日志 {deleted} 条")
