"""API: the worklist. Tasks assigned down a subtree, each unit's part, its reports and the review above, the live
roll-up (`/tasks/{id}/rollup?region=`, whose counts are those of `/tasks/{id}/parts?bucket=`), and inspections. The
same services and selectors as the pages."""

import json
from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from rongjia.api.pagination import Pages
from rongjia.core.models import OrgUnit
from rongjia.core.scoping import get_visible_or_404
from rongjia.worklist import inspections, selectors, services
from rongjia.worklist.fields import NUMBER, TEXT
from rongjia.worklist.models import Assignment, Inspection, Kind, Task
from rongjia.worklist.targets import Target

router = Router(tags=["tasks"])
inspections_router = Router(tags=["inspections"])


def _require(user, capability):
    if not user.can(capability):
        raise PermissionDenied


class FieldIn(Schema):
    label: str
    type: str = NUMBER  # "number" or "text"
    min: float | None = None
    max: float | None = None
    required: bool = False


class TaskIn(Schema):
    title: str
    kind: Kind
    due_on: date
    instructions: str = ""
    levels: list[int] = []  # e.g. [5]: every village station of the caller's area
    unit_ids: list[int] = []  # or these units
    below_standard: bool = False
    region: str = ""  # only inside this region prefix
    needs_files: bool = False
    needs_photos: bool = False
    fields: list[FieldIn] = []
    review_level: int | None = None  # the level that reviews before it counts


class TaskOut(Schema):
    id: int
    issuer_id: int
    title: str
    kind: str
    instructions: str
    due_on: date
    state: str
    chosen: str
    assignee_count: int
    needs_files: bool
    needs_photos: bool
    fields: list[dict]
    review_level: int | None
    period: str
    version: int


class PartOut(Schema):
    id: int
    task_id: int
    unit_id: int
    unit_name: str
    region_code: str
    state: str
    progress: int
    values: dict
    submitted_at: datetime | None
    done_at: datetime | None
    version: int

    @staticmethod
    def resolve_unit_name(part) -> str:
        return part.unit.name


def _fields(items: list[FieldIn]) -> list[dict]:
    fields = []
    for index, item in enumerate(items, start=1):
        if item.type not in (NUMBER, TEXT) or not item.label.strip():
            raise ValidationError({"fields": _("Each field needs a label and the type number or text.")})
        field = {"key": f"f{index}", "label": item.label.strip()[:60], "type": item.type, "required": item.required}
        if item.type == NUMBER:
            field.update({name: value for name, value in (("min", item.min), ("max", item.max)) if value is not None})
        fields.append(field)
    return fields


@router.get("/", response=list[TaskOut])
@paginate(Pages, page_size=50)
def tasks_list(request):
    """Tasks issued in the caller's area and tasks with a part in it (assigned from above)."""
    _require(request.auth, "worklist.view")
    return Task.objects.visible_to(request.auth)


@router.post("/", response={201: TaskOut, 422: dict})
def task_create(request, payload: TaskIn):
    """Assign a task: every unit the choice names gets its part, 未开始."""
    data = payload.model_dump(exclude={"levels", "unit_ids", "below_standard", "region", "fields"})
    target = Target(levels=payload.levels, units=payload.unit_ids, below_standard=payload.below_standard,
                    region=payload.region)
    return Status(201, services.task_assign(actor=request.auth, target=target, fields=_fields(payload.fields),
                                            **data))


@router.get("/inbox", response=list[PartOut])
@paginate(Pages, page_size=50)
def tasks_inbox(request, show: str = "open"):
    """The caller's unit's parts: open, week, overdue, returned, urged (督办 unread) or all."""
    _require(request.auth, "worklist.view")
    return selectors.inbox(request.auth, show=show).select_related("unit")


def _part(request, part_id: int) -> Assignment:
    return get_visible_or_404(Assignment.objects.select_related("unit"), request.auth, pk=part_id)


@router.get("/parts/{part_id}", response=PartOut)
def part_detail(request, part_id: int):
    _require(request.auth, "worklist.view")
    return _part(request, part_id)


def _values(text: str) -> dict:
    if not text.strip():
        return {}
    try:
        values = json.loads(text)
    except ValueError:
        values = None
    if not isinstance(values, dict):
        raise ValidationError({"values": _("Values must be a JSON object: {\"f1\": 12}.")})
    return values


class ReportIn(Schema):
    progress: int = 0
    note: str = ""
    values: str = ""  # JSON: {"f1": 12}
    version: int | None = None


@router.post("/parts/{part_id}/report", response={200: PartOut, 422: dict})
def part_report(request, part_id: int, payload: Form[ReportIn], files: File[list[UploadedFile]] = None,
                photos: File[list[UploadedFile]] = None):
    """Multipart: progress, note, the task's fields as JSON, evidence `files` (PDF, picture, Word, Excel) and
    `photos` (JPEG or PNG, resized on arrival)."""
    _part(request, part_id)
    return services.assignment_report(actor=request.auth, assignment_id=part_id, progress=payload.progress,
                                      note=payload.note, values=_values(payload.values), files=files or [],
                                      photos=photos or [], version=payload.version)


class SubmitIn(Schema):
    note: str = ""
    values: str = ""
    version: int | None = None


@router.post("/parts/{part_id}/submit", response={200: PartOut, 422: dict})
def part_submit(request, part_id: int, payload: Form[SubmitIn], files: File[list[UploadedFile]] = None,
                photos: File[list[UploadedFile]] = None):
    """Hand the part in: for review where the task names a reviewing level, else done."""
    _part(request, part_id)
    return services.assignment_submit(actor=request.auth, assignment_id=part_id, note=payload.note,
                                      values=_values(payload.values), files=files or [], photos=photos or [],
                                      version=payload.version)


class ReviewIn(Schema):
    accept: bool
    note: str = ""
    version: int | None = None


@router.post("/parts/{part_id}/review", response={200: PartOut, 422: dict})
def part_review(request, part_id: int, payload: ReviewIn):
    """The reviewing level above the unit accepts the part or returns it (a note required)."""
    return services.assignment_review(actor=request.auth, assignment_id=part_id, **payload.model_dump())


class UrgeIn(Schema):
    note: str


@router.post("/parts/{part_id}/urge", response={200: PartOut, 422: dict})
def part_urge(request, part_id: int, payload: UrgeIn):
    """督办: a unit above an overdue part urges it; the unit sees it on its workbench."""
    return services.assignment_urge(actor=request.auth, assignment_id=part_id, note=payload.note)


class RollupRowOut(Schema):
    code: str
    name: str
    level: int | None
    total: int
    counts: dict[str, int]


class RollupOut(RollupRowOut):
    below: list[RollupRowOut]


def _task(request, task_id: int) -> Task:
    _require(request.auth, "worklist.view")
    return get_visible_or_404(Task.objects.all(), request.auth, pk=task_id)


@router.get("/{task_id}", response=TaskOut)
def task_detail(request, task_id: int):
    return _task(request, task_id)


@router.get("/{task_id}/rollup", response=RollupOut)
def task_rollup(request, task_id: int, region: str = ""):
    """Done, awaiting review, in progress, not started and overdue under `region` (default: the caller's area) and
    for each region one level down: the counts of `/parts?bucket=`."""
    own, below = selectors.rollup(request.auth, _task(request, task_id), region=region)
    return {**own.__dict__, "below": [row.__dict__ for row in below]}


@router.get("/{task_id}/parts", response=list[PartOut])
@paginate(Pages, page_size=100)
def task_parts(request, task_id: int, region: str = "", bucket: str = ""):
    return selectors.parts_in_bucket(request.auth, _task(request, task_id), region=region, bucket=bucket)


class InspectionIn(Schema):
    kind: Inspection.Kind
    title: str
    population_prefix: str
    population_level: int
    sample_size: int
    checklist: list[dict]  # [{"item": "…", "max": 10}]
    starts_on: date
    ends_on: date
    inspector_id: int | None = None  # a cross-check's team unit
    seed: int | None = None  # to draw a recorded sample again


class TargetOut(Schema):
    id: int
    unit_id: int
    region_code: str
    scores: dict
    score: float | None
    version: int


class InspectionOut(Schema):
    id: int
    kind: str
    title: str
    issuer_id: int
    inspector_id: int
    population_prefix: str
    population_level: int
    population_size: int
    sample_size: int
    seed: int
    checklist: list[dict]
    starts_on: date
    ends_on: date
    state: str
    targets: list[TargetOut]

    @staticmethod
    def resolve_targets(inspection) -> list:
        return list(inspection.targets.all())


@inspections_router.get("/", response=list[InspectionOut])
@paginate(Pages, page_size=50)
def inspections_list(request):
    _require(request.auth, "worklist.view")
    return Inspection.objects.visible_to(request.auth).prefetch_related("targets")


@inspections_router.post("/", response={201: InspectionOut, 422: dict})
def inspection_create(request, payload: InspectionIn):
    """Draw the sample (the seed is recorded: the same seed draws the same stations from the same population)."""
    data = payload.model_dump(exclude={"inspector_id", "checklist"})
    inspector = get_visible_or_404(OrgUnit.objects.all(), request.auth, pk=payload.inspector_id) \
        if payload.inspector_id else None
    checklist = inspections.parse_checklist("\n".join(f"{item.get('item', '')} | {item.get('max', '')}"
                                                      for item in payload.checklist))
    return Status(201, inspections.inspection_plan(actor=request.auth, inspector=inspector, checklist=checklist,
                                                   **data))


@inspections_router.get("/{inspection_id}", response=InspectionOut)
def inspection_detail(request, inspection_id: int):
    _require(request.auth, "worklist.view")
    return get_visible_or_404(Inspection.objects.all(), request.auth, pk=inspection_id)


class ScoreIn(Schema):
    scores: dict[str, float]  # checklist item index -> points
    version: int | None = None


@inspections_router.post("/{inspection_id}/targets/{target_id}", response={200: TargetOut, 422: dict})
def target_score(request, inspection_id: int, target_id: int, payload: ScoreIn):
    inspection = get_visible_or_404(Inspection.objects.all(), request.auth, pk=inspection_id)
    if not inspection.targets.filter(pk=target_id).exists():
        raise Http404
    return inspections.target_score(actor=request.auth, target_id=target_id, scores=payload.scores,
                                    version=payload.version)
