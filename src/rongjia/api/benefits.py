"""API: the benefits module 优抚待遇 (SPEC C6): the items with their figures, the standard tables, a person's
entitlements and open proposals, and the county payment batches with their steps on core's engine (transitions
exactly like the petitions'), exceptions, payments, the bank file and the bank's return file.

The same services, selectors, machine and scoping as the pages: a record outside the caller's scope is 404, a
stale `version` 409, bad input 422 with the messages by field (nothing is changed), a missing capability 403.
Payments and exceptions reached through a batch are narrowed to the caller's own people again; account numbers
are masked (the bank file, an audited export, is the only place they are written in full).
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

from rongjia.api.assistance import require
from rongjia.api.pagination import Pages
from rongjia.benefits import batches, ledger, services
from rongjia.benefits import selectors_batches as batch_selectors
from rongjia.benefits.accounts import mask_account
from rongjia.benefits.models import (
    BatchException,
    BenefitItem,
    Entitlement,
    PaymentBatch,
    PaymentLine,
    Proposal,
    StandardRate,
    StandardTable,
)
from rongjia.benefits.periods import month_of
from rongjia.benefits.rules import cents
from rongjia.benefits.views_batches import attachment
from rongjia.benefits.workflow import BATCH, PREPARE
from rongjia.core.scoping import get_visible_or_404, region_prefix_or_404, scope_prefix
from rongjia.core.workflow import IllegalStep, steps_open_to
from rongjia.people.models import Category, Person
from rongjia.people.reference import DISABILITY_CAUSE_CHOICES

VIEW = "benefits.view"
# Dates as ISO text: pydantic would read a bare number as a Unix time, a month of 1970 that no caller meant.
Day = Annotated[str, Field(pattern=r"^\d{4}-\d{2}-\d{2}$")]
Month = Annotated[str, Field(pattern=r"^\d{4}-\d{2}(-\d{2})?$")]  # 2026-12 or any day of it
Id = Annotated[int, Field(ge=1, le=2**31 - 1)]  # a record's id: larger numbers overflow the database's integer

benefits_router = Router(tags=["benefits"])  # /benefits/: items and standards
person_benefits_router = Router(tags=["benefits"])  # /people/{id}/entitlements
batches_router = Router(tags=["benefits"])  # /payment-batches/


# --- items and standards ---------------------------------------------------------------------------------------

class ItemOut(Schema):
    """An item of the 项目清单 with its figures in the caller's area (or the `region` asked)."""

    id: int
    code: str
    name: str
    period: str  # monthly, quarterly, yearly, once
    trigger: str  # standing, death
    categories: list[str]
    grade_min: int | None
    grade_max: int | None
    causes: list[str]
    residence: str
    min_age: int | None
    active: bool
    in_force: int  # people with an entitlement to it in force this month
    paid_month: date | None  # the month of the last approved batch
    paid_persons: int  # people paid a regular line of it in that batch (failed transfers excluded)
    paid_amount: Decimal  # the sum of those lines


@benefits_router.get("/items", response=list[ItemOut])
def items_list(request, region: str = ""):
    """The 项目清单: every item in use (and any other with figures), with the people entitled now and what the
    last approved batch paid, for the caller's area or `region` (a code prefix inside it; 404 outside)."""
    require(request.auth, VIEW)
    figures, last = ledger.item_list(request.auth, ledger.area_shown(request.auth, region))
    return [_item_out(figure, last) for figure in figures]


def _item_out(figure: ledger.ItemFigures, last: date | None) -> dict:
    item = figure.item
    return {"id": item.pk, "code": item.code, "name": item.name, "period": item.period, "trigger": item.trigger,
            "categories": figure.categories, "grade_min": item.grade_min, "grade_max": item.grade_max,
            "causes": list(item.causes), "residence": item.residence, "min_age": item.min_age,
            "active": item.active, "in_force": figure.in_force, "paid_month": last,
            "paid_persons": figure.paid_persons, "paid_amount": figure.paid_amount}


class RateOut(Schema):
    category_id: int | None
    category: str  # "" for any
    grade: int | None
    cause: str
    residence: str
    amount: Decimal  # a year's, for a recurring item; the whole sum for a one-off

    @staticmethod
    def resolve_category(rate) -> str:
        return rate.category.name if rate.category_id else ""


class StandardTableOut(Schema):
    id: int
    item_id: int
    item: str
    jurisdiction_code: str  # "" for the nation's
    kind: str  # base or supplement
    title: str
    document: str
    effective_from: date
    effective_until: date | None
    version: int
    rates: list[RateOut]

    @staticmethod
    def resolve_item(table) -> str:
        return table.item.name

    @staticmethod
    def resolve_rates(table) -> list:
        return list(table.rates.all())


class RateIn(Schema):
    category_id: Id | None = None  # a category's id; none for any
    grade: int | None = Field(None, ge=1, le=10)
    cause: str = ""  # a disability cause (war, duty, illness); "" for any
    residence: Literal["", "urban", "rural"] = ""
    amount: Decimal  # yuan, to the fen


class StandardTableIn(Schema):
    item_id: Id
    jurisdiction_code: str | None = None  # omitted: the caller's own area; "" the nation's (reference data)
    kind: StandardTable.Kind = StandardTable.Kind.BASE
    title: str
    document: str = ""
    effective_from: Day
    effective_until: Day | None = None
    rates: list[RateIn]


def _day(text: str | None, field: str) -> date | None:
    """An ISO day or month ("2026-12" is its first day) as typed; a date that does not exist is a field error."""
    if not text:
        return None
    try:
        return date.fromisoformat(text if len(text) > 7 else f"{text}-01")
    except ValueError:
        raise ValidationError({field: _("Give a date as YYYY-MM-DD.")}) from None


def _tables(user):
    rates = StandardRate.objects.select_related("category")
    return (StandardTable.objects.visible_to(user).select_related("item")
            .prefetch_related(Prefetch("rates", queryset=rates)))


@benefits_router.get("/standards", response=list[StandardTableOut])
@paginate(Pages, page_size=50)
def standards_list(request, item: Id | None = None, in_force_on: Day | None = None):
    """The standard tables that bear on the caller's area (the nation's, those above and its own) with their
    amounts; `item` (an item's id), `in_force_on` (a day)."""
    require(request.auth, VIEW)
    tables = _tables(request.auth)
    day = _day(in_force_on, "in_force_on")
    if item is not None:
        tables = tables.filter(item_id=item)
    if day is not None:
        tables = tables.filter(effective_from__lte=day).exclude(effective_until__lt=day)
    return tables.order_by("item__position", "item_id", "jurisdiction_code", "-effective_from", "id")


@benefits_router.post("/standards", response={201: StandardTableOut, 422: dict})
def standard_table_create(request, payload: StandardTableIn):
    """Enter a table of amounts (`services.standard_table_create`): the open table before it is closed the day
    before it starts; dates that overlap another table otherwise are 422 and nothing is stored. A centre enters its
    own area's tables (benefits.standards), the nation's are the system administrator's (reference.manage)."""
    item = BenefitItem.objects.filter(pk=payload.item_id).first()
    if item is None:
        raise ValidationError({"item_id": _("Choose a benefit item.")})
    rates = [_rate(number, rate) for number, rate in enumerate(payload.rates, start=1)]
    code = payload.jurisdiction_code
    if code is None:
        code = scope_prefix(request.auth) or ""
    table = services.standard_table_create(
        actor=request.auth, item=item, jurisdiction_code=code, kind=payload.kind, title=payload.title,
        effective_from=_day(payload.effective_from, "effective_from"),
        effective_until=_day(payload.effective_until, "effective_until"), document=payload.document, rates=rates)
    return Status(201, get_visible_or_404(_tables(request.auth), request.auth, pk=table.pk))


def _rate(number: int, rate: RateIn) -> dict:
    """A rate as the service reads it, its category and cause checked first (an unknown one is a field error)."""
    if rate.category_id is not None and not Category.objects.filter(pk=rate.category_id).exists():
        raise ValidationError({"rates": _("Line %(line)d: no such category.") % {"line": number}})
    if rate.cause not in ("", *dict(DISABILITY_CAUSE_CHOICES)):
        raise ValidationError({"rates": _("Line %(line)d: no such disability cause.") % {"line": number}})
    return {"category": rate.category_id, "grade": rate.grade, "cause": rate.cause, "residence": rate.residence,
            "amount": rate.amount}


# --- a person's entitlements -----------------------------------------------------------------------------------

class EntitlementOut(Schema):
    id: int
    item_id: int
    item: str
    state: str  # active or ended
    start_month: date  # the first day of the first month owed
    end_month: date | None  # the first day of the last month owed
    category_id: int | None
    category: str
    grade: int | None
    cause: str
    payee_id: int | None  # a household member, for a one-off death benefit
    reason: str
    version: int

    @staticmethod
    def resolve_item(entitlement) -> str:
        return entitlement.item.name

    @staticmethod
    def resolve_category(entitlement) -> str:
        return entitlement.category.name if entitlement.category_id else ""


class ProposalOut(Schema):
    id: int
    item_id: int
    item: str
    change: str  # new, change or end
    month: date
    category_id: int | None
    category: str
    grade: int | None
    cause: str
    entitlement_id: int | None
    reason: str
    proposed_at: datetime
    version: int

    @staticmethod
    def resolve_item(proposal) -> str:
        return proposal.item.name

    @staticmethod
    def resolve_category(proposal) -> str:
        return proposal.category.name if proposal.category_id else ""


class PersonEntitlementsOut(Schema):
    person_id: int
    entitlements: list[EntitlementOut]  # in force first
    proposals: list[ProposalOut]  # open, waiting for a worker to confirm


@person_benefits_router.get("/{person_id}/entitlements", response=PersonEntitlementsOut)
def person_entitlements(request, person_id: Id):
    """A person's entitlements and the proposals waiting to be confirmed (404 for a person outside the scope)."""
    require(request.auth, VIEW)
    person = get_visible_or_404(Person.objects.all(), request.auth, pk=person_id)
    entitlements = (Entitlement.objects.visible_to(request.auth).filter(person=person)
                    .select_related("item", "category")
                    .order_by("state", "item__position", "item_id", "-start_month", "-id"))
    proposals = (Proposal.objects.visible_to(request.auth).filter(person=person, state=Proposal.State.OPEN)
                 .select_related("item", "category").order_by("proposed_at", "id"))
    return {"person_id": person.pk, "entitlements": list(entitlements), "proposals": list(proposals)}


# --- payment batches -------------------------------------------------------------------------------------------

class BatchOut(Schema):
    id: int
    unit_id: int
    unit: str
    region_code: str
    month: date
    state: str
    state_label: str
    running: bool  # being generated: poll until false
    progress_done: int
    progress_total: int
    bank_format_id: int | None
    total: Decimal
    payment_count: int
    line_count: int
    exception_count: int
    generated_at: datetime | None
    returned_at: datetime | None
    message: str
    version: int

    @staticmethod
    def resolve_unit(batch) -> str:
        return batch.unit.name

    @staticmethod
    def resolve_state_label(batch) -> str:
        return BATCH.state_label(batch.state)


class BatchEventOut(Schema):
    action: str
    label: str
    from_state: str
    to_state: str
    note: str
    data: dict  # what the step recorded: the totals approved, the return's paid and failed counts…
    actor: str
    at: datetime

    @staticmethod
    def resolve_label(event) -> str:
        return str(event.label)

    @staticmethod
    def resolve_actor(event) -> str:
        return event.actor_label


class BatchDetailOut(BatchOut):
    allowed_actions: list[str]  # the steps the caller could take now (capability, state, three different people)
    may_regenerate: bool
    events: list[BatchEventOut]  # oldest first
    visible_count: int  # the batch's payments to the caller's own people
    visible_total: Decimal  # and their sum: the batch's total for a caller who sees the whole county

    @staticmethod
    def resolve_allowed_actions(batch, context) -> list[str]:
        return steps_open_to(BATCH, batch, context["request"].auth)

    @staticmethod
    def resolve_may_regenerate(batch, context) -> bool:
        return batch.state in PaymentBatch.OPEN and not batch.running and context["request"].auth.can(PREPARE)

    @staticmethod
    def resolve_events(batch) -> list:
        return batch_selectors.history(batch)


class BatchIn(Schema):
    month: Month  # 2026-12, or any day of the month
    bank_format_id: Id | None = None


class VersionIn(Schema):
    version: int | None = None


class TransitionIn(Schema):
    action: str  # prepare, check, approve, send_back (record_return: POST /{id}/return with the file)
    note: str = ""
    version: int | None = None


class ExceptionOut(Schema):
    id: int
    person_id: int
    person_name: str
    station: str
    region_code: str
    kind: str
    kind_label: str
    detail: str
    amount: Decimal | None

    @staticmethod
    def resolve_person_name(exception) -> str:
        return exception.person.name

    @staticmethod
    def resolve_station(exception) -> str:
        return exception.person.station.name

    @staticmethod
    def resolve_kind_label(exception) -> str:
        return str(BatchException.Kind(exception.kind).label) if exception.kind in BatchException.Kind.values \
            else exception.kind


class LineOut(Schema):
    item: str
    period: date
    kind: str  # regular, back_pay, recovery, reissue
    amount: Decimal  # negative for a recovery
    explanation: str

    @staticmethod
    def resolve_item(line) -> str:
        return line.item.name


class PaymentOut(Schema):
    id: int
    seq: int
    person_id: int
    person_name: str
    station: str
    region_code: str
    bank: str
    account: str  # masked: **** **** **** 1234
    holder: str
    holder_name: str
    amount: Decimal
    result: str  # pending, paid, failed
    failure: str
    lines: list[LineOut]

    @staticmethod
    def resolve_person_name(payment) -> str:
        return payment.person.name

    @staticmethod
    def resolve_station(payment) -> str:
        return payment.person.station.name

    @staticmethod
    def resolve_bank(payment) -> str:
        return payment.account.bank

    @staticmethod
    def resolve_account(payment) -> str:
        return mask_account(payment.account.last_digits)

    @staticmethod
    def resolve_holder(payment) -> str:
        return payment.account.holder

    @staticmethod
    def resolve_holder_name(payment) -> str:
        return payment.account.holder_name

    @staticmethod
    def resolve_lines(payment) -> list:
        return list(payment.lines.all())


def _batch(request, pk: int) -> PaymentBatch:
    return get_visible_or_404(PaymentBatch.objects.select_related("unit"), request.auth, pk=pk)


def _detail(request, pk: int) -> PaymentBatch:
    batch = _batch(request, pk)
    visible = batch_selectors.payment_totals(batch, request.auth)
    batch.visible_count, batch.visible_total = visible["count"], cents(visible["total"])
    return batch


@batches_router.get("/", response=list[BatchOut])
@paginate(Pages, page_size=50)
def batch_list(request, state: PaymentBatch.State | None = None, month: Month | None = None):
    """The batches the caller sees (a county's centre and above), newest month first; `state`, `month` (2026-12
    or any day of it)."""
    require(request.auth, VIEW)
    month = _day(month, "month")
    return batch_selectors.batch_list(request.auth, state=state or "", month=month_of(month) if month else None)


@batches_router.post("/", response={201: BatchDetailOut, 422: dict})
def batch_create(request, payload: BatchIn):
    """A county centre's batch for this month or the next (benefits.prepare), generated in the background: poll
    GET /{id} until `running` is false. A month with a batch, or before a later one, is 422."""
    batch = batches.batch_create(actor=request.auth, month=_day(payload.month, "month"),
                                 bank_format=payload.bank_format_id)
    return Status(201, _detail(request, batch.pk))


@batches_router.get("/{batch_id}", response=BatchDetailOut)
def batch_detail(request, batch_id: Id):
    """The batch with its totals, state, history and the steps the caller could take now."""
    require(request.auth, VIEW)
    return _detail(request, batch_id)


@batches_router.post("/{batch_id}/regenerate", response={202: BatchDetailOut, 409: dict, 422: dict})
def batch_regenerate(request, batch_id: Id, payload: VersionIn):
    """Generate the batch again from the entitlements as they are now (before approval only). A regeneration that
    changes its lines sends it back to be prepared again."""
    _batch(request, batch_id)
    batches.batch_regenerate(actor=request.auth, pk=batch_id, version=payload.version)
    return Status(202, _detail(request, batch_id))


@batches_router.get("/{batch_id}/exceptions", response=list[ExceptionOut])
@paginate(Pages, page_size=100)
def batch_exceptions(request, batch_id: Id, kind: BatchException.Kind | None = None):
    """What the check found among the caller's own people: those left out (deceased, suspended, no account…) and
    the lines to look at; `kind`."""
    require(request.auth, VIEW)
    found = batch_selectors.exceptions_of(_batch(request, batch_id), request.auth)
    return found.filter(kind=kind) if kind else found


@batches_router.get("/{batch_id}/payments", response=list[PaymentOut])
@paginate(Pages, page_size=100)
def batch_payments(request, batch_id: Id, line_kind: PaymentLine.Kind | None = None, region: str = ""):
    """The batch's payments to the caller's own people, in sequence, each with its lines and the account masked;
    `line_kind` (back_pay, recovery, reissue) keeps those with such a line, `region` a station's (404 outside)."""
    require(request.auth, VIEW)
    batch = _batch(request, batch_id)
    region = region_prefix_or_404(request.auth, region) if region else ""
    return batch_selectors.payments_of(batch, request.auth, line_kind=line_kind or "", region=region)


@batches_router.post("/{batch_id}/transitions", response={200: BatchDetailOut, 409: dict, 422: dict})
def batch_transition(request, batch_id: Id, payload: TransitionIn):
    """Take one step: prepare (经办), check (复核), approve (负责人) — three different people — or send back (with a
    note). A step the state does not allow is 422 with the steps it does (`allowed`); a second step by the same
    person, or an approval after something changed since the batch was generated, is 422 with the message; a
    stale `version` is 409."""
    _batch(request, batch_id)
    try:
        batches.batch_step(actor=request.auth, pk=batch_id, action=payload.action, note=payload.note,
                           version=payload.version)
    except IllegalStep as illegal:
        return Status(422, {"detail": illegal.messages[0], "allowed": illegal.allowed})
    return _detail(request, batch_id)


EXPORT_RESPONSES = {"responses": {200: {"description": "The bank's file (CSV, fixed-width text or xlsx).",
                                        "content": {"application/octet-stream": {
                                            "schema": {"type": "string", "format": "binary"}}}}}}


@batches_router.get("/{batch_id}/export", openapi_extra=EXPORT_RESPONSES)
def batch_export(request, batch_id: Id, bank_format: Id | None = None):
    """The file for the bank with the full account numbers (benefits.prepare; an approved batch only; an audited
    export), in the batch's format or `bank_format` (a format's id)."""
    batch = _batch(request, batch_id)
    content, name = batches.bank_file(actor=request.auth, pk=batch.pk, bank_format=bank_format)
    return attachment(content, name, fallback=f"benefits-{batch.region_code[:6]}-{batch.month:%Y%m}-{batch.pk}")


@batches_router.post("/{batch_id}/return", response={200: BatchDetailOut, 409: dict, 422: dict})
def batch_return(request, batch_id: Id, file: File[UploadedFile], version: Form[int | None] = None,
                 note: Form[str] = ""):
    """The bank's return file (multipart: `file`, optional `version` and `note`): each payment paid or failed,
    the batch paid. A file for another batch, or with a line that is not one of its payments, is 422 with the
    lines at fault, and nothing is recorded. A failed payment is re-issued by the next batch."""
    _batch(request, batch_id)
    try:
        batches.batch_step(actor=request.auth, pk=batch_id, action="record_return", note=note, version=version,
                           data={"file": file})
    except IllegalStep as illegal:
        return Status(422, {"detail": illegal.messages[0], "allowed": illegal.allowed})
    return _detail(request, batch_id)
