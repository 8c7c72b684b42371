"""API: petitions (信访). The same services and transition table as the pages."""

from datetime import date, datetime

from django.core.exceptions import PermissionDenied
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from rongjia.api.pagination import Pages
from rongjia.core.models import OrgUnit
from rongjia.core.scoping import get_visible_or_404
from rongjia.petitions import services, services_files
from rongjia.petitions.clocks import petition_deadlines, provisional_years
from rongjia.petitions.models import Petition
from rongjia.petitions.selectors import petition_list, repeats_seen_by
from rongjia.petitions.workflow import allowed_actions

router = Router(tags=["petitions"])


class PetitionerIn(Schema):
    """Someone on file (`person_id`, a dossier in the caller's scope), or someone who is not (`name`, with the
    ID number and the code of the region where they live if known)."""

    person_id: int | None = None
    name: str = ""
    id_number: str = ""
    home_region_code: str = ""


class PetitionIn(Schema):
    unit_id: int
    channel: Petition.Channel
    type: Petition.Type
    category: Petition.Category
    subject: str
    content: str = ""
    petitioners: list[PetitionerIn]
    headcount: int | None = None  # the people present at a visit (走访) only; the named are its representatives
    # the 复核-concluded petition this one repeats with the same facts and reasons (Art. 36): it is then registered
    # and answered 不予受理 at once; null: a new matter
    same_facts_as: int | None = None


class PetitionOut(Schema):
    id: int
    unit_id: int
    state: str
    channel: str
    type: str
    category: str
    subject: str
    registered_on: date
    due_on: date | None
    due_provisional: bool  # due_on falls in a year without a holiday table: counted with weekends only
    collective: bool
    headcount: int | None
    above_county: bool
    repeat_of: list[int]  # the earlier petitions it repeats that the caller may open
    repeats_outside: int  # and how many others, handled outside the caller's area
    outcome: str
    reply_text: str
    allowed_actions: list[str]
    version: int

    @staticmethod
    def resolve_repeat_of(petition, context) -> list[int]:
        return [p.pk for p in _repeats(petition, context)[0]]

    @staticmethod
    def resolve_repeats_outside(petition, context) -> int:
        return _repeats(petition, context)[1]

    @staticmethod
    def resolve_due_provisional(petition, context) -> bool:
        if not petition.due_on:
            return False
        # one look at the holiday table per year and response, not per petition
        known = context["request"].__dict__.setdefault("_provisional_years", {})
        year = petition.due_on.year
        if year not in known:
            known[year] = bool(provisional_years([petition.due_on]))
        return known[year]

    @staticmethod
    def resolve_allowed_actions(petition) -> list[str]:
        return allowed_actions(petition.state)


class TransitionIn(Schema):
    action: str
    note: str = ""
    version: int | None = None
    unit_id: int | None = None
    days: int | None = None
    outcome: str = ""
    satisfaction: str = ""
    reply_text: str = ""  # the written reply: required with reply, review_reply and recheck_reply
    delivery_method: str = ""  # with a reply or `deliver`: in_person, post or electronic
    delivered_on: date | None = None  # the 复查/复核 window runs from this day (Arts. 35–36)
    hearing_from: date | None = None  # with `hearing`: the 复核 hearing's days (Art. 36)
    hearing_to: date | None = None


class PetitionDeadlineOut(Schema):
    name: str
    start: date | None  # None: a request window that has not started (the reply's delivery is not recorded)
    due: date | None
    rule: str
    running: bool
    provisional: bool


def _repeats(petition, context):
    """Filtered by the caller like the petition itself (computed once per petition and response)."""
    if not hasattr(petition, "_repeats_seen"):
        petition._repeats_seen = repeats_seen_by(context["request"].auth, petition)
    return petition._repeats_seen


def _require(user, capability):
    if not user.can(capability):
        raise PermissionDenied


@router.get("/", response=list[PetitionOut])
@paginate(Pages, page_size=50)
def petitions_list(request, state: str = ""):
    _require(request.auth, "petitions.view")
    return petition_list(request.auth, state=state)


@router.post("/", response={201: PetitionOut, 422: dict})
def petition_create(request, payload: PetitionIn):
    unit = get_visible_or_404(OrgUnit.objects.all(), request.auth, pk=payload.unit_id)
    petition = services.petition_register(
        actor=request.auth, unit=unit, channel=payload.channel, type=payload.type, category=payload.category,
        subject=payload.subject, content=payload.content, petitioners=[p.model_dump() for p in payload.petitioners],
        headcount=payload.headcount, same_facts_as=payload.same_facts_as)
    return Status(201, petition)


@router.get("/{petition_id}", response=PetitionOut)
def petition_detail(request, petition_id: int):
    _require(request.auth, "petitions.view")
    return get_visible_or_404(Petition.objects.all(), request.auth, pk=petition_id)


@router.post("/{petition_id}/transitions", response={200: PetitionOut, 409: dict, 422: dict})
def petition_transition(request, petition_id: int, payload: TransitionIn):
    """Take one step; an illegal one is 422 with the steps the petition's state allows."""
    petition = get_visible_or_404(Petition.objects.all(), request.auth, pk=petition_id)
    data = payload.model_dump(exclude={"action", "note", "version", "unit_id"})
    if payload.unit_id is not None:
        data["unit"] = get_visible_or_404(OrgUnit.objects.all(), request.auth, pk=payload.unit_id)
    try:
        return services.petition_transition(actor=request.auth, petition=petition, action=payload.action,
                                            note=payload.note, version=payload.version, **data)
    except services.IllegalStep as illegal:
        return Status(422, {"detail": illegal.messages[0], "allowed": illegal.allowed})


@router.get("/{petition_id}/deadlines", response=list[PetitionDeadlineOut])
def petition_deadline_list(request, petition_id: int):
    _require(request.auth, "petitions.view")
    return petition_deadlines(get_visible_or_404(Petition.objects.all(), request.auth, pk=petition_id))


class AttachmentOut(Schema):
    id: int
    kind: str
    name: str
    content_type: str
    size: int
    uploaded_at: datetime


@router.get("/{petition_id}/attachments", response=list[AttachmentOut])
def attachment_list(request, petition_id: int):
    _require(request.auth, "petitions.view")
    return get_visible_or_404(Petition.objects.all(), request.auth, pk=petition_id).attachments.all()


@router.post("/{petition_id}/attachments", response={201: AttachmentOut, 422: dict})
def attachment_upload(request, petition_id: int, file: File[UploadedFile], kind: Form[str] = "material"):
    """A letter, evidence or a signed reply scan (multipart: `file`, `kind` = material|reply)."""
    petition = get_visible_or_404(Petition.objects.all(), request.auth, pk=petition_id)
    return Status(201, services_files.attachment_add(actor=request.auth, petition=petition, kind=kind, upload=file))
