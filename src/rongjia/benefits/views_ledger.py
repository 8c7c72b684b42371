"""The 落实台账 (what was paid, per person and item, month by month), the 项目清单 (each item with the people
entitled and what the last approved batch paid), their spreadsheets, and the statistics by region.

Each page starts from the viewer's area: ?region= is validated inside it (404 outside), and every figure comes
from `ledger.py` or `statistics.py`, which narrow the payment lines to the viewer's subtree first. A sheet is
built from the same function as its page, so the two agree to the fen; every export is an audited read.
"""

from urllib.parse import quote

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext
from django.views.decorators.http import require_GET

from rongjia.core.audit import log_export
from rongjia.core.decorators import capability_required
from rongjia.core.exports import XLSX_TYPE
from rongjia.core.models import OrgUnit
from rongjia.core.pagination import paginate

from . import ledger
from .models import BenefitItem
from .statistics import benefits_statistics

VIEW = "benefits.view"
MOST_PLACES = 500  # a select of stations up to this many; a larger area types a region code


def _context(request, flt: ledger.LedgerFilter) -> dict:
    this_year = timezone.localdate().year
    places = list(OrgUnit.objects.visible_to(request.user).filter(kind__in=[
        OrgUnit.Kind.CENTRE, OrgUnit.Kind.STATION]).order_by("region_code").values_list(
        "region_code", "name")[:MOST_PLACES + 1])
    return {"filter": flt, "area": flt.area, "filter_query": flt.query(), "this_year": this_year,
            "years": range(this_year, this_year - 6, -1), "months": ledger.MONTHS,
            "items": BenefitItem.objects.order_by("position", "id"),
            "places": places if len(places) <= MOST_PLACES else None}


@capability_required(VIEW)
def ledger_page(request):
    """?region=, ?year=, ?item=: one row per person and item with the year's twelve months, paginated; the totals
    and the reconciliation check are over the whole filtered ledger."""
    flt = ledger.LedgerFilter.from_request(request)
    page, query = paginate(request, ledger.pairs(request.user, flt))
    rows = list(ledger.rows(request.user, flt, only=page.object_list))
    totals = ledger.totals(request.user, flt)
    return render(request, "benefits/ledger.html", {
        **_context(request, flt), "page": page, "query": query, "rows": rows, "totals": totals,
        "check": ledger.check(request.user, flt, totals.total)})


@require_GET
@capability_required(VIEW)
def ledger_export(request):
    """The filtered ledger as .xlsx: the filters on the first line, the rows of `ledger.rows`, the totals row and
    the check's statement."""
    flt = ledger.LedgerFilter.from_request(request)
    totals = ledger.totals(request.user, flt)
    check = ledger.check(request.user, flt, totals.total)
    headers = [_("Station"), pgettext("person name", "Name"), _("Benefit item"),
               *[month_header(month) for month in ledger.MONTHS], _("Year's total (yuan)")]
    rows = ([row.station, row.name, row.item, *row.months, row.total] for row in ledger.rows(request.user, flt))
    summary = [_("Total"), ngettext("%(n)d person", "%(n)d persons", totals.persons) % {"n": totals.persons},
               ngettext("%(n)d row", "%(n)d rows", totals.rows) % {"n": totals.rows}, *totals.months, totals.total]
    content = ledger.workbook(title=_("Benefits ledger"), filters=flt.describe(), headers=headers, rows=rows,
                              totals=summary, footer=check_statement(check))
    log_export(actor=request.user, source=request.path, rows=totals.rows, filters=flt.query())
    what = ledger.site_language_name("export file name", "benefits implementation ledger")
    return xlsx(content, ledger.file_name(flt.area, what, flt.year))


def month_header(month: int) -> str:
    return pgettext("ledger column", "Month %(month)d (yuan)") % {"month": month}


def check_statement(check: ledger.Check) -> str:
    """The reconciliation in one sentence, as the page states it."""
    words = _("Check: the transfers that paid these lines, ¥%(payments)s, equal all their lines, ¥%(lines)s (this "
              "ledger ¥%(ledger)s, other periods or items ¥%(other)s).") if check.ok else _(
        "Check failed: the transfers that paid these lines, ¥%(payments)s, differ from their lines, ¥%(lines)s, "
        "for %(n)d persons.")
    return words % {"payments": f"{check.payments:,}", "lines": f"{check.lines:,}", "ledger": f"{check.ledger:,}",
                    "other": f"{check.other:,}", "n": check.mismatch_count}


def xlsx(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


@capability_required(VIEW)
def item_list(request):
    """The 项目清单 of the viewer's area or a station in it (?region=)."""
    area = ledger.area_shown(request.user, request.GET.get("region", ""))
    figures, last = ledger.item_list(request.user, area)
    flt = ledger.LedgerFilter(area=area, year=timezone.localdate().year)
    return render(request, "benefits/item_list.html", {**_context(request, flt), "figures": figures, "last": last})


@require_GET
@capability_required(VIEW)
def items_export(request):
    area = ledger.area_shown(request.user, request.GET.get("region", ""))
    figures, last = ledger.item_list(request.user, area)
    last_month = f"{last:%Y-%m}" if last else "—"
    headers = [_("Benefit item"), pgettext("benefit period", "Paid"), pgettext("benefit trigger", "Due"),
               _("Qualifying categories"),
               _("People entitled now"), _("People paid in %(month)s") % {"month": last_month},
               _("Paid in %(month)s (yuan)") % {"month": last_month}]
    rows = ([f.item.name, f.item.get_period_display(), f.item.get_trigger_display(), "、".join(f.categories),
             f.in_force, f.paid_persons, f.paid_amount] for f in figures)
    filters = _("%(area)s · last approved batch %(month)s") % {"area": area.name, "month": last_month}
    content = ledger.workbook(title=_("Benefit items"), filters=filters, headers=headers, rows=rows)
    log_export(actor=request.user, source=request.path, rows=len(figures), filters=f"region={area.region}")
    what = ledger.site_language_name("export file name", "benefit items")
    return xlsx(content, ledger.file_name(area, what))


@capability_required(VIEW)
def statistics(request):
    """?region= (a region's code prefix inside the viewer's area), ?year=."""
    return render(request, "benefits/statistics.html", benefits_statistics(
        request.user, request.GET.get("region", "").strip(), request.GET.get("year")))
