"""Bringing the precomputed statistics up to date: a full rebuild, and an incremental refresh.

Flows (`DailyFigure`) are counted from facts that are never edited: a status change (its kind,
its date and the station's region at the time) and a petition's registration (its date and the
unit that registered it). A day's figure for a region therefore changes only when such rows are
added. The refresh finds the (region, day) pairs touched by rows created since the last refresh
and recomputes exactly those figures, at every level above, from the source rows. Recomputing
rather than adding makes a refresh safe to repeat; the window starts a margin before the last
refresh because a row written inside a long transaction (an import's commit pass) becomes
visible only when that transaction commits. A nightly `recompute_stats --full` covers the rest.

Stocks (`CurrentFigure`: on the books, petitions open and overdue) depend on today and on edits
(a merge deletes a record), so each refresh recomputes them whole: one GROUP BY per source over
indexed columns, summed up the five levels here.
"""

import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Q
from django.utils import timezone

from rongjia.core import planner_statistics
from rongjia.core.models import OrgUnit
from rongjia.core.regions import CODE_LENGTH, PREFIX_LENGTH
from rongjia.people.models import Person, StatusChange
from rongjia.petitions.deadlines import OPEN_STATES
from rongjia.petitions.models import Petition

from .models import CurrentFigure, DailyFigure, MonthlyFigure, StatsRefresh

LEVELS = sorted(PREFIX_LENGTH)
BATCH = 500  # region codes per IN (...) list when recomputing touched figures


@dataclass(frozen=True)
class FlowSource:
    """Where one family of daily figures comes from, as SQL fragments over the source tables."""

    family: str  # every metric of the family starts with it ("people.", "petitions.")
    tables: str
    region: str  # the 12-digit region code a row counts under
    day: str
    metric: str
    created: str  # when the row was written: what the incremental refresh looks at


def flow_sources() -> list[FlowSource]:
    """Table names come from the models, so a renamed table cannot leave a stale name here."""
    changes = StatusChange._meta.db_table
    petitions, units = Petition._meta.db_table, OrgUnit._meta.db_table
    return [
        FlowSource("people.", f"{changes} s", "s.region_code", "s.date", "'people.' || s.kind", "s.created_at"),
        FlowSource("petitions.", f"{petitions} p JOIN {units} u ON u.id = p.registered_at_unit_id",
                   "u.region_code", "p.registered_on", "'petitions.received'", "p.created_at"),
    ]


# --- the five levels of a code ---------------------------------------------------------------


def ancestry(code: str) -> list[tuple[int, str, str]]:
    """(level, that level's code, its parent's code) for every level the region lies in.

    A level whose digits are all zeros is skipped (东莞市 has townships but no counties), the
    same rule `_level_condition` writes in SQL.
    """
    rows, parent, previous = [], "", 0
    for level in LEVELS:
        length = PREFIX_LENGTH[level]
        if level > 1 and set(code[previous:length]) <= {"0"}:
            previous = length
            continue
        own = code[:length].ljust(CODE_LENGTH, "0")
        rows.append((level, own, parent))
        parent, previous = own, length
    return rows


def _code_sql(region: str, level: int) -> str:
    length = PREFIX_LENGTH[level]
    return f"substr({region}, 1, {length}) || '{'0' * (CODE_LENGTH - length)}'"


def _parent_sql(region: str, level: int) -> str:
    # The level just above, even where ancestry() skips it: its digits are zeros then, so its
    # code equals the next level up's, which is the parent ancestry() gives.
    above = [lvl for lvl in LEVELS if lvl < level]
    return _code_sql(region, above[-1]) if above else "''"


def _level_condition(region: str, level: int) -> str:
    if level == LEVELS[0]:
        return "1 = 1"
    start = PREFIX_LENGTH[level - 1]
    width = PREFIX_LENGTH[level] - start
    return f"substr({region}, {start + 1}, {width}) <> '{'0' * width}'"


def _insert_flows(cursor, source: FlowSource, level: int, where: str = "", params=()) -> None:
    code, parent = _code_sql(source.region, level), _parent_sql(source.region, level)
    table = DailyFigure._meta.db_table
    cursor.execute(
        f"INSERT INTO {table} (level, code, parent, day, metric, value) "  # noqa: S608 - fragments from flow_sources
        f"SELECT {level}, {code}, {parent}, {source.day}, {source.metric}, COUNT(*) FROM {source.tables} "
        f"WHERE {_level_condition(source.region, level)} {where} "
        "GROUP BY 2, 3, 4, 5",  # by position: PostgreSQL refuses a constant (a province's blank parent) by value
        list(params),
    )


# --- rebuild and refresh ---------------------------------------------------------------------


@dataclass
class RefreshReport:
    full: bool
    touched: int  # (level, region, day) figures recomputed; every one on a full rebuild
    current: int  # CurrentFigure rows written
    seconds: float


def rebuild_stats() -> RefreshReport:
    """Every figure from scratch: after a bulk load (seed_scale) or nightly, as a check."""
    return _run(full=True)


def refresh_stats() -> RefreshReport:
    """Only the figures touched since the last refresh, then the stocks; a rebuild the first time."""
    return _run(full=False)


def _run(*, full: bool) -> RefreshReport:
    started, clock = timezone.now(), time.perf_counter()
    with transaction.atomic():
        state = _lock_state()  # one refresh at a time: a second waits here, then finds little to do
        full = full or state.finished_at is None
        if full:
            DailyFigure.objects.all().delete()
            MonthlyFigure.objects.all().delete()
            with connection.cursor() as cursor:
                for source in flow_sources():
                    for level in LEVELS:
                        _insert_flows(cursor, source, level)
                _insert_months(cursor)
            touched = DailyFigure.objects.count()
        else:
            since = state.started_at - timedelta(minutes=settings.STATS_REFRESH_MARGIN_MINUTES)
            touched = sum(_refresh_source(source, since) for source in flow_sources())
        current = _rewrite_current(timezone.localdate())
        seconds = time.perf_counter() - clock
        StatsRefresh.objects.filter(pk=state.pk).update(started_at=started, finished_at=timezone.now(),
                                                        seconds=seconds, full=full)
    if full:  # every figure row was rewritten: the dashboards' plans should count the new rows
        planner_statistics.analyze_models(DailyFigure, MonthlyFigure, CurrentFigure)
    return RefreshReport(full=full, touched=touched, current=current, seconds=seconds)


def _lock_state() -> StatsRefresh:
    state = StatsRefresh.objects.select_for_update().filter(pk=1).first()
    if state is None:
        state, _created = StatsRefresh.objects.get_or_create(pk=1)
    return state


def _refresh_source(source: FlowSource, since) -> int:
    """Recompute every figure of the family for the (region, day) pairs of rows written since `since`."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT DISTINCT {source.region}, {source.day} FROM {source.tables} "  # noqa: S608 - fragments from flow_sources
                       f"WHERE {source.created} >= %s", [since])
        touched = cursor.fetchall()
    keys = defaultdict(set)  # (level, day) -> codes at that level
    for region, day in touched:
        for level, code, _parent in ancestry(region):
            keys[(level, day)].add(code)
    with connection.cursor() as cursor:
        for (level, day), codes in keys.items():
            codes = sorted(codes)
            for start in range(0, len(codes), BATCH):
                chunk = codes[start:start + BATCH]
                DailyFigure.objects.filter(level=level, day=day, code__in=chunk,
                                           metric__startswith=source.family).delete()
                length = PREFIX_LENGTH[level]
                marks = ", ".join(["%s"] * len(chunk))
                _insert_flows(cursor, source, level, f"AND {source.day} = %s AND substr({source.region}, 1, {length}) "
                                                     f"IN ({marks})", [day, *[c[:length] for c in chunk]])
        months = defaultdict(set)  # (level, first day of the month) -> codes
        for (level, day), codes in keys.items():
            months[(level, day.replace(day=1))] |= codes
        for (level, month), codes in months.items():
            codes = sorted(codes)
            for start in range(0, len(codes), BATCH):
                chunk = codes[start:start + BATCH]
                MonthlyFigure.objects.filter(level=level, month=month, code__in=chunk,
                                             metric__startswith=source.family).delete()
                marks = ", ".join(["%s"] * len(chunk))
                _insert_months(cursor, f"AND level = %s AND day >= %s AND day < %s AND metric LIKE %s "
                                       f"AND code IN ({marks})",
                               [level, month, _next_month(month), source.family + "%", *chunk])
    return sum(len(codes) for codes in keys.values())


def _next_month(month):
    return (month + timedelta(days=32)).replace(day=1)


def _insert_months(cursor, where: str = "", params=()) -> None:
    """Sum daily figures into their months (all of them, or those `where` names)."""
    month = "date_trunc('month', day)::date" if connection.vendor == "postgresql" else "date(day, 'start of month')"
    cursor.execute(
        f"INSERT INTO {MonthlyFigure._meta.db_table} (level, code, parent, month, metric, value) "  # noqa: S608 - names from the models
        f"SELECT level, code, parent, {month}, metric, SUM(value) FROM {DailyFigure._meta.db_table} "
        f"WHERE 1 = 1 {where} GROUP BY 1, 2, 3, 4, 5",
        list(params),
    )


def _rewrite_current(today) -> int:
    """On the books by status, and petitions open and overdue, for every region at every level."""
    by_region = Counter()  # (12-digit region code, metric) -> count at that region itself
    station_region = dict(OrgUnit.objects.values_list("id", "region_code"))
    people = Person.objects.order_by().values_list("station_id", "status").annotate(n=Count("id"))
    for station_id, status, n in people:
        by_region[(station_region[station_id], f"people.{status}")] += n
    petitions = (Petition.objects.order_by().filter(state__in=OPEN_STATES).values_list("region_code")
                 .annotate(open=Count("id"), overdue=Count("id", filter=Q(due_on__lt=today))))
    for region, n_open, n_overdue in petitions:
        by_region[(region, "petitions.open")] += n_open
        by_region[(region, "petitions.overdue")] += n_overdue
    rolled = Counter()
    for (region, metric), n in by_region.items():
        for level, code, parent in ancestry(region):
            rolled[(level, code, parent, metric)] += n
    _write_changes(rolled)
    return len(rolled)


def _write_changes(rolled: Counter) -> None:
    """Write only the figures that differ from those stored: a refresh changes a few of ~76,000 rows."""
    stored = {(level, code, parent, metric): (pk, value) for pk, level, code, parent, metric, value in
              CurrentFigure.objects.values_list("pk", "level", "code", "parent", "metric", "value").iterator(5000)}
    changed, gone = [], [pk for key, (pk, _value) in stored.items() if not rolled.get(key)]
    fresh = []
    for key, n in rolled.items():
        if not n:
            continue
        if key not in stored:
            fresh.append(CurrentFigure(level=key[0], code=key[1], parent=key[2], metric=key[3], value=n))
        elif stored[key][1] != n:
            changed.append(CurrentFigure(pk=stored[key][0], value=n))
    for start in range(0, len(gone), 5000):
        CurrentFigure.objects.filter(pk__in=gone[start:start + 5000]).delete()
    CurrentFigure.objects.bulk_update(changed, ["value"], batch_size=1000)
    CurrentFigure.objects.bulk_create(fresh, batch_size=5000)
