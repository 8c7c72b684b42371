"""API: visits and care. The same services and selectors as the pages; a phone that was offline posts its queued
visits here, each with the `client_id` it made, so a visit sent twice is stored once (201 the first time, 200
with the same visit after)."""

import json
from datetime import date, timedelta
from decimal import Decimal
from typing import Annotated
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from rongjia.api.pagination import Pages
from rongjia.core.models import OrgUnit
from rongjia.core.regions import PREFIX_LENGTH
from rongjia.core.scoping import get_visible_or_404, region_prefix_or_404, scope_prefix
from rongjia.visits import services
from rongjia.visits.coverage import coverage_rolled_up
from rongjia.visits.festivals import FIRST_YEAR, LAST_YEAR
from rongjia.visits.models import Campaign, Visit
from rongjia.visits.selectors import campaign_list, campaign_progress, due_visits, visit_list

router = Router(tags=["visits"])
# A day in a query string, written YYYY-MM-DD (a plain `date` would also take "0" as 1970-01-01).
Day = Annotated[str, Field(pattern=r"^\d{4}-\d{2}-\d{2}$")]


def _day(value: str | None, name: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValidationError({name: _("Give a real day as YYYY-MM-DD.")}) from None


def _require(user, capability):
    if not user.can(capability):
        raise PermissionDenied


class VisitIn(Schema):
    person_id: int
    visited_on: date
    kind: Visit.Kind = Visit.Kind.REGULAR
    place: Visit.Place = Visit.Place.HOME
    companions: str = ""
    findings: str = ""
    money: Decimal | None = None
    fund: str = ""
    goods: str = ""
    campaign_id: int | None = None
    client_id: UUID | None = None  # made on the phone: the same visit sent again is not stored twice
    needs: str = ""  # JSON: [{"need": "…", "owner_id": 3, "due_on": "2026-12-20"}]


class VisitOut(Schema):
    id: int
    person_id: int
    station_id: int
    kind: str
    visited_on: date
    place: str
    companions: str
    findings: str
    money: Decimal | None
    fund: str
    goods: str
    campaign_id: int | None
    client_id: UUID
    photos: int
    signed: bool  # a signature of the person visited is kept

    @staticmethod
    def resolve_photos(visit) -> int:
        return visit.photos.count()

    @staticmethod
    def resolve_signed(visit) -> bool:
        return bool(visit.signature)


def _needs(text: str) -> list[services.NeedIn]:
    if not text.strip():
        return []
    try:
        return [services.NeedIn(str(n["need"]), int(n["owner_id"]), date.fromisoformat(n["due_on"]))
                for n in json.loads(text)]
    except (ValueError, TypeError, KeyError) as exc:
        raise ValidationError({"needs": _("Needs must be a list of {need, owner_id, due_on}.")}) from exc


@router.get("/", response=list[VisitOut])
@paginate(Pages, page_size=50)
def visits_list(request, person: int | None = None, since: Day | None = None, until: Day | None = None):
    _require(request.auth, "visits.view")
    return visit_list(request.auth, person=person, since=_day(since, "since"),
                      until=_day(until, "until")).prefetch_related("photos")


@router.post("/", response={200: VisitOut, 201: VisitOut, 422: dict}, url_name="visit_create")
def visit_create(request, payload: Form[VisitIn], photos: File[list[UploadedFile]] = None,
                 signature: File[UploadedFile] = None):
    """Multipart: the fields, `photos` (JPEG or PNG, each resized on arrival) and the person's `signature`
    (optional: an image of it, drawn on the phone or photographed)."""
    data = payload.model_dump(exclude={"needs"})
    visit, new = services.visit_record(actor=request.auth, needs=_needs(payload.needs), photos=photos or [],
                                       signature=signature, **data)
    return Status(201 if new else 200, visit)


class DueOut(Schema):
    person_id: int
    person_name: str
    station_id: int
    occasion: str
    occurred_on: date
    due_on: date

    @staticmethod
    def resolve_person_name(due) -> str:
        return due.person.name

    @staticmethod
    def resolve_station_id(due) -> int:
        return due.person.station_id


@router.get("/due", response=list[DueOut])
@paginate(Pages, page_size=100)
def visits_due(request, station: int | None = None, until: Day | None = None):
    """Visits owed (必访) not yet made, due by `until` (default: a week from today), at one station if given."""
    _require(request.auth, "visits.view")
    region = ""
    if station is not None:
        unit = get_visible_or_404(OrgUnit.objects.all(), request.auth, pk=station)
        region = unit.region_code[:PREFIX_LENGTH[unit.level]]
    return due_visits(request.auth, until=_day(until, "until") or timezone.localdate() + timedelta(days=7),
                      region=region)


class CoverageRowOut(Schema):
    code: str
    name: str
    level: int
    figures: dict[str, int]


class CoverageOut(Schema):
    region: str
    day: date
    total: dict[str, int]
    below: list[CoverageRowOut]


def _period_end(period: str) -> date:
    """"2026-Q3" -> 2026-09-30 (or today while the quarter runs); "" -> today."""
    today = timezone.localdate()
    if not period:
        return today
    try:
        year, quarter = period.split("-Q")
        end_month = 3 * int(quarter)
        if not 1 <= int(quarter) <= 4:
            raise ValueError
        first_of_next = date(int(year) + (end_month == 12), end_month % 12 + 1, 1)
    except ValueError:
        raise ValidationError({"period": _("Give the period as YYYY-Qn, e.g. 2026-Q3.")}) from None
    return min(first_of_next - timedelta(days=1), today)


@router.get("/coverage", response=CoverageOut)
def visits_coverage(request, region: str = "", period: str = ""):
    """Done, due, overdue, never and not in 12 months, for `region` and each unit one level below it: the counts
    of the lists the coverage pages open."""
    _require(request.auth, "visits.view")
    region = region_prefix_or_404(request.auth, region) if region else (scope_prefix(request.auth) or "")
    day = _period_end(period)
    total, rows = coverage_rolled_up(request.auth, day=day, region=region)
    return {"region": region, "day": day, "total": total, "below": rows}


class CampaignIn(Schema):
    name: str
    kind: Campaign.Kind
    year: int | None = Field(None, ge=FIRST_YEAR, le=LAST_YEAR)  # of the festival (春节, 重阳 lunar)
    target: Campaign.Target = Campaign.Target.PRIORITY
    budget_per_person: Decimal | None = None
    starts_on: date | None = None
    ends_on: date | None = None


class CampaignOut(Schema):
    id: int
    unit_id: int
    name: str
    kind: str
    target: str
    festival_on: date | None
    starts_on: date
    ends_on: date
    budget_per_person: Decimal | None


class CampaignProgressOut(CampaignOut):
    total: int
    done: int
    spent: Decimal


@router.get("/campaigns", response=list[CampaignOut])
@paginate(Pages, page_size=50)
def campaigns_list(request):
    _require(request.auth, "visits.view")
    return campaign_list(request.auth)


@router.post("/campaigns", response={201: CampaignOut, 422: dict})
def campaign_create(request, payload: CampaignIn):
    return Status(201, services.campaign_launch(actor=request.auth, **payload.model_dump()))


@router.get("/campaigns/{campaign_id}", response=CampaignProgressOut)
def campaign_detail(request, campaign_id: int):
    """The campaign and its progress inside the caller's scope (a station sees its own people)."""
    _require(request.auth, "visits.view")
    campaign = get_visible_or_404(Campaign.objects.all(), request.auth, pk=campaign_id)
    figures = campaign_progress(request.auth, campaign)
    for name in ("total", "done", "spent"):
        setattr(campaign, name, figures[name])
    return campaign


# Last: the paths above are words, which this one would otherwise take for an id.
@router.get("/{visit_id}", response=VisitOut)
def visit_detail(request, visit_id: int):
    _require(request.auth, "visits.view")
    return get_visible_or_404(Visit.objects.all(), request.auth, pk=visit_id)
