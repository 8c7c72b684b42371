"""Writing the counties of a seed_scale plan: one transaction each, in this process or in worker processes.

On PostgreSQL several workers write different counties at once (each its own connection and
transaction), so generating rows in Python and storing them in PostgreSQL use both cores. A
county is claimed with a transaction-scoped advisory lock and checked for being done inside its
own transaction, so two runs at once (or a worker left behind by a killed run) never write a
county twice. SQLite has one writer: the counties are written here, one after another.

Every row points at units, accounts and rows that exist (the plan was read from the same
database, the rest is written in the same transaction), so where the session may (a superuser,
and no insert trigger of anyone's own on the tables), the per-row foreign key triggers are
skipped, as pg_restore --disable-triggers does: at commit they cost about a fifth of the load.
The tests check every reference on both databases.
"""

import ctypes
import multiprocessing
import random
import signal
import sys
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import connection, connections, transaction

from rongjia.people.models import Category, Person

from . import scale_people, scale_petitions
from .scale_audit import ENTRY, AuditTrail
from .scale_context import Context
from .scale_plan import County, Plan
from .scale_writer import BulkWriter, Clock

TABLES = scale_people.TABLES + scale_petitions.TABLES + [ENTRY]
LOCK_SPACE = 0x5CA1E  # the first key of the advisory locks: "seed_scale", the county code is the second
WRITTEN, DONE, BUSY = "written", "done", "busy"


@dataclass
class CountyResult:
    county: County
    outcome: str  # WRITTEN, DONE (an earlier run wrote it) or BUSY (another process is writing it)
    people: int
    rows: Counter


class CountyRun:
    """What any process needs to write any county of the plan; the connection-bound parts are made on
    first use, so a forked worker makes its own."""

    def __init__(self, *, plan: Plan, actors: dict[str, int], centres: dict[str, int], today: date, start: date):
        self.plan, self.actors, self.centres, self.today, self.start = plan, actors, centres, today, start
        self._ctx: Context | None = None
        self._deadlines = None
        self._skip_fk_triggers: bool | None = None  # decided on the first county, per process

    def context(self) -> Context:
        if self._ctx is None:
            writer, clock = BulkWriter(TABLES), Clock()
            self._ctx = Context(plan=self.plan, writer=writer, audit=AuditTrail(writer, clock), clock=clock,
                                today=self.today, start=self.start, actors=self.actors, centres=self.centres,
                                categories=dict(Category.objects.values_list("name", "pk")))
            self._deadlines = scale_petitions.Deadlines(self.start - timedelta(days=30),
                                                        self.today + timedelta(days=200))
        return self._ctx

    def close(self) -> None:
        if self._ctx is not None:
            self._ctx.writer.close()
            self._ctx = None

    def write(self, code: str) -> CountyResult:
        """All of one county in one transaction; on any error (Ctrl-C included) nothing of it stays."""
        county = next(c for c in self.plan.selected if c.code == code)
        ctx = self.context()
        before = Counter(ctx.writer.written)
        try:
            with transaction.atomic():
                outcome = self._claim(county)
                if outcome != WRITTEN:
                    return CountyResult(county, outcome, 0, Counter())
                rng = random.Random(f"seed-scale-{county.code}")  # the same rows whenever it is written
                people = scale_people.PeopleWriter(ctx, county, rng)
                written = people.write()
                scale_petitions.PetitionsWriter(ctx, county, rng, self._deadlines, people.refs).write()
                ctx.writer.flush()
        except BaseException:
            ctx.writer.discard()  # rows of the rolled-back county still in the buffers
            ctx.writer.written = before
            raise
        return CountyResult(county, WRITTEN, written, ctx.writer.written - before)

    def _claim(self, county: County) -> str:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", [LOCK_SPACE, int(county.code)])
                if not cursor.fetchone()[0]:
                    return BUSY
                if self._skip_fk_triggers is None:
                    self._skip_fk_triggers = _may_skip_fk_triggers(cursor)
                if self._skip_fk_triggers:
                    cursor.execute("SET LOCAL session_replication_role = replica")  # until this county commits
        if Person.objects.filter(created_by_id=self.actors[county.code]).exists():
            return DONE
        return WRITTEN


def _may_skip_fk_triggers(cursor) -> bool:
    cursor.execute("SELECT current_setting('is_superuser') = 'on'")
    if not cursor.fetchone()[0]:
        return False
    # tgtype bit 4: fires on INSERT; internal triggers are the foreign key checks themselves
    cursor.execute("SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal AND tgtype & 4 <> 0 "
                   "AND tgrelid = ANY(%s::regclass[])", [[table.name for table in TABLES]])
    return cursor.fetchone()[0] == 0


def write_counties(run: CountyRun, *, jobs: int, report: Callable[[CountyResult], None]) -> int:
    """Write every selected county; returns the number of processes that wrote them."""
    counties = run.plan.selected
    if jobs <= 1 or connection.vendor != "postgresql" or connection.in_atomic_block or len(counties) < 2:
        # SQLite takes one writer; inside a caller's transaction (a test) a worker would not see its rows.
        try:
            for county in counties:
                report(run.write(county.code))
        finally:
            run.close()
        return 1
    _in_parent(run)
    connections.close_all()  # a forked worker must open its own connection, not share this one
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=_die_with_parent) as pool:
        # the biggest counties first, so no worker is left with a long one at the end
        ordered = sorted(counties, key=lambda c: -c.total)
        futures = [pool.submit(_work, county.code) for county in ordered]
        try:
            for future in as_completed(futures):
                report(future.result())
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)
            raise
    return jobs


_RUN: CountyRun | None = None  # the run a forked worker inherits


def _in_parent(run: CountyRun) -> None:
    global _RUN
    _RUN = run


def _work(code: str) -> CountyResult:
    return _RUN.write(code)


def _die_with_parent() -> None:
    """A worker ends with the command: killed with it, its connection closes and its county rolls back,
    rather than finishing alone (Linux's parent-death signal; elsewhere Ctrl-C reaches the workers anyway)."""
    if sys.platform.startswith("linux"):
        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL)
