from typing import Literal

from django.core.exceptions import PermissionDenied
from ninja import Query, Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from rongjia.core import services
from rongjia.core.models import OrgUnit
from rongjia.core.schemas import StationOut, StationPatch
from rongjia.core.scoping import get_visible_or_404
from rongjia.network import selectors

router = Router(tags=["stations"])


class StationFilters(Schema):
    level: Literal["province", "city", "county", "street", "village"] | None = None
    region: str | None = None
    kind: Literal["centre", "station", "resident", "mobile"] | None = None
    q: str | None = None


def _require(user, capability):
    if not user.can(capability):
        raise PermissionDenied


@router.get("/", response=list[StationOut])
@paginate(PageNumberPagination, page_size=50)
def station_list(request, filters: Query[StationFilters]):
    """Centres and stations in the caller's scope; `region` is a code prefix inside it (else 404)."""
    _require(request.auth, "org.view")
    return selectors.station_list(
        request.auth, level=filters.level or "", region=filters.region or "", kind=filters.kind or "",
        q=filters.q or "",
    )


@router.get("/{station_id}", response=StationOut)
def station_detail(request, station_id: int):
    _require(request.auth, "org.view")
    return get_visible_or_404(OrgUnit.objects.select_related("region"), request.auth, pk=station_id)


@router.patch("/{station_id}", response={200: StationOut, 409: dict, 422: dict})
def station_update(request, station_id: int, payload: StationPatch):
    """Edit basic details; `version` must be the one read, or 409 and nothing changes."""
    unit = get_visible_or_404(OrgUnit.objects.select_related("region"), request.auth, pk=station_id)
    changes = payload.dict(exclude_unset=True, exclude={"version"})
    changes = {field: value for field, value in changes.items() if value is not None}
    return services.org_unit_update(actor=request.auth, unit=unit, version=payload.version, **changes)
