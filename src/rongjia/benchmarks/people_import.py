"""Benchmark: the people import against a raw bulk insert of the same rows into the same database.

A generated ledger of N rows is imported (both passes: check, then commit) as a real user; the
rows it wrote are then read back as they lie in the tables, deleted, and written again with the
database's own bulk path (COPY on PostgreSQL, executemany on SQLite). Everything happens in one
transaction that is rolled back, so the database is left as it was.
"""

import random
import tempfile
from datetime import date, timedelta
from pathlib import Path

from django.core.files import File
from django.db import connection, transaction
from openpyxl import Workbook

from rongjia.core.idnumber import check_digit
from rongjia.core.models import OrgUnit
from rongjia.people.importing import import_receive
from rongjia.people.importing.columns import HEADERS
from rongjia.people.importing.run import check_job, commit_job
from rongjia.people.models import ImportJob, Person, PersonCategory, StatusChange

from .measure import Figure, peak_rss_mb, stopwatch

TABLES = (Person, PersonCategory, StatusChange)


class _Rollback(Exception):
    pass


def write_ledger(path: Path, *, rows: int, villages: list[str], seed: int = 7) -> None:
    """A ledger of `rows` distinct people (ID numbers under 620102, so they meet no demo person)."""
    rng = random.Random(seed)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("人员信息")
    sheet.append(HEADERS)
    born = date(1950, 1, 1)
    for n in range(rows):
        first17 = f"620102{born + timedelta(days=n // 999):%Y%m%d}{n % 999:03d}"
        sheet.append([f"测试{n}", first17 + check_digit(first17), f"139{rng.randint(0, 99_999_999):08d}",
                      rng.choice(villages), f"{n % 50 + 1}号", "汉族", "群众", "高中/中专", "", "退役士兵",
                      "2015-01-01", "2024-05-01"])
    workbook.save(path)


def bench_people_import(*, actor, rows: int) -> list[Figure]:
    villages = list(OrgUnit.objects.visible_to(actor).filter(level=5, kind=OrgUnit.Kind.STATION)
                    .values_list("region_code", flat=True)[:200])
    if not villages:
        raise ValueError("the account sees no village station: load the demo first (make run)")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "ledger.xlsx"
        write_ledger(path, rows=rows, villages=villages)
        figures = []
        try:
            with transaction.atomic():
                figures = _measure(actor, path, rows)
                raise _Rollback
        except _Rollback:
            pass
    return figures


def _measure(actor, path: Path, rows: int) -> list[Figure]:
    rss_before = peak_rss_mb()
    with path.open("rb") as handle:
        job = import_receive(actor=actor, uploaded_file=File(handle, name=path.name))
    with stopwatch() as check_elapsed:
        job = check_job(job)
    if job.state != ImportJob.State.VALID:
        raise ValueError(f"the generated ledger did not check clean: {job.message}")
    with stopwatch() as commit_elapsed:
        job = commit_job(job)  # checks every row again inside its transaction, then writes
    commit_seconds = commit_elapsed()
    import_seconds, rss_after_import = check_elapsed() + commit_seconds, peak_rss_mb()  # before the read-back
    job.file.delete(save=False)
    written = _read_back(job)
    with stopwatch() as elapsed:
        _raw_insert(written)
    raw_seconds = elapsed()
    import_rate, raw_rate = rows / import_seconds, rows / raw_seconds
    method = "COPY" if connection.vendor == "postgresql" else "executemany"
    return [
        Figure(f"people import, {rows:,} rows (check + commit)", f"{import_rate:,.0f} rows/s",
               f"{raw_rate:,.0f} rows/s ({method})", import_rate / raw_rate,
               "target ≥ 0.5 (issue 8); 3 tables written per person"),
        Figure("  the commit pass alone (checks again, then writes)", f"{rows / commit_seconds:,.0f} rows/s",
               f"{raw_rate:,.0f} rows/s ({method})", rows / commit_seconds / raw_rate,
               "the check pass is the preview a worker reads before pressing import"),
        Figure("peak RSS during the import", f"{rss_after_import:,.0f} MB", f"{rss_before:,.0f} MB before", None,
               "the reader streams; memory flat in the file's size"),
    ]


def _read_back(job: ImportJob) -> dict:
    """The rows the import wrote, exactly as stored (encrypted values included, so raw SQL), then deleted.

    Table and column names come from the models' metadata; the one value is a bound parameter.
    """
    reason = StatusChange.objects.filter(kind=StatusChange.Kind.NEW, reason__contains=job.original_name).values_list(
        "reason", flat=True).first()
    imported = f"SELECT person_id FROM {StatusChange._meta.db_table} WHERE reason = %s"  # noqa: S608 - names from the models
    written = {}
    with connection.cursor() as cursor:
        for model in TABLES:
            columns = [field.column for field in model._meta.concrete_fields]
            key = "id" if model is Person else "person_id"
            names = ", ".join(connection.ops.quote_name(c) for c in columns)
            cursor.execute(f"SELECT {names} FROM {model._meta.db_table} WHERE {key} IN ({imported})", [reason])  # noqa: S608 - names from the models
            written[model] = (columns, cursor.fetchall())
        for model in (PersonCategory, Person):
            key = "id" if model is Person else "person_id"
            cursor.execute(f"DELETE FROM {model._meta.db_table} WHERE {key} IN ({imported})", [reason])  # noqa: S608 - names from the models
        cursor.execute(f"DELETE FROM {StatusChange._meta.db_table} WHERE reason = %s", [reason])  # noqa: S608 - names from the models
    return written


def _raw_insert(written: dict) -> None:
    with connection.cursor() as cursor:
        for model in TABLES:
            columns, rows = written[model]
            table = connection.ops.quote_name(model._meta.db_table)
            names = ", ".join(connection.ops.quote_name(c) for c in columns)
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(columns))
                cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)  # noqa: S608 - names from the models
