"""Files made off the request (a batch of contact cards, a large export): queued, made by the worker with
its progress on a page the owner watches, offered when made, deleted when their time is up.

A module registers a `FileMaker` in its AppConfig.ready(): its kind, its label, the capability it needs and
`make(job, progress) -> MadeFile`. The core knows no module (rule 8). The maker reads as the owner when it
runs (`visible_to(job.owner)`), so a job asked for before the owner's area or roles changed shows only what
the owner may see now; the owner's capability is checked again before it starts.

A file is its owner's alone (core.views_jobs answers 404 to anyone else) and lives under MEDIA_ROOT, which is
never served. A made export is recorded with `log_export` when it is made, as an export in the request was.

The job's states are FILE_JOB, on core's engine (rule 3): the worker takes each step by a conditional update
from the step's own source states, so a job queued twice is made once and a late step cannot undo a
failure. Its progress is written to its row by short updates of their own (a maker holds no transaction),
at most once a second. The task that makes a file is core.jobs.make_file.
"""

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from . import history
from .audit import audit_actor
from .models import FileJob
from .workflow import Machine, Step

KEEP = timedelta(hours=24)  # a made file is deleted a day after it is made: it holds people's names
ROWS_KEPT = timedelta(days=30)  # the job's row (no file, only what was asked) goes a month after that
PURGED_AT_ONCE = 200  # files deleted per call: a start never waits on a backlog of them

S = FileJob.State
FILE_JOB = Machine(
    name="file_job", label=gettext_lazy("File made in the background"), states=S, initial=S.QUEUED,
    steps=(
        Step("start", pgettext_lazy("file job step", "The worker starts making it"), (S.QUEUED,), S.RUNNING),
        Step("finish", pgettext_lazy("file job step", "Made: offered to its owner"), (S.RUNNING,), S.DONE),
        Step("fail", pgettext_lazy("file job step", "Failed"), (S.QUEUED, S.RUNNING), S.FAILED),
        Step("expire", pgettext_lazy("file job step", "Deleted when its time is up"), (S.DONE,), S.EXPIRED),
    ),
)
# What the maker is doing, by the key it reports (the page words it in the reader's language).
STAGES = {
    "reading": gettext_lazy("Reading the records"),
    "rows": gettext_lazy("Writing the rows"),
    "layout": gettext_lazy("Laying out the pages"),
    "writing": gettext_lazy("Saving the file"),
}


@dataclass(frozen=True)
class MadeFile:
    content: bytes
    filename: str  # the name it is offered under: core.exports.export_filename
    rows: int  # the records it holds: what the audit entry counts


@dataclass(frozen=True)
class FileMaker:
    kind: str
    label: str
    capability: str
    make: Callable[[FileJob, "Progress"], MadeFile]
    audited: bool = True  # personal data in bulk: recorded with log_export when made


class JobRefused(Exception):
    """The maker will not make the file (too many records now, nobody left): its message is shown as it is."""


_MAKERS: dict[str, FileMaker] = {}


def register(maker: FileMaker) -> None:
    _MAKERS[maker.kind] = maker
    # The job's history names the kind of file by the maker's label, not by its key.
    history.register_words(FileJob, "kind", [(kind, made.label) for kind, made in _MAKERS.items()])


def maker_for(kind: str) -> FileMaker | None:
    return _MAKERS.get(kind)


class Progress:
    """How far a maker has got, written to the job's row at most once a second (the page polls every second)."""

    def __init__(self, job_id: int):
        self.job_id, self.key, self.done, self.total = job_id, "", 0, 0
        self._written = 0.0

    def stage(self, key: str, total: int | None = None) -> None:
        self.key, self.done = key, 0
        if total is not None:
            self.total = total
        self._write()

    def advance(self, count: int = 1) -> None:
        self.done += count
        if time.monotonic() - self._written >= 1:
            self._write()

    def counted(self, items: Iterable) -> Iterator:
        """`items` as they are, each one counted as it passes."""
        for item in items:
            yield item
            self.advance()

    def _write(self) -> None:
        done = min(self.done, self.total) if self.total else self.done
        FileJob.objects.filter(pk=self.job_id).update(stage=self.key, done=done, total=self.total)
        self._written = time.monotonic()


# --- asking for a file -------------------------------------------------------------------------------------

def file_job_start(*, actor, kind: str, parameters: dict, total: int = 0) -> FileJob:
    """Queue a file for `actor`: the row, then the task once the row is committed (the worker must see it).

    `parameters` holds "source" and "filters" (what the audit entry records: the page asked from and its
    filters, masked) and whatever the maker reads; `total` is the count the page announced.
    """
    maker = maker_for(kind)
    unit = getattr(actor, "org_unit", None)
    if maker is None or unit is None or not actor.can(maker.capability):
        raise PermissionDenied
    purge_expired_files()
    with transaction.atomic(), audit_actor(actor):
        job = FileJob.objects.create(kind=kind, owner=actor, region_code=unit.region_code, parameters=parameters,
                                     total=total)
        transaction.on_commit(lambda: _enqueue(job.pk))
    return job


def _enqueue(job_id: int) -> None:
    from .jobs import make_file  # the task module is imported when a job is queued (see core.jobs)

    make_file.enqueue(job_id)


# --- the worker's steps (core.jobs.make_file) ----------------------------------------------------------------

def offer(job: FileJob, made: MadeFile) -> str:
    """Store the file and take the finish step; a job failed meanwhile (a recovery) keeps no file."""
    job.file.save(made.filename, ContentFile(made.content), save=False)
    now = timezone.now()
    if not move(job.pk, "finish", file=job.file.name, filename=made.filename, size=len(made.content),
                done=made.rows, total=made.rows, stage="", finished_at=now, expires_at=now + KEEP):
        job.file.delete(save=False)
        return S.FAILED
    return S.DONE


def fail(job_id: int, message: str) -> None:
    now = timezone.now()
    move(job_id, "fail", message=message[:300], finished_at=now, expires_at=now + KEEP)


def move(job_id: int, action: str, **fields) -> bool:
    """A step of FILE_JOB taken by the worker: only from the step's source states (a conditional update)."""
    return bool(FILE_JOB.move_rows(FileJob.objects.filter(pk=job_id), action, **fields))


# --- keeping house (recover_jobs, and every new job) -------------------------------------------------------

def purge_expired_files() -> int:
    """Delete the files whose time is up (the job says so, and when), and the rows of long-finished jobs."""
    now = timezone.now()
    due = FileJob.objects.filter(state=S.DONE, expires_at__lte=now).order_by("expires_at")[:PURGED_AT_ONCE]
    purged = 0
    for job in due:
        if job.file:
            job.file.delete(save=False)
        purged += move(job.pk, "expire", file="")
    FileJob.objects.filter(state__in=[S.EXPIRED, S.FAILED], expires_at__lte=now - ROWS_KEPT).delete()
    return purged


def fail_stale_jobs() -> int:
    """Jobs whose worker stopped while making them (killed, machine restarted) stay "being made" for ever:
    fail those started over JOB_STALE_MINUTES ago, with a message that says to ask again."""
    now = timezone.now()
    cutoff = now - timedelta(minutes=settings.JOB_STALE_MINUTES)
    message = _("The background worker stopped while making this file. Please ask for it again.")
    return FILE_JOB.move_rows(FileJob.objects.filter(state=S.RUNNING, started_at__lt=cutoff), "fail",
                              message=message, finished_at=now, expires_at=now + KEEP)
