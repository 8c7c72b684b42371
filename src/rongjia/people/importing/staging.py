"""The new people a check found, kept ready for the commit, so the commit does not read and sort the file again.

The check writes one line per new row beside the uploaded file: where the row stands in the
workbook, its ID hash and its columns as `writer.new_entry` gives them, with the sensitive values
already encrypted (the file holds fewer numbers in clear than the upload it sits beside, and goes
with it). The commit then re-checks only what can change between the check and the commit, the ID
numbers registered since, and writes the lines in bulk; rows the uploader decided on after the
check (fixed in the grid, set aside) and accepted updates are sorted again as before.

A staged file is used only by the code that wrote it and on the day it was written (its default
dates are that day's): otherwise the commit sorts the whole file again, as it did before.
"""

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.utils import timezone

from rongjia.core.crypto import EncryptedTextField

from ..models import ImportJob, Person
from .writer import Entry

# Raised whenever the lines' layout changes: a staged file from before is then sorted again instead.
# 2: the person's columns carry the name's pinyin keys and the station's region code.
FORMAT = 2
SENSITIVE = tuple(field.attname for field in Person._meta.concrete_fields if isinstance(field, EncryptedTextField))


@dataclass
class StagedRow:
    at: tuple[int, int]  # (sheet, row) in the workbook
    id_hash: str
    entry: Entry


def path_for(job: ImportJob) -> Path | None:
    return Path(f"{job.file.path}.staged") if job.file else None


class StagingWriter:
    """Written to a temporary name and put in place only when the check has finished."""

    def __init__(self, job: ImportJob, *, day: date):
        self.path = path_for(job)
        self.partial = self.path.with_name(self.path.name + ".partial")
        self.handle = self.partial.open("w", encoding="utf-8")
        self._line({"format": FORMAT, "day": day.isoformat()})

    def add(self, sheet: int, row: int, id_hash: str, entry: Entry) -> None:
        person = dict(entry.person)
        for name in SENSITIVE:
            if person.get(name):
                person[name] = Person._meta.get_field(name).get_prep_value(person[name])
        self._line({"at": [sheet, row], "hash": id_hash, "person": person, "children": entry.children,
                    "line": entry.line})

    def finish(self) -> None:
        self.handle.close()
        os.replace(self.partial, self.path)

    def abandon(self) -> None:
        self.handle.close()
        self.partial.unlink(missing_ok=True)

    def _line(self, value: dict) -> None:
        self.handle.write(json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=_as_text) + "\n")


def _as_text(value):
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not staged")


def staged_rows(job: ImportJob) -> Iterator[StagedRow] | None:
    """The staged rows of the job's last check, or None when there are none this code can use today."""
    path = path_for(job)
    if path is None or not path.exists():
        return None
    handle = path.open(encoding="utf-8")
    header = json.loads(handle.readline() or "{}")
    if header.get("format") != FORMAT or header.get("day") != timezone.localdate().isoformat():
        handle.close()
        return None
    return _read(handle)


def _read(handle) -> Iterator[StagedRow]:
    with handle:
        for text in handle:
            value = json.loads(text)
            yield StagedRow((value["at"][0], value["at"][1]), value["hash"],
                            Entry(value["person"], [(index, fields) for index, fields in value["children"]],
                                  value["line"]))


def discard(job: ImportJob) -> None:
    """The staged rows of the job's last check, removed (a new check stages its own)."""
    path = path_for(job)
    if path is not None:
        path.unlink(missing_ok=True)
        path.with_name(path.name + ".partial").unlink(missing_ok=True)


def discard_upload(job: ImportJob) -> None:
    """The uploaded file and the staged rows beside it: they hold the ledger's people, kept only while a check or
    commit may still read them. The caller saves the job (or clears its `file` column)."""
    if job.file:
        discard(job)
        job.file.delete(save=False)
