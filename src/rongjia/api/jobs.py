"""API: background jobs (ledger imports): state, progress and the per-row report, a page at a time.

A ledger import over the API walks the same steps as the pages: upload (POST /people/import), read
the proposed columns here (`sheets`), confirm them (POST …/columns, the proposal unless a mapping is
sent), accept the normalisations (POST …/accept-changes) and commit (POST …/commit). Held rows are
fixed on the pages.
"""

from django.http import Http404
from ninja import Router, Schema

from rongjia.people.importing import import_commit
from rongjia.people.importing import progress as import_progress
from rongjia.people.importing.services_intake import accept_changes, confirm_columns, proposed_mapping
from rongjia.people.models import ImportJob

router = Router(tags=["jobs"])
ERRORS_PER_PAGE = 100


class RowErrorOut(Schema):
    sheet: str
    row: int
    column: str
    message: str


class JobOut(Schema):
    id: int
    state: str
    message: str
    file: str
    total_rows: int
    processed_rows: int
    created_count: int
    unchanged_count: int
    error_count: int  # every held row is counted and listed
    update_count: int
    held_count: int
    sheets: list[dict]  # the sheets as read: header rows, columns with their proposed or confirmed field
    changes: dict  # {field: [[was, now, rows], ...]}: the normalisations to accept
    changes_accepted: bool
    progress: dict | None  # {"done", "total", "sheet"} while a pass runs
    page: int
    pages: int
    errors: list[RowErrorOut]


class ColumnsIn(Schema):
    mapping: dict[int, dict[int, str]] | None = None  # {sheet index: {column index: field key}}; None: as proposed
    include_hidden: list[int] = []
    all_or_nothing: bool = False


def _own_job(request, job_id: int) -> ImportJob:
    """A job is its uploader's alone; anyone else gets 404, as for a job that does not exist."""
    job = ImportJob.objects.filter(pk=job_id, uploaded_by=request.auth).first()
    if job is None:
        raise Http404
    return job


@router.post("/{job_id}/columns", response={202: dict, 422: dict})
def job_columns(request, job_id: int, payload: ColumnsIn):
    """Confirm each sheet's columns (the proposal when no mapping is sent); the rows are checked next."""
    job = _own_job(request, job_id)
    confirm_columns(actor=request.auth, job=job, mapping=payload.mapping or proposed_mapping(job),
                    include_hidden=payload.include_hidden, all_or_nothing=payload.all_or_nothing)
    return 202, {"job": job.pk, "state": job.state}


@router.post("/{job_id}/accept-changes", response={200: dict, 422: dict})
def job_accept_changes(request, job_id: int):
    job = accept_changes(actor=request.auth, job=_own_job(request, job_id))
    return 200, {"job": job.pk, "changes_accepted": job.changes_accepted}


@router.post("/{job_id}/commit", response={202: dict, 422: dict})
def job_commit(request, job_id: int):
    job = import_commit(actor=request.auth, job=_own_job(request, job_id))
    return 202, {"job": job.pk, "state": job.state}


@router.get("/{job_id}", response=JobOut)
def job_detail(request, job_id: int, page: int = 1):
    """A job is its uploader's alone; anyone else gets 404. `page` walks the row errors, 100 at a time."""
    job = _own_job(request, job_id)
    stored = job.errors.count()
    pages = max(1, -(-stored // ERRORS_PER_PAGE))
    page = min(max(page, 1), pages)
    start = (page - 1) * ERRORS_PER_PAGE
    errors = list(job.errors.values("sheet", "row", "column", "message")[start:start + ERRORS_PER_PAGE])
    return {**{f: getattr(job, f) for f in ("id", "state", "message", "total_rows", "processed_rows", "created_count",
                                            "unchanged_count", "error_count", "update_count", "held_count",
                                            "changes", "changes_accepted")},
            "sheets": job.layout, "progress": import_progress.read(job.pk),
            "file": job.original_name, "page": page, "pages": pages, "errors": errors}
