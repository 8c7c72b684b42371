"""API: training compliance (seed 003 (五)): the staff in post and those trained in a year, under a region and per
region one level down, and who is not yet trained. The same selectors as the page."""

from datetime import date
from decimal import Decimal
from typing import Annotated

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from rongjia.api.pagination import Pages
from rongjia.network import training

router = Router(tags=["training"])
Year = Annotated[int, Field(ge=2000, le=2100)]


class TrainingRowOut(Schema):
    code: str
    name: str
    staff: int
    trained: int
    untrained: int


class TrainingOut(TrainingRowOut):
    year: int
    below: list[TrainingRowOut]


class UntrainedOut(Schema):
    id: int
    name: str
    post: str
    employment: str
    unit_id: int
    unit_name: str

    @staticmethod
    def resolve_unit_name(member) -> str:
        return member.unit.name


def _require(user) -> None:
    if not user.can("org.view"):
        raise PermissionDenied


def _row(row) -> dict:
    return {"code": row.code, "name": row.name, "staff": row.staff, "trained": row.trained,
            "untrained": row.untrained}


@router.get("/", response=TrainingOut)
def training_compliance(request, year: Year | None = None, region: str = ""):
    """Staff in post and trained in `year` (default: this year) under `region` and each region one level down."""
    _require(request.auth)
    year = year or timezone.localdate().year
    own, rows = training.compliance(request.auth, year, region)
    return {**_row(own), "year": year, "below": [_row(row) for row in rows]}


@router.get("/untrained", response=list[UntrainedOut])
@paginate(Pages, page_size=100)
def training_untrained(request, year: Year | None = None, region: str = ""):
    _require(request.auth)
    return training.untrained(request.auth, year or timezone.localdate().year, region)


class CourseOut(Schema):
    id: int
    organiser_id: int
    title: str
    starts_on: date
    ends_on: date
    hours: Decimal
    place: str
    enrolled: int
    completed: int


@router.get("/courses", response=list[CourseOut])
@paginate(Pages, page_size=50)
def training_courses(request, year: Year | None = None):
    """Courses of `year` organised in the caller's area or above it, with their participants and completions."""
    _require(request.auth)
    return training.courses_of(request.auth, year or timezone.localdate().year)
