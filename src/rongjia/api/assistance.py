"""API: the hardship ledger and referrals of the assistance module 帮扶援助 (SPEC C5); aid applications and funds
are in `api/aid.py`.

The same services, machines and scoping as the pages: a record outside the caller's scope is 404, a stale
`version` 409, bad input 422 with the messages by field (nothing is changed), a missing capability 403.
"""

from datetime import date
from decimal import Decimal
from typing import Literal

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.utils import timezone
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from rongjia.api.pagination import Pages
from rongjia.assistance import services
from rongjia.assistance.models import (
    HardshipEntry,
    HardshipKind,
    HardshipReview,
    Pairing,
    PairingHelp,
    Referral,
    ReferralEvent,
)
from rongjia.assistance.workbench import referrals_overdue, reviews_overdue
from rongjia.assistance.workflow import REFERRAL
from rongjia.core.history import actor_name
from rongjia.core.scoping import get_visible_or_404
from rongjia.core.workflow import IllegalStep, steps_open_to

VIEW = "assistance.view"

hardship_router = Router(tags=["assistance"])
referrals_router = Router(tags=["assistance"])


def require(user, capability: str = VIEW) -> None:
    if not user.can(capability):
        raise PermissionDenied


# --- the hardship ledger 困难台账 -----------------------------------------------------------------------------

class HardshipKindOut(Schema):
    id: int
    name: str


class HelpOut(Schema):
    on: date
    kind: str
    description: str
    amount: Decimal | None


class PairingOut(Schema):
    id: int
    helper_kind: str
    helper_name: str
    helper_person_id: int | None  # an outstanding veteran from the dossiers: the pairing shows on their dossier too
    helper_contact: str
    plan: str
    since: date
    until: date | None
    version: int
    help_given: list[HelpOut]

    @staticmethod
    def resolve_help_given(pairing) -> list:
        return list(pairing.help_given.all())


class ReviewOut(Schema):
    on: date
    level: str
    note: str
    next_due: date | None
    closed: bool  # out of hardship
    reviewer: str

    @staticmethod
    def resolve_reviewer(review) -> str:
        return actor_name(review.reviewer)


class HardshipOut(Schema):
    id: int
    person_id: int
    person_name: str
    station_id: int
    kind_id: int
    kind: str
    cause: str
    level: str
    household_size: int
    monthly_income: Decimal
    household_facts: str
    since: date
    until: date | None
    review_due: date
    review_overdue: bool
    key: bool  # 重点困难对象
    version: int

    @staticmethod
    def resolve_person_name(entry) -> str:
        return entry.person.name

    @staticmethod
    def resolve_kind(entry) -> str:
        return entry.kind.name

    @staticmethod
    def resolve_review_overdue(entry) -> bool:
        return entry.review_overdue(timezone.localdate())


class HardshipDetailOut(HardshipOut):
    reviews: list[ReviewOut]
    pairings: list[PairingOut]

    @staticmethod
    def resolve_reviews(entry) -> list:
        return list(entry.reviews.all())

    @staticmethod
    def resolve_pairings(entry) -> list:
        return list(entry.visible_pairings)


class HardshipIn(Schema):
    person_id: int  # a dossier in the caller's scope
    kind_id: int  # GET /hardship/kinds
    cause: str
    level: HardshipEntry.Level = HardshipEntry.Level.ORDINARY
    since: date
    household_size: int = 1
    monthly_income: Decimal = Decimal(0)
    household_facts: str = ""
    key: bool = False  # 重点困难对象
    review_due: date | None = None  # default: half a year from today


def _entries(user):
    return HardshipEntry.objects.visible_to(user).select_related("person", "kind")


@hardship_router.get("/", response=list[HardshipOut])
@paginate(Pages, page_size=50)
def hardship_list(request, kind: int | None = None, level: HardshipEntry.Level | None = None,
                  overdue: bool | None = None, person: int | None = None,
                  state: Literal["open", "closed"] | None = None):
    """The ledger entries in the caller's scope: `kind` (its id), `level`, `overdue=1` (still in hardship and the
    review date passed: the ledger page's filter and the workbench's count), `person` (a dossier's id), `state`
    (open: still in hardship; closed: out of it)."""
    require(request.auth)
    entries = _entries(request.auth)
    if kind is not None:
        entries = entries.filter(kind_id=kind)
    if level:
        entries = entries.filter(level=level)
    if overdue:
        entries = entries.filter(pk__in=reviews_overdue(request.auth).values("pk"))
    if person is not None:
        entries = entries.filter(person_id=person)
    if state:
        entries = entries.filter(until__isnull=state == "open")
    return entries


@hardship_router.get("/kinds", response=list[HardshipKindOut])
def hardship_kinds(request):
    """The kinds of hardship in use (因病, 因残, 因灾…): the `kind_id` of a new entry."""
    require(request.auth)
    return HardshipKind.objects.filter(active=True)


@hardship_router.post("/", response={201: HardshipDetailOut, 422: dict})
def hardship_create(request, payload: HardshipIn):
    entry = services.hardship_create(actor=request.auth, person=payload.person_id, kind=payload.kind_id,
                                     cause=payload.cause, level=payload.level, since=payload.since,
                                     household_size=payload.household_size, monthly_income=payload.monthly_income,
                                     household_facts=payload.household_facts, key=payload.key,
                                     review_due=payload.review_due)
    return Status(201, _hardship(request, entry.pk))


def _hardship(request, pk: int) -> HardshipEntry:
    pairings = Pairing.objects.visible_to(request.auth).prefetch_related(
        Prefetch("help_given", queryset=PairingHelp.objects.order_by("-on", "-id")))
    entries = _entries(request.auth).prefetch_related(
        Prefetch("reviews", queryset=HardshipReview.objects.select_related("reviewer")),
        Prefetch("pairings", queryset=pairings, to_attr="visible_pairings"))
    return get_visible_or_404(entries, request.auth, pk=pk)


@hardship_router.get("/{entry_id}", response=HardshipDetailOut)
def hardship_detail(request, entry_id: int):
    """An entry with its reviews (newest first) and its pairings with the help given."""
    require(request.auth)
    return _hardship(request, entry_id)


# --- referrals 转介 --------------------------------------------------------------------------------------------

class ReferralEventOut(Schema):
    action: str
    from_state: str
    to_state: str
    note: str
    actor: str
    on: date

    @staticmethod
    def resolve_actor(event) -> str:
        return actor_name(event.actor)


class ReferralOut(Schema):
    id: int
    person_id: int
    person_name: str
    station_id: int
    department: str
    service: str
    request: str
    sent_on: date
    answer_due: date
    overdue: bool  # sent, not answered, past the day the answer was expected
    state: str
    answer: str
    answered_on: date | None
    outcome: str
    chased_on: date | None
    version: int

    @staticmethod
    def resolve_person_name(referral) -> str:
        return referral.person.name

    @staticmethod
    def resolve_overdue(referral) -> bool:
        return referral.overdue(timezone.localdate())


class ReferralDetailOut(ReferralOut):
    events: list[ReferralEventOut]
    allowed_actions: list[str]

    @staticmethod
    def resolve_events(referral) -> list:
        return list(referral.events.all())

    @staticmethod
    def resolve_allowed_actions(referral, context) -> list[str]:
        return steps_open_to(REFERRAL, referral, context["request"].auth)


class ReferralIn(Schema):
    person_id: int
    department: Referral.Department
    service: str  # 低保, 特困供养, 临时救助, 法律援助…
    request: str
    sent_on: date
    answer_due: date | None = None  # default: 15 days after sending


class ReferralDataIn(Schema):
    outcome: str = ""  # answer: granted, partly, refused or not_eligible
    answered_on: date | None = None  # answer: default today


class ReferralTransitionIn(Schema):
    action: str  # chase, answer, close
    note: str = ""
    version: int | None = None
    data: ReferralDataIn = Field(default_factory=ReferralDataIn)


def _referrals(user):
    return Referral.objects.visible_to(user).select_related("person")


def _referral(request, pk: int) -> Referral:
    events = ReferralEvent.objects.select_related("actor")
    return get_visible_or_404(_referrals(request.auth).prefetch_related(Prefetch("events", queryset=events)),
                              request.auth, pk=pk)


@referrals_router.get("/", response=list[ReferralOut])
@paginate(Pages, page_size=50)
def referrals_list(request, state: Referral.State | None = None, department: Referral.Department | None = None,
                   overdue: bool | None = None, person: int | None = None):
    """The referrals in the caller's scope: `state`, `department`, `person` and `overdue=1` (sent, not answered,
    past the day the answer was expected: the referrals list's filter and the workbench's count)."""
    require(request.auth)
    referrals = _referrals(request.auth)
    if state:
        referrals = referrals.filter(state=state)
    if department:
        referrals = referrals.filter(department=department)
    if person is not None:
        referrals = referrals.filter(person_id=person)
    if overdue:
        referrals = referrals.filter(pk__in=referrals_overdue(request.auth).values("pk"))
    return referrals


@referrals_router.post("/", response={201: ReferralDetailOut, 422: dict})
def referral_create(request, payload: ReferralIn):
    referral = services.referral_create(actor=request.auth, person=payload.person_id,
                                        department=payload.department, service=payload.service,
                                        request=payload.request, sent_on=payload.sent_on,
                                        answer_due=payload.answer_due)
    return Status(201, _referral(request, referral.pk))


@referrals_router.get("/{referral_id}", response=ReferralDetailOut)
def referral_detail(request, referral_id: int):
    require(request.auth)
    return _referral(request, referral_id)


@referrals_router.post("/{referral_id}/transitions", response={200: ReferralDetailOut, 409: dict, 422: dict})
def referral_transition(request, referral_id: int, payload: ReferralTransitionIn):
    """chase (the department is reminded), answer (with the outcome), close. Like the applications' transitions:
    422 with `allowed` for a step the state does not allow, 409 for a stale `version`."""
    referral = get_visible_or_404(Referral.objects.all(), request.auth, pk=referral_id)
    try:
        services.referral_transition(actor=request.auth, referral=referral, action=payload.action,
                                     note=payload.note, version=payload.version,
                                     data=payload.data.model_dump(exclude_none=True))
    except IllegalStep as illegal:
        return Status(422, {"detail": illegal.messages[0], "allowed": illegal.allowed})
    return _referral(request, referral.pk)

