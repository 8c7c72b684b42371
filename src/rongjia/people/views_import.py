"""Pages of the ledger intake (issue 17): upload, columns to confirm, the check's report, held rows, updates.

Every page and action is the uploader's alone: a job of someone else answers 404, as one that does not
exist. The pages only read; every change goes through importing.services_intake, whose ValidationError
is shown as a message with nothing changed. The status poll reads the job row and the progress file
and writes nothing, so it never waits on (or fails behind) a commit's transaction.
"""

import json
from dataclasses import dataclass, field
from pathlib import PurePath
from urllib.parse import quote, urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from rongjia.core.decorators import capability_required
from rongjia.core.exports import XLSX_TYPE
from rongjia.core.pagination import paginate
from rongjia.core.workflow_picture import draw

from .books.workflows import IMPORT_JOB
from .forms_import import HeldRowForm, MappingForm, PlacesForm, UpdateForm, UploadForm
from .importing import import_commit, import_start, progress, services_intake
from .importing.fields import BY_KEY
from .importing.held_file import held_workbook
from .importing.template import template_workbook
from .models import ImportJob, ImportRow, Person
from .workbench import import_jobs_waiting

State = ImportJob.State
RUNNING = (State.QUEUED, State.VALIDATING, State.COMMITTING)
CHECKED = (State.VALID, State.INVALID, State.UNCHANGED)
FINISHED = (State.DONE, State.FAILED)
REMAPPABLE = (State.MAPPING, *CHECKED)  # the sources of IMPORT_JOB's confirm_columns step
CHANGES_SHOWN = 20  # "was → now" lines per field on the page; the rest are counted
WAITING = "waiting"  # not a state: the jobs waiting for their uploader (people.workbench.import_jobs_waiting)
HELD_KINDS = (ImportRow.Kind.HELD, ImportRow.Kind.FIXED, ImportRow.Kind.SKIPPED)
# A held row's ID number ending in these digits is probably one Excel stored as a number and cut
# (issue 17): the uploader may confirm it against the card instead of changing it.
TRUNCATED_ENDING = "000"


def _own_job(request, pk) -> ImportJob:
    """A job is its uploader's alone: anyone else gets 404, as for a job that does not exist."""
    try:
        return ImportJob.objects.get(pk=pk, uploaded_by=request.user)
    except ImportJob.DoesNotExist:
        raise Http404 from None


def _refused(request, exc: ValidationError) -> None:
    messages.error(request, "；".join(exc.messages))


def _field_label(key: str) -> str:
    return BY_KEY[key].label if key in BY_KEY else key


# --- upload, list, template --------------------------------------------------------------------------------

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
    jobs = ImportJob.objects.filter(uploaded_by=request.user).order_by("-created_at", "-id")[:10]
    return render(request, "people/import_upload.html", {"form": form, "jobs": jobs, "unit": request.user.org_unit})


@capability_required("people.import")
def import_jobs(request):
    """The uploader's own imports, newest first; `state=waiting` lists those waiting for the uploader (the
    workbench's count), any other state those in it."""
    jobs = ImportJob.objects.filter(uploaded_by=request.user).order_by("-created_at", "-id")
    state = request.GET.get("state", "")
    if state == WAITING:
        jobs = jobs.filter(pk__in=import_jobs_waiting(request.user))
    elif state in State.values:
        jobs = jobs.filter(state=state)
    page, query = paginate(request, jobs)
    states = [(WAITING, _("Waiting for me")), *State.choices]
    return render(request, "people/import_jobs.html", {"page": page, "query": query, "state": state,
                                                       "states": states})


@capability_required("people.import")
def import_template(request):
    return _xlsx(template_workbook(), "服务对象台账模板.xlsx")


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


# --- the job page --------------------------------------------------------------------------------------

def _progress(job: ImportJob) -> dict:
    """The running pass's figures from the progress file (never the database): done, total, percent, sheet."""
    figures = progress.read(job.pk) or {}
    done, total = int(figures.get("done") or 0), int(figures.get("total") or 0)
    stages = {"read": _("Reading the sheets"), "check": _("Checking every row"), "commit": _("Importing")}
    return {"done": done, "total": total, "percent": min(100, done * 100 // total) if total else None,
            "sheet": figures.get("sheet", ""), "stage": stages.get(figures.get("stage", ""), job.get_state_display())}


def _places_waiting(job: ImportJob) -> bool:
    return any(code == "" for code in job.places.values())


def _commit_blocked(job: ImportJob) -> str:
    """Why the import button is disabled, or "" when it may be pressed (import_commit refuses the same).

    A place still unanswered does not block it: the rows naming it stay held like any other held row,
    and a place no region fits can only be settled by correcting those rows, which a blocked button
    would forbid until the next check.
    """
    if job.changes and not job.changes_accepted:
        return _("Accept the changes the check made to the values first.")
    if job.options.get("all_or_nothing") and job.held_count:
        return _("“All or nothing” is chosen and rows are held: fix them or leave them out first.")
    return ""


def _changes_preview(job: ImportJob) -> list[dict]:
    """Per field: its label, the first CHANGES_SHOWN "was → now (rows)" lines, and how many more there are."""
    return [{"key": key, "label": _field_label(key), "lines": lines[:CHANGES_SHOWN],
             "more": max(0, len(lines) - CHANGES_SHOWN)} for key, lines in job.changes.items()]


def _checked_context(request, job: ImportJob) -> dict:
    kinds = dict(job.rows.values_list("kind").annotate(n=Count("id")).order_by())
    questions = services_intake.place_questions(job, request.user) if _places_waiting(job) else []
    answerable = [question for question in questions if question[2]]
    return {
        "layout_skipped": sum(len(entry.get("skipped", [])) for entry in job.layout),
        "set_aside": kinds.get(ImportRow.Kind.SKIPPED, 0),
        "fixed": kinds.get(ImportRow.Kind.FIXED, 0),
        "places_form": PlacesForm(questions=answerable) if answerable else None,
        "places_unknown": [(text, count) for text, count, candidates in questions if not candidates],
        "changes": _changes_preview(job),
        "commit_blocked": _commit_blocked(job),
    }


def _session_not_saved(request) -> None:
    """A poll writes nothing, not even the session's sliding expiry (SESSION_SAVE_EVERY_REQUEST).

    On SQLite that write would wait behind the commit's transaction and could fail with "database is
    locked" (issue 17); and a page left polling is no sign that its user is still there, so it must not
    keep the session alive past the idle timeout either.
    """
    request.session.save = lambda *args, **kwargs: None


@require_safe
@capability_required("people.import")
def import_job(request, pk):
    job = _own_job(request, pk)
    running = job.state in RUNNING
    if request.htmx:
        # The poll: the progress partial while a pass runs; once it has finished, the whole page again,
        # which shows what the new state asks of the uploader.
        _session_not_saved(request)
        if not running:
            response = HttpResponse(status=204)
            response["HX-Refresh"] = "true"
            return response
        return render(request, "people/_import_status.html", {"job": job, "running": True,
                                                              "progress": _progress(job)})
    # Only the uploader's own steps are offered: the passes' steps (check, commit…) are the worker's.
    allowed = [action for action in IMPORT_JOB.allowed_for(job.state, request.user)
               if IMPORT_JOB.step(action).capability]
    context = {"job": job, "running": running, "progress": _progress(job) if running else None,
               "workflow_picture": draw(IMPORT_JOB, current=job.state, allowed=allowed)}
    if job.state == State.MAPPING:
        context["form"] = MappingForm(layout=job.layout, mapping=job.mapping, options=job.options)
    elif job.state in CHECKED:
        context.update(_checked_context(request, job))
    return render(request, "people/import_job.html", context)


@capability_required("people.import")
def import_columns(request, pk):
    """The columns to confirm (again): for a job waiting for them, or a checked one to be re-mapped."""
    job = _own_job(request, pk)
    if job.state not in REMAPPABLE:
        return redirect("people:import_job", pk=job.pk)
    form = MappingForm(request.POST or None, layout=job.layout, mapping=job.mapping, options=job.options)
    if request.method == "POST" and form.is_valid():
        try:
            services_intake.confirm_columns(actor=request.user, job=job, **form.service_arguments())
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            return redirect("people:import_job", pk=job.pk)
    return render(request, "people/import_columns.html", {"job": job, "form": form})


@require_POST
@capability_required("people.import")
def import_places(request, pk):
    job = _own_job(request, pk)
    questions = [question for question in services_intake.place_questions(job, request.user) if question[2]]
    form = PlacesForm(request.POST, questions=questions)
    if not form.is_valid():
        messages.error(request, _("Choose one of the places offered."))
        return redirect("people:import_job", pk=job.pk)
    try:
        services_intake.answer_places(actor=request.user, job=job, answers=form.answers())
    except ValidationError as exc:
        _refused(request, exc)
    return redirect("people:import_job", pk=job.pk)


@require_POST
@capability_required("people.import")
def import_changes_accept(request, pk):
    job = _own_job(request, pk)
    try:
        services_intake.accept_changes(actor=request.user, job=job)
    except ValidationError as exc:
        _refused(request, exc)
    return redirect(reverse("people:import_job", args=[job.pk]) + "#changes")


@require_POST
@capability_required("people.import")
def import_job_commit(request, pk):
    job = _own_job(request, pk)
    try:
        import_commit(actor=request.user, job=job)
    except ValidationError as exc:
        _refused(request, exc)
    return redirect("people:import_job", pk=job.pk)


# --- held rows -------------------------------------------------------------------------------------------

# Grid columns whose values run long: given room for a whole ID number or address without scrolling the cell.
WIDE_FIELDS = frozenset({"id_number", "address_detail", "village", "military_unit", "awards", "household", "notes",
                         "categories"})


@dataclass
class Cell:
    key: str
    label: str
    value: str
    reasons: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def wide(self) -> bool:
        return self.key in WIDE_FIELDS


@dataclass
class HeldLine:
    """One held row as the grid shows it: where it is in the file, its cells with their reasons."""

    row: ImportRow
    sheet_name: str
    cells: list[Cell]
    row_reasons: list[str]  # reasons about no mapped column (a duplicate elsewhere, the whole row)
    needs_confirmation: bool
    confirmed: bool
    open: bool  # the job waits for its uploader (checked, not yet imported): rows may still change
    saved: str = ""  # after an htmx save: what became of the row
    problems: list[str] = field(default_factory=list)  # a refusal or form errors above the cells

    @property
    def editable(self) -> bool:
        return self.open and self.row.kind != ImportRow.Kind.SKIPPED

    @property
    def can_unskip(self) -> bool:
        return self.open and self.row.kind == ImportRow.Kind.SKIPPED


def _held_line(job: ImportJob, row: ImportRow, fields: list[tuple[str, str]], sheet_names: dict[int, str],
               form: HeldRowForm | None = None) -> HeldLine:
    data = json.loads(row.data or "{}")
    if form is not None and form.is_bound:
        data = {key: form.data.get(key, "") for key, _label in fields}
    keys = {key for key, _label in fields}
    by_field: dict[str, list[str]] = {}
    row_reasons = []
    for key, message in row.reasons:
        (by_field.setdefault(key, []) if key in keys else row_reasons).append(message)
    cells = [Cell(key, label, str(data.get(key, "") or ""), by_field.get(key, []),
                  list(form.errors.get(key, [])) if form is not None else []) for key, label in fields]
    id_number = str(data.get("id_number", "") or "").strip()
    needs_confirmation = row.confirmed or ("id_number" in by_field and id_number.endswith(TRUNCATED_ENDING))
    return HeldLine(row=row, sheet_name=sheet_names.get(row.sheet, str(row.sheet + 1)), cells=cells,
                    row_reasons=row_reasons, needs_confirmation=needs_confirmation, confirmed=row.confirmed,
                    open=job.state in CHECKED)


def _sheet_names(job: ImportJob) -> dict[int, str]:
    return {entry["index"]: entry["name"] for entry in job.layout}


def _held_kind(request) -> str:
    kind = request.GET.get("show") or request.POST.get("show") or ImportRow.Kind.HELD
    return kind if kind in HELD_KINDS else ImportRow.Kind.HELD


@require_safe
@capability_required("people.import")
def import_held(request, pk):
    job = _own_job(request, pk)
    kind = _held_kind(request)
    page, query = paginate(request, job.rows.filter(kind=kind))
    fields = services_intake.editable_fields(job)
    sheet_names = _sheet_names(job)
    counts = dict(job.rows.filter(kind__in=HELD_KINDS).values_list("kind").annotate(n=Count("id")).order_by())
    tabs = [(value, label, counts.get(value, 0)) for value, label in ImportRow.Kind.choices if value in HELD_KINDS]
    lines = [_held_line(job, row, fields, sheet_names) for row in page.object_list]
    return render(request, "people/import_held.html", {
        "job": job, "page": page, "query": query, "lines": lines, "fields": fields, "show": kind, "tabs": tabs,
        "page_number": page.number})


def _held_row(job: ImportJob, row_pk) -> ImportRow:
    return get_object_or_404(job.rows.filter(kind__in=HELD_KINDS), pk=row_pk)


def _back_to_held(request, job: ImportJob, row: ImportRow):
    """Without htmx: the grid again, on the page and tab the row was on."""
    params = {"show": _held_kind(request)}
    page = request.POST.get("page", "")
    if page.isdigit():
        params["page"] = page
    return redirect(f"{reverse('people:import_held', args=[job.pk])}?{urlencode(params)}#held-row-{row.pk}")


def _held_answer(request, job: ImportJob, row: ImportRow, *, saved: str = "", problems=(), form=None):
    if not request.htmx:
        for problem in problems:
            messages.error(request, problem)
        if saved:
            messages.success(request, saved)
        return _back_to_held(request, job, row)
    line = _held_line(job, row, services_intake.editable_fields(job), _sheet_names(job), form)
    line.saved, line.problems = saved, list(problems)
    return render(request, "people/_import_held_row.html", {
        "job": job, "line": line, "show": _held_kind(request), "page_number": request.POST.get("page", "")})


@require_POST
@capability_required("people.import")
def import_held_fix(request, pk, row_pk):
    job = _own_job(request, pk)
    row = _held_row(job, row_pk)
    form = HeldRowForm(request.POST, fields=services_intake.editable_fields(job))
    if not form.is_valid():
        return _held_answer(request, job, row, form=form, problems=[_("Some cells are too long.")])
    try:
        row = services_intake.fix_row(actor=request.user, job=job, row=row, data=form.row_data(),
                                      confirmed=form.cleaned_data["confirmed"])
    except ValidationError as exc:
        return _held_answer(request, job, row, form=form, problems=exc.messages)
    saved = (_("Saved: this row will be imported.") if row.kind == ImportRow.Kind.FIXED
             else _("Saved, but the row is still held: see the reasons in red."))
    return _held_answer(request, job, row, saved=saved)


@require_POST
@capability_required("people.import")
def import_held_skip(request, pk, row_pk):
    return _held_toggle(request, pk, row_pk, services_intake.skip_row, _("This row will not be imported."))


@require_POST
@capability_required("people.import")
def import_held_unskip(request, pk, row_pk):
    return _held_toggle(request, pk, row_pk, services_intake.unskip_row, _("This row is back among the held rows."))


def _held_toggle(request, pk, row_pk, service, done: str):
    job = _own_job(request, pk)
    row = _held_row(job, row_pk)
    try:
        row = service(actor=request.user, job=job, row=row)
    except ValidationError as exc:
        return _held_answer(request, job, row, problems=exc.messages)
    return _held_answer(request, job, row, saved=done)


@require_safe
@capability_required("people.import")
def import_held_workbook(request, pk):
    """The held rows as the uploader's own columns plus 错误说明, to fix in Excel and upload again."""
    job = _own_job(request, pk)
    stem = PurePath(job.original_name).stem or "台账"
    return _xlsx(held_workbook(job), f"{stem}_待处理行.xlsx")


# --- updates to people on file ----------------------------------------------------------------------------

@dataclass
class UpdateLine:
    row: ImportRow
    sheet_name: str
    differences: list[dict]  # {key, label, on_file, ledger, accepted}
    saved: str = ""
    problems: list[str] = field(default_factory=list)


def _update_line(row: ImportRow, sheet_names: dict[int, str]) -> UpdateLine:
    accepted = set(row.accepted)
    return UpdateLine(row=row, sheet_name=sheet_names.get(row.sheet, str(row.sheet + 1)), differences=[
        {"key": key, "label": _field_label(key), "on_file": on_file, "ledger": ledger, "accepted": key in accepted}
        for key, on_file, ledger in row.differences])


@require_safe
@capability_required("people.import")
def import_updates(request, pk):
    job = _own_job(request, pk)
    # The viewer travels with the data: a person moved out of the uploader's area since the check is not shown.
    rows = (job.rows.filter(kind=ImportRow.Kind.UPDATE, person__in=Person.objects.visible_to(request.user))
            .select_related("person"))
    page, query = paginate(request, rows)
    sheet_names = _sheet_names(job)
    return render(request, "people/import_updates.html", {
        "job": job, "page": page, "query": query, "editable": job.state in CHECKED,
        "lines": [_update_line(row, sheet_names) for row in page.object_list]})


@require_POST
@capability_required("people.import")
def import_update_accept(request, pk, row_pk):
    job = _own_job(request, pk)
    row = get_object_or_404(job.rows.filter(kind=ImportRow.Kind.UPDATE).select_related("person"), pk=row_pk)
    form = UpdateForm(request.POST, differences=row.differences)
    problems, saved = [], ""
    if not form.is_valid():
        problems = [_("Choose among the differences listed.")]
    else:
        try:
            services_intake.accept_update(actor=request.user, job=job, row=row, fields=form.accepted())
        except ValidationError as exc:
            problems = exc.messages
        else:
            saved = _("Saved: the ticked values will be written when you import.")
    if not request.htmx:
        for problem in problems:
            messages.error(request, problem)
        if saved:
            messages.success(request, saved)
        page = request.POST.get("page", "")
        suffix = f"?page={page}" if page.isdigit() else ""
        return redirect(f"{reverse('people:import_updates', args=[job.pk])}{suffix}#update-{row.pk}")
    line = _update_line(row, _sheet_names(job))
    line.saved, line.problems = saved, problems
    return render(request, "people/_import_update_row.html", {"job": job, "line": line, "editable": True,
                                                              "page_number": request.POST.get("page", "")})
