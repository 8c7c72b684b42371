"""Import of the people ledgers stations keep in Excel (SPEC C2).

upload → `import_start` (stores the file, queues the check) → the preview lists every bad row
with its row number, column and reason → `import_commit` (queues the all-or-nothing commit).
Pages, the API and `manage.py import_people` all go through these two functions and the
passes in `run`.
"""

import hashlib

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from rongjia.core.uploads import refuse_if_too_big

from ..books.workflows import IMPORT_JOB
from ..models import ImportJob

XLSX_SIGNATURE = b"PK\x03\x04"


def import_start(*, actor, uploaded_file) -> ImportJob:
    """Keep the upload and queue its check (pages and the API)."""
    job = import_receive(actor=actor, uploaded_file=uploaded_file)
    from ..jobs import run_import

    run_import.enqueue(job.pk, commit=False)
    return job


def import_receive(*, actor, uploaded_file) -> ImportJob:
    """Keep the upload (under MEDIA_ROOT, outside the web root); refuse what is not an xlsx."""
    if not actor.can("people.import"):
        raise PermissionDenied
    refuse_if_too_big(uploaded_file, field="file")
    head = uploaded_file.read(4)
    uploaded_file.seek(0)
    if head != XLSX_SIGNATURE:
        raise ValidationError({"file": _("This is not an Excel workbook (.xlsx). Save the ledger as .xlsx and upload "
                                         "it again.")})
    digest = hashlib.sha256()
    for chunk in uploaded_file.chunks():
        digest.update(chunk)
    uploaded_file.seek(0)
    name = (getattr(uploaded_file, "name", "") or "ledger.xlsx").rsplit("/", 1)[-1][:200]
    job = ImportJob(uploaded_by=actor, original_name=name, sha256=digest.hexdigest())
    job.file.save(f"{digest.hexdigest()[:16]}.xlsx", uploaded_file, save=False)
    job.save()
    return job


def import_commit(*, actor, job: ImportJob) -> ImportJob:
    """Queue the commit of a checked file; only its uploader, only when the check found it ready."""
    if job.uploaded_by_id != actor.pk or not actor.can("people.import"):
        raise PermissionDenied
    step = IMPORT_JOB.step("import")
    # Claimed by a conditional update from the step's own source states: two presses queue one commit.
    if not ImportJob.objects.filter(pk=job.pk, state__in=step.sources).update(state=step.target):
        raise ValidationError(_("This file is not ready to import (%(state)s).") % {"state": job.get_state_display()})
    from ..jobs import run_import

    run_import.enqueue(job.pk, commit=True)
    job.refresh_from_db()
    return job
