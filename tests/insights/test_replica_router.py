"""With a replica named, the dashboards' figures are read from it; everything else stays on the primary."""

import os
import subprocess
import sys
from pathlib import Path

from rongjia.insights.models import CurrentFigure, DailyFigure, StatsRefresh
from rongjia.insights.routers import StatisticsReplicaRouter
from rongjia.people.models import Person

ROOT = Path(__file__).resolve().parents[2]


def test_the_router_sends_only_figure_reads_to_the_replica():
    router = StatisticsReplicaRouter()
    assert router.db_for_read(CurrentFigure) == router.db_for_read(DailyFigure) == "replica"
    assert router.db_for_read(StatsRefresh) is None  # who refreshed last is read where it is written
    assert router.db_for_read(Person) is None
    assert router.db_for_write(CurrentFigure) == "default"
    assert router.allow_migrate("default", "insights") and not router.allow_migrate("replica", "insights")


def test_the_setting_turns_it_on(tmp_path):
    env = {**os.environ, "RONGJIA_DATABASE_URL": f"sqlite:///{tmp_path / 'primary.sqlite3'}",
           "RONGJIA_REPLICA_DATABASE_URL": f"sqlite:///{tmp_path / 'replica.sqlite3'}"}
    code = ("from rongjia.insights.models import DailyFigure; from rongjia.people.models import Person; "
            "print(DailyFigure.objects.all().db, Person.objects.all().db)")
    shown = subprocess.run([sys.executable, "manage.py", "shell", "-c", code], cwd=ROOT, env=env,  # noqa: S603
                           capture_output=True, text=True, check=True).stdout.splitlines()[-1].split()
    assert shown == ["replica", "default"]
