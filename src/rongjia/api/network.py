"""Statistics of the service network rolled up the region tree (SPEC C1, seeds 000 and 004)."""

from django.core.exceptions import PermissionDenied
from ninja import Router

from rongjia.network import facts
from rongjia.network.models import ChecklistItem
from rongjia.network.schemas import NetworkRowOut, NetworkStatsOut

router = Router(tags=["network"])


@router.get("/stats", response=NetworkStatsOut)
def network_stats(request, region: str = ""):
    """Totals of a region's subtree and one row per child region. `region` is a code (or code
    prefix) inside the caller's scope, else 404; by default the caller's own region."""
    if not request.auth.can("org.view"):
        raise PermissionDenied
    total, children = facts.network_stats(request.auth, region=region)
    book = facts.ChecklistBook(ChecklistItem.Kind.FIVE_HAVE)
    return NetworkStatsOut(region=NetworkRowOut.from_row(total, book),
                           children=[NetworkRowOut.from_row(row, book) for row in children])
