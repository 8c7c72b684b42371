"""Coverage: who is due, overdue, done, never visited, per region rolled up from the stations, and the list
behind every figure (the same predicate counted), exportable."""

from datetime import date

from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.decorators.http import require_GET

from rongjia.core.audit import log_export
from rongjia.core.decorators import capability_required
from rongjia.core.exports import xlsx_response
from rongjia.core.masking import mask_phone
from rongjia.core.pagination import paginate
from rongjia.core.regions import CODE_LENGTH
from rongjia.core.scoping import region_prefix_or_404, scope_prefix

from .coverage import STATUSES, coverage_by_grid, coverage_rolled_up, people_by_status

STATUS_LABELS = {"done": gettext_lazy("Done this period"), "due": gettext_lazy("Due a visit"),
                 "overdue": gettext_lazy("Missed a whole period"), "never": gettext_lazy("Never visited"),
                 "not_12m": gettext_lazy("Not visited in 12 months")}


def _region(request) -> str:
    region = request.GET.get("region", "")
    return region_prefix_or_404(request.user, region) if region else (scope_prefix(request.user) or "")


def _status(request) -> str:
    status = request.GET.get("status", "due")
    return status if status in STATUSES else "due"


@capability_required("visits.view")
def coverage(request):
    region, today = _region(request), timezone.localdate()
    total, rows = coverage_rolled_up(request.user, day=today, region=region)
    grids = coverage_by_grid(request.user, day=today, region=region) if len(region) == CODE_LENGTH else []
    return render(request, "visits/coverage.html", {"total": total, "rows": rows, "grids": grids, "region": region,
                                                    "today": today, "labels": STATUS_LABELS})


@capability_required("visits.view")
def people(request):
    region, status, today = _region(request), _status(request), timezone.localdate()
    listed = people_by_status(request.user, status=status, day=today, region=region).select_related("station")
    page, query = paginate(request, listed.order_by("last_visited_on", "station__region_code", "name_initials", "id"))
    return render(request, "visits/people.html", {"page": page, "query": query, "status": status, "region": region,
                                                  "labels": STATUS_LABELS})


@require_GET
@capability_required("visits.view")
def people_export(request):
    region, status, today = _region(request), _status(request), timezone.localdate()
    listed = people_by_status(request.user, status=status, day=today, region=region).select_related("station")
    log_export(actor=request.user, source=request.path, rows=listed.count(), filters=request.GET.urlencode())
    headers = [pgettext("person name", "Name"), _("Station"), _("Phone"), _("Address"), _("Last visited"),
               _("Contacts this quarter"), _("Contacts this year"), _("Home visits this year")]
    rows = ((p.name, p.station.name, mask_phone(p.phone), p.address_detail, _day(p.last_visited_on),
             p.quarter_contacts, p.year_contacts, p.year_home_visits) for p in listed.iterator(chunk_size=1000))
    return xlsx_response(filename=f"visit-coverage-{status}-{today.isoformat()}.xlsx", title=str(STATUS_LABELS[status]),
                         headers=headers, rows=rows)


def _day(value) -> date | str:
    return value or _("never")
