"""The 落实台账 and the 项目清单 (benefits/ledger.py): the months paid against figures counted by hand, failed
transfers left out and their re-issue counted once, a yearly item in its period's month, the reconciliation check,
the sheet adding up to the page to the fen, scoping (a village sees its own people, a sibling village's never, the
outsider nothing and 404 on our regions) and query counts that do not grow with the rows."""

import io
import re
from datetime import date
from decimal import Decimal
from urllib.parse import unquote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from rongjia.benefits import batches, proposals, services
from rongjia.benefits.models import BankFormat, BenefitItem, Payment, PaymentBatch, Proposal
from rongjia.people.models import Category
from tests.factories import VILLAGE2_CODE, VILLAGE_CODE, person_at

from .conftest import approve, luhn_number, table, take
from .test_bank_files import CSV_COLUMNS, bank_return

pytestmark = pytest.mark.django_db

OTHER_STREET_VILLAGE = "320115001001"  # in another street of the county
YEAR = 2026
LEDGER, EXPORT = reverse("benefits:ledger"), reverse("benefits:ledger_export")
ITEMS, ITEMS_EXPORT = reverse("benefits:items"), reverse("benefits:items_export")
D = Decimal


# --- the world, counted by hand -------------------------------------------------------------------------------

def veteran_at(actor, *, code: str, seq: int, name: str, grade: int = 6):
    person = person_at(actor, code=code, seq=seq, name=name, categories=("残疾军人",), disability_grade=grade,
                       disability_cause="war", registered_on=date(2020, 1, 1))
    services.account_add(actor=actor, person=person, bank="农业银行", number=luhn_number(seq))
    return person


def confirm(actor, person, item, month: date, *, change="new", entitlement=None, grade=None):
    """Confirm a proposal as the person's station would, taking effect in `month`."""
    person.refresh_from_db()
    proposal = Proposal.objects.create(person=person, item=item, change=change, month=month,
                                       category=Category.objects.get(name="残疾军人"),
                                       grade=grade or person.disability_grade, cause=person.disability_cause,
                                       entitlement=entitlement, reason="测试")
    return proposals.proposal_confirm(actor=actor, pk=proposal.pk, month=month)


def bank_format() -> BankFormat:
    """A CSV layout without a totals line (the test return file writer's)."""
    return BankFormat.objects.create(name="测试代发CSV", bank="中国农业银行", kind="csv", encoding="gbk",
                                     delimiter=",", columns=CSV_COLUMNS, totals="", account_check="luhn",
                                     success_values=["成功", "0000"])


def run(staff, month: date, fmt) -> PaymentBatch:
    """The county's batch of `month`, generated and approved by its three people."""
    batch = batches.batch_create(actor=staff[0], month=month, bank_format=fmt)
    return approve(staff, batches.run_generation(batch.pk))


def record_return(staff, batch, fmt, failed: dict[int, str]) -> PaymentBatch:
    content, name = batches.bank_file(actor=staff[0], pk=batch.pk, bank_format=fmt.pk)
    returned = SimpleUploadedFile(name, bank_return(content, fmt, failed))
    return take(staff[0], batch, "record_return", file=returned)


class World:
    """Paid for 2026, by the month paid for (¥36,000 a year for grade 6 is ¥3,000 a month; grade 4 ¥5,000):
    - 王建国 (the village): the pension from September, confirmed in October: October's batch pays September and
      October; re-assessed to grade 4 from October before December's batch, which pays ¥2,000 back for October
      and November and December at ¥5,000. Sep 3,000 · Oct 5,000 · Nov 5,000 · Dec 5,000 = ¥18,000.
      His yearly allowance (¥12,000 a year) from September: the whole 2026 period, 4 months of ¥1,000 = ¥4,000,
      is paid for the period that begins in January.
    - 李卫东 (the sibling village): from October; November's transfer failed and December re-issues it:
      Oct 3,000 · Nov 3,000 (once) · Dec 3,000 = ¥9,000.
    - 赵国强 (another street): from November: Nov 3,000 · Dec 3,000 = ¥6,000.
    The county: 3 persons, 4 rows, ¥37,000.
    """

    def __init__(self, cast, staff, pension):
        self.allowance = BenefitItem.objects.create(code="test-allowance", name="测试优待金", period="yearly",
                                                    position=91)
        self.allowance.categories.set([Category.objects.get(name="残疾军人")])
        table(cast, self.allowance, date(2024, 1, 1), [{"amount": "12000"}])
        self.pension = pension
        fmt = bank_format()
        self.wang = veteran_at(cast.village_worker, code=VILLAGE_CODE, seq=1, name="王建国")
        self.li = veteran_at(cast.village2_worker, code=VILLAGE2_CODE, seq=2, name="李卫东")
        self.zhao = veteran_at(cast.county_director, code=OTHER_STREET_VILLAGE, seq=3, name="赵国强")
        first = confirm(cast.village_worker, self.wang, pension, date(YEAR, 9, 1))
        confirm(cast.village_worker, self.wang, self.allowance, date(YEAR, 9, 1))
        confirm(cast.village2_worker, self.li, pension, date(YEAR, 10, 1))
        self.october = run(staff, date(YEAR, 10, 1), fmt)
        confirm(cast.county_director, self.zhao, pension, date(YEAR, 11, 1))
        self.november = run(staff, date(YEAR, 11, 1), fmt)
        li_seq = self.november.payments.get(person=self.li).seq
        record_return(staff, self.november, fmt, {li_seq: "账户已冻结"})
        confirm(cast.village_worker, self.wang, pension, date(YEAR, 10, 1), change="change", entitlement=first,
                grade=4)
        self.december = run(staff, date(YEAR, 12, 1), fmt)


@pytest.fixture
def world(cast, staff, standards):
    return World(cast, staff, standards)


def months(**by_month) -> list[Decimal]:
    """months(sep=3000, oct=5000) -> the twelve months' amounts."""
    names = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    return [D(by_month.get(name, 0)).quantize(D("0.01")) for name in names]


def page_rows(response) -> dict[tuple[str, str], list[Decimal]]:
    return {(row.name, row.item): row.months for row in response.context["rows"]}


# --- the figures ------------------------------------------------------------------------------------------------

def test_the_ledger_shows_what_was_paid_for_each_month(cast, client_for, world):
    response = client_for(cast.county_director).get(LEDGER, {"year": YEAR})
    assert response.status_code == 200
    assert page_rows(response) == {
        ("王建国", "测试抚恤金"): months(sep=3000, oct=5000, nov=5000, dec=5000),
        ("王建国", "测试优待金"): months(jan=4000),
        ("李卫东", "测试抚恤金"): months(oct=3000, nov=3000, dec=3000),
        ("赵国强", "测试抚恤金"): months(nov=3000, dec=3000),
    }
    totals = response.context["totals"]
    assert totals.months == months(jan=4000, sep=3000, oct=8000, nov=11000, dec=11000)
    assert (totals.total, totals.persons, totals.rows) == (D("37000.00"), 3, 4)


def test_a_failed_transfer_is_not_paid_and_its_re_issue_counts_once(cast, client_for, world):
    assert world.november.payments.get(person=world.li).result == Payment.Result.FAILED
    rows = page_rows(client_for(cast.village2_worker).get(LEDGER, {"year": YEAR}))
    assert rows == {("李卫东", "测试抚恤金"): months(oct=3000, nov=3000, dec=3000)}


def test_the_check_reconciles_transfers_with_their_lines_person_by_person(cast, client_for, world):
    check = client_for(cast.county_director).get(LEDGER, {"year": YEAR}).context["check"]
    assert check.ok and check.payments == check.lines == check.ledger == D("37000.00")
    # one item: October's transfer to 王建国 (¥10,000) also paid ¥6,000 of his pension, and the check says so
    check = client_for(cast.county_director).get(LEDGER, {"year": YEAR, "item": world.allowance.pk}).context["check"]
    assert check.ok and (check.ledger, check.other, check.payments) == (D("4000.00"), D("6000.00"), D("10000.00"))


def test_a_transfer_that_does_not_add_up_to_its_lines_is_named(cast, client_for, world):
    Payment.objects.filter(batch=world.december, person=world.zhao).update(amount=D("2999.99"))
    response = client_for(cast.county_director).get(LEDGER, {"year": YEAR})
    check = response.context["check"]
    assert not check.ok and check.mismatch_count == 1
    assert [(person, payments, lines) for person, _name, payments, lines in check.mismatched] == [
        (world.zhao.pk, D("5999.99"), D("6000.00"))]
    assert 'data-ok="0"' in response.content.decode()


def test_filters_narrow_the_rows_and_the_totals(cast, client_for, world):
    client = client_for(cast.county_director)
    by_station = client.get(LEDGER, {"year": YEAR, "region": VILLAGE_CODE})
    assert set(page_rows(by_station)) == {("王建国", "测试抚恤金"), ("王建国", "测试优待金")}
    assert by_station.context["totals"].total == D("22000.00")
    by_item = client.get(LEDGER, {"year": YEAR, "item": world.allowance.pk})
    assert page_rows(by_item) == {("王建国", "测试优待金"): months(jan=4000)}
    assert page_rows(client.get(LEDGER, {"year": YEAR - 1})) == {}
    default = client.get(LEDGER)  # this year
    assert default.context["filter"].year == timezone.localdate().year


# --- scoping ----------------------------------------------------------------------------------------------------

def test_a_village_sees_its_own_people_only(cast, client_for, world):
    response = client_for(cast.village_worker).get(LEDGER, {"year": YEAR})
    assert {name for name, _item in page_rows(response)} == {"王建国"}
    assert response.context["totals"].total == D("22000.00")
    body = response.content.decode()
    assert "李卫东" not in body and "赵国强" not in body


@pytest.mark.parametrize("name", ["ledger", "ledger_export", "items", "items_export"])
def test_a_region_outside_the_scope_is_404(cast, client_for, world, name):
    url = reverse(f"benefits:{name}")
    assert client_for(cast.outsider).get(url, {"region": "320115"}).status_code == 404
    assert client_for(cast.village_worker).get(url, {"region": VILLAGE2_CODE}).status_code == 404
    assert client_for(cast.village_worker).get(url, {"region": "320115"}).status_code == 404  # above its own


def test_the_outsider_county_sees_none_of_our_payments(cast, client_for, world):
    response = client_for(cast.outsider).get(LEDGER, {"year": YEAR})
    assert response.status_code == 200 and page_rows(response) == {}
    assert response.context["totals"].total == 0 and "王建国" not in response.content.decode()
    sheet = _sheet(client_for(cast.outsider).get(EXPORT, {"year": YEAR}), 0)
    assert all(cents(value) == 0 for value in sheet["totals"][3:16])


def test_who_may_read(cast, client_for, world):
    assert client_for(cast.leader).get(LEDGER).status_code == 200
    assert client_for(cast.grid_worker).get(LEDGER).status_code == 403  # no benefits.view
    assert client_for(cast.grid_worker).get(EXPORT).status_code == 403


# --- the sheet --------------------------------------------------------------------------------------------------

def _sheet(response, count: int) -> dict:
    """The export's parts: the filters line, the header, `count` rows (the page's), the totals row, what follows."""
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    values = list(sheet.iter_rows(values_only=True))
    filters, header, body = values[0], values[1], values[2:]
    return {"sheet": sheet, "filters": filters[0], "header": header, "rows": body[:count], "totals": body[count],
            "after": [row[0] for row in body[count + 1:] if row and row[0]],
            "name": unquote(response["Content-Disposition"].split("''", 1)[1])}


def cents(value) -> Decimal:
    return Decimal(0) if value is None else Decimal(str(value)).quantize(Decimal("0.01"))


def test_the_sheet_adds_up_to_the_page_to_the_fen(cast, client_for, world):
    client = client_for(cast.county_director)
    for query in ({"year": YEAR}, {"year": YEAR, "item": world.pension.pk}, {"year": YEAR, "region": "320115003"}):
        page = client.get(LEDGER, query)
        totals = page.context["totals"]
        sheet = _sheet(client.get(EXPORT, query), totals.rows)
        assert all(row[1] and row[2] for row in sheet["rows"])
        sheet_months = [sum((cents(row[3 + m]) for row in sheet["rows"]), D(0)) for m in range(12)]
        assert sheet_months == totals.months == [cents(value) for value in sheet["totals"][3:15]]
        assert sum((cents(row[15]) for row in sheet["rows"]), D(0)) == totals.total == cents(sheet["totals"][15])
        # the page's own rows are the sheet's rows (every row fits on one page here)
        assert {(row[1], row[2]): [cents(v) for v in row[3:15]] for row in sheet["rows"]} == page_rows(page)
        html = page.content.decode()
        assert f'data-total="{totals.total}"' in html


def test_the_sheet_names_its_area_and_filters_and_freezes_a_bold_header(cast, client_for, world):
    response = client_for(cast.county_director).get(EXPORT, {"year": YEAR, "item": world.pension.pk})
    sheet = _sheet(response, 3)
    today = timezone.localdate()
    assert sheet["name"].startswith("江宁区_") and sheet["name"].endswith(f"_{YEAR}_{today:%Y%m%d}.xlsx")
    assert not re.search(r'[\\/:*?"<>| ]', sheet["name"])
    assert "江宁区" in sheet["filters"] and str(YEAR) in sheet["filters"] and "测试抚恤金" in sheet["filters"]
    ws = sheet["sheet"]
    assert ws.freeze_panes == "A3"
    assert all(cell.font.bold for cell in ws[2] if cell.value)
    assert ws.column_dimensions["A"].width >= 8 and ws.column_dimensions["B"].width >= 6
    # the check's statement under the totals: the transfers (¥37,000, the allowance too) and this ledger's ¥33,000
    assert any("37,000.00" in line and "33,000.00" in line for line in sheet["after"])


def test_the_export_is_an_audited_read(cast, client_for, world):
    from auditlog.models import LogEntry

    client_for(cast.leader).get(EXPORT, {"year": YEAR, "region": VILLAGE_CODE})
    entry = LogEntry.objects.filter(action=LogEntry.Action.ACCESS, additional_data__what="export").get()
    assert entry.actor == cast.leader and entry.additional_data["rows"] == 2
    assert f"region={VILLAGE_CODE}" in entry.additional_data["filters"]


# --- the list of items ------------------------------------------------------------------------------------------

def test_the_item_list_counts_the_people_entitled_and_the_last_batch(cast, client_for, world):
    response = client_for(cast.county_director).get(ITEMS)
    assert response.status_code == 200
    figures = {f.item.code: f for f in response.context["figures"]}
    assert response.context["last"] == date(YEAR, 12, 1)
    pension = figures["test-pension"]
    # in force this month: all three; December's regular lines: 王建国 ¥5,000, 李卫东 ¥3,000, 赵国强 ¥3,000
    assert (pension.in_force, pension.paid_persons, pension.paid_amount) == (3, 3, D("11000.00"))
    assert figures["test-allowance"].in_force == 1 and figures["test-allowance"].paid_amount == 0
    assert "disability-pension" in figures  # the seeded items are listed, unpaid here
    village = {f.item.code: f for f in client_for(cast.village_worker).get(ITEMS).context["figures"]}
    assert (village["test-pension"].in_force, village["test-pension"].paid_amount) == (1, D("5000.00"))
    outsider = {f.item.code: f for f in client_for(cast.outsider).get(ITEMS).context["figures"]}
    assert (outsider["test-pension"].in_force, outsider["test-pension"].paid_amount) == (0, 0)


def test_the_item_list_exports_the_same_figures(cast, client_for, world):
    client = client_for(cast.county_director)
    figures = client.get(ITEMS).context["figures"]
    sheet = load_workbook(io.BytesIO(client.get(ITEMS_EXPORT).content)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))[2:]
    assert [(row[0], row[4], row[5], cents(row[6])) for row in rows] == [
        (f.item.name, f.in_force, f.paid_persons, f.paid_amount) for f in figures]
    assert sheet.freeze_panes == "A3"


# --- queries ----------------------------------------------------------------------------------------------------

def test_the_ledger_costs_the_same_queries_whatever_its_size(cast, client_for, staff, standards,
                                                             django_assert_max_num_queries):
    client = client_for(cast.county_director)
    fmt = bank_format()
    for seq in range(1, 4):
        confirm(cast.village_worker, veteran_at(cast.village_worker, code=VILLAGE_CODE, seq=seq, name=f"甲{seq}"),
                standards, date(YEAR, 11, 1))
    run(staff, date(YEAR, 11, 1), fmt)
    counts = []
    for url in (LEDGER, EXPORT, ITEMS):
        with django_assert_max_num_queries(30) as few:
            client.get(url, {"year": YEAR})
        counts.append(len(few.captured_queries))
    for seq in range(4, 12):
        confirm(cast.village_worker, veteran_at(cast.village_worker, code=VILLAGE_CODE, seq=seq, name=f"乙{seq}"),
                standards, date(YEAR, 11, 1))
    run(staff, date(YEAR, 12, 1), fmt)
    for url, before in zip((LEDGER, EXPORT, ITEMS), counts, strict=True):
        with django_assert_max_num_queries(before):
            client.get(url, {"year": YEAR})


def test_names_a_spreadsheet_would_run_are_written_as_text(cast, client_for, world):
    from rongjia.core.models import OrgUnit
    from rongjia.people.models import Person

    Person.objects.filter(pk=world.wang.pk).update(name='=HYPERLINK("http://ev.il","x")')
    OrgUnit.objects.filter(pk=world.li.station_id).update(name="@SUM(1+1)")
    BenefitItem.objects.filter(pk=world.allowance.pk).update(name="-1+1")
    client = client_for(cast.county_director)
    for url, query in ((EXPORT, {"year": YEAR}), (ITEMS_EXPORT, {})):
        sheet = load_workbook(io.BytesIO(client.get(url, query).content)).worksheets[0]
        cells = [cell for row in sheet.iter_rows() for cell in row]
        assert not [c for c in cells if c.data_type == "f" or (isinstance(c.value, str) and c.value[:1] in "=+-@")]
    assert {"'-1+1"} <= {c.value for c in cells}
