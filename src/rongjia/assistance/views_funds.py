"""Funds (资金): the funds a viewer sees with this year's income and spending, a fund's ledger with its totals and
check, the forms for income and money out, and the ledger as a spreadsheet that reconciles with the page.

A fund is resolved with `get_visible_or_404` before anything else, so an outsider meets 404 on every page of a
fund of ours, a POST included; the money moves only through `funds.py`, which refuses bad input whole.
"""

from decimal import Decimal
from io import BytesIO

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from rongjia.core.audit import log_export
from rongjia.core.decorators import capability_required
from rongjia.core.exports import XLSX_TYPE, safe_cell
from rongjia.core.pagination import paginate
from rongjia.core.scoping import get_visible_or_404

from . import funds, ledger
from .forms_funds import FundForm, IncomeForm, SpendForm
from .models import AidApplication, Fund, FundEntry

VIEW, FUNDS = "assistance.view", funds.FUNDS
FUND_SORTS = {"": ("region_code", "name", "id"), "name": ("name", "id"), "-balance": ("-balance", "name", "id"),
              "balance": ("balance", "name", "id")}


def _fund(request, pk) -> Fund:
    return get_visible_or_404(Fund.objects.select_related("unit"), request.user, pk=pk)


@capability_required(VIEW)
def fund_list(request):
    """?kind= (a kind of fund), ?sort= (name, balance, -balance), ?year= (the year of the income and spending
    columns; default: this year)."""
    this_year = timezone.localdate().year
    year = ledger.number_between(request.GET.get("year"), 2000, 2100) or this_year
    kind = request.GET.get("kind", "")
    sort = request.GET.get("sort", "")
    found = Fund.objects.visible_to(request.user)
    if kind in Fund.Kind.values:
        found = found.filter(kind=kind)
    found = ledger.funds_with_year(found, year).order_by(*FUND_SORTS.get(sort, FUND_SORTS[""]))
    page, query = paginate(request, found)
    page.object_list = list(page.object_list)
    for fund in page.object_list:
        fund.income_year, fund.spent_year = ledger.cents(fund.income_year), ledger.cents(fund.spent_year)
    return render(request, "assistance/fund_list.html", {
        "page": page, "query": query, "year": year, "this_year": this_year, "kind": kind, "sort": sort,
        "kinds": Fund.Kind.choices, "years": range(this_year, this_year - 6, -1),
        "can_open": request.user.can(FUNDS) and request.user.org_unit is not None})


@capability_required(FUNDS)
def fund_new(request):
    form = FundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            fund = funds.fund_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("The fund is open: record its first income."))
            return redirect("assistance:fund_detail", pk=fund.pk)
    return render(request, "assistance/fund_form.html", {
        "form": form, "mode": "new", "unit": request.user.org_unit},
        status=400 if request.method == "POST" else 200)


@capability_required(VIEW)
def fund_detail(request, pk):
    """The fund's ledger: ?year=, ?month= (with a year), ?kind= (a source, "in" or "out"); paginated, with the
    totals of the whole filtered ledger and the whole ledger's check."""
    fund = _fund(request, pk)
    flt = ledger.LedgerFilter.from_params(request.GET)
    page, query = paginate(request, ledger.entries(fund, flt))
    totals, check = ledger.totals(fund, flt)
    shown = list(page.object_list)
    paid = [entry.application_id for entry in shown if entry.application_id]
    openable = set(AidApplication.objects.visible_to(request.user).filter(pk__in=paid).values_list(
        "pk", flat=True)) if paid else set()
    for entry in shown:
        entry.openable = entry.application_id in openable
        entry.outgoing = -entry.amount if entry.amount < 0 else None
    years = [day.year for day in FundEntry.objects.filter(fund=fund).dates("on", "year", order="DESC")]
    return render(request, "assistance/fund_detail.html", {
        "fund": fund, "page": page, "entries": shown, "query": query, "filter": flt, "filter_query": flt.query(),
        "totals": totals, "check": check, "years": years, "months": range(1, 13),
        "kinds": ledger.kind_choices(), "can_book": request.user.can(FUNDS)})


def _money_form(request, pk, form_class, mode: str, book):
    fund = _fund(request, pk)  # first: an outsider's POST meets 404 before any validation
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            book(fund, form.cleaned_data)
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            fund.refresh_from_db(fields=["balance"])
            messages.success(request, _("Booked. The balance is now ¥%(balance)s.") % {"balance": fund.balance})
            return redirect("assistance:fund_detail", pk=fund.pk)
    return render(request, "assistance/fund_form.html", {"form": form, "mode": mode, "fund": fund},
                  status=400 if request.method == "POST" else 200)


@capability_required(FUNDS)
def fund_income(request, pk):
    """A budget allocation or a donation (with its donor, date and any restriction)."""
    return _money_form(request, pk, IncomeForm, "income", lambda fund, data: funds.fund_income(
        actor=request.user, fund=fund, **data))


@capability_required(FUNDS)
def fund_spend(request, pk):
    """Visit money (慰问金) or other spending; refused beyond the balance, with the balance shown."""
    return _money_form(request, pk, SpendForm, "spend", lambda fund, data: funds.fund_spend(
        actor=request.user, fund=fund, **data))


@capability_required(VIEW)
def fund_export(request, pk):
    """The (filtered) ledger as .xlsx: a row per entry, then the totals; the page's filters apply."""
    fund = _fund(request, pk)
    flt = ledger.LedgerFilter.from_params(request.GET)
    totals, check = ledger.totals(fund, flt)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_("Fund ledger")[:31])
    bold, money = Font(bold=True), "#,##0.00"

    def cells(values, *, font=None):
        out = []
        for value in values:
            cell = WriteOnlyCell(sheet, value=value if _is_money(value) else safe_cell(value))
            if _is_money(value):
                cell.number_format = money
            if font is not None:
                cell.font = font
            out.append(cell)
        return out

    sheet.append(cells([_("Date"), _("Kind"), _("Donor"), _("Restriction"), _("Note"), _("Application"),
                        _("Income (yuan)"), _("Outgoing (yuan)"), _("Balance after (yuan)")], font=bold))
    for row in ledger.rows(fund, flt):
        sheet.append(cells([row.on, row.kind, row.donor, row.restriction, row.note, row.application_id,
                            row.income, row.outgoing, row.balance_after]))
    # the totals row; the balance column holds the fund's balance when the whole ledger is shown
    sheet.append(cells([_("Total"), _("%(n)d entries") % {"n": totals.count}, "", "", "", None, totals.income,
                        totals.outgoings, None if flt else check.balance], font=bold))
    buffer = BytesIO()
    workbook.save(buffer)
    log_export(actor=request.user, source=request.path, rows=totals.count, filters=request.GET.urlencode())
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''fund-{fund.pk}-ledger.xlsx"
    return response


def _is_money(value) -> bool:
    return isinstance(value, Decimal)
