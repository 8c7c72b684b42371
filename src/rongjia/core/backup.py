"""Backup and restore (等保 8.1.4.11 数据备份恢复): a consistent snapshot of the database and the
uploaded files, with a manifest of every table's row count and checksum so that a restore proves
itself.

- SQLite: the online backup API copies the database page by page while it is in use.
- PostgreSQL: the manifest is computed inside a REPEATABLE READ transaction whose snapshot
  `pg_dump --snapshot` then dumps, so the figures and the dump describe the same instant.

The data and index keys (RONGJIA_DATA_KEYS, RONGJIA_INDEX_KEY or var/*_key) are not in a backup:
keep them apart from it, or the encrypted fields cannot be read after a restore.
"""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.db import connections

MANIFEST = "manifest.json"
SQLITE_FILE = "db.sqlite3"
PG_FILE = "db.dump"
MEDIA_DIR = "media"


class RestoreRefused(Exception):
    """Refused before anything was written: an unsupported database, a target that is not empty,
    or an incomplete backup."""


# --- fingerprints -------------------------------------------------------------------------

def _tables(cursor, vendor: str) -> list[str]:
    if vendor == "sqlite":
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    else:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
    return sorted(row[0] for row in cursor.fetchall())


def _canonical(value) -> str:
    if isinstance(value, memoryview):
        value = bytes(value)
    return repr(value)


def fingerprints(cursor, vendor: str) -> dict[str, dict]:
    """{table: {"rows": n, "sha256": hex}} over every row, in the order of the first column (the key)."""
    result = {}
    for table in _tables(cursor, vendor):
        digest, rows = hashlib.sha256(), 0
        cursor.execute(f'SELECT * FROM "{table}" ORDER BY 1')  # noqa: S608 - table names from the catalogue
        while batch := cursor.fetchmany(2000):
            for row in batch:
                digest.update("\x1f".join(_canonical(v) for v in row).encode() + b"\x1e")
            rows += len(batch)
        result[table] = {"rows": rows, "sha256": digest.hexdigest()}
    return result


def media_fingerprints(root: Path) -> dict[str, str]:
    if not root.exists():
        return {}
    return {str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(root.rglob("*")) if path.is_file()}


# --- backup -------------------------------------------------------------------------------

@dataclass
class BackupResult:
    path: Path
    tables: int
    rows: int
    files: int


def backup(out_dir: Path, alias: str = "default") -> BackupResult:
    connection = connections[alias]
    target = out_dir / f"rongjia-{datetime.now():%Y%m%d-%H%M%S}"
    target.mkdir(parents=True)
    if connection.vendor == "sqlite":
        tables = _backup_sqlite(connection, target)
    elif connection.vendor == "postgresql":
        tables = _backup_postgresql(connection, target)
    else:
        target.rmdir()
        raise RestoreRefused(f"备份只支持 SQLite 和 PostgreSQL，不支持 {connection.vendor}。")
    media = Path(settings.MEDIA_ROOT)
    if media.exists():
        shutil.copytree(media, target / MEDIA_DIR)
    files = media_fingerprints(target / MEDIA_DIR)
    manifest = {"created_at": datetime.now().isoformat(timespec="seconds"), "vendor": connection.vendor,
                "tables": tables, "media": files}
    (target / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1))
    return BackupResult(target, len(tables), sum(t["rows"] for t in tables.values()), len(files))


def _backup_sqlite(connection, target: Path) -> dict:
    connection.ensure_connection()
    snapshot = sqlite3.connect(target / SQLITE_FILE)
    try:
        connection.connection.backup(snapshot)
        return fingerprints(snapshot.cursor(), "sqlite")
    finally:
        snapshot.close()


def _backup_postgresql(connection, target: Path) -> dict:
    import psycopg

    with psycopg.connect(**_pg_params(connection.settings_dict), autocommit=False) as snapshot_holder:
        cursor = snapshot_holder.cursor()
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot_id = cursor.fetchone()[0]
        tables = fingerprints(cursor, "postgresql")
        _run(["pg_dump", "--format=custom", f"--snapshot={snapshot_id}", f"--file={target / PG_FILE}",
              _pg_dsn(connection.settings_dict)], connection.settings_dict)
        snapshot_holder.rollback()
    return tables


# --- restore ------------------------------------------------------------------------------

def restore(source: Path, alias: str = "default") -> dict[str, list[str]]:
    """Restore into an empty database and an empty MEDIA_ROOT; returns the differences from the
    manifest ({"tables": [...], "media": [...]}, both empty when the restore is exact)."""
    manifest_path = source / MANIFEST
    if not manifest_path.exists():
        raise RestoreRefused(f"{source} 不是完整的备份（缺少 {MANIFEST}）。")
    manifest = json.loads(manifest_path.read_text())
    connection = connections[alias]
    if manifest["vendor"] != connection.vendor:
        raise RestoreRefused(f"备份来自 {manifest['vendor']}，不能恢复到 {connection.vendor}。")
    with connection.cursor() as cursor:
        if _tables(cursor, connection.vendor):
            raise RestoreRefused("目标数据库不是空库：恢复只写入空数据库，现有数据不会被覆盖。")
    media = Path(settings.MEDIA_ROOT)
    if media.exists() and any(media.iterdir()):
        raise RestoreRefused(f"上传文件目录 {media} 不是空目录。")
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        dump = sqlite3.connect(source / SQLITE_FILE)
        try:
            dump.backup(connection.connection)
        finally:
            dump.close()
    else:
        connection.close()
        _run(["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={_pg_dsn(connection.settings_dict)}",
              str(source / PG_FILE)], connection.settings_dict)
    if (source / MEDIA_DIR).exists():
        shutil.copytree(source / MEDIA_DIR, media, dirs_exist_ok=True)
    restored = _raw_fingerprints(connection)
    files = media_fingerprints(media)
    return {"tables": _differences(manifest["tables"], restored), "media": _differences(manifest["media"], files)}


def _raw_fingerprints(connection) -> dict:
    """Read through a plain driver connection, as the backup did: Django's own converts values
    (text timestamps into datetimes), which would change the checksums."""
    if connection.vendor == "sqlite":
        raw = sqlite3.connect(connection.settings_dict["NAME"])
        try:
            return fingerprints(raw.cursor(), "sqlite")
        finally:
            raw.close()
    import psycopg

    with psycopg.connect(**_pg_params(connection.settings_dict)) as raw:
        return fingerprints(raw.cursor(), "postgresql")


def _differences(expected: dict, found: dict) -> list[str]:
    return sorted(key for key in expected.keys() | found.keys() if expected.get(key) != found.get(key))


def _pg_params(settings_dict: dict) -> dict:
    params = {"dbname": settings_dict["NAME"], "user": settings_dict.get("USER"), "host": settings_dict.get("HOST"),
              "port": settings_dict.get("PORT"), "password": settings_dict.get("PASSWORD")}
    return {key: str(value) for key, value in params.items() if value}


def _pg_dsn(settings_dict: dict) -> str:
    """The connection string for pg_dump/pg_restore, without the password (that goes by PGPASSWORD)."""
    import psycopg.conninfo

    params = _pg_params(settings_dict)
    params.pop("password", None)
    return psycopg.conninfo.make_conninfo(**params)


def _run(command: list[str], settings_dict: dict | None = None) -> None:
    env = dict(os.environ)
    if settings_dict and settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])  # not on the command line, where ps would show it
    result = subprocess.run(command, capture_output=True, text=True, env=env)  # noqa: S603 - no shell
    if result.returncode != 0:
        raise RuntimeError(f"{command[0]} 失败（{result.returncode}）：{result.stderr.strip()[:2000]}")
