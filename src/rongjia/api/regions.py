from ninja import Router

from rongjia.core import selectors
from rongjia.core.models import Region
from rongjia.core.schemas import RegionOut
from rongjia.core.scoping import get_visible_or_404

router = Router(tags=["regions"])


@router.get("/{code}/children", response=list[RegionOut])
def region_children(request, code: str):
    """The current child regions of a region inside the caller's subtree (404 outside it)."""
    region = get_visible_or_404(Region.objects.select_related("parent"), request.auth, code=code)
    return list(selectors.region_children(request.auth, region).select_related("parent"))


