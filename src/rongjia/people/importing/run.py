"""The passes over an uploaded ledger: read (the sheets and columns), check (every row, nothing written)
and commit (one transaction, bulk writes).

The check's outcome is a function of the file, the confirmed columns, the uploader's answers about
places and the rows fixed in the grid: whenever one of the first three changes the check runs again.
The check stages each new row ready to write (staging.py); the commit writes those once their ID
numbers are checked against the books again, and sorts by the same class (verdicts.RowSorter) only
the rows fixed since and the accepted updates, so it does what the preview showed.
"""

import json
from collections import Counter
from itertools import chain

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rongjia.core.audit import audit_actor
from rongjia.core.planner_statistics import STALE_FLOOR, analyze_models
from rongjia.core.workflow import step_between

from ..books.workflows import IMPORT_JOB
from ..models import ImportJob, ImportRow, ImportRowError, Person, PersonCategory
from . import progress, staging
from .fields import BY_KEY
from .layout import masked_sample, read_layout
from .mapping import remembered_for
from .rows import fixed_rows, job_rows
from .updates import apply_update
from .verdicts import RowSorter, stored_text
from .workbook import FileRefused, open_ledger
from .writer import new_entry, write_entries, write_new

PROGRESS_EVERY = 500
WRITE_BATCH = 2000
MASKED = ("id_number", "phone", "phone_alt")
MAX_CHANGES_PER_FIELD = 200  # distinct "was → now" pairs listed per field; every row is still counted

RUNNING = (ImportJob.State.VALIDATING, ImportJob.State.COMMITTING)
# The uploaded file holds ID numbers in clear: it is kept only while a check or commit may still read it.
KEEPS_FILE = (ImportJob.State.QUEUED, ImportJob.State.VALIDATING, ImportJob.State.MAPPING, ImportJob.State.VALID,
              ImportJob.State.INVALID, ImportJob.State.COMMITTING)


class _Refused(Exception):
    """Raised inside an all-or-nothing commit to roll it back when a row has become bad since the check."""


def _finish(job: ImportJob, state: str, message: str = "", **fields) -> ImportJob:
    step_between(IMPORT_JOB, job.state, state)  # only a move books.workflows.IMPORT_JOB declares
    for name, value in fields.items():
        setattr(job, name, value)
    job.state, job.message, job.finished_at = state, message[:300], timezone.now()
    if state in RUNNING:
        job.started_at, job.finished_at = timezone.now(), None
    if state not in KEEPS_FILE:
        staging.discard_upload(job)
    job.save()
    if state not in RUNNING:
        progress.clear(job.pk)
    return job


def _open(job: ImportJob):
    return open_ledger(job.file.path, original_name=job.original_name)


# --- pass one: the sheets and their columns ------------------------------------------------------------

def read_job(job: ImportJob) -> ImportJob:
    """Read every sheet's header and propose a field per column; the uploader confirms them next."""
    _finish(job, ImportJob.State.VALIDATING, processed_rows=0)
    try:
        ledger = _open(job)
        unit = job.uploaded_by.org_unit
        layout = read_layout(ledger, remembered=remembered_for(unit) if unit else {})
    except FileRefused as refused:
        return _finish(job, ImportJob.State.FAILED, str(refused), error_count=1)
    if all(entry["no_header"] for entry in layout):
        return _finish(job, ImportJob.State.FAILED, _(
            "No sheet has a header row with 姓名 or 身份证号 in its first 20 rows. Check that this is the people "
            "ledger."), error_count=1, layout=layout, kind=ledger.kind)
    total = sum(entry["rows"] for entry in layout if not entry["hidden"])
    sheets = sum(1 for entry in layout if not entry["no_header"])
    return _finish(job, ImportJob.State.MAPPING, _("%(sheets)d sheets with %(rows)d rows read: confirm the columns.")
                   % {"sheets": sheets, "rows": total}, layout=layout, kind=ledger.kind, total_rows=total)


# --- pass two: every row checked, nothing written ------------------------------------------------------

class _Tally:
    """What the check found: counts, the normalisations, the rows that need the uploader."""

    def __init__(self, job: ImportJob, earlier_updates: dict):
        self.job, self.earlier_updates = job, earlier_updates
        self.counts = Counter()
        self.changes: dict[str, Counter] = {}
        self.keep: list[ImportRow] = []  # held and update rows, written in bulk at the end
        self.errors: list[ImportRowError] = []
        # ID hash → (sheet, row, sheet name) of the first row that gave it, while it is new: held after all if a
        # later row repeats the number. Only the position is kept, so the check's memory stays flat in the file's
        # size; the few rows held this way are read again at the end.
        self.firsts: dict[str, tuple[int, int, str]] = {}

    def add(self, verdict) -> None:
        self.counts["total"] += 1
        self.counts[verdict.kind] += 1
        for change in verdict.clean.changes:
            was, now = change.was, change.now
            if change.field in MASKED:  # the summary is stored in clear: numbers masked as on every page
                was, now = masked_sample(was), masked_sample(now)
            self.changes.setdefault(change.field, Counter())[(was, now)] += 1
        source = verdict.source
        if verdict.kind == "new":
            self.firsts[verdict.clean.values["id_hash"]] = (source.sheet, source.row, source.sheet_name)
        if verdict.kind == "held":
            self.keep.append(ImportRow(job=self.job, sheet=source.sheet, row=source.row, kind=ImportRow.Kind.HELD,
                                       data=stored_text(source.raw), confirmed=source.confirmed,
                                       reasons=[[hold.field, hold.reason] for hold in verdict.holds]))
            label = {hold.field: BY_KEY[hold.field].label if hold.field in BY_KEY else hold.field
                     for hold in verdict.holds}
            self.errors += [ImportRowError(job=self.job, sheet=source.sheet_name[:100], row=source.row,
                                           column=label[hold.field][:40], message=hold.reason[:300])
                            for hold in verdict.holds]
        elif verdict.kind == "update":
            accepted = self.earlier_updates.get((source.sheet, source.row), [])
            self.keep.append(ImportRow(
                job=self.job, sheet=source.sheet, row=source.row, kind=ImportRow.Kind.UPDATE, person=verdict.person,
                data=json.dumps({"version": verdict.person.version}), differences=verdict.differences,
                accepted=[key for key in accepted if any(d[0] == key for d in verdict.differences)]))

    def hold_first_of_each_pair(self, duplicated: dict[str, tuple[str, int]], read_again) -> None:
        """The first row of each repeated ID number, counted new when it was read, is held beside the second.

        `read_again()` walks the job's rows once more: it runs only when there are such rows, to fetch their cells.
        """
        firsts = {self.firsts.pop(digest) for digest in duplicated if digest in self.firsts}
        if not firsts:
            return  # no repeats, or each first was held (or is on file) already
        wanted = {(sheet, row) for sheet, row, _name in firsts}
        cells = {(source.sheet, source.row): stored_text(source.raw) for source in read_again()
                 if (source.sheet, source.row) in wanted}
        reason = _("The same ID number is given again further down the file: keep the right row and set the "
                   "other aside.")
        for sheet, row, sheet_name in sorted(firsts):
            self.counts["new"] -= 1
            self.counts["held"] += 1
            self.keep.append(ImportRow(job=self.job, sheet=sheet, row=row, kind=ImportRow.Kind.HELD,
                                       data=cells[sheet, row], reasons=[["id_number", reason]]))
            self.errors.append(ImportRowError(job=self.job, sheet=sheet_name[:100], row=row,
                                              column=BY_KEY["id_number"].label, message=reason))

    def changes_json(self) -> dict:
        return {key: [[was, now, n] for (was, now), n in counter.most_common(MAX_CHANGES_PER_FIELD)]
                for key, counter in self.changes.items()}


def check_job(job: ImportJob) -> ImportJob:
    """Read and sort every row; store what needs the uploader (held rows, updates, questions); write no person."""
    if not job.mapping:
        return read_job(job)
    _finish(job, ImportJob.State.VALIDATING, processed_rows=0)
    decided = {(r.sheet, r.row): r for r in job.rows.filter(kind__in=(ImportRow.Kind.FIXED, ImportRow.Kind.SKIPPED))}
    earlier_updates = {(r.sheet, r.row): r.accepted for r in job.rows.filter(kind=ImportRow.Kind.UPDATE)}
    sorter = RowSorter(job.uploaded_by, places=job.places, audit=True)
    tally = _Tally(job, earlier_updates)
    staging.discard(job)  # the last check's: this one stages its own
    stage = staging.StagingWriter(job, day=sorter.today)
    reason = import_reason(job)
    try:
        ledger = _open(job)
        for verdict in sorter.sort(job_rows(job, ledger, decided)):
            tally.add(verdict)
            source = verdict.source
            if verdict.kind == "new" and (source.sheet, source.row) not in decided:  # fixed rows: sorted at commit
                stage.add(source.sheet, source.row, verdict.clean.values["id_hash"],
                          new_entry(verdict, actor=job.uploaded_by, reason=reason, today=sorter.today))
            if tally.counts["total"] % PROGRESS_EVERY == 0:
                progress.report(job.pk, done=tally.counts["total"], total=job.total_rows,
                                sheet=source.sheet_name, stage="check")
        tally.hold_first_of_each_pair(sorter.duplicated, read_again=lambda: job_rows(job, ledger, decided))
    except FileRefused as refused:
        stage.abandon()
        return _finish(job, ImportJob.State.FAILED, str(refused), error_count=1)
    except BaseException:
        stage.abandon()
        raise
    stage.finish()
    _store_rows(job, tally, decided)
    places = {text: code for text, code in job.places.items() if code} | {text: "" for text in sorter.questions}
    counts = tally.counts
    state, message = _outcome(counts)
    return _finish(job, state, message, places=places, changes=tally.changes_json(),
                   changes_accepted=job.changes_accepted and tally.changes_json() == job.changes,
                   total_rows=counts["total"] + sum(1 for r in decided.values() if r.kind == ImportRow.Kind.SKIPPED),
                   processed_rows=counts["total"], created_count=counts["new"], unchanged_count=counts["unchanged"],
                   update_count=counts["update"], held_count=counts["held"], error_count=counts["held"])


def _store_rows(job: ImportJob, tally: _Tally, decided: dict) -> None:
    """Replace the job's held and update rows; a fixed row held again keeps its edits and turns back to held."""
    with transaction.atomic():
        job.errors.all().delete()
        job.rows.filter(kind__in=(ImportRow.Kind.HELD, ImportRow.Kind.UPDATE)).delete()
        again = [row for row in tally.keep if (row.sheet, row.row) in decided]
        for row in again:
            own = decided[row.sheet, row.row]
            own.kind, own.reasons = row.kind, row.reasons
            own.save(update_fields=["kind", "reasons"])
        ImportRow.objects.bulk_create([row for row in tally.keep if (row.sheet, row.row) not in decided],
                                      batch_size=1000)
        ImportRowError.objects.bulk_create(tally.errors, batch_size=1000)


def _outcome(counts: Counter) -> tuple[str, str]:
    if counts["total"] == 0:
        return ImportJob.State.INVALID, _("The file has no rows under its header.")
    if counts["new"] == 0 and counts["update"] == 0:
        if counts["held"]:
            return ImportJob.State.INVALID, _("%(held)d rows held and %(same)d already registered: nothing new to "
                                              "import until held rows are fixed.") % {
                "held": counts["held"], "same": counts["unchanged"]}
        return ImportJob.State.UNCHANGED, _("All %(n)d people in this file are already registered; nothing would "
                                            "change.") % {"n": counts["unchanged"]}
    return ImportJob.State.VALID, _("%(new)d to register, %(update)d to update, %(same)d unchanged, %(held)d held.") % {
        "new": counts["new"], "update": counts["update"], "same": counts["unchanged"], "held": counts["held"]}


# --- pass three: the commit ------------------------------------------------------------------------------

def import_reason(job: ImportJob) -> str:
    """The reason on each new person's first line on the books."""
    return _("Imported from %(file)s") % {"file": job.original_name[:150]}


class _Commit:
    """What the commit has written so far, and its progress as the page shows it."""

    def __init__(self, job: ImportJob, updates: dict, *, total: int):
        self.job, self.actor, self.updates, self.total = job, job.uploaded_by, updates, total
        self.all_or_nothing = bool(job.options.get("all_or_nothing"))
        self.reason = import_reason(job)
        self.done = Counter()
        self.newly_held = 0
        self.pending = []
        self.reported = 0

    def take(self, verdict) -> None:
        """A row sorted now: registered, updated as accepted, or left out if it has become held."""
        self.done["rows"] += 1
        if verdict.kind == "new":
            self.pending.append(verdict)
            if len(self.pending) >= WRITE_BATCH:
                self.flush()
        elif verdict.kind == "update":
            own = self.updates.get((verdict.source.sheet, verdict.source.row))
            if own is not None and own.accepted:
                problem = apply_update(self.actor, own, verdict)
                if problem:
                    verdict.hold("id_number", problem)
                else:
                    self.done["updated"] += 1
        if verdict.kind == "held":
            self._changed_since_the_check(1)
        self._report(verdict.source.sheet_name)

    def take_staged(self, batch: list[staging.StagedRow]) -> None:
        """New rows as the check left them, less those whose number has been registered since."""
        on_file = set(Person.objects.filter(id_hash__in=[row.id_hash for row in batch])
                      .values_list("id_hash", flat=True))
        fresh = [row.entry for row in batch if row.id_hash not in on_file]
        if len(fresh) < len(batch):
            self._changed_since_the_check(len(batch) - len(fresh))
        self.done["created"] += write_entries(fresh, encrypted=True) if fresh else 0
        self.done["rows"] += len(batch)
        self._report("")

    def flush(self) -> None:
        if self.pending:
            self.done["created"] += write_new(self.pending, actor=self.actor, reason=self.reason)
            self.pending = []

    def _changed_since_the_check(self, rows: int) -> None:
        if self.all_or_nothing:
            raise _Refused
        self.newly_held += rows

    def _report(self, sheet_name: str) -> None:
        if self.done["rows"] - self.reported >= PROGRESS_EVERY:
            self.reported = self.done["rows"]
            progress.report(self.job.pk, done=self.done["rows"], total=self.total, sheet=sheet_name, stage="commit")


def commit_job(job: ImportJob) -> ImportJob:
    """Register every new row and apply every accepted update in one transaction; held rows stay held.

    The new rows the check staged are written as staged, once their numbers are checked against the books
    again; the rows the uploader fixed since and the accepted updates are sorted again. Without staged rows
    (a check by an earlier version, or on another day) every row of the file is sorted again.
    """
    actor = job.uploaded_by
    _finish(job, ImportJob.State.COMMITTING, processed_rows=0)
    # Rows held at the check are left out like those set aside; fixed rows come from the grid.
    decided = {(r.sheet, r.row): r for r in job.rows.exclude(kind=ImportRow.Kind.UPDATE)}
    updates = {(r.sheet, r.row): r for r in job.rows.filter(kind=ImportRow.Kind.UPDATE)}
    staged = staging.staged_rows(job)
    accepted = {position for position, own in updates.items() if own.accepted}
    # The progress counts the rows the commit goes through: every row, or only those it writes.
    fixed = sum(1 for own in decided.values() if own.kind == ImportRow.Kind.FIXED)
    total = job.processed_rows or job.total_rows if staged is None else job.created_count + fixed + len(accepted)
    commit = _Commit(job, updates, total=total)
    sorter = RowSorter(actor, places=job.places)
    try:
        with transaction.atomic(), audit_actor(actor):
            if staged is None:
                rows = job_rows(job, _open(job), decided)
            else:
                _write_staged(commit, staged, decided)
                rows = chain(fixed_rows(job, decided),
                             job_rows(job, _open(job), decided, only=accepted) if accepted else ())
            for verdict in sorter.sort(rows):
                commit.take(verdict)
            commit.flush()
    except _Refused:
        job.state = ImportJob.State.COMMITTING
        return check_job(job)  # the books changed since the preview: show the new report
    except FileRefused as refused:
        return _finish(job, ImportJob.State.FAILED, str(refused))
    done = commit.done
    if done["created"] + done["updated"] >= STALE_FLOOR:  # a ledger of thousands: plans must count them
        analyze_models(Person, PersonCategory)
    message = _("%(created)d people registered, %(updated)d updated.") % done
    if commit.newly_held:
        message += " " + _("%(n)d rows changed since the check were not imported.") % {"n": commit.newly_held}
    with audit_actor(actor):  # the job's own audit entry names the actor and the counts
        return _finish(job, ImportJob.State.DONE, message, created_count=done["created"],
                       update_count=done["updated"], processed_rows=done["rows"])


def _write_staged(commit: _Commit, staged, decided: dict) -> None:
    """The staged new rows in batches; a row the uploader has decided on since the check is not among them."""
    batch = []
    for row in staged:
        if row.at in decided:
            continue
        batch.append(row)
        if len(batch) >= WRITE_BATCH:
            commit.take_staged(batch)
            batch = []
    if batch:
        commit.take_staged(batch)
