"""Benchmark: a star evaluation of every station of Gansu (甘肃: 1,403 street and 17,718 village stations in the region
files), scored by the job in batches, against reading the same stations' facts in one pass.

Everything happens inside one transaction that is rolled back: Gansu's regions and units are loaded when the
database lacks them (as the worklist bench does), the stations are given staff with training records, their
national 五有 entries (some met with evidence, some not), a profile with an area and a province standard, all by
INSERT … SELECT; a province director sets one criteria set per level (street, village) with an item for every
registered measure and a manual one, starts a run of each and the job (`scoring.score_run`) is called in
process. Beside each run, in the same transaction: `network.facts.unit_facts` over the same stations in one pass,
and one hand-written query of the same tables. The scores are compared with the query first, station by station,
so a fast wrong answer cannot pass; the progress the job wrote on the run is read from its UPDATEs as it goes.
"""

import re
import time
from contextlib import contextmanager
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from rongjia.core import measures
from rongjia.core.models import OrgUnit, Region
from rongjia.core.org_units import org_units_create_missing
from rongjia.core.region_import import import_regions
from rongjia.core.regions import PREFIX_LENGTH, STREET, VILLAGE, pad_code
from rongjia.core.scoping import subtree_q
from rongjia.evaluation import scoring, services
from rongjia.evaluation.models import Criterion, Run, Score
from rongjia.network.facts import unit_facts
from rongjia.network.models import ChecklistItem, Standard

from .measure import Figure, percentile
from .worklist import GANSU, Rollback, _user

LEVEL_NAMES = {STREET: ("street", "乡镇（街道）"), VILLAGE: ("village", "村（社区）")}
# Points per measure (of 100 with the manual item); a measure registered later gets 5.
WEIGHTS = {"network.five_haves": 20, "network.standard": 15, "network.training": 10, "visits.coverage": 15,
           "petitions.on_time": 10, "mailbox.satisfaction": 5, "worklist.tasks": 10, "worklist.inspections": 5}
MANUAL = {"group": "群众满意", "name": "实地察看", "weight": "10", "method": "manual"}
THRESHOLDS = ["60", "70", "80", "90"]
# The province's standard per level: area (m²), staff, full-time staff (seed 001: a township or street has 2 to 3
# full-time staff; the villages' minimums are the bench's own).
STANDARDS = {STREET: (Decimal("100"), 3, 2), VILLAGE: (Decimal("30"), 2, 1)}

# The street and village stations of the area (region_code in [prefix, next prefix)) are `u` in each statement.
# One to four staff a station, the first one or two full-time.
STAFF_SQL = """
INSERT INTO network_staffmember (unit_id, name, post, employment, is_veteran, phone, active)
SELECT u.id, '工作人员' || k.n, '专干', CASE WHEN k.n <= 1 + (u.id / 4) %% 2 THEN 'full_time' ELSE 'part_time' END,
       (k.n %% 2 = 1), '', TRUE
FROM (SELECT 1 AS n UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4) k CROSS JOIN
     (SELECT u.id FROM core_orgunit u WHERE u.region_code >= %s AND u.region_code < %s AND u.level IN (4, 5)
      AND u.kind IN ('centre', 'station')) u
WHERE k.n <= 1 + u.id %% 4
"""
# Two of three staff trained in the year.
TRAINING_SQL = """
INSERT INTO network_trainingrecord (staff_id, date, course, hours)
SELECT s.id, %s, '年度轮训', 8 FROM network_staffmember s JOIN
     (SELECT u.id FROM core_orgunit u WHERE u.region_code >= %s AND u.region_code < %s AND u.level IN (4, 5)
      AND u.kind IN ('centre', 'station')) u
  ON u.id = s.unit_id
WHERE s.id %% 3 <> 0
"""
# The national 五有 list (jurisdiction ""): three of four items met, most of those with their evidence.
CHECKLIST_SQL = """
INSERT INTO network_checklistentry (unit_id, item_id, met, evidence, evidence_name, note, updated_at)
SELECT u.id, i.id, ((u.id + i.position) %% 4 <> 0),
       CASE WHEN (u.id + i.position) %% 7 <> 0 THEN 'evidence/bench/photo.jpg' ELSE '' END, '', '', %s
FROM network_checklistitem i CROSS JOIN
     (SELECT u.id FROM core_orgunit u WHERE u.region_code >= %s AND u.region_code < %s AND u.level IN (4, 5)
      AND u.kind IN ('centre', 'station')) u
WHERE i.kind = 'five_have' AND i.jurisdiction_code = ''
  AND NOT EXISTS (SELECT 1 FROM network_checklistentry e WHERE e.unit_id = u.id AND e.item_id = i.id)
"""
# A tenth of the stations never reported their area.
PROFILE_SQL = """
INSERT INTO network_stationprofile (unit_id, area_m2, brand_name, honours, version, updated_at)
SELECT u.id, CASE WHEN u.id %% 10 = 0 THEN NULL ELSE 20 + u.id %% 130 END, '', '', 1, %s FROM
     (SELECT u.id FROM core_orgunit u WHERE u.region_code >= %s AND u.region_code < %s AND u.level IN (4, 5)
      AND u.kind IN ('centre', 'station')) u
WHERE NOT EXISTS (SELECT 1 FROM network_stationprofile p WHERE p.unit_id = u.id)
"""
# What the network's three measures read, by hand: per station its staff in post, full-time, trained in the year,
# national 五有 items met with their evidence, and its area.
FACTS_SQL = """
SELECT u.id, COALESCE(s.staff, 0), COALESCE(s.full_time, 0), COALESCE(s.trained, 0), COALESCE(c.met, 0), p.area_m2
FROM core_orgunit u
LEFT JOIN (SELECT m.unit_id, COUNT(*) AS staff,
                  SUM(CASE WHEN m.employment = 'full_time' THEN 1 ELSE 0 END) AS full_time,
                  SUM(CASE WHEN EXISTS (SELECT 1 FROM network_trainingrecord t WHERE t.staff_id = m.id
                                        AND t.date >= %s AND t.date <= %s) THEN 1 ELSE 0 END) AS trained
           FROM network_staffmember m WHERE m.active GROUP BY m.unit_id) s ON s.unit_id = u.id
LEFT JOIN (SELECT e.unit_id, COUNT(*) AS met FROM network_checklistentry e
           JOIN network_checklistitem i ON i.id = e.item_id
           WHERE i.kind = 'five_have' AND i.jurisdiction_code = '' AND e.met
             AND (e.evidence <> '' OR NOT i.needs_evidence)
           GROUP BY e.unit_id) c ON c.unit_id = u.id
LEFT JOIN network_stationprofile p ON p.unit_id = u.id
WHERE u.region_code >= %s AND u.region_code < %s AND u.level = %s AND u.kind IN ('centre', 'station')
"""


def _upper(prefix: str) -> str:
    return str(int(prefix) + 1).zfill(len(prefix))


def _ensure_area(area: str) -> tuple[int, float]:
    """Gansu's units (or a smaller area of it, for the tests), loaded from the region files when missing."""
    started = time.perf_counter()
    if not OrgUnit.objects.filter(subtree_q("region_code", area)).exists():
        import_regions(settings.REGION_DATA_DIR, prefix=area)
        org_units_create_missing(prefix=area[:PREFIX_LENGTH[1]])  # the area and its ancestors' centres
    return OrgUnit.objects.filter(subtree_q("region_code", area)).count(), time.perf_counter() - started


def _give_data(area: str, year: int) -> float:
    started = time.perf_counter()
    now, bounds = timezone.now(), [area, _upper(area)]
    with connection.cursor() as cursor:
        cursor.execute(STAFF_SQL, bounds)
        cursor.execute(TRAINING_SQL, [date(year, 5, 20), *bounds])
        cursor.execute(CHECKLIST_SQL, [now, *bounds])
        cursor.execute(PROFILE_SQL, [now, *bounds])
    province = area[:PREFIX_LENGTH[1]]
    for level, (area_m2, staff, full_time) in STANDARDS.items():
        Standard.objects.update_or_create(jurisdiction_code=province, level=level, effective_from=date(year, 1, 1),
                                          defaults={"min_area_m2": area_m2, "min_staff": staff,
                                                    "min_full_time_staff": full_time, "note": "bench"})
    if connection.vendor == "postgresql":  # as autovacuum would after this many new rows: plans from real counts
        with connection.cursor() as cursor:
            for table in ("network_staffmember", "network_trainingrecord", "network_checklistentry",
                          "network_stationprofile"):
                cursor.execute(f"ANALYZE {table}")
    return time.perf_counter() - started


def _items() -> list[dict]:
    auto = [{"group": "自动评分", "name": str(m.label)[:100], "weight": str(WEIGHTS.get(m.key, 5)), "method": "auto",
             "measure": m.key} for m in measures.measures()]
    return [*auto, MANUAL]


@contextmanager
def _progress_seen(run_id: int):
    """The run's progress as the job writes it: (seconds, done_units) for each UPDATE of the run's done_units."""
    seen: list[tuple[float, int]] = []
    marker = re.compile(r'"done_units" = %s')

    def watch(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if sql.startswith('UPDATE "evaluation_run"') and marker.search(sql) and params and params[-1] == run_id:
            index = sql[: marker.search(sql).start()].count("%s")
            seen.append((time.perf_counter(), int(params[index])))
        return result

    with connection.execute_wrapper(watch):
        yield seen


def _sql_facts(prefix: str, level: int, year: int) -> dict[int, tuple]:
    with connection.cursor() as cursor:
        cursor.execute(FACTS_SQL, [date(year, 1, 1), date(year, 12, 31), prefix, _upper(prefix), level])
        return {row[0]: row[1:] for row in cursor.fetchall()}


def _expected(facts: tuple, standard: Standard, national: int) -> dict[str, float | None]:
    """What the network's three measures must read for a station, from the hand-written query's numbers."""
    staff, full_time, trained, met, area = facts
    below = sum((area is None or Decimal(str(area)) < standard.min_area_m2, staff < standard.min_staff,
                 full_time < standard.min_full_time_staff))
    return {"network.five_haves": round(met / national, 4) if national else None,
            "network.standard": round((3 - below) / 3, 4),
            "network.training": round(trained / staff, 4) if staff else None}


def _check(run: Run, stations: list[OrgUnit], raw: dict[int, tuple], progress: list[tuple[float, int]]) -> None:
    total = len(stations)
    if (run.state, run.total_units, run.done_units) != (Run.State.SCORED, total, total):
        raise ValueError(f"the run ended {run.state} at {run.done_units} of {run.total_units}, not {total}")
    steps = [done for _at, done in progress]
    wanted = [0, *range(scoring.BATCH, total, scoring.BATCH), total] if total else [0]
    if steps != wanted:
        raise ValueError(f"the progress moved {steps[:6]}…, not by batches of {scoring.BATCH} to {total}")
    measure_of = dict(Criterion.objects.filter(version=run.criteria_id).values_list("pk", "measure"))
    national = ChecklistItem.objects.filter(kind=ChecklistItem.Kind.FIVE_HAVE, jurisdiction_code="").count()
    standard = Standard.objects.get(jurisdiction_code=run.scope_code, level=run.criteria.criteria_set.level,
                                    effective_from=date(run.until.year, 1, 1))
    scores = dict(Score.objects.filter(run=run).values_list("unit_id", "items"))
    if set(scores) != {unit.pk for unit in stations}:
        raise ValueError(f"{len(scores)} scores for {total} stations")
    for pk, items in scores.items():
        shown = {measure_of[item["criterion"]]: item["share"] for item in items}
        for key, share in _expected(raw[pk], standard, national).items():
            if shown.get(key) != share:
                raise ValueError(f"station {pk}: {key} scored {shown.get(key)}, the SQL says {share}")


def bench_evaluation(*, area: str = GANSU, levels: tuple[int, ...] = (STREET, VILLAGE)) -> list[Figure]:
    """A run per level over `area` (Gansu; the tests give one of its counties), scored and checked, rolled back."""
    figures: list[Figure] = []
    try:
        with transaction.atomic():
            figures = _measure(area, levels)
            raise Rollback
    except Rollback:
        pass
    return figures


def _measure(area: str, levels: tuple[int, ...]) -> list[Figure]:
    units, load_seconds = _ensure_area(area)
    today = timezone.localdate()
    period = (date(today.year, 1, 1), today)
    data_seconds = _give_data(area, today.year)
    director = _user("bench_evaluation_director", "centre_director")
    if director.org_unit.region_code != pad_code(GANSU) or not director.can("evaluation.manage"):
        raise ValueError("the bench needs Gansu's province centre and a director who may manage evaluations")
    name = Region.objects.get(code=pad_code(area)).name
    figures = []
    for level in levels:
        title = f"{today.year}年{LEVEL_NAMES[level][1]}服务站星级评价"
        criteria = services.criteria_set_create(actor=director, name=title, level=level, year=today.year,
                                                thresholds=THRESHOLDS, items=_items())
        run = services.run_create(actor=director, version_id=criteria.versions.get().pk,
                                  title=f"{today.year}年度星级评价", since=period[0], until=period[1])
        services.run_step(actor=director, run_id=run.pk, action="start")  # the job is queued on commit: never here
        stations = list(scoring.stations_of(run))
        if not stations:
            raise ValueError(f"no stations of level {level} under {area}")
        with _progress_seen(run.pk) as progress:
            started = time.perf_counter()
            run = scoring.score_run(run.pk)
            run_seconds = time.perf_counter() - started
        started = time.perf_counter()
        unit_facts(stations, on=period[1])
        facts_seconds = time.perf_counter() - started
        started = time.perf_counter()
        raw = _sql_facts(area, level, today.year)
        sql_seconds = time.perf_counter() - started
        _check(run, stations, raw, progress)
        figures += _figures(name, level, len(stations), units, (run_seconds, facts_seconds, sql_seconds), progress,
                            load_seconds, data_seconds)
    return figures


def _figures(name, level, stations, units, timings, progress, load_seconds, data_seconds) -> list[Figure]:
    run_seconds, facts_seconds, sql_seconds = timings
    batches = [later - earlier for (earlier, _a), (later, _b) in zip(progress, progress[1:], strict=False)]
    steps = " → ".join(f"{done:,}" for _at, done in progress[:2])
    steps += f" → … → {stations:,}" if len(progress) > 3 else "".join(f" → {done:,}" for _at, done in progress[2:])
    return [
        Figure(f"star evaluation of {stations:,} {LEVEL_NAMES[level][0]} stations of {name} ({units:,} units): "
               "the run", f"{run_seconds:,.1f} s ({stations / run_seconds:,.0f} stations/s)",
               f"{facts_seconds:,.2f} s (unit_facts of the same stations, one pass)", run_seconds / facts_seconds,
               f"the scoring job, {len(measures.measures())} measures and a manual item; loading the units took "
               f"{load_seconds:.0f} s, giving them staff, training, 五有 and profiles {data_seconds:.1f} s"),
        Figure("  the same run against one query of the same tables", f"{run_seconds:,.1f} s",
               f"{sql_seconds:,.2f} s (SQL: staff, trained, 五有 met, area per station)", run_seconds / sql_seconds,
               "the scores' 五有, standard and training shares equal the SQL's, station by station"),
        Figure(f"  each batch of {scoring.BATCH} ({len(batches)} batches), p50 / max",
               f"{percentile(batches, 50):.2f} / {max(batches):.2f} s", "—", None,
               f"progress written on the run after each batch: done_units {steps}"),
    ]
