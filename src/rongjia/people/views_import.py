"""Pages of the ledger import: upload, the template, the job's progress, preview and result."""

from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from rongjia.core.decorators import capability_required
from rongjia.core.exports import XLSX_TYPE
from rongjia.core.forms import ServiceErrors, Styled
from rongjia.core.pagination import paginate
from rongjia.core.workflow_picture import draw

from .books.workflows import IMPORT_JOB
from .importing import import_commit, import_start
from .importing.template import template_workbook
from .models import ImportJob

RUNNING = (ImportJob.State.QUEUED, ImportJob.State.VALIDATING, ImportJob.State.COMMITTING)


class UploadForm(ServiceErrors, Styled, forms.Form):
    file = forms.FileField(label=gettext_lazy("Ledger file (.xlsx)"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}))


def _own_job(request, pk) -> ImportJob:
    """A job is its uploader's alone: anyone else gets 404, as for a job that does not exist."""
    try:
        return ImportJob.objects.get(pk=pk, uploaded_by=request.user)
    except ImportJob.DoesNotExist:
        raise Http404 from None


@capability_required("people.import")
def import_upload(request):
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = import_start(actor=request.user, uploaded_file=form.cleaned_data["file"])
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            return redirect("people:import_job", pk=job.pk)
    jobs = ImportJob.objects.filter(uploaded_by=request.user)[:10]
    return render(request, "people/import_upload.html", {"form": form, "jobs": jobs})


@capability_required("people.import")
def import_jobs(request):
    """The uploader's own imports, newest first; `state=valid` lists those waiting to be imported."""
    jobs = ImportJob.objects.filter(uploaded_by=request.user).order_by("-created_at", "-id")
    state = request.GET.get("state", "")
    if state in ImportJob.State.values:
        jobs = jobs.filter(state=state)
    page, query = paginate(request, jobs)
    return render(request, "people/import_jobs.html", {"page": page, "query": query, "state": state,
                                                       "states": ImportJob.State.choices})


@capability_required("people.import")
def import_template(request):
    response = HttpResponse(template_workbook(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote('服务对象台账模板.xlsx')}"
    return response


@capability_required("people.import")
def import_job(request, pk):
    job = _own_job(request, pk)
    page, query = paginate(request, job.errors.all())
    context = {"job": job, "page": page, "query": query, "running": job.state in RUNNING,
               "workflow_picture": draw(IMPORT_JOB, current=job.state, allowed=IMPORT_JOB.allowed_for(
                   job.state, request.user) if job.state == ImportJob.State.VALID else [])}
    template = "people/_import_status.html" if request.htmx else "people/import_job.html"
    return render(request, template, context)


@require_POST
@capability_required("people.import")
def import_job_commit(request, pk):
    job = _own_job(request, pk)
    try:
        import_commit(actor=request.user, job=job)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("people:import_job", pk=job.pk)
