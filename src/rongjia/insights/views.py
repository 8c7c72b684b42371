"""The statistics dashboard: a region's figures and one line per region below it, with export."""

from django.shortcuts import render
from django.utils.translation import gettext as _

from rongjia.core.decorators import capability_required
from rongjia.core.exports import xlsx_response
from rongjia.core.pagination import paginate
from rongjia.core.scoping import covers_code

from . import selectors
from .forms import ChangeFilterForm
from .jobs import refresh_if_stale


def _dashboard(request) -> selectors.Dashboard:
    return selectors.dashboard(request.user, prefix=request.GET.get("region") or None,
                               period=request.GET.get("period", selectors.DEFAULT_PERIOD))


@capability_required("people.view")
def dashboard(request):
    refresh_if_stale()  # figures older than a few minutes: a worker brings them up to date
    board = _dashboard(request)
    return render(request, "insights/dashboard.html", {"board": board, "periods": selectors.PERIODS.items()})


@capability_required("people.view")
def dashboard_export(request):
    """The table as shown (the region and each region below it) for the period chosen."""
    board = _dashboard(request)
    headers = [_("Region"), _("Code")] + [str(label) for label in board.headings]
    rows = [[line.name, line.prefix, *board.cells(line)] for line in [board.own, *board.children]]
    filename = f"statistics-{board.own.prefix}-{board.start:%Y%m%d}-{board.end:%Y%m%d}.xlsx"
    return xlsx_response(filename=filename, title=_("Statistics"), headers=headers, rows=rows)


@capability_required("people.view")
def changes(request):
    """The changes on the books a dashboard flow counts (?region=&kind=&since=&until=), newest first. A person
    since moved out of the viewer's area keeps the line (the change happened here) but not the link to the dossier."""
    form = ChangeFilterForm(request.GET)
    page, query = paginate(request, selectors.status_changes(request.user, **form.filters()), capped=True)
    for change in page.object_list:
        change.dossier_reachable = covers_code(request.user, change.person.station.region_code)
    return render(request, "insights/changes.html", {"form": form, "page": page, "query": query})
