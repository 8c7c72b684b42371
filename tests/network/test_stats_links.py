"""The network statistics lead somewhere: every count on /network/stats/ (cards and table cells) opens the list of
exactly the units or staff it counts, in the viewer's scope; a village's row opens its station and its people; the
list of staff in post keeps to the area; the page stays bounded in queries."""

import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rongjia.core.models import OrgUnit
from rongjia.demo.network_reference import load_network_reference
from rongjia.network.models import ChecklistEntry, ChecklistItem
from tests.factories import (
    OUTSIDER_COUNTY,
    STREET_CODE,
    VILLAGE2_CODE,
    VILLAGE_CODE,
    OrgUnitFactory,
    StaffMemberFactory,
    person_at,
    unit_at,
)
from tests.network.test_stats_and_standards import profile, staff, tick

COUNT_LINK = re.compile(r'<a (?:class="[^"]*" )?href="([^"]+)" data-count="(\w+)"[^>]*>(\d+)</a>')


@pytest.fixture
def network(cast):
    """Jiangning's 五有 and standards, with profiles, staff and 五有 entries in 汤山 and another street, one
    resident station ticked (it is not measured by the 五有), a mobile station, and three people at 古泉."""
    load_network_reference("320115")
    profile(VILLAGE_CODE, 50)
    profile(VILLAGE2_CODE, "49.9")
    profile(STREET_CODE, 100)
    staff(STREET_CODE, full_time=2, part_time=1, veterans=1)
    staff(VILLAGE_CODE, full_time=1, part_time=2, veterans=2, inactive=1)
    staff("320115001001", part_time=1)
    tick(VILLAGE_CODE, [1, 2, 3, 4, 5])
    tick(VILLAGE2_CODE, [1, 3, 4, 5])
    tick(STREET_CODE, [1, 2, 3, 4])
    tick("320115001001", [1, 2, 3, 4, 5])
    resident = OrgUnit.objects.get(name="汤山医院派驻站")
    items = ChecklistItem.objects.filter(kind="five_have", jurisdiction_code="320115")
    for item in items:
        ChecklistEntry.objects.create(unit=resident, item=item, met=True, evidence="evidence/2026/01/photo.png")
    StaffMemberFactory(unit=resident, employment="part_time", is_veteran=True)
    OrgUnitFactory(name="古泉流动服务站", kind=OrgUnit.Kind.MOBILE)  # at 古泉
    for n in range(3):
        person_at(cast.village_worker, name=f"古泉{n}", seq=700 + n)
    return cast


def listed(client, url: str) -> int:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.context["page"].paginator.count


def page_links(client, query: str = "") -> tuple[object, list[tuple[str, str, int]]]:
    """The page's context, and every count in its table that is a link: (href, what, number shown)."""
    response = client.get(f"/network/stats/{query}")
    assert response.status_code == 200
    found = [(html.unescape(href), what, int(n)) for href, what, n in COUNT_LINK.findall(response.content.decode())]
    return response.context, found


@pytest.mark.parametrize(("who", "query"), [("county_director", ""), ("county_director", "?region=320115003"),
                                            ("street_worker", ""), ("village_worker", "")])
def test_every_count_is_the_rows_of_the_list_it_opens(network, client_for, who, query):
    client = client_for(getattr(network, who))
    context, links = page_links(client, query)
    rows = 1 + len(context["lines"])
    items = len(context["five_have_items"])
    # units, below standard, each level, resident, mobile, each 五有 item and all five, full-time, part-time, veterans
    counts_per_row = 2 + len(context["levels"]) + 2 + items + (1 if items else 0) + 3
    assert len(links) == rows * counts_per_row, "a count on the page without its link"
    assert sum(n for _href, _what, n in links) > 0
    for href, what, number in links:
        assert listed(client, href) == number, f"{who}{query}: {what} {href}"
    total = context["total"]
    cards = {"units": total.row.units, "below_standard": total.row.below_standard,
             "five_have_all": total.five_have_all[0], "veterans": total.row.veterans}
    for key, number in cards.items():
        assert listed(client, total.links[key]) == number, key


def test_the_known_counts_and_the_resident_station_outside_the_five_haves(network, client_for):
    context, _links = page_links(client_for(network.street_worker))
    total = context["total"]
    # in 汤山: 古泉 all five, 高庄 all but the second, the street station the first four; the other street's
    # village (all five) is outside it, and the 派驻站's five are not counted
    assert total.five_have_all == (1, round(100 / sum(total.row.by_level.values())))
    assert total.row.five_have_each == {1: 3, 2: 2, 3: 3, 4: 3, 5: 2}
    assert (total.row.full_time, total.row.part_time, total.row.veterans) == (3, 4, 4)  # the 派驻站's part-timer too
    assert total.row.by_kind[OrgUnit.Kind.MOBILE] == 1 and total.row.by_kind[OrgUnit.Kind.RESIDENT] == 1
    assert "汤山医院派驻站" not in client_for(network.street_worker).get(
        total.links["five_have_all"]).content.decode()


def test_a_village_row_opens_its_station_and_its_people(network, client_for):
    client = client_for(network.county_director)
    context, _links = page_links(client, "?region=320115003")
    guquan = next(line for line in context["lines"] if line.row.code == VILLAGE_CODE)
    assert guquan.station_url == f"/stations/{unit_at(VILLAGE_CODE).pk}/"
    assert client.get(guquan.station_url).context["unit"] == unit_at(VILLAGE_CODE)
    assert listed(client, guquan.people_url) == 3
    body = client.get("/network/stats/?region=320115003").content.decode()
    assert f'href="{guquan.station_url}" data-link="station"' in body
    own = page_links(client_for(network.village_worker))[0]["total"]  # the village's own page: the same two links
    assert own.station_url == guquan.station_url and listed(client, own.people_url) == 3
    assert all(not line.station_url for line in page_links(client)[0]["lines"])  # streets have no such link


def test_a_link_never_leaves_the_scope(network, client_for, cast):
    village = client_for(cast.village_worker)
    for url in ("/network/stats/staff/?region=320115", f"/network/stats/staff/?region={VILLAGE2_CODE}",
                f"/network/stats/staff/?region={OUTSIDER_COUNTY}", "/network/stats/staff/?region=abc",
                f"/stations/?region={OUTSIDER_COUNTY}&kind=main&level=county",
                f"/stations/?region={VILLAGE2_CODE}&five_have=met-1"):
        assert village.get(url).status_code == 404, url
    outsider = client_for(cast.outsider)
    assert listed(outsider, "/network/stats/staff/") == 0  # nobody on the outsider county's staff here
    assert client_for(cast.security_admin).get("/network/stats/staff/").status_code == 403
    names = {m.name for m in village.get("/network/stats/staff/").context["page"].object_list}
    assert len(names) == 3  # 古泉's three in post; the one who left and 汤山's others are not listed


def test_bad_list_filters_are_dropped_and_change_nothing(network, client_for):
    client = client_for(network.street_worker)
    everything = listed(client, "/network/stats/staff/")
    assert everything == 3 + 3 + 1  # the street station's, 古泉's and the 派驻站's
    assert listed(client, "/network/stats/staff/?employment=boss&veteran=maybe") == everything
    units = listed(client, "/stations/")
    assert listed(client, "/stations/?kind=nonsense&five_have=met-9") == units
    page = client.get("/stations/?five_have=met-2").content.decode()
    assert "已达到：有编制" in page  # the new choice reads the viewer's own 五有 wording


def test_the_pages_stay_bounded(network, client_for, django_assert_max_num_queries):
    client = client_for(network.county_director)
    client.get("/network/stats/?region=320115003")
    with django_assert_max_num_queries(24):  # the villages' stations in one query, not one per row
        assert client.get("/network/stats/?region=320115003").status_code == 200
    with CaptureQueriesContext(connection) as few:
        assert listed(client, "/network/stats/staff/?region=320115003") == 7
    for n in range(30):
        StaffMemberFactory(unit=unit_at(VILLAGE2_CODE), name=f"多{n}")
    with CaptureQueriesContext(connection) as many:
        assert listed(client, "/network/stats/staff/?region=320115003") == 37
    assert len(many) == len(few) <= 14  # nothing per row
