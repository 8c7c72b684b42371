"""manage.py bench: performance figures as ratios, each measured side by side in this one run.

Run it against a database holding the demo (`make run`), or any deployment's copy: every
benchmark writes inside a transaction it rolls back, or into a scratch database of its own.

Before timing anything that reads the data, it checks the planner's statistics on PostgreSQL and refuses
when a table changed by more than a tenth since its last ANALYZE (core.planner_statistics), naming the
tables; `--analyze` refreshes them instead.

The figures (choose with --only / --skip; all by default):
  import   the people import vs a raw bulk insert (--rows, --as)
  lists    the scoped people list per viewer vs a static page through the same middleware
           (--viewers, --requests, --explain)
  dashboard the statistics dashboard per viewer vs hand-written SQL over the source tables and
           over the figure tables (--dashboard-viewers)
  coverage the visit coverage page per county viewer vs hand-written SQL over the same tables
  worklist a province-wide task to all of Gansu's units (assigning vs one INSERT … SELECT) and its
           roll-up page vs hand-written SQL (~1 min the first time: loads Gansu's units, rolled back)
  evaluation a star evaluation run over all of Gansu's street and village stations (the scoring job, in
           batches with progress) vs reading the same stations' facts in one pass (loads Gansu, rolled back)
  assistance a county's batch approval of 5,000 aid applications (the job, in chunks with progress) vs one
           approval taken by hand through the service, per application (--applications; rolled back)
  benefits a month's payment batch of Gansu's largest county for 40,000 recipients (generated, its page, approved)
           vs one plain SELECT of the rows it reads (--recipients; rolled back)
  employment matching one posting against a province's job seekers (ranked_seekers, top 50) for a county, a city
           and a province viewer vs hand-written SQL of the same filter and score (--every; seekers added once)
  regions  the whole country's region import into an empty table vs a raw bulk insert (~1 min)
"""

import os
import platform

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from rongjia.accounts.models import User
from rongjia.benchmarks.measure import Figure, peak_rss_mb, table
from rongjia.core import planner_statistics

# In the order they run and print. A new figure is a name here and a `_figure_<name>` method below
# that returns its Figure rows (raise CommandError when it cannot run).
FIGURES = ("import", "lists", "dashboard", "coverage", "worklist", "evaluation", "assistance", "benefits",
           "employment", "regions")
# The figures that time queries over the data already there, whose plans depend on the planner's counts
# (import and regions write into scratch tables or an empty database of their own).
READS_THE_DATA = set(FIGURES) - {"import", "regions"}


def _names(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


class Command(BaseCommand):
    help = "Print the benchmark table (import rate vs a raw bulk insert, list latency vs a static page, …)."

    def add_arguments(self, parser):
        parser.add_argument("--only", default="", help=f"comma-separated figures to run, of: {','.join(FIGURES)}")
        parser.add_argument("--skip", default="", help="comma-separated figures to leave out")
        parser.add_argument("--skip-regions", action="store_true", help="the same as --skip regions (it takes ~1 min)")
        parser.add_argument("--rows", type=int, default=100_000, help="import: rows of the generated people ledger")
        parser.add_argument("--as", dest="username", default="jn_county",
                            help="import: the account that imports (default: the demo's county director)")
        parser.add_argument("--viewers", default="",
                            help="lists: comma-separated usernames (default: scale_village,scale_county,"
                                 "scale_province if they exist, else the demo's jn_village,jn_leader)")
        parser.add_argument("--requests", type=int, default=200, help="lists: timed requests per viewer")
        parser.add_argument("--dashboard-viewers", default="",
                            help="dashboard: comma-separated usernames (default: scale_province,scale_county if "
                                 "they exist, else the demo's jn_leader)")
        parser.add_argument("--applications", type=int, default=5000,
                            help="assistance: aid applications the county approves in one batch")
        parser.add_argument("--recipients", type=int, default=40_000,
                            help="benefits: recipients of the county's monthly payment batch")
        parser.add_argument("--every", type=int, default=20,
                            help="employment: a job-seeker profile for one person in this many (added once, kept)")
        parser.add_argument("--analyze", action="store_true",
                            help="ANALYZE the tables whose planner statistics are stale first, instead of refusing")
        parser.add_argument("--explain", action="store_true",
                            help="lists: after the table, the plans of the list's main queries (EXPLAIN)")
        parser.add_argument("--load", action="store_true",
                            help="instead: simulated station workers against gunicorn on 127.0.0.1 (needs the demo)")
        parser.add_argument("--users", type=int, default=50, help="with --load: simulated workers")
        parser.add_argument("--seconds", type=int, default=120, help="with --load: how long")
        parser.add_argument("--workers", type=int, default=2, help="with --load: gunicorn worker processes")

    def handle(self, *args, load, users, seconds, workers, **options):
        if load:
            self._load(users=users, seconds=seconds, workers=workers)
            return
        selected = self._selected(options)
        if options["rows"] < 1 or options["requests"] < 1:
            raise CommandError("--rows 和 --requests 必须是正整数")
        if options["explain"] and "lists" not in selected:
            raise CommandError("--explain 只用于 lists 一项（人员列表的查询计划）")
        self.explained = None
        self.stdout.write(_machine())
        if set(selected) & READS_THE_DATA:
            self._check_planner_statistics(analyze=options["analyze"])
        figures: list[Figure] = []
        for name in selected:
            figures += getattr(self, f"_figure_{name}")(explicit=bool(options["only"]), **options)
        figures.append(Figure("peak RSS of this bench process", f"{peak_rss_mb():,.0f} MB", "—", None,
                              "seed_scale reports its own peak at the end of its run"))
        self.stdout.write(table(figures))
        if self.explained is not None:
            self.stdout.write(self.explained)

    def _check_planner_statistics(self, *, analyze: bool) -> None:
        """Refuse to time plans made from stale counts (core.planner_statistics), or refresh them with --analyze."""
        stale = planner_statistics.stale_tables()
        if not stale:
            return
        if not analyze:
            raise CommandError("以下表的查询规划统计已过期，计时会测到错误的查询计划，未计时：\n  "
                               + "\n  ".join(str(table) for table in stale)
                               + "\n请先运行 ANALYZE（或加 --analyze 由本命令执行）。")
        planner_statistics.analyze(*(table.name for table in stale))
        self.stdout.write("已 ANALYZE：" + ", ".join(table.name for table in stale))

    def _selected(self, options) -> list[str]:
        only, skip = _names(options["only"]), _names(options["skip"])
        if options["skip_regions"]:
            skip.append("regions")
        unknown = sorted(set(only + skip) - set(FIGURES))
        if unknown:
            raise CommandError(f"没有这一项：{', '.join(unknown)}（可选：{', '.join(FIGURES)}）")
        selected = [name for name in FIGURES if (name in only or not only) and name not in skip]
        if not selected:
            raise CommandError("--only 与 --skip 之后没有要测的项")
        return selected

    # --- the figures ---------------------------------------------------------------------------------

    def _figure_import(self, *, rows, username, **options) -> list[Figure]:
        from rongjia.benchmarks.people_import import bench_people_import

        actor = User.objects.filter(username=username, is_active=True).first()
        if actor is None:
            raise CommandError(f"没有账号 {username}：请先加载演示数据（make run）或用 --as 指定账号。")
        try:
            return bench_people_import(actor=actor, rows=rows)
        except ValueError as exc:
            raise CommandError(str(exc)) from None

    def _figure_lists(self, *, viewers, requests, explain, explicit, **options) -> list[Figure]:
        from rongjia.benchmarks.lists import BenchError, bench_people_list, default_viewers

        notes = []
        try:
            usernames = _names(viewers)
            if not usernames:
                usernames, notes = default_viewers()
            result = bench_people_list(usernames=usernames, requests=requests, explain=explain)
        except BenchError as exc:
            if explicit or viewers:
                raise CommandError(f"人员列表：{exc}") from None
            return [Figure("people list", "—", "—", None, f"skipped: {exc}")]
        if explain:
            self.explained = _explain_text(result)
        return result.figures + [Figure("people list", "—", "—", None, note) for note in notes]

    def _figure_dashboard(self, *, dashboard_viewers, requests, explicit, **options) -> list[Figure]:
        from rongjia.benchmarks.dashboard import bench_dashboard

        usernames = _names(dashboard_viewers) or (
            ["scale_province", "scale_county"] if User.objects.filter(username="scale_province").exists()
            else ["jn_leader"])
        viewers = list(User.objects.filter(username__in=usernames, is_active=True))
        if len(viewers) != len(usernames):
            if explicit or dashboard_viewers:
                raise CommandError(f"统计看板：没有账号 {', '.join(usernames)}")
            return [Figure("dashboard", "—", "—", None, "skipped: no viewer account (load the demo or seed_scale)")]
        figures = []
        for viewer in sorted(viewers, key=lambda v: usernames.index(v.username)):
            try:
                figures += bench_dashboard(viewer=viewer, requests=max(10, requests // 4))
            except ValueError as exc:
                raise CommandError(f"统计看板：{exc}") from None
        return figures

    def _figure_coverage(self, *, requests, explicit, **options) -> list[Figure]:
        from rongjia.benchmarks.coverage import bench_coverage

        viewer = User.objects.filter(username="jn_leader", is_active=True).first()  # the county, no second factor
        if viewer is None:
            if explicit:
                raise CommandError("走访覆盖：没有账号 jn_leader（先加载演示数据）")
            return [Figure("visit coverage", "—", "—", None, "skipped: no jn_leader (load the demo)")]
        try:
            return bench_coverage(viewer=viewer, requests=max(10, requests // 5))
        except ValueError as exc:
            raise CommandError(f"走访覆盖：{exc}") from None

    def _figure_worklist(self, *, requests, **options) -> list[Figure]:
        from rongjia.benchmarks.worklist import bench_worklist

        try:
            return bench_worklist(requests=max(10, requests // 5))
        except ValueError as exc:
            raise CommandError(f"任务清单：{exc}") from None

    def _figure_evaluation(self, **options) -> list[Figure]:
        from rongjia.benchmarks.evaluation import bench_evaluation

        try:
            return bench_evaluation()
        except ValueError as exc:
            raise CommandError(f"星级评价：{exc}") from None

    def _figure_assistance(self, *, applications, **options) -> list[Figure]:
        from rongjia.benchmarks.assistance import bench_assistance

        if applications < 1:
            raise CommandError("--applications 必须是正整数")
        try:
            return bench_assistance(applications=applications)
        except ValueError as exc:
            raise CommandError(f"批量审批：{exc}") from None

    def _figure_benefits(self, *, recipients, **options) -> list[Figure]:
        from rongjia.benchmarks.benefits import bench_benefits

        if recipients < 1:
            raise CommandError("--recipients 必须是正整数")
        try:
            return bench_benefits(people=recipients)
        except ValueError as exc:
            raise CommandError(f"优抚金发放：{exc}") from None

    def _figure_employment(self, *, every, requests, **options) -> list[Figure]:
        from rongjia.benchmarks.employment import bench_employment

        if every < 1:
            raise CommandError("--every 必须是正整数")
        try:
            return bench_employment(every=every, requests=max(10, requests // 4))
        except ValueError as exc:
            raise CommandError(f"就业匹配：{exc}") from None

    def _figure_regions(self, **options) -> list[Figure]:
        from rongjia.benchmarks.regions import RegionBenchError, bench_region_import

        try:
            return bench_region_import()
        except RegionBenchError as exc:
            raise CommandError(f"区划导入：{exc}") from None

    # --- the load test -------------------------------------------------------------------------------

    def _load(self, *, users: int, seconds: int, workers: int) -> None:
        from rongjia.benchmarks.load import load_table, run_load

        if not User.objects.filter(username="jn_village").exists():
            raise CommandError("负载测试需要演示数据（make run 或 seed_demo）。")
        self.stdout.write(_machine())
        try:
            rows, failures = run_load(users=users, seconds=seconds, workers=workers)
        except RuntimeError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(load_table(rows, failures, users=users, seconds=seconds))


def _explain_text(result) -> str:
    kind = "EXPLAIN (ANALYZE, BUFFERS)" if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN"
    parts = [f"\n{kind} of the people list's main queries"]
    for item in result.explains:
        parts += [f"\n-- {item.title}{' (scans all of people_person)' if item.full_scan else ''}", item.sql, item.plan]
    parts.append("\nFindings: " + ("; ".join(result.findings) if result.findings else
                                   "no list query scans all of people_person"))
    return "\n".join(parts)


def _machine() -> str:
    if connection.vendor == "sqlite":
        database = f"SQLite {connection.Database.sqlite_version}"
    else:
        connection.ensure_connection()
        version = connection.connection.info.server_version  # e.g. 150020
        database = f"PostgreSQL {version // 10000}.{version % 10000}"
    cores = len(os.sched_getaffinity(0))
    return f"{platform.machine()} · {cores} cores · Python {platform.python_version()} · {database}"
