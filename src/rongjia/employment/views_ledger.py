"""The 就业创业台账 (page, printout, xlsx export) and the employment statistics by region.

The page, the printout and the sheet read their cells from `ledger.rows`, so they cannot differ; ?region= is
validated inside the viewer's area (404 outside); every export is an audited read.
"""

from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from rongjia.core.audit import log_export
from rongjia.core.decorators import capability_required
from rongjia.core.exports import xlsx_response
from rongjia.core.pagination import paginate

from . import ledger
from .models import Seeker
from .statistics import employment_statistics

VIEW = "employment.view"
PRINT_MOST = 2000  # a printout of more rows than this asks for a narrower filter


def _context(request, flt: ledger.LedgerFilter) -> dict:
    return {"filter": flt, "filter_query": flt.query(), "headers": ledger.headers(),
            "statuses": Seeker.Status.choices, "places": ledger.places(request.user)}


@capability_required(VIEW)
def ledger_page(request):
    """One row per person with a seeker profile or a business, paginated; ?print=1 gives every row (up to
    PRINT_MOST) on a sheet laid out for paper."""
    flt = ledger.LedgerFilter.from_request(request, timezone.localdate())
    people = ledger.people(request.user, flt)
    if request.GET.get("print") == "1":
        chosen = list(people[:PRINT_MOST + 1])
        return render(request, "employment/ledger_print.html", {
            **_context(request, flt), "rows": list(ledger.rows(request.user, flt, only=chosen[:PRINT_MOST])),
            "too_many": len(chosen) > PRINT_MOST, "most": PRINT_MOST, "today": flt.today})
    page, query = paginate(request, people)
    rows = list(ledger.rows(request.user, flt, only=page.object_list))
    return render(request, "employment/ledger.html", {**_context(request, flt), "page": page, "query": query,
                                                       "rows": rows})


@require_GET
@capability_required(VIEW)
def ledger_export(request):
    """Every row of the filtered ledger as .xlsx: the cells of the page, the filters in the sheet's name line."""
    flt = ledger.LedgerFilter.from_request(request, timezone.localdate())
    count = ledger.people(request.user, flt).count()
    log_export(actor=request.user, source=request.path, rows=count, filters=ledger.audit_query(flt))
    return xlsx_response(filename=f"employment-ledger-{flt.today.isoformat()}.xlsx",
                         title=_("Employment ledger"), headers=ledger.headers(), place=flt.name,
                         rows=(row.cells for row in ledger.rows(request.user, flt)))


@capability_required(VIEW)
def statistics(request):
    """?region= (a region's code prefix inside the viewer's area), ?year=."""
    return render(request, "employment/statistics.html", employment_statistics(
        request.user, request.GET.get("region", "").strip(), request.GET.get("year")))
