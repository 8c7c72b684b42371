"""Benchmark: the visit coverage page against hand-written SQL over the same tables.

The coverage page is requested in process as a county viewer; beside it, in the same run, one hand-written
query that counts each station's people on the books and those never visited (a join to the visits' last day
per person), the least any coverage figure must read. The two are compared first (the totals and the never
visited per region below), so a fast wrong answer cannot pass.
"""

from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from rongjia.core.scoping import scope_prefix
from rongjia.visits.coverage import coverage_rolled_up

from .dashboard import _timed
from .measure import Figure, percentile

SQL = """
SELECT u.region_code, COUNT(*), SUM(CASE WHEN v.person_id IS NULL THEN 1 ELSE 0 END)
FROM people_person p JOIN core_orgunit u ON u.id = p.station_id
LEFT JOIN (SELECT DISTINCT person_id FROM visits_visit WHERE visited_on <= %s) v ON v.person_id = p.id
WHERE p.status = 'active' AND u.region_code >= %s AND u.region_code < %s
GROUP BY u.region_code
"""


def _raw(prefix: str, day, child_length: int) -> dict[str, tuple[int, int]]:
    upper = str(int(prefix) + 1).zfill(len(prefix))
    with connection.cursor() as cursor:
        cursor.execute(SQL, [day, prefix, upper])
        rows = cursor.fetchall()
    rolled: dict[str, tuple[int, int]] = {}
    for code, total, never in rows:
        key = code[:child_length]
        before = rolled.get(key, (0, 0))
        rolled[key] = (before[0] + total, before[1] + int(never or 0))
    return rolled


def bench_coverage(*, viewer, requests: int = 20) -> list[Figure]:
    prefix = scope_prefix(viewer)
    if not prefix:
        raise ValueError(f"{viewer.username} sees no region below the country")
    day = timezone.localdate()
    total, rows = coverage_rolled_up(viewer, day=day, region=prefix)
    child_length = len(rows[0].code) if rows else len(prefix)
    raw = _raw(prefix, day, child_length)
    shown = {row.code: (row.figures["total"], row.figures["never"]) for row in rows if row.figures["total"]}
    if shown != raw:
        raise ValueError(f"the coverage page and the SQL disagree: {shown} != {raw}")
    client = Client()
    client.force_login(viewer)

    def page():
        if client.get(reverse("visits:coverage"), HTTP_HOST="127.0.0.1").status_code != 200:
            raise ValueError(f"the coverage page did not answer 200 for {viewer.username}")

    page_times = _timed(page, requests)
    raw_times = _timed(lambda: _raw(prefix, day, child_length), requests)
    p95, raw95 = percentile(page_times, 95), percentile(raw_times, 95)
    return [Figure(f"visit coverage of {total['total']:,} people ({len(rows)} regions below), p50 / p95",
                   f"{percentile(page_times, 50):.1f} / {p95:.1f} ms",
                   f"{percentile(raw_times, 50):.1f} / {raw95:.1f} ms (SQL: on the books and never visited)",
                   p95 / raw95, "the page computes five statuses per person against the regime of its station")]
