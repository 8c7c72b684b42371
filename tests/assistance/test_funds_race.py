"""Concurrent approvals against the last of a fund's balance on a real database (SQLite with WAL, IMMEDIATE
transactions and a busy timeout, or PostgreSQL): of two, exactly one succeeds; of ten against a balance for six,
exactly six; the others are refused on the amount and left as they were; every fund's balance stays equal to its
income less its outgoings and never goes below zero.

The probe (funds_race_probe.py) runs in its own process against its own empty database, since threads need
committed data that the test database's per-test transaction would hide.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.security.test_backup_restore import database_urls  # noqa: F401 - the throwaway databases

PROBE = Path(__file__).with_name("funds_race_probe.py")


def test_concurrent_approvals_never_overdraw_a_fund(tmp_path, database_urls):  # noqa: F811
    url, _unused = database_urls
    env = {**os.environ, "RONGJIA_DATABASE_URL": url, "RONGJIA_VAR_DIR": str(tmp_path / "var"),
           "RONGJIA_TASKS": "immediate"}
    done = subprocess.run([sys.executable, str(PROBE)], env=env, capture_output=True, text=True, timeout=600)
    figures = json.loads(done.stdout.strip().splitlines()[-1]) if done.stdout.strip() else {}
    assert done.returncode == 0 and figures.get("ok"), f"{figures}\n{done.stderr[-3000:]}"
    two, many = figures["race_of_two"], figures["ten_for_six"]
    assert two["outcomes"] == {"short": 1, "won": 1} and two["approved"] == 1 and not two["errors"]
    assert many["outcomes"] == {"short": 4, "won": 6} and many["approved"] == 6 and not many["errors"]
    assert two["refused_left_as_they_were"] and many["refused_left_as_they_were"]
    one, six = figures["funds"]["one_of_two"], figures["funds"]["six_of_ten"]
    assert (one["income"], one["outgoings"], one["balance"], one["last_entry_balance"]) == (
        "2000.00", "2000.00", "0.00", "0.00")
    assert (six["income"], six["outgoings"], six["balance"], six["last_entry_balance"]) == (
        "12000.00", "12000.00", "0.00", "0.00")
    assert one["ok"] and six["ok"]
