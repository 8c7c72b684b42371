from django.core.management.base import BaseCommand, CommandError

from rongjia.core.regions import PREFIX_LENGTH
from rongjia.demo.scale import Progress, ScaleReport, seed_scale
from rongjia.demo.scale_run import BUSY, DONE

MAX_PEOPLE = 50_000_000
INTERRUPTED = "已中断：已完成的县已保存，正在写入的县已整体撤销；重新运行同一命令即从未完成的县继续。"


class Command(BaseCommand):
    help = ("Build a province-sized database for benchmarks: every unit of a region (default 62, 甘肃省) with its "
            "centre or station, served people and years of activity (about 10 rows a person). Resumable: a rerun "
            "skips the counties already written.")

    def add_arguments(self, parser):
        parser.add_argument("--region", default="62", help="region code prefix: 2, 4, 6, 9 or 12 digits (default 62)")
        parser.add_argument("--people", type=int, default=1_000_000, help="served people in all (default 1,000,000)")
        parser.add_argument("--years", type=int, default=3, help="years of activity up to today, 1 to 10 (default 3)")
        parser.add_argument("--counties", type=int, default=None,
                            help="only the first N counties of the region (the people are shared among them)")
        parser.add_argument("--jobs", type=int, default=2,
                            help="processes writing counties at once on PostgreSQL (default 2; SQLite: 1)")

    def handle(self, region, people, years, counties, jobs, **options):
        if not (region.isdigit() and len(region) in PREFIX_LENGTH.values()):
            raise CommandError("--region 必须是 2、4、6、9 或 12 位数字的区划代码，例如 62（甘肃省）或 620102")
        if not 0 < people <= MAX_PEOPLE:
            raise CommandError(f"--people 必须是 1 到 {MAX_PEOPLE:,} 之间的整数")
        if not 1 <= years <= 10:
            raise CommandError("--years 必须在 1 到 10 之间")
        if counties is not None and counties < 1:
            raise CommandError("--counties 必须是正整数")
        if not 1 <= jobs <= 16:
            raise CommandError("--jobs 必须在 1 到 16 之间")
        try:
            report = seed_scale(prefix=region, people=people, years=years, counties=counties, jobs=jobs,
                                progress=self._progress)
        except LookupError as exc:
            raise CommandError(str(exc)) from None
        except KeyboardInterrupt:
            raise CommandError(INTERRUPTED) from None
        self._summary(report)

    def _progress(self, step: Progress) -> None:
        county, outcome = step.result.county, step.result.outcome
        what = {DONE: "此前已写入，跳过", BUSY: "另一进程正在写入，跳过"}.get(outcome, f"{step.result.people:,} 人")
        self.stdout.write(f"[{step.done}/{step.total}] {county.code} {county.name}：{what}；"
                          f"本次累计 {step.people:,} 人、{step.rows:,} 行，用时 {step.seconds:,.1f} 秒")

    def _summary(self, report: ScaleReport) -> None:
        self.stdout.write(f"\n县（区）{report.counties} 个：本次写入 {report.written} 个（{report.jobs} 个进程），"
                          f"跳过 {report.skipped} 个；新建服务中心/站 {report.units_created} 个；"
                          f"准备区划、服务站和账号用时 {report.setup_seconds:,.1f} 秒")
        width = max(len(label) for label in report.in_database)
        self.stdout.write(f"\n{'table':<{width}}  {'this run':>12}  {'in database':>12}")
        for label, total in report.in_database.items():
            self.stdout.write(f"{label:<{width}}  {report.rows.get(label, 0):>12,}  {total:>12,}")
        total_run, total_db = sum(report.rows.values()), sum(report.in_database.values())
        self.stdout.write(f"{'total':<{width}}  {total_run:>12,}  {total_db:>12,}")
        if report.stats_seconds is not None:
            self.stdout.write(f"\n统计数据重建：{report.stats_seconds:,.1f} 秒")
        else:
            self.stdout.write(f"\n统计数据未重建：{report.stats_note}")
        workers = f"，写入进程最大 {report.peak_worker_rss_mb:,.0f} MB" if report.jobs > 1 else ""
        self.stdout.write(f"用时 {report.seconds:,.1f} 秒；内存峰值（RSS）主进程 {report.peak_rss_mb:,.0f} MB{workers}")
        if report.viewers:
            self.stdout.write("\n性能测试账号（随机密码，供 force_login 使用）：")
            for username, role, unit in report.viewers:
                self.stdout.write(f"  {username:<15} {role}  {unit}")
