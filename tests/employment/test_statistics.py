"""Employment statistics by region: hand-computed figures for a small world, every count equal to the rows of the
list it links to, and the employment rate of those discharged in the last 365 days against the ledger rows it is
computed from."""

import pytest

from rongjia.employment import ledger
from rongjia.employment.models import Seeker
from tests.employment import world
from tests.factories import HOME_COUNTY, STREET_CODE, VILLAGE2_CODE, VILLAGE_CODE

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(cast, posting, seeker, sibling_seeker, outsider_seeker, today):
    return world.build(cast, posting, seeker, sibling_seeker, outsider_seeker, today)


def stats(client, query=""):
    response = client.get(f"/employment/statistics/?{query}")
    assert response.status_code == 200
    return response.context


def listed(client, url) -> int:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.context["page"].paginator.count


def test_the_figures_by_hand(cast, people, client_for):
    county = stats(client_for(cast.county_director))
    # seekers: 李强 赵六 钱七 周九 赵磊; recent (≤ 365 days): 李强 100, 赵六 200, 周九 30, 赵磊 50 — 钱七 left three
    # years ago, 孙涛 is the outsider county's; in work or a business: 李强 (hired), 周九 (his farm)
    assert county["total"].counts == {"seekers": 5, "placed": 1, "recent": 4, "employed": 2, "trained": 1,
                                      "businesses": 2}
    assert county["total"].rate == 50.0
    street = [row for row in county["rows"] if row.prefix == STREET_CODE[:9]]
    assert len(street) == 1 and street[0].counts == county["total"].counts
    assert all(row.counts == dict.fromkeys(row.counts, 0) for row in county["rows"] if row.prefix != STREET_CODE[:9])
    village = stats(client_for(cast.village_worker))
    assert village["total"].counts == {"seekers": 4, "placed": 1, "recent": 3, "employed": 2, "trained": 1,
                                       "businesses": 2}
    assert village["total"].rate == 66.7 and village["rows"] == []
    drilled = stats(client_for(cast.county_director), f"region={STREET_CODE[:9]}")
    by_code = {row.prefix: row for row in drilled["rows"]}
    assert by_code[VILLAGE_CODE].counts == village["total"].counts
    assert by_code[VILLAGE2_CODE].counts == {"seekers": 1, "placed": 0, "recent": 1, "employed": 0, "trained": 0,
                                             "businesses": 0}
    assert by_code[VILLAGE2_CODE].rate == 0.0
    assert stats(client_for(cast.outsider))["total"].counts["seekers"] == 1
    last_year = stats(client_for(cast.county_director), f"year={people['shop'].registered_on.year - 1}")
    assert last_year["total"].counts["businesses"] == last_year["total"].counts["placed"] == 0


def test_every_count_is_the_rows_of_the_list_it_opens(cast, people, client_for):
    for user, query in ((cast.county_director, ""), (cast.county_director, f"region={STREET_CODE[:9]}"),
                        (cast.village_worker, ""), (cast.village2_worker, "")):
        client = client_for(user)
        context = stats(client, query)
        for row in (context["total"], *context["rows"]):
            for figure, count in row.counts.items():
                assert listed(client, row.links[figure]) == count, (user, row.prefix, figure)


def test_the_employment_rate_is_the_listed_rows(cast, people, client_for):
    client = client_for(cast.county_director)
    total = stats(client)["total"]
    recent = client.get(total.links["recent"]).context["rows"]
    employed = client.get(total.links["employed"]).context["rows"]
    assert sorted(r.cells[1] for r in recent) == sorted(["李强", "赵六", "周九", "赵磊"])
    assert sorted(r.cells[1] for r in employed) == sorted(["李强", "周九"])
    # the 就业意愿 column of the recent rows says who is in work or running a business
    working = {str(label) for value, label in Seeker.Status.choices if value in Seeker.EMPLOYED}
    in_work = [r for r in recent if r.cells[6].split("：")[0] in working]
    assert {r.person_id for r in in_work} == {r.person_id for r in employed}
    assert total.rate == round(100 * len(in_work) / len(recent), 1) == 50.0
    page = client.get("/employment/statistics/").content.decode()
    assert "50.0%" in page
    assert ledger.headers()[6]


def test_a_region_outside_is_404_and_the_page_is_bounded(cast, people, client_for, django_assert_max_num_queries):
    assert client_for(cast.village_worker).get(f"/employment/statistics/?region={HOME_COUNTY}").status_code == 404
    assert client_for(cast.outsider).get(f"/employment/statistics/?region={HOME_COUNTY}").status_code == 404
    assert client_for(cast.grid_worker).get("/employment/statistics/").status_code == 403
    client = client_for(cast.county_director)
    client.get("/employment/statistics/")
    with django_assert_max_num_queries(25):
        assert client.get("/employment/statistics/?year=2019").status_code == 200
