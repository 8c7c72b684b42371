"""API: background jobs (ledger imports): state, progress and the per-row report."""

from django.http import Http404
from ninja import Router, Schema

from rongjia.people.models import ImportJob

router = Router(tags=["jobs"])
MAX_ERRORS = 500


class RowErrorOut(Schema):
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
    error_count: int
    errors: list[RowErrorOut]


@router.get("/{job_id}", response=JobOut)
def job_detail(request, job_id: int):
    """A job is its uploader's alone; anyone else gets 404. The first 500 row errors are listed."""
    job = ImportJob.objects.filter(pk=job_id, uploaded_by=request.auth).first()
    if job is None:
        raise Http404
    errors = list(job.errors.values("row", "column", "message")[:MAX_ERRORS])
    return {**{f: getattr(job, f) for f in ("id", "state", "message", "total_rows", "processed_rows", "created_count",
                                            "unchanged_count", "error_count")},
            "file": job.original_name, "errors": errors}
