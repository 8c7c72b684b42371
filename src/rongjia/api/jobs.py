"""API: background jobs (ledger imports): state, progress and the per-row report, a page at a time."""

from django.http import Http404
from ninja import Router, Schema

from rongjia.people.models import ImportJob

router = Router(tags=["jobs"])
ERRORS_PER_PAGE = 100


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
    error_count: int  # every bad row is counted; the report keeps the first thousand
    page: int
    pages: int
    errors: list[RowErrorOut]


@router.get("/{job_id}", response=JobOut)
def job_detail(request, job_id: int, page: int = 1):
    """A job is its uploader's alone; anyone else gets 404. `page` walks the row errors, 100 at a time."""
    job = ImportJob.objects.filter(pk=job_id, uploaded_by=request.auth).first()
    if job is None:
        raise Http404
    stored = job.errors.count()
    pages = max(1, -(-stored // ERRORS_PER_PAGE))
    page = min(max(page, 1), pages)
    start = (page - 1) * ERRORS_PER_PAGE
    errors = list(job.errors.values("row", "column", "message")[start:start + ERRORS_PER_PAGE])
    return {**{f: getattr(job, f) for f in ("id", "state", "message", "total_rows", "processed_rows", "created_count",
                                            "unchanged_count", "error_count")},
            "file": job.original_name, "page": page, "pages": pages, "errors": errors}
