"""The statistics lead somewhere: every card and every cell of /statistics/ opens the list of exactly the rows it
counts (people by status, open and overdue petitions, the changes on the books and the petitions received in the
period), for a county director, a drill-down and a village worker; a village opens its station and its people; no
link leaves the viewer's scope; the list of changes refuses bad filters and stays bounded."""

import html
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from rongjia.insights.stats import refresh_stats
from rongjia.people.books.services import status_change_record
from rongjia.people.models import Person, StatusChange
from rongjia.petitions.models import Petition
from rongjia.petitions.services import petition_register
from tests.factories import HOME_COUNTY, OUTSIDER_COUNTY, STREET_CODE, VILLAGE2_CODE, VILLAGE_CODE, person_at, unit_at

URL = "/statistics/"
CARD = re.compile(r'<a class="card card-link" href="([^"]+)" data-kpi="card-(\d+)">.*?data-testid="total-\2">(\d+)<',
                  re.S)
CELL = re.compile(r'<a href="([^"]+)" data-count="\d+">(\d+)</a>')
TODAY = timezone.localdate()


def lodge(actor, code, subject, *, days_ago=0, overdue=False):
    petition = petition_register(actor=actor, unit=unit_at(code), channel="visit", type="claim", category="housing",
                                 subject=subject, petitioners=[{"name": subject[:2]}],
                                 registered_on=TODAY - timedelta(days=days_ago))
    due = TODAY + timedelta(days=-1 if overdue else 30)  # whatever the days since registration
    Petition.objects.filter(pk=petition.pk).update(due_on=due)
    return petition


@pytest.fixture
def county(cast):
    """People at 古泉, 高庄 and the street, one lost and one moved out (one of them 40 days ago), petitions at the
    villages, the street and the county centre (one overdue, one 40 days old), and the outsider county's own."""
    guquan = [person_at(cast.village_worker, name=f"古泉{n}", seq=800 + n) for n in range(4)]
    person_at(cast.village2_worker, code=VILLAGE2_CODE, name="高庄甲", seq=810)
    person_at(cast.street_worker, code=STREET_CODE, name="街道甲", seq=811)
    person_at(cast.outsider, code=OUTSIDER_COUNTY + "000000", name="外县张三", seq=812, birth="19700101")
    status_change_record(actor=cast.village_worker, person=guquan[0], kind="lost", day=TODAY, reason="电话停机")
    # 古泉1 came onto the books 50 days ago (the line dated so, as a ledger entered late would be) and left 40 days ago
    StatusChange.objects.filter(person=guquan[1]).update(date=TODAY - timedelta(days=50))
    status_change_record(actor=cast.village_worker, person=guquan[1], kind="move_out",
                         day=TODAY - timedelta(days=40), reason="迁往外省")
    lodge(cast.village_worker, VILLAGE_CODE, "古泉逾期事项", overdue=True, days_ago=10)
    lodge(cast.village2_worker, VILLAGE2_CODE, "高庄事项", days_ago=40)
    lodge(cast.street_worker, STREET_CODE, "街道事项")
    lodge(cast.county_director, HOME_COUNTY + "000000", "县中心事项", overdue=True)
    lodge(cast.outsider, OUTSIDER_COUNTY + "000000", "外县信访事项", overdue=True)
    refresh_stats()
    return cast


def listed(client, url: str) -> int:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.context["page"].paginator.count


def links_on(client, query: str = "") -> tuple[object, list[tuple[str, int]]]:
    """The dashboard, and every figure on it that is a link: (href, the number shown)."""
    response = client.get(URL + query)
    assert response.status_code == 200
    body = response.content.decode()
    cards = [(html.unescape(href), int(n)) for href, _i, n in CARD.findall(body)]
    cells = [(html.unescape(href), int(n)) for href, n in CELL.findall(body)]
    return response.context["board"], cards + cells


@pytest.mark.parametrize(("who", "query"), [
    ("county_director", ""), ("county_director", "?period=30d"), ("county_director", "?region=320115003"),
    ("county_director", "?region=320115003&period=12m"), ("street_worker", ""), ("village_worker", ""),
    ("grid_worker", "")])  # reads no petitions: the people's figures only
def test_every_figure_is_the_rows_of_the_list_it_opens(county, client_for, who, query):
    client = client_for(getattr(county, who))
    board, links = links_on(client, query)
    columns = len(board.headings)
    assert len(links) == columns * (1 + (1 + len(board.children) if board.children else 0)), "a figure without a link"
    assert sum(n for _href, n in links) > 0
    for href, number in links:
        assert listed(client, href) == number, f"{who}{query}: {href}"


def test_the_figures_by_hand(county, client_for):
    board, _links = links_on(client_for(county.county_director), "?period=12m")  # the move of 40 days ago in it
    figures = dict(zip([m for m, _l in board.stocks + board.flows], board.total, strict=True))
    # on the books: 古泉 two (one lost, one moved out), 高庄 one, the street one; the outsider's not
    assert figures["people.active"] == 4 and figures["people.lost"] == 1
    assert figures["petitions.open"] == 4 and figures["petitions.overdue"] == 2
    assert figures["people.new"] == 6 and figures["people.move_out"] == 1 and figures["petitions.received"] == 4
    last_month, _links = links_on(client_for(county.county_director), "?period=30d")
    flows = dict(zip([m for m, _l in last_month.flows], last_month.cells(last_month.own)[len(last_month.stocks):],
                     strict=True))
    assert flows["people.move_out"] == 0 and flows["petitions.received"] == 3  # 40 days ago: outside the 30 days
    assert flows["people.new"] == 5


def test_a_village_opens_its_station_and_its_people(county, client_for):
    client = client_for(county.county_director)
    board, _links = links_on(client, "?region=320115003")
    guquan = next(line for line in board.children if line.code == VILLAGE_CODE)
    assert guquan.station_url == f"/stations/{unit_at(VILLAGE_CODE).pk}/"
    assert listed(client, guquan.people_url) == 4  # every status: the lost and the moved-out one too
    page = client.get(URL, {"region": "320115003"}).content.decode()
    assert f'href="{guquan.station_url}" data-link="station"' in page
    village = client_for(county.village_worker)
    own = village.get(URL).content.decode()
    assert f'href="{guquan.station_url}" data-link="station"' in own
    assert village.get(guquan.station_url).status_code == 200
    assert all(not line.people_url for line in links_on(client)[0].children)  # streets: no such links


def test_no_link_leaves_the_scope(county, client_for):
    village = client_for(county.village_worker)
    for url in (f"/statistics/changes/?region={HOME_COUNTY}", f"/statistics/changes/?region={VILLAGE2_CODE}",
                f"/statistics/changes/?region={OUTSIDER_COUNTY}", f"/people/?region={OUTSIDER_COUNTY}&status=active"):
        assert village.get(url).status_code == 404, url
    director = client_for(county.county_director)
    for query in (f"region={OUTSIDER_COUNTY}&state=open", f"registered_in={OUTSIDER_COUNTY}",
                  f"region={OUTSIDER_COUNTY}000000&due=overdue"):
        response = director.get(f"/petitions/?{query}")
        assert "外县信访事项" not in response.content.decode(), query
        assert response.context["form"].errors, query  # refused and said so, not applied
    assert "外县张三" not in director.get("/statistics/changes/").content.decode()
    assert client_for(county.security_admin).get("/statistics/changes/").status_code in (403, 404)


def test_the_changes_list_refuses_bad_filters_and_changes_nothing(county, client_for):
    client = client_for(county.county_director)
    everything = listed(client, "/statistics/changes/")
    assert everything == 8  # six registrations, one lost, one moved out
    response = client.get("/statistics/changes/?kind=wedding&since=yesterday&region=32x")
    assert response.context["page"].paginator.count == everything
    errors = response.context["form"].errors
    assert set(errors) == {"kind", "since", "region"}
    assert "区划代码只能包含数字" in response.content.decode() and "已忽略" in response.content.decode()
    backwards = client.get(f"/statistics/changes/?kind=lost&since={TODAY}&until={TODAY - timedelta(days=1)}")
    assert "截止日期早于起始日期" in backwards.content.decode()
    assert backwards.context["page"].paginator.count == 1  # the lost one, since today; the bad end left out
    moved = client.get("/statistics/changes/?kind=move_out").content.decode()
    dossier = Person.objects.get(name="古泉1").pk
    assert f'href="/people/{dossier}/">古泉1</a>' in moved  # its dossier stays at 古泉 (moved out of the system)


def test_the_pages_stay_bounded(county, client_for, django_assert_max_num_queries):
    client = client_for(county.county_director)
    client.get(URL, {"region": "320115003"})
    with django_assert_max_num_queries(24):  # the villages' stations in one query, not one per row
        assert client.get(URL, {"region": "320115003"}).status_code == 200
    with CaptureQueriesContext(connection) as few:
        listed(client, "/statistics/changes/?kind=new")
    for n in range(20):
        person_at(county.village_worker, name=f"新{n}", seq=850 + n)
    with CaptureQueriesContext(connection) as many:
        assert listed(client, "/statistics/changes/?kind=new") == 26
    assert len(many) == len(few) <= 14  # nothing per row
