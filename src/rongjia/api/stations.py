from typing import Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from rongjia.api.pagination import Pages
from rongjia.core import services
from rongjia.core.models import OrgUnit
from rongjia.core.schemas import StationOut
from rongjia.core.scoping import get_visible_or_404
from rongjia.network import selectors
from rongjia.network.facts import filter_by_facts, station_facts
from rongjia.network.schemas import StationDetailOut, StationProfilePatch
from rongjia.network.services import PROFILE_FIELDS, profile_update

router = Router(tags=["stations"])

_TEXT_PROFILE_FIELDS = {"brand_name", "honours"}


class StationFilters(Schema):
    level: Literal["province", "city", "county", "street", "village"] | None = None
    region: str | None = None
    kind: Literal["centre", "station", "resident", "mobile"] | None = None
    q: str | None = None
    below_standard: bool | None = None
    five_have_missing: Literal["any", "none", "1", "2", "3", "4", "5"] | None = None


def _require(user, capability):
    if not user.can(capability):
        raise PermissionDenied


@router.get("/", response=list[StationOut])
@paginate(Pages, page_size=50)
def station_list(request, filters: Query[StationFilters]):
    """Centres and stations in the caller's scope; `region` is a code prefix inside it (else 404).

    `below_standard` and `five_have_missing` ("any", "none" or an item position of the unit's own
    五有 list) keep only the centres and stations (not 派驻站) whose computed facts match.
    """
    _require(request.auth, "org.view")
    units = selectors.station_list(
        request.auth, level=filters.level or "", region=filters.region or "", kind=filters.kind or "",
        q=filters.q or "",
    )
    return filter_by_facts(request.auth, units, below_standard=filters.below_standard,
                           five_have_missing=filters.five_have_missing or "")


def _detail(user, station_id: int) -> OrgUnit:
    facts = station_facts(user, station_id)
    facts.unit.facts = facts
    return facts.unit


@router.get("/{station_id}", response=StationDetailOut)
def station_detail(request, station_id: int):
    """Basic details, the profile (area, posts, funding, brand, honours), staff counts, 五有 and
    whether the unit is below its standard."""
    _require(request.auth, "org.view")
    return _detail(request.auth, station_id)


@router.patch("/{station_id}", response={200: StationDetailOut, 409: dict, 422: dict})
def station_update(request, station_id: int, payload: StationProfilePatch):
    """Edit basic details with `version` and profile fields with `profile_version`: a stale one
    is 409 and nothing changes, not even the other half of the request."""
    unit = get_visible_or_404(OrgUnit.objects.select_related("region"), request.auth, pk=station_id)
    sent = payload.model_dump(exclude_unset=True)
    basic = {f: v for f, v in sent.items() if f in services.ORG_UNIT_EDITABLE_FIELDS and v is not None}
    profile = {f: ("" if v is None and f in _TEXT_PROFILE_FIELDS else v) for f, v in sent.items()
               if f in PROFILE_FIELDS}
    errors = {}
    if payload.version is None and (basic or not (profile or payload.profile_version is not None)):
        errors["version"] = [_("Send the version you read.")]
    if profile and payload.profile_version is None:
        errors["profile_version"] = [_("Send the profile version you read.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        if payload.version is not None:
            services.org_unit_update(actor=request.auth, unit=unit, version=payload.version, **basic)
        if profile:
            profile_update(actor=request.auth, unit=unit, version=payload.profile_version, **profile)
    return _detail(request.auth, station_id)
