"""Benchmark: the scoped lists (people, petitions, stations) against a bare static page, side by side.

For each viewer (a village station worker, a county and a province leader) each list is requested
in process through django.test.Client, with the viewer signed in, and every request is timed;
a static page of the same size, served by a view of this module through the identical middleware
(ROOT_URLCONF is swapped for rongjia.benchmarks.urls, which adds that one route to the project's),
is requested in alternation with it, so both meet the same machine state. A few realistic variants
of each list are timed too (page 2; for the people a name search of three characters, one of two, one
in pinyin and a status filter; for the petitions a state and the overdue; for the stations a name and a
level), and one request of each is captured to count its SQL queries and, on request, to EXPLAIN the
main ones.

Everything runs in one transaction that is rolled back: the sessions the requests save (and an
authenticator provisioned for a role that needs one) are not kept. The commit each request would
make for its session is therefore not in the figures, for the list and the static page alike.
"""

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count
from django.db.models.functions import Length
from django.http import HttpResponse
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rongjia.accounts.middleware import password_change_due
from rongjia.accounts.models import User
from rongjia.core.models import OrgUnit
from rongjia.core.regions import SLUG_BY_LEVEL
from rongjia.people.models import Person
from rongjia.petitions.models import Petition
from rongjia.petitions.selectors import petition_list

from .measure import Figure, percentile

BENCH_URLCONF = "rongjia.benchmarks.urls"
TARGET_P95_MS = 50.0
WARMUP = 5
PAGE_SIZE_GUESS = 50  # core.pagination.PAGE_SIZE: a second page exists above this many people
# The scale database's viewers (seed_scale), else the Jiangning demo's (no province account there).
SCALE_VIEWERS = ("scale_village", "scale_county", "scale_province")
DEMO_VIEWERS = ("jn_village", "jn_leader")

_RESULT_COUNT = re.compile(rb'data-testid="result-count">(\d+)<')
_MAIN_TABLES = re.compile(r'FROM "people_person(?:category)?"')

# A fixed page of the list's kind of markup (Chinese text in a table), cut to the size asked for.
_ROW = ('<tr><td><a href="/people/0/">张卫东</a></td><td class="hide-sm">男</td><td>45</td>'
        '<td class="hide-sm text-nowrap font-monospace">32011519800101****</td>'
        '<td class="hide-sm text-nowrap">139****5678</td><td class="hide-sm">古泉社区退役军人服务站</td>'
        '<td><span class="badge badge-soft badge-role me-1">退役士兵</span></td></tr>\n')
STATIC_PAGE = ('<!doctype html><html lang="zh-hans"><head><meta charset="utf-8"><title>戎家</title></head><body>'
               '<table class="table card-table table-vcenter"><tbody>\n' + _ROW * 2000)


def static_page(request, size: int):
    """The baseline: no query, no template, a fixed string of `size` characters."""
    return HttpResponse(STATIC_PAGE[:size])


class BenchError(ValueError):
    """The list cannot be measured as asked (no such viewer, a page that does not list people…)."""


@dataclass
class Explained:
    title: str
    sql: str
    plan: str
    full_scan: bool


@dataclass
class ListResult:
    figures: list[Figure] = field(default_factory=list)
    explains: list[Explained] = field(default_factory=list)
    findings: list[str] = field(default_factory=list)


def default_viewers() -> tuple[list[str], list[str]]:
    """The usernames to measure, and notes on any level left out."""
    if User.objects.filter(username__in=SCALE_VIEWERS, is_active=True).count() == len(SCALE_VIEWERS):
        return list(SCALE_VIEWERS), []
    if User.objects.filter(username__in=DEMO_VIEWERS, is_active=True).count() == len(DEMO_VIEWERS):
        return list(DEMO_VIEWERS), ["no province viewer in the Jiangning demo: province level skipped"]
    raise BenchError(f"no viewers: neither {', '.join(SCALE_VIEWERS)} (seed_scale) nor {', '.join(DEMO_VIEWERS)} "
                     "(seed_demo) exist; name accounts with --viewers")


def bench_people_list(*, usernames: list[str], requests: int, explain: bool = False) -> ListResult:
    """Every list of LISTS for every viewer (the name is the command's: the people list came first)."""
    viewers = _viewers(usernames)
    result = ListResult()
    total = Person.objects.count()
    try:
        with transaction.atomic(), override_settings(ROOT_URLCONF=BENCH_URLCONF,
                                                     BENCH_PROJECT_URLCONF=settings.ROOT_URLCONF):
            for kind in LISTS:
                for user in viewers:
                    _measure_viewer(kind, user, requests, explain, result, total)
            raise _Rollback
    except _Rollback:
        pass
    return result


class _Rollback(Exception):
    pass


def _viewers(usernames: list[str]) -> list[User]:
    users = {u.username: u for u in User.objects.filter(username__in=usernames).select_related("org_unit")}
    viewers = []
    for name in usernames:
        user = users.get(name)
        if user is None or not user.is_active:
            raise BenchError(f"no active account {name}")
        if user.org_unit is None:
            raise BenchError(f"{name} belongs to no unit, so it sees no one")
        if password_change_due(user):
            raise BenchError(f"{name} must change its password before any page opens (a new account, or one "
                             "older than the password age): sign in once and change it")
        viewers.append(user)
    return viewers


def _host() -> str:
    for host in settings.ALLOWED_HOSTS:
        return "localhost" if host == "*" else host.lstrip(".")
    raise BenchError("ALLOWED_HOSTS is empty: no host name to send")


class _Viewer:
    """A signed-in client for one account, and the checks each response must pass."""

    def __init__(self, user: User):
        self.user = user
        self.client = Client(HTTP_HOST=_host())
        self.secure = bool(getattr(settings, "SECURE_SSL_REDIRECT", False))
        self.client.force_login(user)
        _second_factor(self.client, user)

    def get(self, url: str):
        response = self.client.get(url, secure=self.secure)
        if response.status_code != 200:
            where = f" → {response.get('Location')}" if response.has_header("Location") else ""
            raise BenchError(f"{url} as {self.user.username} answered {response.status_code}{where}")
        return response

    def timed(self, url: str) -> float:
        started = time.perf_counter()
        self.get(url)
        return (time.perf_counter() - started) * 1000

    def listed(self, url: str) -> int:
        """Request the list, check that it really lists people, return how many the page says match."""
        response = self.get(url)
        found = _RESULT_COUNT.search(response.content)
        if found is None or int(found.group(1)) == 0 or b'href="/people/' not in response.content:
            raise BenchError(f"{url} as {self.user.username} lists no one: is anyone registered in its scope?")
        return int(found.group(1))


def _second_factor(client: Client, user: User) -> None:
    """As tests/conftest.py does: a role that needs the TOTP code gets a session verified by its device
    (provisioned if missing, inside the transaction that is rolled back)."""
    from django_otp import DEVICE_ID_SESSION_KEY

    from rongjia.accounts import two_factor

    if two_factor.second_factor_needed(user):
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = two_factor.provisioned_device(user).persistent_id
        session.save()


def _measure_viewer(kind: "ListKind", user: User, requests: int, explain: bool, result: ListResult,
                    total: int) -> None:
    viewer = _Viewer(user)
    level = SLUG_BY_LEVEL.get(user.org_unit.level, str(user.org_unit.level))
    skipped = kind.skip_reason(user)
    if skipped:
        result.figures.append(Figure(f"{kind.name}, {level} ({user.username})", "—", "—", None, f"skipped: {skipped}"))
        return
    list_url = reverse(kind.url_name)
    kind.check(viewer, list_url)
    in_scope = kind.in_scope(user)  # the page counts to a cap only (core.pagination)
    size = len(viewer.get(list_url).content.decode())
    static_url = reverse("bench_static", args=[size])
    for _n in range(WARMUP):
        viewer.get(list_url)
        viewer.get(static_url)
    listed, static = [], []
    for _n in range(requests):  # alternately, so that both meet the same machine state
        listed.append(viewer.timed(list_url))
        static.append(viewer.timed(static_url))
    queries, sql = _captured(viewer, list_url, kind.main_tables)
    variants = []
    for label, url in kind.variants(user, list_url, in_scope):
        kind.check(viewer, url)
        for _n in range(WARMUP):
            viewer.get(url)
        variants.append((label, [viewer.timed(url) for _n in range(max(min(requests, 20), requests // 4))], url))
    p50, p95, s50, s95 = percentile(listed, 50), percentile(listed, 95), percentile(static, 50), percentile(static, 95)
    missed = [label for label, times in [("list", listed), *((v[0], v[1]) for v in variants)]
              if percentile(times, 95) > TARGET_P95_MS]
    verdict = f"missed by {', '.join(missed)}" if missed else "met"
    note = (f"p95 ≤ {TARGET_P95_MS:.0f} ms {verdict}; {queries} queries; "
            + "; ".join(f"{label} p95 {percentile(times, 95):.1f}" for label, times, _url in variants))
    scans = []
    if kind.people and (explain or level == "village"):
        scans = _explain_all(user, level, sql, variants, viewer, result, keep=explain, scope=(in_scope, total))
    elif explain:
        _explain_list(kind, user, level, sql, in_scope, result)
    if scans:
        note += f"; full scan of people_person ({', '.join(scans)})"
    result.figures.append(Figure(
        f"{kind.name}, {level} ({user.username}, {in_scope:,} {kind.noun})", f"p50 {p50:.1f} · p95 {p95:.1f} ms",
        f"static page p50 {s50:.1f} · p95 {s95:.1f} ms", p95 / s95 if s95 else None, note))


@dataclass(frozen=True)
class ListKind:
    """One scoped list as the bench requests it: where it is, who may open it, how a page shows it has rows,
    what it counts in the viewer's scope, the variants worth timing and which queries are its own."""

    name: str
    url_name: str
    capability: str
    noun: str
    row_marker: bytes  # in the page's markup once per row
    main_tables: re.Pattern
    scoped: Callable[[User], object]  # the list's rows in the viewer's scope (a queryset)
    variants: Callable[[User, str, int], list[tuple[str, str]]]
    people: bool = False

    def skip_reason(self, user: User) -> str:
        if not user.can(self.capability):
            return f"{user.username} lacks {self.capability}"
        if not self.people and not self.scoped(user).exists():
            return f"no {self.noun} in {user.username}'s area"
        return ""

    def in_scope(self, user: User) -> int:
        return self.scoped(user).count()

    def check(self, viewer: "_Viewer", url: str) -> None:
        if self.people:
            viewer.listed(url)
            return
        if self.row_marker not in viewer.get(url).content:
            raise BenchError(f"{url} as {viewer.user.username} lists no {self.noun}")


def _people_variants(user: User, list_url: str, in_scope: int) -> list[tuple[str, str]]:
    """Page 2 (when there is one); a search for a real name in scope of three characters, one of two (no trigram:
    the beginning of the name) and one in whole pinyin; a filter on a status present."""
    people = Person.objects.visible_to(user)
    variants = [("page 2", f"{list_url}?page=2")] if in_scope > PAGE_SIZE_GUESS else []
    latest = people.order_by("-id").values_list("name", "name_pinyin").first()
    if latest:
        variants.append((f"q={latest[0]}", f"{list_url}?{urlencode({'q': latest[0]})}"))
    short = people.annotate(length=Length("name")).filter(length=2).order_by("-id").values_list("name", flat=True)
    if name := short.first():
        variants.append((f"q={name}", f"{list_url}?{urlencode({'q': name})}"))
    if latest and latest[1]:
        variants.append((f"q={latest[1]}", f"{list_url}?{urlencode({'q': latest[1]})}"))
    present = people.exclude(status=Person.Status.ACTIVE).order_by("pk").values_list("status", flat=True).first()
    status = present or Person.Status.ACTIVE
    variants.append((f"status={status}", f"{list_url}?status={status}"))
    return variants


def _petition_variants(user: User, list_url: str, in_scope: int) -> list[tuple[str, str]]:
    """Page 2, the state most petitions of the area are in, and the overdue (the desk's daily question) if any."""
    variants = [("page 2", f"{list_url}?page=2")] if in_scope > PAGE_SIZE_GUESS else []
    state = (Petition.objects.visible_to(user).values("state").annotate(n=Count("id")).order_by("-n")
             .values_list("state", flat=True).first())
    if state:
        variants.append((f"state={state}", f"{list_url}?state={state}"))
    if petition_list(user, due="overdue").exists():
        variants.append(("due=overdue", f"{list_url}?due=overdue"))
    return variants


def _station_variants(user: User, list_url: str, in_scope: int) -> list[tuple[str, str]]:
    """Page 2, a search for a unit's name in scope, and the level below the viewer's."""
    units = OrgUnit.objects.visible_to(user)
    variants = [("page 2", f"{list_url}?page=2")] if in_scope > PAGE_SIZE_GUESS else []
    name = units.order_by("-id").values_list("name", flat=True).first()
    if name:
        variants.append((f"q={name}", f"{list_url}?{urlencode({'q': name})}"))
    below = SLUG_BY_LEVEL.get(user.org_unit.level + 1)
    return variants + ([(f"level={below}", f"{list_url}?level={below}")] if below else [])


LISTS = (
    ListKind("people list", "people:person_list", "people.view", "people", b'href="/people/',
             re.compile(r'FROM "people_person(?:category)?"'), lambda user: Person.objects.visible_to(user),
             _people_variants, people=True),
    ListKind("petition list", "petitions:petition_list", "petitions.view", "petitions", b'data-petition="',
             re.compile(r'FROM "petitions_petition"'), lambda user: Petition.objects.visible_to(user),
             _petition_variants),
    ListKind("station list", "network:station_list", "org.view", "units", b'data-level="',
             re.compile(r'FROM "core_orgunit" INNER JOIN "core_region"|COUNT\(\*\) AS "__count" FROM "core_orgunit"'),
             lambda user: OrgUnit.objects.visible_to(user), _station_variants),
)


def _explain_list(kind: ListKind, user: User, level: str, sql: list[str], in_scope: int, result: ListResult) -> None:
    """EXPLAIN a petition or station list's own queries (the people list's are read more closely below)."""
    for statement in sql:
        what = "count" if statement.startswith("SELECT COUNT(") else "page"
        title = f"{kind.name} · {level} ({user.username}, {in_scope:,} {kind.noun}) · {what}"
        result.explains.append(Explained(title, statement, explain_plan(statement), False))


def _captured(viewer: _Viewer, url: str, main_tables: re.Pattern = None) -> tuple[int, list[str]]:
    """One request under CaptureQueriesContext (not among the timed ones): its query count and the SQL
    of its main queries (for the people list those reading people_person and the current categories)."""
    with CaptureQueriesContext(connection) as captured:
        viewer.get(url)
    main = main_tables or _MAIN_TABLES
    return len(captured), [q["sql"] for q in captured.captured_queries if main.search(q["sql"])]


def _explain_all(user, level, sql, variants, viewer, result: ListResult, *, keep: bool, scope) -> list[str]:
    """EXPLAIN the plain list's main queries and the name search's; returns those that read all of
    people_person although the viewer sees less than half of it."""
    in_scope, total = scope
    search = next((url for label, _times, url in variants if label.startswith("q=")), None)
    labelled = [("list", s) for s in sql]
    if search:
        labelled += [("name search", s) for s in _captured(viewer, search)[1]]
    scans = []
    for kind, statement in labelled:
        plan = explain_plan(statement)
        read = rows_read(plan)
        full = full_scan(plan, read, total) and in_scope < total / 2
        what = "count" if "COUNT(" in statement else "page" if statement.find('FROM "people_person"') >= 0 \
            else "categories"
        title = f"{level} ({user.username}, {in_scope:,} of {total:,} people) · {kind} · {what}"
        if read is not None and what != "categories":
            title += f" · reads ≈{read:,} rows of people_person"
        if full:
            scans.append(f"{kind} {what}")
            result.findings.append(f"{level} ({user.username}, sees {in_scope:,} of {total:,}): the {kind} {what} "
                                   "query reads all of people_person")
        if keep:
            result.explains.append(Explained(title, statement, plan, full))
    return scans


def explain_plan(sql: str) -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
            return "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
        rows = cursor.fetchall()
    depth = {0: -1}
    lines = []
    for node, parent, _unused, detail in rows:
        depth[node] = depth.get(parent, -1) + 1
        lines.append("  " * depth[node] + detail)
    return "\n".join(lines)


_PG_SCAN = re.compile(r"(?:Seq Scan|Index Scan|Index Only Scan|Bitmap Heap Scan)(?: Backward)?(?: using \S+)? "
                      r"on people_person\b(?!category).*actual time=\S+ rows=(\d+) loops=(\d+)")
_PG_REMOVED = re.compile(r"Rows Removed by (?:Filter|Index Recheck): (\d+)")


def rows_read(plan: str) -> int | None:
    """PostgreSQL: the rows of people_person the plan's scans of it touched (returned plus filtered out,
    times loops). None on SQLite, whose EXPLAIN QUERY PLAN counts nothing."""
    if connection.vendor != "postgresql":
        return None
    read, loops = 0, None
    for line in plan.splitlines():
        scan = _PG_SCAN.search(line)
        if scan:
            loops = int(scan.group(2))
            read += int(scan.group(1)) * loops
        elif "->" in line:
            loops = None  # another node: its filters are not people_person's
        elif loops is not None and (removed := _PG_REMOVED.search(line)):
            read += int(removed.group(1)) * loops
    return read


def full_scan(plan: str, read: int | None, total: int) -> bool:
    """Does the plan read (nearly) every row of people_person? On PostgreSQL, by the rows its scans
    touched (a Seq Scan, or an index walked whole); on SQLite, a SCAN of the table or of a whole index."""
    if connection.vendor == "postgresql":
        return bool(re.search(r"Seq Scan on people_person\b(?!category)", plan)) or (read or 0) >= 0.9 * total > 0
    return re.search(r"\bSCAN people_person\b(?!category)", plan) is not None
