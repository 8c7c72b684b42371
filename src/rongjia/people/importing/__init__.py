"""Ledger intake 台账导入 (SPEC C2, issue 17): the Excel ledgers stations already keep, as they are.

upload → `import_start` (the file is opened at once, so a file that cannot be read is refused with
nothing written, then the read pass is queued) → the uploader confirms the columns
(`services_intake.confirm_columns`) → the check sorts every row (run.check_job) → the uploader
accepts the normalisations, answers unclear places, fixes held rows and accepts updates →
`import_commit` queues the commit. Pages, the API and `manage.py import_people` all go through here.
"""

import hashlib
import tempfile
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from rongjia.core.uploads import refuse_if_too_big

from ..books.workflows import IMPORT_JOB
from ..models import ImportJob, ImportRow
from .workbook import FileRefused, open_ledger


def import_start(*, actor, uploaded_file) -> ImportJob:
    """Keep the upload and queue its read pass (pages and the API)."""
    job = import_receive(actor=actor, uploaded_file=uploaded_file)
    from ..jobs import run_import

    run_import.enqueue(job.pk, commit=False)
    return job


def import_receive(*, actor, uploaded_file) -> ImportJob:
    """Keep the upload (under MEDIA_ROOT, outside the web root) once it opens as a ledger; else refuse it."""
    if not actor.can("people.import"):
        raise PermissionDenied
    refuse_if_too_big(uploaded_file, field="file")
    name = (getattr(uploaded_file, "name", "") or "ledger").rsplit("/", 1)[-1][:200]
    digest = hashlib.sha256()
    with tempfile.TemporaryDirectory() as folder:
        probe = Path(folder) / "upload"
        with probe.open("wb") as out:
            for chunk in uploaded_file.chunks():
                digest.update(chunk)
                out.write(chunk)
        try:
            kind = open_ledger(probe, original_name=name).kind
        except FileRefused as refused:
            raise ValidationError({"file": str(refused)}) from None
    uploaded_file.seek(0)
    job = ImportJob(uploaded_by=actor, original_name=name, sha256=digest.hexdigest(), kind=kind)
    job.file.save(f"{digest.hexdigest()[:16]}.{kind}", uploaded_file, save=False)
    job.save()
    return job


def import_commit(*, actor, job: ImportJob) -> ImportJob:
    """Queue the commit of a checked file: only its uploader, once the normalisations are accepted."""
    if job.uploaded_by_id != actor.pk or not actor.can("people.import"):
        raise PermissionDenied
    if job.changes and not job.changes_accepted:
        raise ValidationError(_("Accept the changes the check made to the values (was → now) before importing."))
    if job.options.get("all_or_nothing") and job.rows.filter(kind=ImportRow.Kind.HELD).exists():
        raise ValidationError(_("“All or nothing” is chosen and rows are held: fix them or set them aside first."))
    # Claimed by a conditional update from the step's own source states: two presses queue one commit.
    if not IMPORT_JOB.move_rows(ImportJob.objects.filter(pk=job.pk), "import"):
        raise ValidationError(_("This file is not ready to import (%(state)s).") % {"state": job.get_state_display()})
    from ..jobs import run_import

    run_import.enqueue(job.pk, commit=True)
    job.refresh_from_db()
    return job
