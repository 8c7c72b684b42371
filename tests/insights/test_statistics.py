"""The precomputed statistics equal the live counts, after a rebuild and after incremental refreshes."""

from collections import Counter
from datetime import date, timedelta

import pytest
from django.utils import timezone

from rongjia.core.regions import PREFIX_LENGTH
from rongjia.demo.people_seed import seed_people
from rongjia.demo.petitions_seed import seed_petitions
from rongjia.insights.models import CurrentFigure, DailyFigure, MonthlyFigure, StatsRefresh
from rongjia.insights.stats import ancestry, rebuild_stats, refresh_stats
from rongjia.people.books.services import status_change_record
from rongjia.people.models import Person, StatusChange
from rongjia.petitions.deadlines import OPEN_STATES
from rongjia.petitions.models import Petition
from rongjia.petitions.services import petition_register
from tests.factories import VILLAGE2_CODE, VILLAGE_CODE, UserFactory, person_at, unit_at


def live_flow(level: int, code: str, day, metric: str) -> int:
    prefix = code[:PREFIX_LENGTH[level]]
    family, what = metric.split(".")
    if family == "people":
        return StatusChange.objects.filter(region_code__startswith=prefix, date=day, kind=what).count()
    assert metric == "petitions.received"
    return Petition.objects.filter(registered_at_unit__region_code__startswith=prefix, registered_on=day).count()


def live_current(level: int, code: str, metric: str) -> int:
    prefix = code[:PREFIX_LENGTH[level]]
    if metric.startswith("people."):
        return Person.objects.filter(station__region_code__startswith=prefix, status=metric[7:]).count()
    open_ = Petition.objects.filter(region_code__startswith=prefix, state__in=OPEN_STATES)
    if metric == "petitions.open":
        return open_.count()
    return open_.filter(due_on__lt=timezone.localdate()).count()


def assert_figures_equal_live_counts():
    daily = list(DailyFigure.objects.values_list("level", "code", "day", "metric", "value"))
    for level, code, day, metric, value in daily:
        assert value == live_flow(level, code, day, metric), (level, code, day, metric)
    # nothing left out: the provinces' figures add up to every row there is
    provinces = [row for row in daily if row[0] == 1]
    assert sum(v for *_k, m, v in provinces if m.startswith("people.")) == StatusChange.objects.count()
    assert sum(v for *_k, m, v in provinces if m == "petitions.received") == Petition.objects.count()
    # each month is the sum of its days (the days having just been checked against the live rows)
    months = Counter()
    for level, code, day, metric, value in daily:
        months[(level, code, day.replace(day=1), metric)] += value
    assert dict(months) == {(level, code, month, metric): value for level, code, month, metric, value
                            in MonthlyFigure.objects.values_list("level", "code", "month", "metric", "value")}
    for level, code, metric, value in CurrentFigure.objects.values_list("level", "code", "metric", "value"):
        assert value == live_current(level, code, metric), (level, code, metric)
    for status in Person.Status.values:
        shown = CurrentFigure.objects.filter(level=1, metric=f"people.{status}").values_list("value", flat=True)
        assert sum(shown) == Person.objects.filter(status=status).count()


def snapshot():
    return (set(DailyFigure.objects.values_list("level", "code", "parent", "day", "metric", "value")),
            set(MonthlyFigure.objects.values_list("level", "code", "parent", "month", "metric", "value")),
            set(CurrentFigure.objects.values_list("level", "code", "parent", "metric", "value")))


@pytest.fixture
def county_with_history(cast):
    """The demo's people and petitions for the home county, and a few changes on the books."""
    UserFactory(username="jn_county", org_unit=unit_at("320115000000"), roles=["centre_director"])
    UserFactory(username="nj_city", org_unit=unit_at("320100000000"), roles=["centre_director"])
    seed_people(county_prefix="320115", total=400)
    seed_petitions(county_prefix="320115", total=40)
    today = timezone.localdate()
    person = person_at(cast.village_worker, name="王建国", seq=501)
    status_change_record(actor=cast.village_worker, person=person, kind="lost", day=today, reason="电话停机")
    yesterday = timezone.now() - timedelta(days=1)  # written long before the refreshes the tests run
    StatusChange.objects.update(created_at=yesterday)
    Petition.objects.update(created_at=yesterday)
    return cast


def test_a_rebuild_equals_the_live_counts_at_every_level(county_with_history):
    report = rebuild_stats()
    assert report.full and report.touched == DailyFigure.objects.count() > 0
    assert_figures_equal_live_counts()
    # every level is there, each row naming the region above it
    assert set(DailyFigure.objects.values_list("level", flat=True)) == {1, 2, 3, 4, 5}
    village = DailyFigure.objects.filter(code=VILLAGE_CODE, level=5).first()
    assert village.parent == VILLAGE_CODE[:9] + "000"
    assert CurrentFigure.objects.get(code="320115000000", level=3, metric="people.lost").value == 1


def test_a_refresh_recomputes_what_was_written_since_and_ends_where_a_rebuild_would(county_with_history):
    cast = county_with_history
    refresh_stats()  # the first refresh is a rebuild
    assert StatsRefresh.objects.get().full
    # written after it: a registration today, a death dated back a month, a petition
    month_ago = timezone.localdate() - timedelta(days=30)
    late = person_at(cast.village2_worker, code=VILLAGE2_CODE, name="李明", seq=502)
    StatusChange.objects.filter(person=late).update(date=month_ago - timedelta(days=5))
    status_change_record(actor=cast.village2_worker, person=late, kind="death", day=month_ago, reason="病故")
    petition_register(actor=cast.village_worker, unit=unit_at(VILLAGE_CODE), channel="visit", type="claim",
                      category="housing", subject="住房困难求助", petitioners=[{"name": "王建国"}])
    report = refresh_stats()
    assert not report.full and 0 < report.touched < 40  # a few days of a few regions, not everything
    assert_figures_equal_live_counts()
    refreshed = snapshot()
    rebuild_stats()
    assert snapshot() == refreshed
    again = refresh_stats()  # nothing new: the same figures again
    assert snapshot() == refreshed and again.touched >= 0


def test_a_refresh_rereads_rows_that_became_visible_late(county_with_history, settings):
    """A row written inside a long transaction is older than the refresh that ran before its commit."""
    cast = county_with_history
    refresh_stats()
    person = person_at(cast.village_worker, name="赵刚", seq=503)
    # as if its transaction had begun before the last refresh and committed only now
    written = StatsRefresh.objects.get().started_at - timedelta(minutes=settings.STATS_REFRESH_MARGIN_MINUTES - 1)
    StatusChange.objects.filter(person=person).update(created_at=written)
    refresh_stats()
    assert_figures_equal_live_counts()


def test_ancestry_skips_a_level_that_is_all_zeros():
    assert ancestry("320115003004") == [
        (1, "320000000000", ""), (2, "320100000000", "320000000000"), (3, "320115000000", "320100000000"),
        (4, "320115003000", "320115000000"), (5, "320115003004", "320115003000")]
    assert ancestry("320115000000")[-1] == (3, "320115000000", "320100000000")
    # 东莞市: townships straight under the city
    assert ancestry("441900003000") == [(1, "440000000000", ""), (2, "441900000000", "440000000000"),
                                        (4, "441900003000", "441900000000")]


def test_the_period_boundaries():
    from rongjia.insights.selectors import period_start

    today = date(2026, 11, 25)
    assert period_start("30d", today) == date(2026, 10, 27)
    assert period_start("year", today) == date(2026, 1, 1)
    assert period_start("12m", today) == date(2025, 11, 26)
