from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from rongjia.core.backup import RestoreRefused, restore


class Command(BaseCommand):
    help = ("Restore a backup into an empty database and an empty MEDIA_ROOT, then check every table's "
            "row count and checksum against the backup's manifest (exit 1 on any difference).")

    def add_arguments(self, parser):
        parser.add_argument("source", type=Path, help="a folder made by manage.py backup")

    def handle(self, source: Path, **options):
        try:
            differences = restore(source)
        except RestoreRefused as refused:
            raise CommandError(str(refused)) from None
        if differences["tables"] or differences["media"]:
            raise CommandError(f"恢复后与备份清单不一致：表 {differences['tables']}，文件 {differences['media']}")
        self.stdout.write("恢复完成：每张表的行数与校验和、每个上传文件均与备份清单一致")
