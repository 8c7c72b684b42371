"""What the uploader decides between the check and the commit, each a service on the job.

The columns (confirmed once, remembered for the unit), the places the check could not tell, the
normalisations accepted as a set, held rows fixed or set aside, and updates accepted per field. A
job is its uploader's alone; every refusal changes nothing.
"""

import json

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from rongjia.core.audit import audit_actor

from ..books.workflows import IMPORT_JOB
from ..models import ImportJob, ImportRow
from .fields import BY_KEY, FIELDS
from .mapping import mapping_problems, remember
from .placing import Placer
from .rows import included_sheets, source_columns
from .verdicts import LedgerRow, RowSorter

CHECKED = (ImportJob.State.VALID, ImportJob.State.INVALID, ImportJob.State.UNCHANGED)


def _own(actor, job: ImportJob) -> None:
    if job.uploaded_by_id != actor.pk or not actor.can("people.import"):
        raise PermissionDenied


def _requeue(job: ImportJob, *, queue: bool = True) -> None:
    """Back to the queue for a new check (a conditional update: two presses queue one check).

    `queue=False`: the caller (manage.py import_people) runs the check itself, in its own process.
    """
    if not IMPORT_JOB.move_rows(ImportJob.objects.filter(pk=job.pk), "confirm_columns"):
        raise ValidationError(_("The file is being checked or imported: wait until it finishes."))
    if queue:
        from ..jobs import run_import

        run_import.enqueue(job.pk, commit=False)
    job.refresh_from_db()


def proposed_mapping(job: ImportJob) -> dict[int, dict[int, str]]:
    """The fields the read pass proposed, sheet by sheet (what the mapping form shows preselected)."""
    return {entry["index"]: {c["index"]: c["field"] for c in entry["columns"]}
            for entry in job.layout if not entry["no_header"]}


def confirm_columns(*, actor, job: ImportJob, mapping: dict[int, dict[int, str]], include_hidden: list[int],
                    all_or_nothing: bool, queue: bool = True) -> ImportJob:
    """The uploader's field for each column of each sheet; refused whole when one sheet's mapping is wrong."""
    _own(actor, job)
    sheets = {entry["index"]: entry for entry in job.layout if not entry["no_header"]}
    problems, confirmed = [], {}
    for index, entry in sheets.items():
        if entry["hidden"] and index not in include_hidden:
            continue
        chosen = {int(c): (k or "") for c, k in (mapping.get(index) or mapping.get(str(index)) or {}).items()}
        columns = source_columns(entry)
        known = {column.index for column in columns}
        chosen = {c: k for c, k in chosen.items() if c in known}
        problems += [f"{entry['name']}：{p}" for p in mapping_problems(columns, chosen)]
        confirmed[str(index)] = {str(c): k for c, k in chosen.items()}
    if not confirmed:
        problems.append(_("Choose at least one sheet to import."))
    if problems:
        raise ValidationError(problems)
    with transaction.atomic(), audit_actor(actor):
        job.mapping, job.changes_accepted = confirmed, False
        job.options = {"include_hidden": sorted(int(i) for i in include_hidden if int(i) in sheets),
                       "all_or_nothing": bool(all_or_nothing)}
        job.save(update_fields=["mapping", "options", "changes_accepted"])
        if actor.org_unit_id:
            for index, chosen in confirmed.items():
                remember(actor.org_unit, source_columns(sheets[int(index)]), {int(c): k for c, k in chosen.items()},
                         actor)
    _requeue(job, queue=queue)
    return job


def place_questions(job: ImportJob, actor) -> list[tuple[str, int, list[tuple[str, str]]]]:
    """(text as written, rows waiting, [(region code, label)]) for each place the check could not tell."""
    waiting = [text for text, code in job.places.items() if not code]
    if not waiting:
        return []
    placer = Placer(actor)
    counts = {}
    for row in job.rows.filter(kind=ImportRow.Kind.HELD).only("reasons"):
        for text in waiting:
            if any(text[:40] in reason for _field, reason in row.reasons):
                counts[text] = counts.get(text, 0) + 1
    choices = {text: placer.candidates(text) or placer.villages() for text in waiting}
    return [(text, counts.get(text, 0), [(p.region_code, p.label) for p in choices[text]]) for text in waiting]


def answer_places(*, actor, job: ImportJob, answers: dict[str, str]) -> ImportJob:
    """Each unclear place text → a region in the uploader's area; then the rows are checked again."""
    _own(actor, job)
    placer = Placer(actor)
    chosen = {}
    for text, code in answers.items():
        if text not in job.places or not code:
            continue
        if placer.region_for_code(code) is None:
            raise ValidationError(_("%(code)s is not a current region in your area.") % {"code": code})
        chosen[text] = code
    if not chosen:
        raise ValidationError(_("Choose a place for at least one of the questions."))
    job.places = job.places | chosen
    job.save(update_fields=["places"])
    _requeue(job)
    return job


def accept_changes(*, actor, job: ImportJob) -> ImportJob:
    _own(actor, job)
    if job.state not in CHECKED:
        raise ValidationError(_("The file is being checked or imported: wait until it finishes."))
    with audit_actor(actor):
        job.changes_accepted = True
        job.save(update_fields=["changes_accepted"])
    return job


def editable_fields(job: ImportJob) -> list[tuple[str, str]]:
    """(field key, label) of every field mapped in the job, in the catalogue's order: the grid's columns."""
    mapped = {key for sheet in job.mapping.values() for key in sheet.values() if key}
    return [(field.key, field.label) for field in FIELDS if field.key in mapped]


def _checked_row(actor, job: ImportJob, row: ImportRow) -> ImportRow:
    _own(actor, job)
    if row.job_id != job.pk:
        raise PermissionDenied
    if job.state not in CHECKED:
        raise ValidationError(_("The file is being checked or imported: wait until it finishes."))
    return row


def fix_row(*, actor, job: ImportJob, row: ImportRow, data: dict[str, str], confirmed: bool) -> ImportRow:
    """The uploader's corrections to a held row, checked at once by the same rules as the file's rows."""
    _checked_row(actor, job, row)
    allowed = {key for key, _label in editable_fields(job)}
    cells = json.loads(row.data or "{}")
    cells.update({key: str(value).strip()[:200] for key, value in data.items() if key in allowed})
    sheet_name = next((e["name"] for e in job.layout if e["index"] == row.sheet), "")
    sorter = RowSorter(actor, places=job.places)
    sorter.seen = _numbers_elsewhere(job, row)
    verdict = next(iter(sorter.sort([LedgerRow(row.sheet, sheet_name, row.row, cells, confirmed=confirmed)])))
    row.data, row.confirmed = json.dumps(cells, ensure_ascii=False), confirmed
    if verdict.kind == "held":
        row.kind, row.reasons = ImportRow.Kind.HELD, [[h.field, h.reason] for h in verdict.holds]
    else:
        row.kind, row.reasons = ImportRow.Kind.FIXED, []
    with audit_actor(actor):
        row.save(update_fields=["data", "confirmed", "kind", "reasons"])
    _recount(job)
    return row


def _numbers_elsewhere(job: ImportJob, row: ImportRow) -> dict:
    """ID hashes the other fixed rows of the job already carry, so a fix cannot duplicate one of them."""
    from ..services import id_index

    seen = {}
    for other in job.rows.filter(kind=ImportRow.Kind.FIXED).exclude(pk=row.pk):
        number = json.loads(other.data or "{}").get("id_number", "")
        if number:
            seen[id_index(number.strip().upper())] = (str(other.sheet), other.row)
    return seen


def skip_row(*, actor, job: ImportJob, row: ImportRow) -> ImportRow:
    _checked_row(actor, job, row)
    if row.kind not in (ImportRow.Kind.HELD, ImportRow.Kind.FIXED):
        raise ValidationError(_("Only a held row can be set aside."))
    row.kind = ImportRow.Kind.SKIPPED
    row.save(update_fields=["kind"])
    _recount(job)
    return row


def unskip_row(*, actor, job: ImportJob, row: ImportRow) -> ImportRow:
    """A row set aside comes back held; the next check (or a save in the grid) decides again."""
    _checked_row(actor, job, row)
    if row.kind != ImportRow.Kind.SKIPPED:
        raise ValidationError(_("This row is not set aside."))
    row.kind = ImportRow.Kind.HELD
    row.save(update_fields=["kind"])
    _recount(job)
    return row


def accept_update(*, actor, job: ImportJob, row: ImportRow, fields: list[str]) -> ImportRow:
    _checked_row(actor, job, row)
    if row.kind != ImportRow.Kind.UPDATE:
        raise ValidationError(_("This row is not an update."))
    offered = [difference[0] for difference in row.differences]
    unknown = [key for key in fields if key not in offered]
    if unknown:
        raise ValidationError(_("These fields are not among the row's differences: %(names)s.")
                              % {"names": "、".join(BY_KEY[k].label if k in BY_KEY else k for k in unknown)[:80]})
    row.accepted = [key for key in offered if key in fields]
    row.save(update_fields=["accepted"])
    return row


def _recount(job: ImportJob) -> None:
    """The job's held figure follows the grid at once (the rows themselves are the truth); a job whose every
    row was held becomes ready once one of them is fixed."""
    held = job.rows.filter(kind=ImportRow.Kind.HELD).count()
    ImportJob.objects.filter(pk=job.pk).update(held_count=held, error_count=held)
    job.held_count = job.error_count = held
    step = IMPORT_JOB.step("rows_fixed")
    if job.state in step.sources and job.rows.filter(kind=ImportRow.Kind.FIXED).exists():
        IMPORT_JOB.move_rows(ImportJob.objects.filter(pk=job.pk), "rows_fixed")
        job.state = step.target


__all__ = ["accept_changes", "accept_update", "answer_places", "confirm_columns", "editable_fields", "fix_row",
           "included_sheets", "place_questions", "proposed_mapping", "skip_row", "unskip_row"]
