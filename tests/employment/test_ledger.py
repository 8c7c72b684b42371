"""The 就业创业台账: one row per person with a seeker profile or a business, as the viewer may see them; the page,
the printout and the export made by the same function (compared cell by cell); no ID number and no birth date."""

from io import BytesIO

import pytest
from auditlog.models import LogEntry
from openpyxl import load_workbook

from rongjia.employment import ledger
from tests.employment import world
from tests.factories import HOME_COUNTY, STREET_CODE, VILLAGE2_CODE, VILLAGE_CODE

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(cast, posting, seeker, sibling_seeker, outsider_seeker, today):
    return world.build(cast, posting, seeker, sibling_seeker, outsider_seeker, today)


def page_rows(client, query=""):
    response = client.get(f"/employment/ledger/?{query}")
    assert response.status_code == 200
    return response, [row.cells for row in response.context["rows"]]


def sheet_rows(client, query=""):
    response = client.get(f"/employment/ledger/export.xlsx?{query}")
    assert response.status_code == 200
    values = [list(row) for row in load_workbook(BytesIO(response.content)).active.values]
    return values[0], values[1:]


def names(rows) -> list[str]:
    return [cells[1] for cells in rows]


def test_one_row_per_person_with_a_profile_or_a_business_in_the_viewers_area(cast, people, client_for):
    county = client_for(cast.county_director)
    assert sorted(names(page_rows(county)[1])) == sorted(["李强", "赵六", "钱七", "孙八", "周九", "赵磊"])
    assert sorted(names(page_rows(client_for(cast.village_worker))[1])) == sorted(["李强", "赵六", "钱七", "孙八",
                                                                                  "周九"])
    assert names(page_rows(client_for(cast.village2_worker))[1]) == ["赵磊"]
    assert names(page_rows(client_for(cast.outsider))[1]) == ["孙涛"]
    assert names(page_rows(county, f"region={VILLAGE2_CODE}")[1]) == ["赵磊"]
    assert len(page_rows(county, f"region={STREET_CODE[:9]}")[1]) == 6
    assert sorted(names(page_rows(county, "show=businesses")[1])) == sorted(["孙八", "周九"])
    assert names(page_rows(county, "q=钱")[1]) == ["钱七"]
    assert sorted(names(page_rows(county, "status=bogus&placed=x")[1])) == sorted(names(page_rows(county)[1]))
    # a region outside the viewer's area, or above it, is 404; a role without employment.view is 403
    assert client_for(cast.village_worker).get(f"/employment/ledger/?region={VILLAGE2_CODE}").status_code == 404
    assert client_for(cast.village_worker).get(f"/employment/ledger/?region={HOME_COUNTY}").status_code == 404
    assert client_for(cast.outsider).get(f"/employment/ledger/?region={HOME_COUNTY}").status_code == 404
    assert client_for(cast.grid_worker).get("/employment/ledger/").status_code == 403


def test_a_rows_cells_say_what_the_station_knows(cast, people, client_for, today):
    rows = {cells[1]: cells for cells in page_rows(client_for(cast.village_worker))[1]}
    headers = ledger.headers()
    li = dict(zip(headers, rows["李强"], strict=True))
    assert li[headers[0]] == people["li"].station.name and li[headers[2]] == people["li"].person.get_sex_display()
    assert li[headers[3]] == ledger.age_on(people["li"].person.birth_date, today)
    assert li[headers[4]] == (today - __import__("datetime").timedelta(days=100)).isoformat()
    people["li"].refresh_from_db()
    assert li[headers[6]] == people["li"].get_status_display()  # placed by the hire; no work named
    assert "汽车驾驶" in li[headers[7]]
    assert li[headers[8]].startswith("1") and "货车司机" in li[headers[8]] and "江宁物流有限公司" in li[headers[8]]
    assert "江宁物流有限公司" in li[headers[9]] and today.isoformat() in li[headers[9]]
    qian = rows["钱七"]
    assert "叉车培训" in qian[10] and "叉车证" in qian[7]
    sun = rows["孙八"]
    assert sun[6] == "—" and "孙八便利店" in sun[11] and "创业担保贷款" in sun[11]
    assert rows["周九"][11].startswith("周九农场")


def test_the_page_and_the_export_are_the_same_cells(cast, people, client_for):
    for user, query in ((cast.county_director, ""), (cast.village_worker, "status=seeking"),
                        (cast.county_director, f"region={VILLAGE_CODE}&show=seekers")):
        client = client_for(user)
        response, page = page_rows(client, query)
        headers, sheet = sheet_rows(client, query)
        assert headers == ledger.headers() == [str(h) for h in response.context["headers"]]
        assert sheet == page and page
    printed = client_for(cast.county_director).get("/employment/ledger/?print=1")
    assert printed.status_code == 200 and "@media print" in printed.content.decode()
    assert [row.cells for row in printed.context["rows"]] == page_rows(client_for(cast.county_director))[1]


def test_no_id_number_or_birth_date_leaves_in_any_form(cast, people, client_for):
    client = client_for(cast.county_director)
    id_number = people["li"].person.id_number
    birth = people["li"].person.birth_date
    for url in ("/employment/ledger/", "/employment/ledger/?print=1"):
        text = client.get(url).content.decode()
        assert id_number not in text and id_number[:14] not in text and birth.isoformat() not in text
    _headers, sheet = sheet_rows(client)
    flat = " ".join(str(cell) for row in sheet for cell in row)
    assert id_number not in flat and id_number[:14] not in flat and birth.isoformat() not in flat


def test_the_export_is_audited_with_its_filters(cast, people, client_for):
    client = client_for(cast.village_worker)
    sheet_rows(client, "status=seeking")
    entry = LogEntry.objects.filter(action=LogEntry.Action.ACCESS, additional_data__what="export").get()
    assert entry.actor == cast.village_worker and entry.additional_data["rows"] == 2  # 赵六, 钱七
    assert "status=seeking" in entry.additional_data["filters"]
    sheet_rows(client, "q=13800138000")  # a phone typed into the name box by mistake is not kept in the log
    logged = LogEntry.objects.filter(action=LogEntry.Action.ACCESS, actor=cast.village_worker)
    assert logged.count() == 2 and all("13800138000" not in str(e.additional_data) for e in logged)


def test_the_ledger_takes_a_bounded_number_of_queries(cast, people, client_for, django_assert_max_num_queries):
    client = client_for(cast.county_director)
    client.get("/employment/ledger/")
    with django_assert_max_num_queries(25):
        assert client.get("/employment/ledger/").status_code == 200
    with django_assert_max_num_queries(25):
        assert client.get("/employment/ledger/export.xlsx").status_code == 200
