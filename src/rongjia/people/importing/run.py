"""The two passes over an uploaded ledger: check (writes only the report) and commit (all or nothing).

The commit checks every row again inside its transaction, because the books may have changed
since the preview (another station registered the same person meanwhile); one bad row then
rolls everything back and the job shows the new report.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rongjia.core.audit import audit_actor
from rongjia.core.workflow import step_between

from ..books.workflows import IMPORT_JOB
from ..models import ImportJob, ImportRowError, Person, PersonCategory, StatusChange
from ..services import first_line_on_the_books, person_build
from .checks import LedgerChecker, RowResult
from .reader import FileRefused, rows

PROGRESS_EVERY = 500
MAX_STORED_ERRORS = 1000  # every bad row is counted; the first thousand are listed
WRITE_BATCH = 1000


class _Refused(Exception):
    """Raised inside the commit's transaction to roll it back when a row has become bad."""


def _progress(job: ImportJob, processed: int) -> None:
    ImportJob.objects.filter(pk=job.pk).update(processed_rows=processed)


RUNNING = (ImportJob.State.VALIDATING, ImportJob.State.COMMITTING)
# The uploaded file holds ID numbers in clear: it is kept only while a commit may still need it.
KEEPS_FILE = (ImportJob.State.QUEUED, ImportJob.State.VALIDATING, ImportJob.State.VALID, ImportJob.State.COMMITTING)


def _finish(job: ImportJob, state: str, message: str = "", **counts) -> ImportJob:
    step_between(IMPORT_JOB, job.state, state)  # only a move books.workflows.IMPORT_JOB declares
    for name, value in counts.items():
        setattr(job, name, value)
    job.state, job.message, job.finished_at = state, message[:300], timezone.now()
    if state in RUNNING:
        job.started_at, job.finished_at = timezone.now(), None
    if state not in KEEPS_FILE and job.file:
        job.file.delete(save=False)
    job.save()
    return job


def _report(job: ImportJob, results) -> dict:
    """Walk the checked rows, store the first errors, count everything; yields nothing, returns counts."""
    counts = {"total_rows": 0, "created_count": 0, "unchanged_count": 0, "error_count": 0}
    stored = []
    for result in results:
        counts["total_rows"] += 1
        if result.errors:
            counts["error_count"] += 1
            stored += [ImportRowError(job=job, row=result.row, column=column, message=message[:300])
                       for column, message in result.errors][: max(0, MAX_STORED_ERRORS - len(stored))]
        elif result.unchanged:
            counts["unchanged_count"] += 1
        else:
            counts["created_count"] += 1
        if counts["total_rows"] % PROGRESS_EVERY == 0:
            _progress(job, counts["total_rows"])
    ImportRowError.objects.bulk_create(stored)
    return counts


def _state_after_check(counts: dict) -> tuple[str, str]:
    if counts["error_count"]:
        return ImportJob.State.INVALID, (_("%(n)d rows have errors; nothing was imported.")
                                         % {"n": counts["error_count"]})
    if counts["total_rows"] == 0:
        return ImportJob.State.INVALID, _("The file has no rows under its header.")
    if counts["created_count"] == 0:
        return ImportJob.State.UNCHANGED, _("All %(n)d people in this file are already registered; nothing was "
                                            "changed.") % {"n": counts["unchanged_count"]}
    return ImportJob.State.VALID, _("%(new)d people to register, %(same)d already registered.") % {
        "new": counts["created_count"], "same": counts["unchanged_count"]}


def check_job(job: ImportJob) -> ImportJob:
    """Pass one: read and check every row; store the report; write no person."""
    job.errors.all().delete()
    _finish(job, ImportJob.State.VALIDATING, processed_rows=0)
    try:
        counts = _report(job, LedgerChecker(job.uploaded_by, audit=True).check(rows(job.file.path)))
    except FileRefused as refused:
        return _finish(job, ImportJob.State.INVALID, str(refused), error_count=1)
    state, message = _state_after_check(counts)
    return _finish(job, state, message, processed_rows=counts["total_rows"], **counts)


def commit_job(job: ImportJob) -> ImportJob:
    """Pass two: register every new row in one transaction, or none."""
    actor = job.uploaded_by
    _finish(job, ImportJob.State.COMMITTING, processed_rows=0)
    bad: list[RowResult] = []
    try:
        with transaction.atomic(), audit_actor(actor):
            created = _write(job, actor, LedgerChecker(actor).check(rows(job.file.path)), bad)
            if bad:
                raise _Refused
    except _Refused:
        job.errors.all().delete()
        return check_job(job)  # the books changed since the preview: show the new report
    except FileRefused as refused:
        return _finish(job, ImportJob.State.FAILED, str(refused))
    message = _("%(n)d people registered.") % {"n": created}
    with audit_actor(actor):  # the job's own audit entry names the actor and the counts
        return _finish(job, ImportJob.State.DONE, message, created_count=created, processed_rows=job.total_rows)


def _write(job: ImportJob, actor, results, bad: list) -> int:
    reason = _("Imported from %(file)s") % {"file": job.original_name[:150]}
    pending, created = [], 0
    for result in results:
        if result.errors:
            bad.append(result)
            return created
        if not result.unchanged:
            pending.append(result.values)
        if len(pending) >= WRITE_BATCH:
            created += _write_batch(pending, actor, reason)
            pending = []
            _progress(job, created)
    return created + (_write_batch(pending, actor, reason) if pending else 0)


def _write_batch(values: list[dict], actor, reason: str) -> int:
    """Persons, their categories and their first line on the books, three bulk inserts per batch.

    Bulk inserts skip the per-row audit entries a form registration writes; the import job's
    own audit entry records who imported how many people from which file.
    """
    people = [person_build(actor=actor, station=v["station"], id_number=v["id_number"], name=v["name"],
                           phone=v["phone"], address_region_id=v["region_code"], address_detail=v["address_detail"],
                           ethnicity=v["ethnicity"], political_status=v["political_status"],
                           education=v["education"], health=v["health"]) for v in values]
    people = Person.objects.bulk_create(people)
    PersonCategory.objects.bulk_create([
        PersonCategory(person=person, category_id=category, start_date=v["category_start"])
        for person, v in zip(people, values, strict=True) for category in v["categories"]])
    first_lines = [first_line_on_the_books(person, day=v["registered_on"], reason=reason, actor=actor)
                   for person, v in zip(people, values, strict=True)]
    StatusChange.objects.bulk_create(first_lines)
    return len(people)
