"""seed_scale: a province-sized database for benchmarks — every unit of a region with its centre or
station, about a million served people, and years of their books, hand-overs, petitions and audit
entries (about ten million rows), written in minutes.

Resumable by construction: one county is one transaction, all there or not at all. A county is
done when people registered by its worker account exist, so a rerun (after Ctrl-C, a kill, a
crash) skips those counties and writes the rest. Each county draws from its own random.Random
seeded with its code, so a resumed run writes what an uninterrupted one would have.
"""

import importlib
import resource
import secrets
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from rongjia.accounts.models import Role, User
from rongjia.accounts.services import user_create
from rongjia.core import planner_statistics
from rongjia.core.models import OrgUnit, Region
from rongjia.core.org_units import org_units_create_missing
from rongjia.core.region_import import import_regions
from rongjia.core.regions import COUNTY, PREFIX_LENGTH, pad_code

from .scale_plan import Plan, make_plan
from .scale_run import TABLES, WRITTEN, CountyResult, CountyRun, write_counties

COUNTY_ROLE, CENTRE_ROLE = "centre_staff", "centre_director"  # who does the work; who approves and reviews
VIEWERS = (("scale_province", "leader"), ("scale_county", "leader"), ("scale_village", "station_worker"))


@dataclass
class Progress:
    done: int  # counties finished (written or found done)
    total: int
    result: CountyResult
    people: int  # written by this run so far
    rows: int
    seconds: float


@dataclass
class ScaleReport:
    counties: int = 0
    written: int = 0  # counties this run wrote
    skipped: int = 0  # counties an earlier (or a concurrent) run had written
    people: int = 0
    jobs: int = 1  # processes that wrote the counties
    rows: Counter = field(default_factory=Counter)  # this run, per table
    in_database: dict[str, int] = field(default_factory=dict)
    units_created: int = 0
    viewers: list[tuple[str, str, str]] = field(default_factory=list)  # username, role, unit
    stats_seconds: float | None = None
    stats_note: str = ""  # why the statistics were not rebuilt
    setup_seconds: float = 0.0  # regions, units and accounts, before the first county
    seconds: float = 0.0
    peak_rss_mb: float = 0.0  # this process
    peak_worker_rss_mb: float = 0.0  # the largest worker process, if there were any


def seed_scale(*, prefix: str, people: int, years: int, counties: int | None = None, jobs: int = 2,
               progress: Callable[[Progress], None] | None = None) -> ScaleReport:
    started = time.perf_counter()
    report = ScaleReport()
    report.units_created = _regions_and_units(prefix)
    plan = make_plan(prefix=prefix, people=people, limit=counties)
    report.counties = len(plan.selected)
    actors, centres = _actors(plan)
    today = timezone.localdate()
    run = CountyRun(plan=plan, actors=actors, centres=centres, today=today,
                    start=today - timedelta(days=365 * years))

    def counted(result: CountyResult) -> None:
        report.written += result.outcome == WRITTEN
        report.skipped += result.outcome != WRITTEN
        report.people += result.people
        report.rows.update(result.rows)
        if progress:
            progress(Progress(report.written + report.skipped, report.counties, result, report.people,
                              sum(report.rows.values()), time.perf_counter() - started))

    report.setup_seconds = time.perf_counter() - started
    report.jobs = write_counties(run, jobs=jobs, report=counted)
    report.viewers = _viewers(plan)
    _analyze()
    report.stats_seconds, report.stats_note = _rebuild_stats()
    report.in_database = _counts()
    report.seconds = time.perf_counter() - started
    # as benchmarks.measure.peak_rss_mb does (demo may not import benchmarks: sibling layers); Linux gives KB
    report.peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    report.peak_worker_rss_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return report


def _regions_and_units(prefix: str) -> int:
    """The region's units from the files (idempotent: only what is missing is written), then a centre or
    station for each of them and for the centres above."""
    with transaction.atomic():  # a code the files do not know leaves nothing behind, not even its ancestors
        import_regions(settings.REGION_DATA_DIR, prefix=prefix)
        region = Region.objects.filter(code=pad_code(prefix), valid_to__isnull=True).first()
        if region is None:
            raise LookupError(f"区划文件中没有代码为 {prefix} 的区划，未作任何更改。")
    created = sum(org_units_create_missing(prefix=ancestor.code) for ancestor in region.ancestors())
    return created + org_units_create_missing(prefix=prefix)


def _actors(plan: Plan) -> tuple[dict[str, int], dict[str, int]]:
    """One worker account at each centre (province, cities, every county of the region), made once."""
    codes = {plan.prefix[:2]} | {county.code[:4] for county in plan.counties} | {c.code for c in plan.counties}
    units = dict(OrgUnit.objects.filter(region_code__in=[pad_code(code) for code in codes],
                                        kind=OrgUnit.Kind.CENTRE).values_list("region_code", "pk"))
    centres = {code: units[pad_code(code)] for code in codes if pad_code(code) in units}
    existing = dict(User.objects.filter(username__in=[f"scale_{code}" for code in centres])
                    .values_list("username", "pk"))
    roles = {role.code: role for role in Role.objects.filter(code__in=[COUNTY_ROLE, CENTRE_ROLE])}
    actors = {}
    with transaction.atomic():
        for code, unit in sorted(centres.items()):
            username = f"scale_{code}"
            if username not in existing:
                role = roles[COUNTY_ROLE if len(code) == PREFIX_LENGTH[COUNTY] else CENTRE_ROLE]
                existing[username] = _account(username, unit, role, "退役军人服务中心工作人员").pk
            actors[code] = existing[username]
    return actors, centres


def _account(username: str, unit_pk: int, role: Role, full_name: str) -> User:
    # Nobody signs in with these (benchmarks use force_login): a random password that meets the rules.
    password = secrets.token_urlsafe(12) + "Aa1#"
    return user_create(actor=None, username=username, password=password, org_unit=OrgUnit.objects.get(pk=unit_pk),
                       roles=[role], full_name=full_name, must_change_password=False)


def _viewers(plan: Plan) -> list[tuple[str, str, str]]:
    """Three accounts for the benchmarks: the province, a busy urban county, and a village of it."""
    counties = [county for county in plan.selected if county.total] or plan.selected
    if not counties:
        return []
    county = max(counties, key=lambda c: (c.urban, c.total))
    village = max(zip(county.people, county.villages, strict=True), key=lambda pair: pair[0])[1] \
        if county.villages else None
    units = {"scale_province": pad_code(plan.prefix[:2]), "scale_county": pad_code(county.code),
             "scale_village": village.code if village else None}
    roles = {role.code: role for role in Role.objects.all()}
    viewers = []
    for username, role in VIEWERS:
        user = User.objects.filter(username=username).select_related("org_unit").first()
        if user is None and units[username]:
            unit = OrgUnit.objects.get(region_code=units[username], kind__in=[OrgUnit.Kind.CENTRE,
                                                                              OrgUnit.Kind.STATION])
            user = _account(username, unit.pk, roles[role], "性能测试账号")
        if user is not None:
            viewers.append((username, str(roles[role]), user.org_unit.name if user.org_unit else ""))
    return viewers


def _analyze() -> None:
    """Fresh planner statistics for every table, not only the people tables it wrote: the units, regions and
    accounts were filled too, and a planner that counts 11 units where there are 19,224 sorts a million
    joined rows for the province's list. The statistics rebuild and the benchmarks read these tables next."""
    planner_statistics.analyze()


def _rebuild_stats() -> tuple[float | None, str]:
    """Rebuild the precomputed statistics (rongjia.insights.stats), where that module exists.

    Returns (seconds, "") or (None, why not). The rows are committed by then: a failing rebuild is
    reported, not raised, so the run's figures are still printed and the rebuild can be rerun alone.
    """
    try:
        stats = importlib.import_module("rongjia.insights.stats")
    except ModuleNotFoundError as exc:
        if exc.name in ("rongjia.insights", "rongjia.insights.stats"):
            return None, "rongjia.insights.stats 尚不存在"
        raise
    rebuild = getattr(stats, "rebuild_stats", None)
    if rebuild is None:
        return None, "rongjia.insights.stats 没有 rebuild_stats()"
    started = time.perf_counter()
    try:
        rebuild()
    except Exception as exc:  # noqa: BLE001 - another app's step after the commit: report it, keep the figures
        why = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
        return None, f"失败（{why}），数据已保存，可稍后运行 manage.py recompute_stats --full"
    return time.perf_counter() - started, ""


def _counts() -> dict[str, int]:
    counts = {}
    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table.name)}")  # noqa: S608 - names from the models
            counts[table.label] = cursor.fetchone()[0]
    counts["core.OrgUnit"] = OrgUnit.objects.count()
    return counts
