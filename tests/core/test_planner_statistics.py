"""Planner statistics: stale counts are found and named, bulk writers refresh them, and bench refuses to time
plans made from stale counts (core.planner_statistics)."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from rongjia.core import planner_statistics
from rongjia.core.planner_statistics import StaleTable, is_stale

postgresql_only = pytest.mark.skipif("connection.vendor != 'postgresql'", reason="SQLite keeps no such counters")


@pytest.mark.parametrize(("rows", "changed", "stale"), [
    (19_224, 19_224, True),  # filled and never analyzed: the planner counted 11 units instead of these
    (1_000_000, 50_000, False),  # a twentieth changed: autovacuum's default would not analyze yet either
    (1_000_000, 150_000, True),
    (500, 500, False),  # a small table: its plans do not turn on its count
    (0, 1_500, True),  # emptied by a bulk delete
])
def test_a_table_is_stale_when_more_than_a_tenth_of_it_changed(rows, changed, stale):
    assert is_stale(rows=rows, changed=changed) is stale


def test_a_stale_table_is_named_with_its_counts_in_words():
    assert str(StaleTable("core_orgunit", 19_224, 19_224, False)) == (
        "core_orgunit（从未 ANALYZE，改动 19,224 行，现有 19,224 行）")


def _flush_counters() -> None:
    """Make this backend's pending counters visible now rather than when it next goes idle."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_force_next_flush()")


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_table_filled_without_analyze_is_stale_until_analyzed():
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE planner_probe (n integer)")
        try:
            cursor.execute("INSERT INTO planner_probe SELECT generate_series(1, 5000)")
            _flush_counters()
            _flush_counters()  # the first call's own statement flushes the insert; this one is read after it
            assert "planner_probe" in [table.name for table in planner_statistics.stale_tables()]

            planner_statistics.analyze("planner_probe")
            _flush_counters()
            _flush_counters()
            assert "planner_probe" not in [table.name for table in planner_statistics.stale_tables()]
        finally:
            cursor.execute("DROP TABLE planner_probe")


def test_bench_refuses_stale_statistics_and_names_the_tables(cast, monkeypatch):
    monkeypatch.setattr(planner_statistics, "stale_tables",
                        lambda: [StaleTable("core_orgunit", 19_224, 19_224, False)])
    analyzed = []
    monkeypatch.setattr(planner_statistics, "analyze", lambda *tables: analyzed.append(tables))
    with pytest.raises(CommandError, match=r"core_orgunit（从未 ANALYZE") as refused:
        call_command("bench", "--only", "lists", "--viewers", "village_worker", "--requests", "2",
                     stdout=io.StringIO())
    assert "--analyze" in str(refused.value) and analyzed == []


def test_bench_with_analyze_refreshes_the_stale_tables_then_times(cast, monkeypatch):
    monkeypatch.setattr(planner_statistics, "stale_tables",
                        lambda: [StaleTable("core_orgunit", 19_224, 19_224, False)])
    analyzed = []
    monkeypatch.setattr(planner_statistics, "analyze", lambda *tables: analyzed.append(tables))
    out = io.StringIO()
    with pytest.raises(CommandError, match="人员列表"):  # the cast's village worker sees no one: timed, then refused
        call_command("bench", "--only", "lists", "--viewers", "village_worker", "--requests", "2", "--analyze",
                     stdout=out)
    assert analyzed == [("core_orgunit",)]
    assert "已 ANALYZE：core_orgunit" in out.getvalue()


def test_bench_of_the_import_alone_does_not_ask_for_statistics(cast, monkeypatch):
    def fail():
        raise AssertionError("the import bench writes into scratch tables: no statistics check")

    monkeypatch.setattr(planner_statistics, "stale_tables", fail)
    with pytest.raises(CommandError, match="nobody"):
        call_command("bench", "--only", "import", "--rows", "10", "--as", "nobody", stdout=io.StringIO())
