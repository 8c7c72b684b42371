"""Background jobs of the core (django-tasks: the database backend, `manage.py db_worker` runs them).

Imported only when a job is queued or run, never at start-up: django-tasks binds a task to its backend
when the task is declared, and the tests choose their backend after the apps are ready.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from .audit import audit_actor, log_export
from .files import JobRefused, MadeFile, Progress, S, fail, maker_for, move, offer
from .models import FileJob


@task()  # settings.TASKS["default"]: the worker beside the web server, or inline where the settings say so
def make_file(job_id: int) -> str:
    """Make one job's file as its owner (core.files), store it and offer it; a failure is written on its page."""
    if not move(job_id, "start", started_at=timezone.now()):
        return "skipped"  # made, failed or taken by another worker already
    job = FileJob.objects.select_related("owner").get(pk=job_id)
    try:
        made = _make(job)
    except JobRefused as refused:
        fail(job_id, str(refused))
        return S.FAILED
    except (Http404, PermissionDenied):
        fail(job_id, _("You may no longer see these records: nothing was made."))
        return S.FAILED
    except Exception as exc:
        fail(job_id, _("The file could not be made (%(error)s). Please try again.") % {"error": type(exc).__name__})
        raise
    return offer(job, made)


def _make(job: FileJob) -> MadeFile:
    """The maker's file, read as the owner: still active and still holding the maker's capability."""
    maker, owner = maker_for(job.kind), job.owner
    if maker is None or not owner.is_active or not owner.can(maker.capability):
        raise PermissionDenied
    with audit_actor(owner):
        made = maker.make(job, Progress(job.pk))
        if maker.audited:  # when it is made, as an export made in the request was recorded
            log_export(actor=owner, source=job.parameters.get("source", ""), rows=made.rows,
                       filters=job.parameters.get("filters", ""))
    return made
