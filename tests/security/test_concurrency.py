"""Concurrent writers on a real database (SQLite with WAL and a busy timeout, or PostgreSQL): one of
two simultaneous saves wins and the other is told, and twenty writers lose no update.

The probe (concurrency_probe.py) runs in its own process against its own empty database, since
threads need committed data that the test database's per-test transaction would hide.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.security.test_backup_restore import database_urls  # noqa: F401 - the throwaway databases

PROBE = Path(__file__).with_name("concurrency_probe.py")


def test_no_update_is_lost(tmp_path, database_urls):  # noqa: F811
    url, _unused = database_urls
    env = {**os.environ, "RONGJIA_DATABASE_URL": url, "RONGJIA_VAR_DIR": str(tmp_path / "var"),
           "RONGJIA_TASKS": "immediate"}
    done = subprocess.run([sys.executable, str(PROBE)], env=env, capture_output=True, text=True, timeout=600)
    figures = json.loads(done.stdout.strip().splitlines()[-1]) if done.stdout.strip() else {}
    assert done.returncode == 0 and figures.get("ok"), f"{figures}\n{done.stderr[-3000:]}"
    assert figures["race_of_two"] == {"station": ["stale", "won"], "person": ["stale", "won"],
                                      "petition": ["stale", "won"]}
    expected = figures["writers"] * figures["writes_each"]
    assert figures["versions_gained"] == {"station": expected, "person": expected, "petition": expected}
