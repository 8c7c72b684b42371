"""The worklist bench runs end to end (Gansu's units loaded, a task to all of them, the roll-up compared with the
SQL) and leaves nothing behind."""

import pytest

from rongjia.benchmarks.worklist import bench_worklist
from rongjia.core.models import OrgUnit
from rongjia.worklist.models import Task

pytestmark = pytest.mark.django_db


def test_the_worklist_bench_measures_and_rolls_back(cast):
    before = OrgUnit.objects.count()
    figures = bench_worklist(requests=2)
    assert len(figures) == 2 and all(figure.ratio and figure.ratio > 0 for figure in figures)
    assert "19,223" in figures[0].name
    assert not Task.objects.exists() and OrgUnit.objects.count() == before
