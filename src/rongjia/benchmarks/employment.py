"""Benchmark: matching one posting against the seekers of a province (the issue's goal: Gansu's 1M demo,
`seed_scale --region 62 --people 1000000`, answers in p95 ≤ 200 ms), for a county, a city and a province viewer.

The seekers come from the people already in the database: a profile for every Nth person on the books under the
prefix (default every 20th: 50,000 of Gansu's million), with skills, sectors wanted, a place wanted and a licence
spread by the person's id. They are written in bulk once and kept (a second run finds them and adds none), then the
tables are ANALYZEd so that the plans come from real counts. The posting, its employer and the three viewers are
made inside a transaction that is rolled back.

Measured: `matching.ranked_seekers(viewer, posting, today)[:50]`, read whole (the page's top 50), p50 / p95 over
`requests` runs. The baseline: a hand-written SQL of the same hard filters and the same score over the same rows.
Before anything is timed the two are compared, ids and scores, so a fast wrong answer cannot pass.
"""

import time
from datetime import timedelta

from django.db import connection, transaction
from django.db.models import Count, F
from django.db.models.functions import Mod, Substr
from django.utils import timezone

from rongjia.accounts.models import Role, User
from rongjia.core.models import OrgUnit, Region
from rongjia.core.regions import CITY, COUNTY, PREFIX_LENGTH, PROVINCE, VILLAGE, pad_code
from rongjia.core.scoping import subtree_q
from rongjia.employment import matching
from rongjia.employment.models import Employer, Posting, Sector, Seeker, Skill
from rongjia.people.models import Person

from .evaluation import _upper
from .measure import Figure, percentile
from .worklist import GANSU, Rollback

EVERY = 20
REQUESTS = 50
TOP = 50
CHUNK = 5000
TARGET_MS = 200
NOTE = "基准测试求职登记"
LICENCES = ["", "", "C1", "C1", "B2", "A1", "", "C2"]
POSTING_SKILLS = ("汽车驾驶", "电工")

SQL = """
SELECT id, skill_part + place_part + education_part + preference_part AS score,
       skill_part, place_part, education_part, preference_part
FROM (
  SELECT s.id,
    {skill} AS skill_part,
    CASE WHEN s.wanted_place_code IN ({covering}) OR (s.home_code >= %s AND s.home_code < %s) THEN 30
         WHEN s.home_code >= %s AND s.home_code < %s THEN 15 ELSE 0 END AS place_part,
    {education} AS education_part,
    CASE WHEN EXISTS (SELECT 1 FROM employment_seeker_wanted_sectors w WHERE w.seeker_id = s.id AND w.sector_id = %s)
         THEN 10
         WHEN NOT EXISTS (SELECT 1 FROM employment_seeker_wanted_sectors w WHERE w.seeker_id = s.id) THEN 5
         ELSE 0 END AS preference_part
  FROM employment_seeker s
  WHERE s.region_code >= %s AND s.region_code < %s AND s.status = 'seeking' AND s.on_books
    AND (s.available_from IS NULL OR s.available_from <= %s)
) ranked
ORDER BY score DESC, id
LIMIT %s
"""


class BenchError(ValueError):
    pass


def default_prefix() -> str:
    """Gansu when the scale demo is loaded, else the province of the first station with people (the demo's)."""
    if Person.objects.filter(subtree_q("station__region_code", GANSU)).exists():
        return GANSU
    code = Person.objects.order_by().values_list("station__region_code", flat=True).first()
    if code is None:
        raise BenchError("the database holds no served person: load the demo (make run) or seed_scale")
    return code[: PREFIX_LENGTH[PROVINCE]]


def ensure_seekers(prefix: str, every: int = EVERY) -> tuple[int, int]:
    """A profile for every `every`-th person on the books under `prefix` who has none (idempotent); returns
    (profiles added, profiles under the prefix)."""
    skills = list(Skill.objects.order_by("position", "id").values_list("pk", flat=True))
    sectors = list(Sector.objects.order_by("position", "id").values_list("pk", flat=True))
    places = dict(Region.objects.filter(subtree_q("code", prefix), level__in=[CITY, COUNTY])
                  .values_list("code", "pk"))
    SkillLink, SectorLink = Seeker.skills.through, Seeker.wanted_sectors.through
    people = (Person.objects.filter(subtree_q("station__region_code", prefix), status=Person.Status.ACTIVE,
                                    seeker__isnull=True)
              .annotate(nth=Mod(F("id"), every)).filter(nth=0).order_by("id")
              .values_list("id", "station_id", "station__region_code", "address_region__code", "education"))
    added, last = 0, 0
    while True:
        rows = list(people.filter(id__gt=last)[:CHUNK])
        if not rows:
            break
        last = rows[-1][0]
        seekers = []
        for pk, station, region, home, education in rows:
            n = pk // every  # the people chosen are multiples of `every`: vary by their rank, not by pk itself
            wanted = (home[: PREFIX_LENGTH[COUNTY]] if n % 3 == 0
                      else home[: PREFIX_LENGTH[CITY]] if n % 7 == 0 else "")
            place = places.get(pad_code(wanted)) if wanted else None
            seekers.append(Seeker(person_id=pk, station_id=station, region_code=region, home_code=home,
                                  education=education,
                                  status=Seeker.Status.SEEKING if n % 10 else Seeker.Status.PLACED,
                                  source=Seeker.Source.WORKER, wanted_place_id=place,
                                  wanted_place_code=wanted if place else "",
                                  driving_licence=LICENCES[n % len(LICENCES)], note=NOTE))
        with transaction.atomic():
            Seeker.objects.bulk_create(seekers, batch_size=1000)
            made = dict(Seeker.objects.filter(person_id__in=[r[0] for r in rows]).values_list("person_id", "id"))
            links, wants = [], []
            for pk, *_rest in rows:
                seeker, n = made[pk], pk // every
                for k in range(n % 4):
                    links.append(SkillLink(seeker_id=seeker, skill_id=skills[(n // 4 + k * 7) % len(skills)]))
                if n % 5 < 2:
                    wants += [SectorLink(seeker_id=seeker, sector_id=sectors[(n // 5 + k) % len(sectors)])
                              for k in range(1 + n % 2)]
            SkillLink.objects.bulk_create(links, batch_size=2000, ignore_conflicts=True)
            SectorLink.objects.bulk_create(wants, batch_size=2000, ignore_conflicts=True)
        added += len(seekers)
    if added:
        with connection.cursor() as cursor:
            for table in ("employment_seeker", "employment_seeker_skills", "employment_seeker_wanted_sectors"):
                cursor.execute(f"ANALYZE {table}")
    return added, Seeker.objects.filter(subtree_q("region_code", prefix)).count()


def bench_employment(*, prefix: str = "", every: int = EVERY, requests: int = REQUESTS) -> list[Figure]:
    """The three viewers' figures; the seekers are added once (kept), the rest rolled back."""
    if every < 1 or requests < 1:
        raise BenchError("every and requests must be positive")
    prefix = prefix or default_prefix()
    started = time.perf_counter()
    added, total = ensure_seekers(prefix, every)
    if not total and every > 1:  # fewer people than one in `every` (a test's world): a profile for each of them
        every = 1
        added, total = ensure_seekers(prefix, every)
    setup = time.perf_counter() - started
    if not total:
        raise BenchError(f"no job seeker under {prefix}: no person on the books there")
    figures: list[Figure] = []
    try:
        with transaction.atomic():
            figures = _measure(prefix, requests, added, total, setup, every)
            raise Rollback
    except Rollback:
        pass
    return figures


def _busiest_county(prefix: str) -> str:
    scale = User.objects.filter(username="scale_county").select_related("org_unit").first()
    if scale and scale.org_unit and scale.org_unit.region_code[: len(prefix)] == prefix:
        return scale.org_unit.region_code[: PREFIX_LENGTH[COUNTY]]
    row = (Seeker.objects.filter(subtree_q("region_code", prefix)).order_by()
           .annotate(county=Substr("region_code", 1, PREFIX_LENGTH[COUNTY])).values("county")
           .annotate(n=Count("id")).order_by("-n", "county").values_list("county", flat=True).first())
    if row is None:
        raise BenchError(f"no job seeker under {prefix}")
    return row


def _viewer(code: str, level: int) -> User:
    unit = OrgUnit.objects.filter(region_code=pad_code(code[: PREFIX_LENGTH[level]]),
                                  kind__in=[OrgUnit.Kind.CENTRE, OrgUnit.Kind.STATION]).first()
    if unit is None:
        raise BenchError(f"no centre at {pad_code(code[: PREFIX_LENGTH[level]])}")
    user = User.objects.create(username=f"bench_employment_{level}", full_name="基准测试", org_unit=unit,
                               must_change_password=False, password_changed_at=timezone.now())
    user.roles.set(Role.objects.filter(code="leader"))
    return user


def _posting(county: str, today) -> Posting:
    place = (Region.objects.filter(subtree_q("code", county), level=VILLAGE).order_by("code").first()
             or Region.objects.get(code=pad_code(county)))
    unit = OrgUnit.objects.filter(region_code=pad_code(county), kind=OrgUnit.Kind.CENTRE).first()
    sector = Sector.objects.order_by("position", "id").first()
    employer = Employer.objects.create(jurisdiction_code=county, registered_by=unit, name="基准测试物流有限公司",
                                       sector=sector, place=place, contact_name="测试", contact_phone="13900000000")
    posting = Posting.objects.create(employer=employer, jurisdiction_code=county, title="基准测试司机", sector=sector,
                                     place=place, place_code=place.code, pay_min=5000, pay_max=8000, places=5,
                                     min_education="senior", opens_on=today, closes_on=today + timedelta(days=30))
    posting.skills.set(Skill.objects.filter(name__in=POSTING_SKILLS))
    return posting


def hand_written(viewer_prefix: str, posting: Posting, limit: int = TOP) -> list[tuple]:
    """The same filters and score in plain SQL: (id, score, four parts) of the top `limit`."""
    required = list(posting.skills.values_list("pk", flat=True))
    params: list = []
    if required:
        # only placeholders and a count are formatted in; the values go as parameters
        skill = (f"40 * (SELECT COUNT(*) FROM employment_seeker_skills ss WHERE ss.seeker_id = s.id "  # noqa: S608
                 f"AND ss.skill_id IN ({', '.join(['%s'] * len(required))})) / {len(required)}")
        params += required
    else:
        skill = "40"
    covering = matching.covering_prefixes(posting.place_code)
    county, city = matching.county_of(posting.place_code), matching.city_of(posting.place_code)
    params += [*covering, county, _upper(county), city, _upper(city)]
    if posting.min_education:
        meets, below = matching.education_levels(posting.min_education)
        education = (f"CASE WHEN s.education IN ({', '.join(['%s'] * len(meets))}) THEN 20 "
                     f"WHEN s.education = %s THEN 10 ELSE 0 END")
        params += [*meets, below or "-"]
    else:
        education = "20"
    params += [posting.sector_id, viewer_prefix, _upper(viewer_prefix), posting.closes_on, limit]
    sql = SQL.format(skill=skill, covering=", ".join(["%s"] * len(covering)), education=education)
    if posting.driving_licence:
        raise BenchError("the bench's posting asks no licence")
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [tuple(row) for row in cursor.fetchall()]


def _timed(work, times: int) -> list[float]:
    work()  # warm
    elapsed = []
    for _n in range(times):
        started = time.perf_counter()
        work()
        elapsed.append((time.perf_counter() - started) * 1000)
    return elapsed


def _measure(prefix: str, requests: int, added: int, total: int, setup: float, every: int) -> list[Figure]:
    today = timezone.localdate()
    county = _busiest_county(prefix)
    posting = _posting(county, today)
    figures = []
    for level, what in ((COUNTY, "county"), (CITY, "city"), (PROVINCE, "province")):
        viewer = _viewer(county, level)
        scope = county[: PREFIX_LENGTH[level]]

        def ours(viewer=viewer):
            return [(s.pk, s.score, s.skill_part, s.place_part, s.education_part, s.preference_part)
                    for s in matching.ranked_seekers(viewer, posting, today)[:TOP]]

        def theirs(scope=scope):
            return hand_written(scope, posting)

        got, want = ours(), theirs()
        if not got:  # a ranking of nobody would time an empty query
            raise BenchError(f"{what}: no seeker under {scope} qualifies for the posting; nothing to rank")
        if got != want:
            first = next((n for n, (a, b) in enumerate(zip(got, want, strict=False)) if a != b), min(len(got),
                                                                                                      len(want)))
            raise BenchError(f"{what}: ranked_seekers and the hand-written SQL differ at row {first} "
                             f"({got[first:first + 1]} / {want[first:first + 1]}; {len(got)} / {len(want)} rows)")
        in_scope = Seeker.objects.filter(subtree_q("region_code", scope), status=Seeker.Status.SEEKING).count()
        mine, sql = _timed(ours, requests), _timed(theirs, requests)
        p95 = percentile(mine, 95)
        verdict = "met" if p95 <= TARGET_MS else "MISSED"
        figures.append(Figure(
            f"matching one posting, {what} viewer ({scope}, {in_scope:,} seeking), top {TOP}: p50 / p95",
            f"{percentile(mine, 50):.1f} / {p95:.1f} ms", f"{percentile(sql, 50):.1f} / {percentile(sql, 95):.1f} ms "
            f"(hand-written SQL)", p95 / max(percentile(sql, 95), 0.001),
            f"target p95 ≤ {TARGET_MS} ms: {verdict}; {total:,} profiles under {prefix} "
            f"(one person in {every} on the books; {added:,} added by this run in {setup:.1f} s)"))
    return figures

