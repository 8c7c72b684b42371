"""The statistics page: each viewer sees their own region and the regions below; outsiders get 404."""

from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from rongjia.insights.jobs import refresh_if_stale
from rongjia.insights.models import StatsRefresh
from rongjia.insights.stats import refresh_stats
from tests.factories import VILLAGE_CODE, person_at

URL = reverse("insights:dashboard")


@pytest.fixture
def with_people(cast):
    for n in range(3):
        person_at(cast.village_worker, name=f"张{n}", seq=600 + n)
    refresh_stats()
    return cast


def test_the_county_sees_its_townships_and_the_total(with_people, client_for, django_assert_max_num_queries):
    client = client_for(with_people.county_director)
    with django_assert_max_num_queries(24):  # the same at every level and size: nothing per row
        response = client.get(URL)
    assert response.status_code == 200
    board = response.context["board"]
    assert board.region.code == "320115000000" and board.own.stocks["people.active"] == 3
    street = next(line for line in board.children if line.code == VILLAGE_CODE[:9] + "000")
    assert street.stocks["people.active"] == 3 and street.flows["people.new"] == 3
    assert "汤山街道" in response.content.decode()
    assert board.flows[-1][0] == "petitions.received"  # a director reads petitions


def test_a_drill_down_and_the_village_level(with_people, client_for):
    client = client_for(with_people.county_director)
    response = client.get(URL, {"region": VILLAGE_CODE[:9], "period": "30d"})
    board = response.context["board"]
    assert board.period == "30d" and [name for name, _p in board.lineage][0] == "江宁区"
    assert any(line.code == VILLAGE_CODE and line.stocks["people.active"] == 3 for line in board.children)
    village = client_for(with_people.village_worker).get(URL).context["board"]
    assert village.region.code == VILLAGE_CODE and village.children == [] and village.total[0] == 3


def test_outside_the_scope_or_nonsense_is_404(with_people, client_for):
    village = client_for(with_people.village_worker)
    assert village.get(URL, {"region": "320115"}).status_code == 404  # above the viewer
    outsider = client_for(with_people.outsider)
    assert outsider.get(URL, {"region": "320115"}).status_code == 404
    assert outsider.get(URL, {"region": "3201149"}).status_code == 404  # no level has 7 digits
    assert outsider.get(URL, {"region": "32011499"}).status_code == 404
    county = client_for(with_people.county_director)
    assert county.get(URL, {"region": "320115x"}).status_code == 404
    assert county.get(URL, {"period": "ever"}).context["board"].period == "year"  # unknown: the default


def test_who_may_open_it(with_people, client_for):
    assert client_for(with_people.security_admin).get(URL).status_code in (403, 404)
    assert client_for(with_people.leader).get(URL).status_code == 200


def test_the_export_is_the_table(with_people, client_for):
    response = client_for(with_people.county_director).get(reverse("insights:dashboard_export"), {"period": "12m"})
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.values)
    assert rows[0][:3] == ("行政区划", "代码", "在册")
    assert rows[1][:3] == ("江宁区", "320115", 3)
    assert len(rows) > 10  # the county and each of its townships


def test_a_stale_dashboard_queues_one_refresh(with_people, settings, django_capture_on_commit_callbacks):
    StatsRefresh.objects.update(finished_at=None)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        refresh_if_stale()
        refresh_if_stale()  # a second dashboard at the same moment: already queued
    assert len(callbacks) == 1
    assert StatsRefresh.objects.get().finished_at is not None  # the immediate backend ran it
