"""The evaluation bench runs end to end on a small county of Gansu (its units loaded from the region files, staff,
training, 五有 and a standard given, a run per level scored by the job in batches with progress, the scores compared
with the SQL) and leaves nothing behind. Correctness only: the figures' times are not checked."""

import pytest

from rongjia.benchmarks.evaluation import bench_evaluation
from rongjia.core import measures
from rongjia.core.models import OrgUnit
from rongjia.evaluation import scoring
from rongjia.evaluation.models import CriteriaSet, Run, Score
from rongjia.network.models import ChecklistEntry, StaffMember, Standard, TrainingRecord

pytestmark = pytest.mark.django_db

AKSAI = "620924"  # 阿克塞哈萨克族自治县: 5 township stations and 16 villages


def test_the_evaluation_bench_scores_every_station_in_batches_and_rolls_back(cast, monkeypatch):
    monkeypatch.setattr(scoring, "BATCH", 4)  # several batches, so the progress has steps to check
    units, staff = OrgUnit.objects.count(), StaffMember.objects.count()
    figures = bench_evaluation(area=AKSAI)
    assert len(figures) == 6 and [figure.ratio is not None and figure.ratio > 0 for figure in figures] == [
        True, True, False, True, True, False]  # the run against unit_facts and against the SQL; the batches
    streets, villages = figures[:3], figures[3:]
    assert "5 street stations" in streets[0].name and "16 village stations" in villages[0].name
    assert "(22 units)" in villages[0].name  # the county and its 21 stations, loaded from the region files
    assert "done_units 0 → 4 → 5" in streets[2].note and "(2 batches)" in streets[2].name
    assert "done_units 0 → 4 → … → 16" in villages[2].note and "(4 batches)" in villages[2].name
    assert f"{len(measures.measures())} measures and a manual item" in villages[0].note
    assert not Run.objects.exists() and not Score.objects.exists() and not CriteriaSet.objects.exists()
    assert StaffMember.objects.count() == staff and not TrainingRecord.objects.filter(course="年度轮训").exists()
    assert not ChecklistEntry.objects.filter(unit__region_code__startswith="62").exists()
    assert not Standard.objects.filter(jurisdiction_code="62").exists() and OrgUnit.objects.count() == units


def test_a_score_that_disagrees_with_the_sql_stops_the_bench(cast, monkeypatch):
    training = measures.get("network.training")
    generous = measures.Measure(training.key, training.label, lambda viewer, units, since, until: {
        unit.pk: measures.Reading(1.0, "all trained") for unit in units}, order=training.order)
    monkeypatch.setitem(measures._MEASURES, training.key, generous)
    with pytest.raises(ValueError, match="network.training scored 1.0"):
        bench_evaluation(area=AKSAI, levels=(5,))
    assert not Run.objects.exists() and not OrgUnit.objects.filter(region_code__startswith="62").exists()
