"""The page of a file made in the background (core.files), and its download.

A job is its owner's alone, inside the owner's area as it is now, and only while the owner still holds the
capability its maker needs: anyone else gets 404, exactly as for a job that does not exist. The page polls
itself every second (htmx) while the file is being made and then offers it; the poll reads the job's row
and writes nothing.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from .files import STAGES, maker_for
from .models import FileJob
from .scoping import get_visible_or_404

State = FileJob.State
WORKING = (State.QUEUED, State.RUNNING)


def _own_job(request, pk) -> FileJob:
    job = get_visible_or_404(FileJob.objects.filter(owner=request.user), request.user, pk=pk)
    maker = maker_for(job.kind)
    if maker is None or not request.user.can(maker.capability):
        raise Http404
    return job


def _progress(job: FileJob) -> dict:
    """The stage in words, done of total and the percent (None while it cannot be told: a bar that moves)."""
    percent = min(100, job.done * 100 // job.total) if job.total and job.stage not in ("", "writing") else None
    return {"stage": STAGES.get(job.stage, job.get_state_display()), "done": job.done, "total": job.total,
            "percent": percent}


def _back(job: FileJob, request) -> str:
    """The list the job was asked from (kept by its maker), if it is one of this site's pages."""
    url = job.parameters.get("return_to", "")
    return url if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}) else ""


@require_safe
@login_required
def file_job(request, pk):
    job = _own_job(request, pk)
    context = {"job": job, "label": maker_for(job.kind).label, "working": job.state in WORKING,
               "progress": _progress(job), "back": _back(job, request)}
    if request.htmx:
        # The poll writes nothing, not even the session's sliding expiry: a page left polling is no sign
        # that its reader is still there (the same rule as the ledger import's page).
        request.session.save = lambda *args, **kwargs: None
        return render(request, "core/_file_job_status.html", context)
    return render(request, "core/file_job.html", context)


@require_safe
@login_required
def file_job_download(request, pk):
    """The made file, under its own name; once deleted (its time is up), the page says so instead."""
    job = _own_job(request, pk)
    if job.state != State.DONE or not job.file:
        messages.error(request, _("This file is not there to download."))
        return redirect("core:file_job", pk=job.pk)
    try:
        handle = job.file.open("rb")
    except OSError:
        messages.error(request, _("This file is not there to download."))
        return redirect("core:file_job", pk=job.pk)
    response = FileResponse(handle, as_attachment=True, filename=job.filename)
    response["Cache-Control"] = "private, no-store"
    return response
