"""The funds' pages: the list, opening a fund, the ledger with its totals and check, income and money out, and the
ledger's export reconciling with the page to the cent. Who may: assistance.view reads, assistance.funds books; an
outsider meets 404 on every page of our fund, a POST included; the grid worker has no assistance at all."""

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from rongjia.assistance import funds
from rongjia.assistance.models import Fund, FundEntry
from tests.assistance.conftest import past_publicity, register, step, to_publicity


def url(name, fund=None, **query):
    address = reverse(f"assistance:{name}", args=[fund.pk] if fund is not None else [])
    return address + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def state(fund):
    fund = Fund.objects.get(pk=fund.pk)
    return fund.balance, fund.version, FundEntry.objects.filter(fund=fund).count()


@pytest.fixture
def paid_application(cast, person, care_fund):
    """A 临时救助 of ¥2,000 approved from the care fund and paid."""
    application = past_publicity(to_publicity(cast, register(cast.village_worker, person, amount="2000")))
    step(cast.county_director, application, "approve", fund=care_fund.pk)
    return step(cast.county_director, application, "pay", method="bank", reference="NB2024001")


@pytest.fixture
def busy_fund(cast, care_fund, paid_application):
    """The care fund with a donation, the paid aid, visit money and an allocation of last year."""
    today = timezone.localdate()
    funds.fund_income(actor=cast.county_director, fund=care_fund, source="donation", amount="12345.67",
                      on=today, donor="江苏某科技有限公司", restriction="大病医疗救助", note="捐赠")
    funds.fund_spend(actor=cast.county_director, fund=care_fund, source="visit", amount="800.01", on=today,
                     note="走访慰问 2 户")
    funds.fund_income(actor=cast.county_director, fund=care_fund, source="allocation", amount="0.33",
                      on=date(today.year - 1, 12, 31), note="上年结转")
    care_fund.refresh_from_db()
    return care_fund


# --- who may ----------------------------------------------------------------------------------------------------

def test_the_fund_list_shows_the_funds_of_the_viewers_area(cast, client_for, busy_fund):
    response = client_for(cast.county_director).get(url("funds"))
    assert response.status_code == 200
    [fund] = response.context["page"].object_list
    today = timezone.localdate()
    assert fund.pk == busy_fund.pk and fund.balance == Decimal("59545.99")
    # this year: the allocation of 50,000 and the donation in; the aid and the visit money out
    assert fund.income_year == Decimal("62345.67") and fund.spent_year == Decimal("2800.01")
    assert f'data-fund="{busy_fund.pk}"'.encode() in response.content
    assert b'data-testid="fund-new"' in response.content

    last_year = client_for(cast.county_director).get(url("funds", year=today.year - 1))
    [fund] = last_year.context["page"].object_list
    assert (fund.income_year, fund.spent_year) == (Decimal("0.33"), Decimal("0.00"))

    leader = client_for(cast.leader).get(url("funds"))
    assert leader.status_code == 200 and len(leader.context["page"].object_list) == 1
    assert b'data-testid="fund-new"' not in leader.content  # reads, cannot open a fund
    for viewer in (cast.outsider, cast.village_worker, cast.street_worker):
        response = client_for(viewer).get(url("funds"))
        assert response.status_code == 200 and not response.context["page"].object_list
        assert b'data-testid="funds-empty"' in response.content
    assert client_for(cast.grid_worker).get(url("funds")).status_code == 403


def test_the_fund_list_filters_by_kind(cast, client_for, care_fund):
    funds.fund_create(actor=cast.county_director, name="应急救助资金", kind="emergency")
    client = client_for(cast.county_director)
    names = [f.name for f in client.get(url("funds", kind="emergency")).context["page"].object_list]
    assert names == ["应急救助资金"]
    assert len(client.get(url("funds", kind="nonsense")).context["page"].object_list) == 2


@pytest.mark.parametrize("viewer", ["outsider", "street_worker", "village_worker"])
def test_a_fund_outside_the_scope_is_404_on_every_page(cast, client_for, busy_fund, viewer):
    client = client_for(getattr(cast, viewer))
    before = state(busy_fund)
    for name in ("fund_detail", "fund_export"):
        assert client.get(url(name, busy_fund)).status_code == 404
    expected = 404 if viewer == "outsider" else 403  # stations do not keep funds at all
    for name in ("fund_income", "fund_spend"):
        assert client.get(url(name, busy_fund)).status_code == expected
    income = client.post(url("fund_income", busy_fund), {"source": "allocation", "amount": "1", "on": "bad"})
    spend = client.post(url("fund_spend", busy_fund), {"source": "visit", "amount": "1", "on": "", "note": ""})
    assert (income.status_code, spend.status_code) == (expected, expected)  # before any validation
    assert state(busy_fund) == before


def test_the_grid_worker_has_no_funds_pages(cast, client_for, care_fund):
    client = client_for(cast.grid_worker)
    for name in ("fund_detail", "fund_export", "fund_income", "fund_spend"):
        assert client.get(url(name, care_fund)).status_code == 403
    assert client.get(url("fund_new")).status_code == 403
    assert client.post(url("fund_income", care_fund), {"source": "allocation", "amount": "1",
                                                       "on": "2024-01-01"}).status_code == 403


def test_the_leader_reads_the_ledger_but_cannot_book(cast, client_for, busy_fund):
    client = client_for(cast.leader)
    page = client.get(url("fund_detail", busy_fund))
    assert page.status_code == 200
    assert b'data-testid="fund-income"' not in page.content and b'data-testid="fund-spend"' not in page.content
    assert client.get(url("fund_export", busy_fund)).status_code == 200
    before = state(busy_fund)
    today = timezone.localdate().isoformat()
    assert client.post(url("fund_income", busy_fund), {"source": "allocation", "amount": "100",
                                                       "on": today}).status_code == 403
    assert client.post(url("fund_spend", busy_fund), {"source": "visit", "amount": "100", "on": today,
                                                      "note": "走访"}).status_code == 403
    assert client.post(url("fund_new"), {"name": "领导基金", "kind": "care"}).status_code == 403
    assert state(busy_fund) == before and Fund.objects.count() == 1


# --- opening a fund ---------------------------------------------------------------------------------------------

def test_a_centre_opens_a_fund_held_by_its_own_unit(cast, client_for):
    client = client_for(cast.county_director)
    assert client.get(url("fund_new")).status_code == 200
    response = client.post(url("fund_new"), {"name": "江宁区退役军人关爱基金", "kind": "care", "note": "区级"})
    fund = Fund.objects.get()
    assert response.status_code == 302 and response["Location"] == url("fund_detail", fund)
    assert (fund.unit_id, fund.region_code, fund.balance) == (cast.county_director.org_unit_id,
                                                              cast.county_director.org_unit.region_code, 0)
    again = client.post(url("fund_new"), {"name": "江宁区退役军人关爱基金", "kind": "care"})
    assert again.status_code == 400 and again.context["form"].errors["name"]
    blank = client.post(url("fund_new"), {"name": "", "kind": "nonsense"})
    assert blank.status_code == 400 and {"name", "kind"} <= set(blank.context["form"].errors)
    assert Fund.objects.count() == 1
    assert client_for(cast.village_worker).get(url("fund_new")).status_code == 403


# --- the ledger -------------------------------------------------------------------------------------------------

def test_the_ledger_shows_every_entry_with_its_running_balance_and_the_check(cast, client_for, busy_fund,
                                                                             paid_application):
    response = client_for(cast.county_director).get(url("fund_detail", busy_fund))
    assert response.status_code == 200
    entries = response.context["entries"]
    assert [e.source for e in entries] == ["allocation", "aid", "donation", "visit", "allocation"]
    assert [e.balance_after for e in entries] == [Decimal(v) for v in (
        "50000.00", "48000.00", "60345.67", "59545.66", "59545.99")]
    totals, check = response.context["totals"], response.context["check"]
    assert (totals.income, totals.outgoings, totals.count) == (Decimal("62346.00"), Decimal("2800.01"), 5)
    assert check.ok and check.computed == busy_fund.balance == Decimal("59545.99")
    html = response.content.decode()
    assert 'data-ok="1"' in html and 'data-computed="59545.99"' in html
    # the aid paid links to its application, which the county sees
    assert f'data-application="{paid_application.pk}"' in html
    assert reverse("assistance:application_detail", args=[paid_application.pk]) in html
    assert b'data-testid="fund-income"' in response.content and b'data-testid="fund-spend"' in response.content


def test_the_ledger_filters_by_year_month_and_kind(cast, client_for, busy_fund):
    client = client_for(cast.county_director)
    today = timezone.localdate()
    last_year = client.get(url("fund_detail", busy_fund, year=today.year - 1))
    assert [e.note for e in last_year.context["entries"]] == ["上年结转"]
    assert last_year.context["totals"].income == Decimal("0.33")
    december = client.get(url("fund_detail", busy_fund, year=today.year - 1, month=12))
    assert december.context["totals"].count == 1
    other_month = 1 if today.month != 1 else 2
    assert client.get(url("fund_detail", busy_fund, year=today.year, month=other_month)).context[
        "totals"].count == 0
    outgoings = client.get(url("fund_detail", busy_fund, kind="out")).context
    assert [e.source for e in outgoings["entries"]] == ["aid", "visit"]
    assert (outgoings["totals"].income, outgoings["totals"].outgoings) == (Decimal(0), Decimal("2800.01"))
    assert outgoings["check"].ok  # the check is always over the whole ledger
    donations = client.get(url("fund_detail", busy_fund, kind="donation")).context["totals"]
    assert (donations.income, donations.count) == (Decimal("12345.67"), 1)
    # a value that is no choice is ignored, never a 500
    nonsense = client.get(url("fund_detail", busy_fund, year="abc", month="13", kind="x", page="zz"))
    assert nonsense.status_code == 200 and nonsense.context["totals"].count == 5


def test_the_totals_are_over_the_whole_filtered_ledger_not_the_page(cast, client_for, care_fund):
    for n in range(1, 56):
        funds.fund_income(actor=cast.county_director, fund=care_fund, source="donation", amount=f"{n}.01",
                          on=timezone.localdate(), donor=f"捐赠人{n}")
    client = client_for(cast.county_director)
    first = client.get(url("fund_detail", care_fund, kind="donation"))
    assert len(first.context["entries"]) == 50 and first.context["page"].paginator.num_pages == 2
    expected = sum(Decimal(f"{n}.01") for n in range(1, 56))
    assert (first.context["totals"].income, first.context["totals"].count) == (expected, 55)
    second = client.get(url("fund_detail", care_fund, kind="donation", page=2))
    assert len(second.context["entries"]) == 5 and second.context["totals"].income == expected


def _ledger_queries(client, fund) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url("fund_detail", fund)).status_code == 200
    return len(queries)


def test_the_ledger_page_reads_in_a_fixed_number_of_queries(cast, client_for, person, care_fund,
                                                            django_assert_max_num_queries):
    client = client_for(cast.county_director)
    application = past_publicity(to_publicity(cast, register(cast.village_worker, person, amount="1000")))
    step(cast.county_director, application, "approve", fund=care_fund.pk)
    few = _ledger_queries(client, care_fund)
    for n in range(3):
        other = past_publicity(to_publicity(cast, register(cast.village_worker, person, amount="500")))
        step(cast.county_director, other, "approve", fund=care_fund.pk)
        funds.fund_income(actor=cast.county_director, fund=care_fund, source="donation", amount="10",
                          on=timezone.localdate(), donor=f"捐赠人{n}")
    assert _ledger_queries(client, care_fund) == few
    with django_assert_max_num_queries(18):
        client.get(url("fund_detail", care_fund))


def test_the_fund_list_reads_in_a_fixed_number_of_queries(cast, client_for, care_fund, django_assert_max_num_queries):
    client = client_for(cast.county_director)
    with CaptureQueriesContext(connection) as one:
        client.get(url("funds"))
    for n in range(4):
        fund = funds.fund_create(actor=cast.county_director, name=f"专项资金{n}", kind="campaign")
        funds.fund_income(actor=cast.county_director, fund=fund, source="allocation", amount="100",
                          on=timezone.localdate())
    with CaptureQueriesContext(connection) as five:
        response = client.get(url("funds"))
    assert len(response.context["page"].object_list) == 5 and len(five) == len(one)
    with django_assert_max_num_queries(14):
        client.get(url("funds"))


# --- booking income and money out -------------------------------------------------------------------------------

def test_income_is_booked_through_the_form(cast, client_for, care_fund):
    client = client_for(cast.county_director)
    assert client.get(url("fund_income", care_fund)).status_code == 200
    today = timezone.localdate().isoformat()
    response = client.post(url("fund_income", care_fund), {
        "source": "donation", "amount": "2000.50", "on": today, "donor": "南京某企业", "restriction": "助学",
        "note": "爱心捐赠"})
    assert response.status_code == 302 and response["Location"] == url("fund_detail", care_fund)
    entry = FundEntry.objects.filter(fund=care_fund).latest("id")
    assert (entry.source, entry.amount, entry.donor, entry.restriction, entry.recorded_by) == (
        "donation", Decimal("2000.50"), "南京某企业", "助学", cast.county_director)
    assert Fund.objects.get(pk=care_fund.pk).balance == Decimal("52000.50")


@pytest.mark.parametrize("field, posted", [
    ("amount", {"amount": "abc"}), ("amount", {"amount": "-5"}), ("amount", {"amount": "0"}),
    ("amount", {"amount": "10.555"}), ("amount", {"amount": ""}), ("amount", {"amount": "NaN"}),
    ("on", {"on": "tomorrow"}), ("on", {"on": "FUTURE"}), ("donor", {"source": "donation", "donor": ""}),
    ("source", {"source": "aid"}),
])
def test_bad_income_is_refused_and_changes_nothing(cast, client_for, care_fund, field, posted):
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    data = {"source": "allocation", "amount": "100", "on": timezone.localdate().isoformat(), "donor": "",
            **posted}
    if data["on"] == "FUTURE":
        data["on"] = tomorrow
    before = state(care_fund)
    response = client_for(cast.county_director).post(url("fund_income", care_fund), data)
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert state(care_fund) == before


def test_visit_money_is_booked_and_spending_beyond_the_balance_is_refused(cast, client_for, care_fund):
    client = client_for(cast.county_director)
    today = timezone.localdate().isoformat()
    page = client.get(url("fund_spend", care_fund))
    assert page.status_code == 200 and b'data-balance="50000.00"' in page.content
    response = client.post(url("fund_spend", care_fund), {"source": "visit", "amount": "1200", "on": today,
                                                          "note": "春节走访慰问"})
    assert response.status_code == 302
    assert Fund.objects.get(pk=care_fund.pk).balance == Decimal("48800.00")

    before = state(care_fund)
    too_much = client.post(url("fund_spend", care_fund), {"source": "other_out", "amount": "48800.01", "on": today,
                                                          "note": "购置物资"})
    assert too_much.status_code == 400
    [message] = too_much.context["form"].errors["amount"]
    assert "48800.00" in message  # the balance is shown
    assert state(care_fund) == before
    no_note = client.post(url("fund_spend", care_fund), {"source": "visit", "amount": "1", "on": today, "note": ""})
    assert no_note.status_code == 400 and no_note.context["form"].errors["note"]
    future = client.post(url("fund_spend", care_fund), {
        "source": "visit", "amount": "1", "note": "走访",
        "on": (timezone.localdate() + timedelta(days=1)).isoformat()})
    assert future.status_code == 400 and future.context["form"].errors["on"]
    assert state(care_fund) == before


# --- the export -------------------------------------------------------------------------------------------------

def _sheet(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(io.BytesIO(response.content)).worksheets[0].iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    entries = [row for row in body if isinstance(row[0], date)]
    totals = [row for row in body if not isinstance(row[0], date)]
    return header, entries, totals


def cents(value) -> Decimal:
    return Decimal(0) if value is None else Decimal(str(value)).quantize(Decimal("0.01"))


def test_the_export_reconciles_with_the_page_to_the_cent(cast, client_for, busy_fund, paid_application):
    client = client_for(cast.county_director)
    page = client.get(url("fund_detail", busy_fund))
    header, entries, [total_row] = _sheet(client.get(url("fund_export", busy_fund)))
    assert len(header) == 9 and len(entries) == page.context["totals"].count == 5
    income = sum((cents(row[6]) for row in entries), Decimal(0))
    outgoings = sum((cents(row[7]) for row in entries), Decimal(0))
    totals = page.context["totals"]
    assert (income, outgoings) == (totals.income, totals.outgoings) == (Decimal("62346.00"), Decimal("2800.01"))
    assert income - outgoings == Fund.objects.get(pk=busy_fund.pk).balance == cents(entries[-1][8])
    assert (cents(total_row[6]), cents(total_row[7]), cents(total_row[8])) == (income, outgoings, busy_fund.balance)
    # the rows say what the page says: date, kind, donor, restriction, the application paid
    aid = next(row for row in entries if row[5] is not None)
    assert aid[5] == paid_application.pk and cents(aid[7]) == Decimal("2000.00") and aid[6] is None
    donation = next(row for row in entries if row[2])
    assert (donation[2], donation[3], cents(donation[6])) == ("江苏某科技有限公司", "大病医疗救助", Decimal("12345.67"))


def test_a_filtered_export_reconciles_with_the_filtered_page(cast, client_for, busy_fund):
    client = client_for(cast.county_director)
    year = timezone.localdate().year
    for query in ({"kind": "out"}, {"year": year}, {"year": year - 1, "month": 12}, {"kind": "donation"}):
        page = client.get(url("fund_detail", busy_fund, **query))
        _header, entries, [total_row] = _sheet(client.get(url("fund_export", busy_fund, **query)))
        totals = page.context["totals"]
        assert len(entries) == totals.count
        assert sum((cents(row[6]) for row in entries), Decimal(0)) == totals.income == cents(total_row[6])
        assert sum((cents(row[7]) for row in entries), Decimal(0)) == totals.outgoings == cents(total_row[7])


def test_the_export_is_an_audited_read(cast, client_for, busy_fund):
    from auditlog.models import LogEntry

    client_for(cast.leader).get(url("fund_export", busy_fund))
    entry = LogEntry.objects.filter(action=LogEntry.Action.ACCESS, additional_data__what="export").get()
    assert entry.actor == cast.leader and entry.additional_data["rows"] == 5


def test_text_that_a_spreadsheet_would_run_is_written_as_text(cast, client_for, care_fund):
    funds.fund_income(actor=cast.county_director, fund=care_fund, source="donation", amount="10",
                      on=timezone.localdate(), donor='=HYPERLINK("http://ev.il","x")', restriction="+1+1",
                      note="@SUM(1)")
    funds.fund_spend(actor=cast.county_director, fund=care_fund, source="other_out", amount="1",
                     on=timezone.localdate(), note="-1+1")
    response = client_for(cast.county_director).get(url("fund_export", care_fund))
    workbook = load_workbook(io.BytesIO(response.content))
    cells = [cell for row in workbook.worksheets[0].iter_rows() for cell in row]
    assert not [c for c in cells if c.data_type == "f" or (isinstance(c.value, str) and c.value[:1] in "=+-@")]
    assert {'\'=HYPERLINK("http://ev.il","x")', "'+1+1", "'@SUM(1)", "'-1+1"} <= {c.value for c in cells}
