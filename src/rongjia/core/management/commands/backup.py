from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from rongjia.core.backup import RestoreRefused, backup


class Command(BaseCommand):
    help = ("A consistent snapshot of the database (SQLite online backup or pg_dump) and the uploaded files, "
            "with a manifest of every table's row count and checksum. The keys are not included: keep them apart.")

    def add_arguments(self, parser):
        parser.add_argument("--out", type=Path, default=Path(settings.VAR_DIR) / "backups",
                            help="the folder that receives a new rongjia-YYYYMMDD-HHMMSS folder")

    def handle(self, out: Path, **options):
        try:
            result = backup(out)
        except RestoreRefused as refused:
            raise CommandError(str(refused)) from None
        self.stdout.write(f"备份完成：{result.path}（{result.tables} 张表，{result.rows} 行，{result.files} 个文件）")
