"""Benchmark: the statistics dashboard against hand-written SQL that computes the same numbers.

The dashboard page is requested in process (the whole middleware stack, the template, the
chart data) as a province-level viewer; beside it, in the same run, two hand-written versions
of its numbers: straight from the source tables (what a dashboard without precomputed figures
must do), and from the precomputed figure tables (the floor for any page that reads them).
The numbers are compared first, so a fast wrong answer cannot pass.
"""

import time
from collections import defaultdict
from datetime import timedelta

from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from rongjia.core.regions import PREFIX_LENGTH
from rongjia.core.scoping import scope_prefix
from rongjia.insights.models import CurrentFigure, DailyFigure, MonthlyFigure
from rongjia.insights.selectors import dashboard, period_start
from rongjia.people.models import Person, StatusChange
from rongjia.petitions.deadlines import OPEN_STATES
from rongjia.petitions.models import Petition

from .measure import Figure, percentile

PERSON, CHANGE, PETITION = Person._meta.db_table, StatusChange._meta.db_table, Petition._meta.db_table
UNIT = "core_orgunit"


def bench_dashboard(*, viewer, requests: int = 50, period: str = "year") -> list[Figure]:
    prefix = scope_prefix(viewer)
    if prefix is None:
        raise ValueError(f"{viewer.username} sees no region")
    today = timezone.localdate()
    start = period_start(period, today)
    client = Client()
    client.force_login(viewer)
    url = f"{reverse('insights:dashboard')}?period={period}"

    def page():
        response = client.get(url, HTTP_HOST="127.0.0.1")
        if response.status_code != 200:
            raise ValueError(f"the dashboard answered {response.status_code} for {viewer.username}")

    board = dashboard(viewer, period=period)  # what the page shows, read the way the page reads it
    shown = {line.prefix: {**line.stocks, **line.flows} for line in board.children}
    raw = _raw_numbers(prefix, start, today)
    _check_same(shown, raw, board)
    page_times = _timed(page, requests)
    raw_times = _timed(lambda: _raw_numbers(prefix, start, today), max(5, requests // 5))
    figure_times = _timed(lambda: _figure_numbers(board.region.code, start, today), requests)
    p95 = percentile(page_times, 95)
    level = board.region.level
    name = f"{board.region.name} dashboard ({len(board.children)} regions below), p50 / p95"
    return [
        Figure(name, f"{percentile(page_times, 50):.1f} / {p95:.1f} ms",
               f"{percentile(raw_times, 50):.1f} / {percentile(raw_times, 95):.1f} ms (SQL on the source tables)",
               p95 / percentile(raw_times, 95), f"level {level}; target p95 ≤ 200 ms and ≤ 1.5× the SQL"),
        Figure("  the same page against SQL on the figure tables", f"{p95:.1f} ms",
               f"{percentile(figure_times, 95):.1f} ms", p95 / percentile(figure_times, 95),
               "what the page costs beyond reading its rows (template, chart, middleware)"),
    ]


def _timed(work, times: int) -> list[float]:
    work()  # warm: caches, prepared plans
    elapsed = []
    for _n in range(times):
        started = time.perf_counter()
        work()
        elapsed.append((time.perf_counter() - started) * 1000)
    return elapsed


def _raw_numbers(prefix: str, start, end) -> dict:
    """Each region below's figures, computed from the source tables by hand-written SQL."""
    width = PREFIX_LENGTH[_child_level(prefix)]
    like = prefix + "%"
    numbers = defaultdict(dict)
    opens = ", ".join(["%s"] * len(OPEN_STATES))
    queries = [
        (f"SELECT substr(u.region_code, 1, {width}), 'people.' || p.status, COUNT(*) FROM {PERSON} p "  # noqa: S608 - table names from the models
         f"JOIN {UNIT} u ON u.id = p.station_id WHERE u.region_code LIKE %s GROUP BY 1, 2", [like]),
        (f"SELECT substr(region_code, 1, {width}), 'people.' || kind, COUNT(*) FROM {CHANGE} "  # noqa: S608
         f"WHERE region_code LIKE %s AND date BETWEEN %s AND %s GROUP BY 1, 2", [like, start, end]),
        (f"SELECT substr(u.region_code, 1, {width}), 'petitions.received', COUNT(*) FROM {PETITION} p "  # noqa: S608
         f"JOIN {UNIT} u ON u.id = p.registered_at_unit_id WHERE u.region_code LIKE %s "
         f"AND p.registered_on BETWEEN %s AND %s GROUP BY 1, 2", [like, start, end]),
        (f"SELECT substr(region_code, 1, {width}), 'petitions.open', COUNT(*) FROM {PETITION} "  # noqa: S608
         f"WHERE region_code LIKE %s AND state IN ({opens}) GROUP BY 1, 2", [like, *OPEN_STATES]),
        (f"SELECT substr(region_code, 1, {width}), 'petitions.overdue', COUNT(*) FROM {PETITION} "  # noqa: S608
         f"WHERE region_code LIKE %s AND state IN ({opens}) AND due_on < %s GROUP BY 1, 2", [like, *OPEN_STATES, end]),
    ]
    with connection.cursor() as cursor:
        for sql, params in queries:
            cursor.execute(sql, params)
            for child, metric, n in cursor.fetchall():
                numbers[child][metric] = n
    return numbers


def _figure_numbers(code: str, start, end) -> list:
    """The same numbers read from the figure tables by hand-written SQL (no ORM, no template):
    the current figures, the whole months, and the days before the first whole month."""
    first_month = start if start.day == 1 else (start.replace(day=1) + timedelta(days=32)).replace(day=1)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT code, metric, value FROM {CurrentFigure._meta.db_table} WHERE parent = %s",  # noqa: S608
                       [code])
        rows = cursor.fetchall()
        cursor.execute(f"SELECT code, metric, SUM(value) FROM {MonthlyFigure._meta.db_table} "  # noqa: S608
                       f"WHERE parent = %s AND month BETWEEN %s AND %s GROUP BY code, metric", [code, first_month, end])
        rows += cursor.fetchall()
        if first_month > start:
            cursor.execute(f"SELECT code, metric, SUM(value) FROM {DailyFigure._meta.db_table} "  # noqa: S608
                           f"WHERE parent = %s AND day >= %s AND day < %s GROUP BY code, metric",
                           [code, start, first_month])
            rows += cursor.fetchall()
        return rows


def _child_level(prefix: str) -> int:
    level = next(lvl for lvl, length in PREFIX_LENGTH.items() if length == len(prefix))
    return min(level + 1, max(PREFIX_LENGTH))


def _check_same(shown: dict, raw: dict, board) -> None:
    metrics = [metric for metric, _label in board.stocks + board.flows]
    own_width = len(board.own.prefix)
    for child, figures in raw.items():
        if set(child[own_width:]) <= {"0"}:
            continue  # the region's own centre, counted in the region's total, not under a child
        for metric in metrics:
            if figures.get(metric, 0) != shown.get(child, {}).get(metric, 0):
                raise ValueError(f"the dashboard shows {shown.get(child, {}).get(metric, 0)} for {metric} of "
                                 f"{child}, the source tables {figures.get(metric, 0)}: run recompute_stats first")
