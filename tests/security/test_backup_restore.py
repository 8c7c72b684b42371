"""The restore drill: build a small demo, back it up while it is in use, restore it into an empty
database and an empty upload folder, and compare every table's row count and checksum.

Runs the real commands in subprocesses against their own databases (SQLite files, or throwaway
PostgreSQL databases when the suite runs on PostgreSQL), never the test database.
"""

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
BASE_URL = os.environ.get("RONGJIA_DATABASE_URL", "")
ON_POSTGRESQL = BASE_URL.startswith("postgres")


def manage(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "manage.py", *args], cwd=REPO_ROOT, env=env, capture_output=True,
                          text=True, timeout=600)


@pytest.fixture
def database_urls(tmp_path):
    """Two empty databases: the source of the backup and the target of the restore."""
    if not ON_POSTGRESQL:
        yield f"sqlite:///{tmp_path / 'source.sqlite3'}", f"sqlite:///{tmp_path / 'target.sqlite3'}"
        return
    import psycopg

    names = [f"rongjia_drill_{role}_{uuid.uuid4().hex[:8]}" for role in ("source", "target")]
    with psycopg.connect(BASE_URL, autocommit=True) as admin:
        for name in names:
            admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield tuple(BASE_URL.rsplit("/", 1)[0] + f"/{name}" for name in names)
    finally:
        with psycopg.connect(BASE_URL, autocommit=True) as admin:
            for name in names:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_backup_of_the_demo_restores_exactly(tmp_path, database_urls):
    source_url, target_url = database_urls
    var = tmp_path / "var"  # shared: the keys stay with the operator, not in the backup
    source = {**os.environ, "RONGJIA_DATABASE_URL": source_url, "RONGJIA_VAR_DIR": str(var),
              "RONGJIA_MEDIA_ROOT": str(tmp_path / "media"), "RONGJIA_TASKS": "immediate"}
    target = {**source, "RONGJIA_DATABASE_URL": target_url, "RONGJIA_MEDIA_ROOT": str(tmp_path / "restored")}
    for args in (("migrate", "--noinput", "-v", "0"), ("import_regions", "--prefix", "320115"),
                 ("seed_demo", "--region", "320115", "--people", "300")):
        done = manage(source, *args)
        assert done.returncode == 0, done.stderr
    upload = tmp_path / "media" / "petitions" / "1" / "letter.pdf"
    upload.parent.mkdir(parents=True)
    upload.write_bytes(b"%PDF-1.4\n%%EOF\n")

    made = manage(source, "backup", "--out", str(tmp_path / "backups"))
    assert made.returncode == 0, made.stderr
    folder = next((tmp_path / "backups").iterdir())
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["tables"]["people_person"]["rows"] > 200 and "petitions/1/letter.pdf" in manifest["media"]

    restored = manage(target, "restore", str(folder))
    assert restored.returncode == 0, restored.stderr
    assert (tmp_path / "restored" / "petitions" / "1" / "letter.pdf").read_bytes() == upload.read_bytes()
    # An independent look: a backup of the restored database has the same figures, table by table.
    again = manage(target, "backup", "--out", str(tmp_path / "again"))
    assert again.returncode == 0, again.stderr
    second = json.loads((next((tmp_path / "again").iterdir()) / "manifest.json").read_text())
    assert second["tables"] == manifest["tables"]

    refused = manage(target, "restore", str(folder))  # never over existing data
    assert refused.returncode != 0 and "空" in refused.stderr
