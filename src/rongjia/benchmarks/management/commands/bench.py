"""manage.py bench: performance figures as ratios, each measured side by side in this one run.

Run it against a database holding the demo (`make run`), or any deployment's copy: every
benchmark writes inside a transaction it rolls back.
"""

import platform

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from rongjia.accounts.models import User
from rongjia.benchmarks.measure import table
from rongjia.benchmarks.people_import import bench_people_import


class Command(BaseCommand):
    help = "Print the benchmark table (import rate vs a raw bulk insert, …) measured in this run."

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=100_000, help="rows of the generated people ledger")
        parser.add_argument("--as", dest="username", default="jn_county",
                            help="the account that imports (default: the demo's county director)")
        parser.add_argument("--load", action="store_true",
                            help="instead: simulated station workers against gunicorn on 127.0.0.1 (needs the demo)")
        parser.add_argument("--users", type=int, default=50, help="with --load: simulated workers")
        parser.add_argument("--seconds", type=int, default=120, help="with --load: how long")
        parser.add_argument("--workers", type=int, default=2, help="with --load: gunicorn worker processes")

    def handle(self, *args, rows, username, load, users, seconds, workers, **options):
        if load:
            self._load(users=users, seconds=seconds, workers=workers)
            return
        actor = User.objects.filter(username=username, is_active=True).first()
        if actor is None:
            raise CommandError(f"没有账号 {username}：请先加载演示数据（make run）或用 --as 指定账号。")
        self.stdout.write(_machine())
        try:
            figures = bench_people_import(actor=actor, rows=rows)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(table(figures))


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


def _machine() -> str:
    if connection.vendor == "sqlite":
        database = f"SQLite {connection.Database.sqlite_version}"
    else:
        connection.ensure_connection()
        database = f"PostgreSQL {connection.connection.info.server_version}"
    cores = len(__import__("os").sched_getaffinity(0))
    return f"{platform.machine()} · {cores} cores · Python {platform.python_version()} · {database}"
