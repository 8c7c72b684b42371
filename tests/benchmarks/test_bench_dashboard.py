"""The dashboard benchmark checks its numbers against the source tables before it times anything."""

import pytest

from rongjia.benchmarks.dashboard import bench_dashboard
from rongjia.benchmarks.measure import percentile
from rongjia.insights.stats import refresh_stats
from rongjia.people.models import StatusChange
from tests.factories import person_at


def test_the_dashboard_figure_against_the_sql(cast):
    for n in range(3):
        person_at(cast.village_worker, name=f"王{n}", seq=700 + n)
    refresh_stats()
    figures = bench_dashboard(viewer=cast.leader, requests=3)
    assert len(figures) == 2 and figures[0].ratio > 0 and "江宁区" in figures[0].name
    assert figures[1].ratio > 0


def test_stale_figures_are_refused_not_timed(cast):
    person_at(cast.village_worker, name="李四", seq=710)
    refresh_stats()
    StatusChange.objects.filter(kind="new").delete()  # the figures now overstate the books' flows
    with pytest.raises(ValueError, match="recompute_stats"):
        bench_dashboard(viewer=cast.leader, requests=3)


def test_percentile_is_nearest_rank():
    values = list(range(1, 101))
    assert percentile(values, 50) == 50 and percentile(values, 95) == 95 and percentile([7.0], 95) == 7.0
