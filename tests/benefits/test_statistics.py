"""Benefits statistics (benefits/statistics.py): the figures against the ledger's world counted by hand, each count
equal to the rows of the ledger it links to, scoping (a village sees its own, ?region outside the scope is 404)
and a query count that does not grow with the data."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from tests.factories import VILLAGE2_CODE, VILLAGE_CODE

from .test_ledger import OTHER_STREET_VILLAGE, YEAR, World, bank_format, confirm, run, veteran_at

pytestmark = pytest.mark.django_db

STATS = reverse("benefits:statistics")
HOME_STREET, OTHER_STREET = VILLAGE_CODE[:9], OTHER_STREET_VILLAGE[:9]
D = Decimal


@pytest.fixture
def world(cast, staff, standards):
    return World(cast, staff, standards)


def figures(context) -> dict:
    """{region prefix or "total": {"all" or item code: (people, amount)}}."""
    codes = [item.code for item in context["items"]]

    def row_figures(row):
        return {"all": (row.total.people, row.total.amount),
                **{code: (cell.people, cell.amount) for code, cell in zip(codes, row.cells, strict=True)}}

    return {"total": row_figures(context["total"]), **{row.prefix: row_figures(row) for row in context["rows"]}}


def test_the_county_by_street_and_item(cast, client_for, world):
    """The home street: 王建国 (pension ¥18,000, allowance ¥4,000) and 李卫东 (pension ¥9,000); the other street:
    赵国强 (pension ¥6,000)."""
    response = client_for(cast.county_director).get(STATS, {"year": YEAR})
    assert response.status_code == 200
    found = figures(response.context)
    assert found["total"] == {"all": (3, D("37000.00")), "test-pension": (3, D("33000.00")),
                              "test-allowance": (1, D("4000.00"))}
    assert found[HOME_STREET] == {"all": (2, D("31000.00")), "test-pension": (2, D("27000.00")),
                                  "test-allowance": (1, D("4000.00"))}
    assert found[OTHER_STREET] == {"all": (1, D("6000.00")), "test-pension": (1, D("6000.00")),
                                   "test-allowance": (0, D("0.00"))}
    assert all(people == 0 for prefix, row in found.items() if prefix not in ("total", HOME_STREET, OTHER_STREET)
               for people, _amount in row.values())


def test_by_month_a_period_counts_in_its_first_month(cast, client_for, world):
    months = {row.month: row for row in client_for(cast.county_director).get(STATS, {"year": YEAR}).context["months"]}
    assert (months[1].total.people, months[1].total.amount) == (1, D("4000.00"))  # the yearly allowance
    assert [(months[m].total.people, months[m].total.amount) for m in (9, 10, 11, 12)] == [
        (1, D("3000.00")), (2, D("8000.00")), (3, D("11000.00")), (3, D("11000.00"))]
    assert all(months[m].total.people == 0 for m in range(2, 9))


def test_each_count_is_the_number_of_ledger_rows_it_links_to(cast, client_for, world):
    client = client_for(cast.county_director)
    for region in ("", HOME_STREET):
        context = client.get(STATS, {"year": YEAR, "region": region}).context
        linked = 0
        for row in (context["total"], *context["rows"]):
            for cell, one_item in ((row.total, False), *((cell, True) for cell in row.cells)):
                if not cell.people:
                    assert cell.link is None
                    continue
                ledger = client.get(cell.link)
                assert ledger.status_code == 200
                totals = ledger.context["totals"]
                assert (totals.rows if one_item else totals.persons) == cell.people
                assert totals.total == cell.amount
                linked += 1
        assert linked >= 4


def test_a_street_opens_on_its_villages(cast, client_for, world):
    found = figures(client_for(cast.county_director).get(STATS, {"year": YEAR, "region": HOME_STREET}).context)
    assert found[VILLAGE_CODE]["all"] == (1, D("22000.00")) and found[VILLAGE2_CODE]["all"] == (1, D("9000.00"))


def test_a_village_sees_its_own_and_nothing_else(cast, client_for, world):
    client = client_for(cast.village_worker)
    context = client.get(STATS, {"year": YEAR}).context
    assert context["rows"] == [] and (context["total"].total.people, context["total"].total.amount) == (
        1, D("22000.00"))
    assert client.get(STATS, {"region": HOME_STREET}).status_code == 404  # above its own
    assert client.get(STATS, {"region": VILLAGE2_CODE}).status_code == 404  # a sibling


def test_the_outsider_sees_nothing_of_ours(cast, client_for, world):
    client = client_for(cast.outsider)
    assert client.get(STATS, {"region": "320115"}).status_code == 404
    context = client.get(STATS, {"year": YEAR}).context
    assert context["total"].total.people == 0 and context["total"].total.amount == 0
    assert client_for(cast.grid_worker).get(STATS).status_code == 403


def test_the_queries_do_not_grow_with_the_data(cast, client_for, staff, standards, django_assert_max_num_queries):
    client = client_for(cast.county_director)
    fmt = bank_format()
    confirm(cast.village_worker, veteran_at(cast.village_worker, code=VILLAGE_CODE, seq=1, name="甲"), standards,
            date(YEAR, 11, 1))
    run(staff, date(YEAR, 11, 1), fmt)
    with django_assert_max_num_queries(40) as few:
        client.get(STATS, {"year": YEAR})
    for seq, code in enumerate((VILLAGE_CODE, VILLAGE2_CODE, OTHER_STREET_VILLAGE) * 2, start=2):
        actor = {VILLAGE_CODE: cast.village_worker, VILLAGE2_CODE: cast.village2_worker}.get(code,
                                                                                           cast.county_director)
        confirm(actor, veteran_at(actor, code=code, seq=seq, name=f"乙{seq}"), standards, date(YEAR, 11, 1))
    run(staff, date(YEAR, 12, 1), fmt)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(STATS, {"year": YEAR})
    assert response.context["total"].total.people == 7
