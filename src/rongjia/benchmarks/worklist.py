"""Benchmark: a province-wide task to every unit of Gansu (甘肃, 19,224 units in the region files), and its roll-up
page against hand-written SQL over the same tables.

Everything happens inside one transaction that is rolled back: Gansu's regions and units are loaded when the
database lacks them, a province director assigns the task through the service (timed against one INSERT … SELECT of
the same parts), the parts are given a realistic mix of states, and the task's page is requested in process as a
province leader beside one hand-written grouped query. The two are compared first, region by region, so a fast
wrong answer cannot pass.
"""

import time
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from rongjia.accounts.models import Role, User
from rongjia.core.models import OrgUnit
from rongjia.core.org_units import org_units_create_missing
from rongjia.core.region_import import import_regions
from rongjia.core.scoping import subtree_q
from rongjia.worklist.models import Assignment, Task
from rongjia.worklist.selectors import rollup
from rongjia.worklist.services import task_assign
from rongjia.worklist.targets import Target

from .dashboard import _timed
from .measure import Figure, percentile

GANSU = "62"
PROVINCE_CODE = "620000000000"

ROLLUP_SQL = """
SELECT SUBSTR(a.region_code, 1, %s), COUNT(*),
       SUM(CASE WHEN a.state = 'done' THEN 1 ELSE 0 END),
       SUM(CASE WHEN a.state = 'submitted' THEN 1 ELSE 0 END),
       SUM(CASE WHEN a.state IN ('doing', 'returned') AND t.due_on >= %s THEN 1 ELSE 0 END),
       SUM(CASE WHEN a.state = 'todo' AND t.due_on >= %s THEN 1 ELSE 0 END),
       SUM(CASE WHEN a.state IN ('todo', 'doing', 'returned') AND t.due_on < %s THEN 1 ELSE 0 END)
FROM worklist_assignment a JOIN worklist_task t ON t.id = a.task_id
WHERE a.task_id = %s AND a.region_code >= %s AND a.region_code < %s
GROUP BY SUBSTR(a.region_code, 1, %s)
"""
INSERT_SQL = """
INSERT INTO worklist_assignment (task_id, unit_id, region_code, level, state, progress, "values", version)
SELECT %s, id, region_code, level, 'todo', 0, '{}', 1 FROM core_orgunit
WHERE region_code >= '62' AND region_code < '63' AND level > 1 AND kind IN ('centre', 'station')
"""
# A realistic spread: most done, some handed in, some under way, the rest not started.
MIX_SQL = """
UPDATE worklist_assignment SET state = CASE
  WHEN id %% 20 < 12 THEN 'done' WHEN id %% 20 < 14 THEN 'submitted' WHEN id %% 20 < 17 THEN 'doing' ELSE 'todo' END
WHERE task_id = %s
"""


class Rollback(Exception):
    pass


def _ensure_gansu() -> tuple[int, float]:
    started = time.perf_counter()
    if not OrgUnit.objects.filter(subtree_q("region_code", GANSU)).exists():
        import_regions(settings.REGION_DATA_DIR, prefix=GANSU)
        org_units_create_missing(prefix=GANSU)
    return OrgUnit.objects.filter(subtree_q("region_code", GANSU)).count(), time.perf_counter() - started


def _user(username: str, role: str) -> User:
    user = User.objects.create(username=username, full_name=username, org_unit=OrgUnit.objects.get(
        region_code=PROVINCE_CODE, kind=OrgUnit.Kind.CENTRE), must_change_password=False,
        password_changed_at=timezone.now())
    user.roles.set(Role.objects.filter(code=role))
    return user


def _raw_rollup(task_id: int, prefix: str, child_length: int) -> dict[str, tuple]:
    today = timezone.localdate()
    upper = str(int(prefix) + 1).zfill(len(prefix))
    with connection.cursor() as cursor:
        cursor.execute(ROLLUP_SQL, [child_length, today, today, today, task_id, prefix, upper, child_length])
        return {row[0]: tuple(int(n or 0) for n in row[1:]) for row in cursor.fetchall()}


def bench_worklist(*, requests: int = 20) -> list[Figure]:
    figures: list[Figure] = []
    try:
        with transaction.atomic():
            figures = _measure(requests)
            raise Rollback
    except Rollback:
        pass
    return figures


def _measure(requests: int) -> list[Figure]:
    units, load_seconds = _ensure_gansu()
    director, leader = _user("bench_gansu_director", "centre_director"), _user("bench_gansu_leader", "leader")
    due = timezone.localdate() + timedelta(days=30)
    started = time.perf_counter()
    task = task_assign(actor=director, title="全省退役军人服务站信息采集", kind="collection", due_on=due,
                       target=Target(levels=[2, 3, 4, 5]))
    create_ms = (time.perf_counter() - started) * 1000
    raw_task = Task.objects.create(issuer=director.org_unit, issuer_code=PROVINCE_CODE, title="raw", kind="special",
                                   due_on=due)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(INSERT_SQL, [raw_task.pk])
    raw_create_ms = (time.perf_counter() - started) * 1000
    if Assignment.objects.filter(task=raw_task).count() != task.assignee_count:
        raise ValueError("the service and the INSERT … SELECT chose different units")
    with connection.cursor() as cursor:
        cursor.execute(MIX_SQL, [task.pk])
        if connection.vendor == "postgresql":  # as autovacuum would after 38,000 new rows: plans from real counts
            cursor.execute("ANALYZE worklist_assignment")
    own, children = rollup(leader, task, region=GANSU)
    child_length = len(children[0].code)
    raw = _raw_rollup(task.pk, GANSU, child_length)
    shown = {row.code: (row.total, *(row.counts[b] for b in ("done", "submitted", "doing", "todo", "overdue")))
             for row in children}
    if shown != raw:
        raise ValueError(f"the roll-up and the SQL disagree: {shown} != {raw}")
    client = Client()
    client.force_login(leader)
    url = reverse("worklist:task_detail", args=[task.pk])

    def page():
        response = client.get(url, HTTP_HOST="127.0.0.1")
        if response.status_code != 200:
            raise ValueError(f"the task's page answered {response.status_code}, not 200")

    page_times = _timed(page, requests)
    raw_times = _timed(lambda: _raw_rollup(task.pk, GANSU, child_length), requests)
    p95, raw95 = percentile(page_times, 95), percentile(raw_times, 95)
    return [
        Figure(f"a province-wide task to {task.assignee_count:,} of Gansu's {units:,} units: assigning it",
               f"{create_ms:,.0f} ms", f"{raw_create_ms:,.0f} ms (one INSERT … SELECT)", create_ms / raw_create_ms,
               f"through the service, audited; loading Gansu's regions and units took {load_seconds:.0f} s"),
        Figure(f"its roll-up page ({len(children)} cities below the province), p50 / p95",
               f"{percentile(page_times, 50):.1f} / {p95:.1f} ms",
               f"{percentile(raw_times, 50):.1f} / {raw95:.1f} ms (SQL: one grouped count)", p95 / raw95,
               "the page also draws the first page of units and the nav; the acceptance line is p95 ≤ 200 ms"),
    ]
