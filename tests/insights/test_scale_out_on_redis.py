"""Scale-out on Redis: jobs through RQ workers (RONGJIA_TASKS=rq) and one cache for every app server."""

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
REDIS = ("127.0.0.1", 6379)


def redis_reachable() -> bool:
    try:
        socket.create_connection(REDIS, timeout=1).close()
    except OSError:
        return False
    return True


@pytest.mark.skipif(not redis_reachable(), reason="needs Redis on 127.0.0.1:6379 (CI has it)")
def test_a_refresh_queued_on_redis_is_run_by_an_rq_worker(tmp_path):
    env = {**os.environ, "RONGJIA_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", "RONGJIA_TASKS": "rq",
           "RONGJIA_REDIS_URL": f"redis://{REDIS[0]}:{REDIS[1]}/{os.getpid() % 15 + 1}"}  # a database of its own

    def manage(*args: str) -> str:
        return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env,  # noqa: S603
                              capture_output=True, text=True, check=True, timeout=300).stdout

    manage("migrate", "--noinput", "-v", "0")
    manage("shell", "-c", "from rongjia.insights.jobs import refresh_statistics; "
                          "from django_rq import get_queue; get_queue('default').empty(); "
                          "print(refresh_statistics.enqueue().id)")
    manage("shell", "-c", "from rongjia.insights.models import StatsRefresh; "
                          "assert not StatsRefresh.objects.filter(finished_at__isnull=False).exists()")
    manage("rqworker", "--burst", "--job-class", "django_tasks_rq.Job", "default")
    done = manage("shell", "-c", "from rongjia.insights.models import StatsRefresh; "
                                 "print(StatsRefresh.objects.get().full)")
    assert done.splitlines()[-1] == "True"  # the first refresh, a rebuild, ran in the worker


@pytest.mark.skipif(not redis_reachable(), reason="needs Redis on 127.0.0.1:6379 (CI has it)")
def test_several_app_servers_share_one_cache_on_redis(tmp_path):
    """Two processes (two app servers) count the same mailbox throttle key when the cache is Redis."""
    env = {**os.environ, "RONGJIA_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
           "RONGJIA_CACHE_URL": f"redis://{REDIS[0]}:{REDIS[1]}/{os.getpid() % 15 + 1}"}
    key = f"test-shared-{os.getpid()}"
    count = f"from django.core.cache import cache; cache.add('{key}', 0, 60); print(cache.incr('{key}'))"
    shown = [subprocess.run([sys.executable, "manage.py", "shell", "-c", count], cwd=ROOT, env=env,  # noqa: S603
                            capture_output=True, text=True, check=True).stdout.splitlines()[-1] for _n in range(2)]
    assert shown == ["1", "2"]
