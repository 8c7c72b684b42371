"""A street-level criteria set of the home county (江宁区) with one item per kind of measure and a manual item, and
a run over the county's streets scored at once (the job runs inline in tests)."""

from datetime import date

import pytest

from rongjia.evaluation import services
from rongjia.evaluation.models import Run

ITEMS = [
    {"group": "五有落实", "name": "五有齐全", "weight": "30", "method": "auto", "measure": "network.five_haves"},
    {"group": "五有落实", "name": "人员场地达标", "weight": "20", "method": "auto", "measure": "network.standard"},
    {"group": "业务开展", "name": "全员培训", "weight": "20", "method": "auto", "measure": "network.training",
     "full_at": "0.8"},
    {"group": "群众满意", "name": "实地察看", "weight": "30", "method": "manual"},
]
THRESHOLDS = ["60", "70", "80", "90"]
PERIOD = (date(2026, 1, 1), date(2026, 11, 30))


def criteria(actor, *, year=2026, items=None, level=4):
    return services.criteria_set_create(actor=actor, name=f"江宁区{year}年街道服务站星级评价", level=level, year=year,
                                        thresholds=THRESHOLDS, items=items or ITEMS)


def scored_run(actor, criteria_set, capture, *, period=PERIOD, title="2026年度星级评价") -> Run:
    version = criteria_set.versions.order_by("-number").first()
    run = services.run_create(actor=actor, version_id=version.pk, title=title, since=period[0], until=period[1])
    with capture(execute=True):
        services.run_step(actor=actor, run_id=run.pk, action="start")
    run.refresh_from_db()
    return run


@pytest.fixture
def street_criteria(cast):
    return criteria(cast.county_director)
