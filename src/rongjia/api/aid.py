"""API: aid applications and funds of the assistance module 帮扶援助 (SPEC C5): applications with their steps on
core's engine (transitions exactly like the petitions'), and the funds with their ledgers.

The same services, machines and scoping as the pages: a record outside the caller's scope is 404, a stale
`version` 409, bad input 422 with the messages by field (nothing is changed), a missing capability 403.
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from rongjia.api.assistance import actor_name, require
from rongjia.api.pagination import MAX_PAGE, MAX_PAGE_SIZE, Pages
from rongjia.assistance import ledger, services
from rongjia.assistance.models import (
    AidApplication,
    AidEvent,
    Fund,
    FundEntry,
)
from rongjia.assistance.workbench import my_turn
from rongjia.assistance.workflow import APPLICATION, level_name
from rongjia.core.scoping import get_visible_or_404
from rongjia.core.workflow import IllegalStep, steps_open_to

applications_router = Router(tags=["assistance"])
funds_router = Router(tags=["assistance"])


# --- aid applications -----------------------------------------------------------------------------------------

class AidKindOut(Schema):
    id: int
    name: str
    jurisdiction_code: str  # "": every jurisdiction
    who_may_apply: str
    documents: list[str]  # each is the name of a file part when the application is registered
    cap: Decimal
    levels: list[int]  # the levels that review, bottom up; the last approves
    publicity_days: int  # the least 公示, in working days


class ApplicationOut(Schema):
    id: int
    person_id: int
    person_name: str
    station_id: int
    kind_id: int
    kind: str
    reason: str
    amount_requested: Decimal
    amount_proposed: Decimal | None
    amount_approved: Decimal | None
    state: str
    level: int  # the level whose turn it is
    level_name: str
    levels: list[int]
    registered_on: date
    publicity_from: date | None
    publicity_until: date | None
    fund_id: int | None
    approved_on: date | None
    paid_on: date | None
    payment_method: str
    payment_reference: str
    closed_reason: str
    version: int

    @staticmethod
    def resolve_person_name(application) -> str:
        return application.person.name

    @staticmethod
    def resolve_kind(application) -> str:
        return application.kind.name

    @staticmethod
    def resolve_level_name(application) -> str:
        return level_name(application.level)


class EventOut(Schema):
    action: str
    label: str
    from_state: str
    to_state: str
    level: int | None
    note: str
    amount: Decimal | None
    actor: str
    unit: str
    on: date
    at: datetime

    @staticmethod
    def resolve_label(event) -> str:
        return str(_action_labels().get(event.action, event.action))

    @staticmethod
    def resolve_actor(event) -> str:
        return actor_name(event.actor)

    @staticmethod
    def resolve_unit(event) -> str:
        return event.unit.name if event.unit else ""


class DocumentOut(Schema):
    """A document's description; its content is read on the application's page, never here."""

    id: int
    requirement: str
    name: str
    content_type: str
    size: int
    uploaded_at: datetime


class ObjectionOut(Schema):
    received_on: date
    raised_by: str
    content: str
    resolved_on: date | None
    resolution: str
    upheld: bool | None


class ApplicationDetailOut(ApplicationOut):
    events: list[EventOut]  # the history, oldest first
    documents: list[DocumentOut]
    objections: list[ObjectionOut]
    allowed_actions: list[str]  # the steps the caller could take now (its level, its capabilities)

    @staticmethod
    def resolve_events(application) -> list:
        return list(application.events.all())

    @staticmethod
    def resolve_documents(application) -> list:
        return list(application.documents.all())

    @staticmethod
    def resolve_objections(application) -> list:
        return list(application.objections.all())

    @staticmethod
    def resolve_allowed_actions(application, context) -> list[str]:
        return steps_open_to(APPLICATION, application, context["request"].auth)


class ApplicationIn(Schema):
    person_id: int  # a dossier in the caller's scope
    kind_id: int  # GET /aid-applications/kinds
    amount_requested: Decimal
    reason: str


class StepDataIn(Schema):
    """What a step reads besides the note (each step reads its own: see the machine)."""

    amount: Decimal | None = None  # recommend, agree, approve: the amount proposed or granted
    publicity_from: date | None = None  # agree: the first day of the 公示 (default today)
    publicity_days: int | None = None  # agree: working days, at least the kind's
    raised_by: str = ""  # object: who objects
    upheld: bool | None = None  # answer: whether the objections were upheld
    fund: int | None = None  # approve: the fund that pays (GET /funds)
    method: str = ""  # pay: bank or cash (cash needs a 签收单 document first)
    reference: str = ""  # pay: the bank transfer's reference
    paid_on: date | None = None  # pay: default today


class TransitionIn(Schema):
    action: str
    note: str = ""
    version: int | None = None
    data: StepDataIn = Field(default_factory=StepDataIn)


def _action_labels() -> dict:
    return {"register": _("Registered"), **APPLICATION.action_labels()}


def _applications(user):
    return AidApplication.objects.visible_to(user).select_related("person", "kind")


def _application(request, pk: int) -> AidApplication:
    events = AidEvent.objects.select_related("actor", "unit")
    return get_visible_or_404(_applications(request.auth).prefetch_related(
        Prefetch("events", queryset=events), "documents", "objections"), request.auth, pk=pk)


@applications_router.get("/", response=list[ApplicationOut])
@paginate(Pages, page_size=50)
def applications_list(request, state: AidApplication.State | None = None, kind: int | None = None,
                      person: int | None = None, mine: bool | None = None):
    """The applications in the caller's scope: `state`, `kind` (its id), `person` (a dossier's id) and `mine=1`
    (waiting for the caller's own level: the applications list's filter and the workbench's count)."""
    require(request.auth)
    applications = _applications(request.auth)
    if state:
        applications = applications.filter(state=state)
    if kind is not None:
        applications = applications.filter(kind_id=kind)
    if person is not None:
        applications = applications.filter(person_id=person)
    if mine:
        applications = applications.filter(pk__in=my_turn(request.auth).values("pk"))
    return applications


@applications_router.get("/kinds", response=list[AidKindOut])
def aid_kinds(request):
    """The kinds of aid the caller's jurisdiction uses, with the documents each requires."""
    require(request.auth)
    return services.kinds_for(request.auth)


REGISTER_BODY = {"requestBody": {"content": {"multipart/form-data": {"schema": {
    "type": "object", "required": ["person_id", "kind_id", "amount_requested", "reason"],
    "properties": {"person_id": {"type": "integer"}, "kind_id": {"type": "integer"},
                   "amount_requested": {"type": "string", "pattern": r"^\d+(\.\d{1,2})?$"},
                   "reason": {"type": "string"}},
    "additionalProperties": {"type": "string", "format": "binary"}}}}}}


@applications_router.post("/", response={201: ApplicationDetailOut, 422: dict}, openapi_extra=REGISTER_BODY)
def application_create(request, payload: Form[ApplicationIn]):
    """Register an application with its documents, as a station does on paper.

    Multipart (`multipart/form-data`): the fields `person_id`, `kind_id`, `amount_requested` and `reason`, and one
    file part per document the kind requires, **the part named by the requirement** (`申请书`, `困难情况证明`…:
    GET /aid-applications/kinds lists each kind's `documents`). A PDF, JPEG or PNG each, checked by its content.
    A kind that requires no document may be sent as a plain form without files. A missing document, an amount
    above the kind's cap or a person outside the caller's scope is 422 saying which, and nothing is stored.
    """
    documents = {name: upload for name, upload in request.FILES.items()}
    if len(documents) > services.MAX_DOCUMENTS:
        raise ValidationError({"documents": _("An application holds at most %(n)d documents.") % {
            "n": services.MAX_DOCUMENTS}})
    application = services.application_register(actor=request.auth, person=payload.person_id, kind=payload.kind_id,
                                                amount=payload.amount_requested, reason=payload.reason,
                                                documents=documents)
    return Status(201, _application(request, application.pk))


@applications_router.get("/{application_id}", response=ApplicationDetailOut)
def application_detail(request, application_id: int):
    """The application with its history (every step: who, when, the level, the opinion, the amount), its
    documents (described, not their content), its objections and the steps the caller could take now."""
    require(request.auth)
    return _application(request, application_id)


@applications_router.post("/{application_id}/transitions", response={200: ApplicationDetailOut, 409: dict,
                                                                      422: dict})
def application_transition(request, application_id: int, payload: TransitionIn):
    """Take one step (recommend, agree, object, answer, approve, pay, reject, withdraw). A step the state does
    not allow is 422 with the steps it does (`allowed`); another level's turn, an amount above the cap or the
    fund's balance, a 公示 shorter than the kind's are 422 with the message by field; a stale `version` is 409.
    A cash payment needs the signed receipt first: POST it as a document named `签收单`."""
    application = get_visible_or_404(AidApplication.objects.all(), request.auth, pk=application_id)
    data = payload.data.model_dump(exclude_none=True)
    if data.get("amount") is not None:
        data["amount"] = str(data["amount"])
    try:
        services.application_transition(actor=request.auth, application=application, action=payload.action,
                                        note=payload.note, version=payload.version, data=data)
    except IllegalStep as illegal:
        return Status(422, {"detail": illegal.messages[0], "allowed": illegal.allowed})
    return _application(request, application.pk)


@applications_router.post("/{application_id}/documents", response={201: DocumentOut, 422: dict})
def application_document_add(request, application_id: int, file: File[UploadedFile],
                             requirement: Form[str] = ""):
    """A document added later (multipart: `file`, `requirement`), e.g. the `签收单` a cash payment needs."""
    application = get_visible_or_404(AidApplication.objects.all(), request.auth, pk=application_id)
    return Status(201, services.document_add(actor=request.auth, application=application,
                                             requirement=requirement, upload=file))


# --- funds -----------------------------------------------------------------------------------------------------

class FundOut(Schema):
    id: int
    unit_id: int
    unit_name: str
    region_code: str
    name: str
    kind: str
    note: str
    balance: Decimal
    version: int

    @staticmethod
    def resolve_unit_name(fund) -> str:
        return fund.unit.name


class FundEntryOut(Schema):
    """One row of the ledger, as the page and the xlsx export show it (`assistance.ledger.Row`)."""

    id: int
    on: date
    source: str
    kind: str  # the source in words
    donor: str
    restriction: str
    note: str
    application_id: int | None
    aid_kind: str
    income: Decimal | None
    outgoing: Decimal | None  # a positive sum
    balance_after: Decimal  # the running balance


class LedgerOut(Schema):
    fund: FundOut
    income: Decimal  # of the entries chosen (the whole ledger without filters)
    outgoings: Decimal
    count: int
    balance: Decimal  # the fund's balance
    reconciles: bool  # the whole ledger's income − outgoings = the balance = the balance after the last entry
    page: int
    page_size: int
    items: list[FundEntryOut]  # oldest first


@funds_router.get("/", response=list[FundOut])
@paginate(Pages, page_size=50)
def funds_list(request):
    """The funds the caller may see (those held by its unit and the units below), with their balance."""
    require(request.auth)
    return Fund.objects.visible_to(request.auth).select_related("unit")


@funds_router.get("/{fund_id}/ledger", response=LedgerOut)
def fund_ledger(request, fund_id: int, year: Annotated[int, Field(ge=2000, le=2100)] | None = None,
                month: Annotated[int, Field(ge=1, le=12)] | None = None,
                kind: Literal["in", "out"] | FundEntry.Source | None = None,
                page: Annotated[int, Field(ge=1, le=MAX_PAGE)] = 1,
                page_size: Annotated[int, Field(ge=1, le=MAX_PAGE_SIZE)] = 100):
    """The fund's ledger as its page and its export show it (`assistance.ledger`): the entries oldest first with
    the balance after each, paginated; `year`, `month` (with a year) and `kind` (`in`, `out` or one source)
    choose entries as the page's filters do. The totals are those of the entries chosen; without filters
    income − outgoings is the fund's balance, to the cent (`reconciles` checks it over the whole ledger)."""
    require(request.auth)
    fund = get_visible_or_404(Fund.objects.select_related("unit"), request.auth, pk=fund_id)
    chosen = ledger.LedgerFilter(year=year, month=month if year else None, kind=kind or "")
    totals, check = ledger.totals(fund, chosen)
    start = (page - 1) * page_size
    return {"fund": fund, "income": totals.income, "outgoings": totals.outgoings, "count": totals.count,
            "balance": fund.balance, "reconciles": check.ok, "page": page, "page_size": page_size,
            "items": [ledger.row(entry) for entry in ledger.entries(fund, chosen)[start:start + page_size]]}


