"""How far a pass over a ledger has got, kept in a small file beside the uploads, never in the database.

The commit writes everything in one transaction. Progress written through the database from inside
it would stay invisible until the end, and written from a second connection it would wait for the
commit's lock (on SQLite the poll itself could then fail with "database is locked"). A file replaced
atomically is read by the status poll at any moment, on every database.
"""

import json
import os
from pathlib import Path

from django.conf import settings


def _path(job_id: int) -> Path:
    return Path(settings.MEDIA_ROOT) / "imports" / "progress" / f"{int(job_id)}.json"


def report(job_id: int, *, done: int, total: int, sheet: str = "", stage: str = "") -> None:
    """Record rows done of total (and the sheet being read) for the status page."""
    path = _path(job_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(f".{os.getpid()}.tmp")
    partial.write_text(json.dumps({"done": done, "total": total, "sheet": sheet, "stage": stage},
                                  ensure_ascii=False), encoding="utf-8")
    os.replace(partial, path)  # a reader sees the old figures or the new, never half a file


def read(job_id: int) -> dict | None:
    """{"done", "total", "sheet", "stage"} of the pass under way, or None when none has reported."""
    try:
        return json.loads(_path(job_id).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def clear(job_id: int) -> None:
    _path(job_id).unlink(missing_ok=True)
