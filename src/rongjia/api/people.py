"""API: served people. Same scoping, services and masking as the pages; full values never leave here."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from rongjia.api.pagination import Pages
from rongjia.core.masking import mask_id_number, mask_phone
from rongjia.core.models import OrgUnit, Region
from rongjia.core.scoping import covers_code, get_visible_or_404
from rongjia.people import services
from rongjia.people.importing import import_start
from rongjia.people.models import Person
from rongjia.people.selectors import current_categories, person_search

router = Router(tags=["people"])


class CategorySpanOut(Schema):
    category: str
    start_date: date
    end_date: date | None


class PersonOut(Schema):
    """A person as the API shows them: ID number and phone masked, like every page and export."""

    id: int
    name: str
    sex: str
    birth_date: date
    id_number: str
    phone: str
    station_id: int
    station: str
    address_region: str
    address_detail: str
    status: str
    categories: list[CategorySpanOut]
    version: int

    @staticmethod
    def resolve_id_number(person) -> str:
        return mask_id_number(person.id_number)

    @staticmethod
    def resolve_phone(person) -> str:
        return mask_phone(person.phone)

    @staticmethod
    def resolve_station(person) -> str:
        return person.station.name

    @staticmethod
    def resolve_address_region(person) -> str:
        return person.address_region.code

    @staticmethod
    def resolve_categories(person) -> list[dict]:
        spans = getattr(person, "current_spans", None)
        if spans is None:
            spans = person.category_spans.select_related("category")
        return [{"category": s.category.name, "start_date": s.start_date, "end_date": s.end_date} for s in spans]


class PersonIn(Schema):
    name: str
    id_number: str
    station_id: int
    address_region: str  # a 12-digit region code inside the caller's scope
    phone: str = ""
    address_detail: str = ""
    ethnicity: str = "01"
    political_status: str = "13"
    education: str = ""
    health: str = ""


class PersonPatch(Schema):
    version: int
    name: str | None = None
    phone: str | None = None
    address_detail: str | None = None
    ethnicity: str | None = None
    political_status: str | None = None
    education: str | None = None
    health: str | None = None


class PeopleFilters(Schema):
    q: str = ""
    category: int | None = None
    station: int | None = None
    status: str = ""


class JobRef(Schema):
    job: int
    state: str


def _require(user, capability):
    if not user.can(capability):
        raise PermissionDenied


def _person(user, person_id: int) -> Person:
    return get_visible_or_404(Person.objects.select_related("station", "address_region"), user, pk=person_id)


@router.get("/", response=list[PersonOut])
@paginate(Pages, page_size=50)
def person_list(request, filters: Query[PeopleFilters]):
    """People in the caller's scope; `q` is read as on the list page (full ID or phone exactly, initials, name)."""
    _require(request.auth, "people.view")
    people = person_search(request.auth, q=filters.q, category=filters.category, status=filters.status)
    if filters.station is not None:
        people = people.filter(station=get_visible_or_404(OrgUnit.objects.all(), request.auth, pk=filters.station))
    people = people.prefetch_related(current_categories(timezone.localdate()))
    return people


@router.post("/import", response={202: JobRef, 422: dict})
def person_import(request, file: File[UploadedFile]):
    """Upload a ledger (xlsx, the template's columns); follow the job at /api/v1/jobs/{job}.

    Declared before /{person_id}, which would otherwise take "import" for an id.
    """
    job = import_start(actor=request.auth, uploaded_file=file)
    return Status(202, {"job": job.pk, "state": job.state})


@router.get("/{person_id}", response=PersonOut)
def person_detail(request, person_id: int):
    _require(request.auth, "people.view")
    return _person(request.auth, person_id)


@router.post("/", response={201: PersonOut, 422: dict})
def person_create(request, payload: PersonIn):
    _require(request.auth, "people.edit")
    station = get_visible_or_404(OrgUnit.objects.all(), request.auth, pk=payload.station_id)
    region = Region.objects.filter(code=payload.address_region, valid_to__isnull=True).first()
    if region is None or not covers_code(request.auth, region.code):
        raise ValidationError({"address_region": [_("Choose a region inside your own.")]})
    fields = payload.model_dump(exclude={"station_id", "address_region", "id_number"})
    person = services.person_register(actor=request.auth, station=station, id_number=payload.id_number,
                                      address_region=region, **fields)
    return Status(201, _person(request.auth, person.pk))


@router.patch("/{person_id}", response={200: PersonOut, 409: dict, 422: dict})
def person_update(request, person_id: int, payload: PersonPatch):
    """Change the fields sent, with the `version` read; a stale version is 409 and nothing changes."""
    _require(request.auth, "people.edit")
    person = _person(request.auth, person_id)
    changes = payload.model_dump(exclude_unset=True, exclude={"version"})
    services.person_update(actor=request.auth, person=person, version=payload.version,
                           **{k: v for k, v in changes.items() if v is not None})
    return _person(request.auth, person_id)
