"""The query planner's statistics: refreshed by every bulk writer, checked before a benchmark times anything.

PostgreSQL chooses a plan from the row counts ANALYZE last sampled. A table filled by a bulk writer and
not analyzed since looks empty or tiny to the planner: on a freshly seeded million, core_orgunit was
estimated at 11 Gansu units instead of 19,224 and the province's people list sorted a million joined
rows (2.9 s instead of 49 ms). Autovacuum would analyze eventually, but a deployment may run with it
off (this machine kind's PostgreSQL does), and a benchmark must not time plans made from stale counts.

So every bulk writer (seed_scale, import_regions, the ledger commit, `recompute_stats --full`) calls
`analyze()` on what it filled, and `bench` calls `stale_tables()` first and refuses, naming them.

SQLite is left alone: the project never analyzes it (no sqlite_stat1), so its planner goes by fixed
heuristics that no count can make stale, and switching it to counted plans would be a separate choice.
There both functions do nothing.
"""

from dataclasses import dataclass

from django.db import connection

# The threshold autovacuum uses by default (autovacuum_analyze_scale_factor 0.1), with a floor so that
# small tables touched by a few edits — whose plans do not depend on their counts — are not reported.
STALE_SHARE = 0.1
STALE_FLOOR = 1000


@dataclass(frozen=True)
class StaleTable:
    name: str
    rows: int  # live rows as the statistics collector counts them
    changed: int  # rows inserted, updated or deleted since the last ANALYZE
    analyzed: bool  # whether it was ever analyzed (by hand or by autovacuum)

    def __str__(self) -> str:
        since = "上次 ANALYZE 之后" if self.analyzed else "从未 ANALYZE，"
        return f"{self.name}（{since}改动 {self.changed:,} 行，现有 {self.rows:,} 行）"


def is_stale(*, rows: int, changed: int) -> bool:
    """Changed rows beyond a tenth of the table (and beyond the floor) make its statistics stale."""
    return changed >= STALE_FLOOR and changed > STALE_SHARE * rows


def stale_tables() -> list[StaleTable]:
    """The tables of this database whose planner statistics are stale, largest change first (PostgreSQL)."""
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        # The counters are read from a snapshot that lasts the transaction; start from the current values.
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT relname, n_live_tup, n_mod_since_analyze, "
            "       last_analyze IS NOT NULL OR last_autoanalyze IS NOT NULL "
            "FROM pg_stat_user_tables WHERE schemaname = current_schema() ORDER BY n_mod_since_analyze DESC")
        rows = cursor.fetchall()
    return [StaleTable(name, live, changed, analyzed) for name, live, changed, analyzed in rows
            if is_stale(rows=live, changed=changed)]


def analyze(*tables: str) -> None:
    """ANALYZE the named tables (all of the database's when none is named), so the next plan counts right.

    Tables are named by their database names (`Model._meta.db_table`). It takes a second or two for a
    table of a million rows: ANALYZE reads a fixed-size sample, not the whole table.
    """
    if connection.vendor != "postgresql":
        return
    quoted = ", ".join(connection.ops.quote_name(table) for table in tables)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {quoted}" if tables else "ANALYZE")


def analyze_models(*models) -> None:
    """`analyze` for model classes, with their many-to-many tables."""
    tables: list[str] = []
    for model in models:
        tables.append(model._meta.db_table)
        tables += [field.remote_field.through._meta.db_table for field in model._meta.local_many_to_many]
    analyze(*dict.fromkeys(tables))
