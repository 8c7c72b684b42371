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

    def handle(self, *args, rows, username, **options):
        actor = User.objects.filter(username=username, is_active=True).first()
        if actor is None:
            raise CommandError(f"没有账号 {username}：请先加载演示数据（make run）或用 --as 指定账号。")
        self.stdout.write(_machine())
        try:
            figures = bench_people_import(actor=actor, rows=rows)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(table(figures))


def _machine() -> str:
    if connection.vendor == "sqlite":
        database = f"SQLite {connection.Database.sqlite_version}"
    else:
        connection.ensure_connection()
        database = f"PostgreSQL {connection.connection.info.server_version}"
    cores = len(__import__("os").sched_getaffinity(0))
    return f"{platform.machine()} · {cores} cores · Python {platform.python_version()} · {database}"
