"""The petition dashboard leads somewhere: the on-time figures of each reply stage open the petitions they count;
the list's filters the statistics link with (every open state, the region handled in, the region and days of
registration, the replies against a deadline) select exactly their rows, refuse a region outside the area and
bad values with a message and change nothing; the units' table puts 逾期 right after the unit."""

import re
from datetime import timedelta

import pytest

from rongjia.petitions.models import Petition, PetitionReply
from tests.factories import HOME_COUNTY, OUTSIDER_COUNTY, STREET_CODE, VILLAGE2_CODE, VILLAGE_CODE, unit_at
from tests.petitions import test_desk
from tests.petitions.test_desk import TODAY, _dashboard_links, count, rows

desk = test_desk.desk  # the desk's petitions in several states (a fixture), here too


def reply(petition, stage, *, late=False):
    """A reply given against its deadline: on the day it was due, or a day after it."""
    due = TODAY - timedelta(days=3)
    PetitionReply.objects.create(petition=petition, stage=stage, unit=petition.unit, outcome="explain", text="答复意见",
                                 replied_on=due + timedelta(days=1 if late else 0), due_on=due)


@pytest.fixture
def replies(desk):
    reply(desk["replied"], "answer")
    reply(desk["closed"], "answer", late=True)
    reply(desk["closed"], "review")
    reply(desk["other_street"], "answer")
    PetitionReply.objects.create(petition=desk["assigned"], stage="answer", unit=desk["assigned"].unit,
                                 outcome="support", text="未计期限的答复", replied_on=TODAY)  # no deadline: not timed
    return desk


@pytest.mark.parametrize("who", ["county_director", "street_worker"])
def test_each_stage_s_figures_open_the_petitions_they_count(cast, client_for, replies, who):
    client = client_for(getattr(cast, who))
    links = _dashboard_links(client)
    stages = [(n, url) for n, url in links if "answered=" in url]
    assert len(stages) == 6
    for number, url in links:
        assert number == count(client, url), f"{who}: {url}"
    expected = {"county_director": {"answer": 3, "answer-on-time": 2, "review": 1, "review-on-time": 1},
                "street_worker": {"answer": 2, "answer-on-time": 1, "review": 1, "review-on-time": 1}}[who]
    shown = {url.split("answered=")[1]: n for n, url in stages}
    assert {key: shown[key] for key in expected} == expected and shown["recheck"] == 0


def test_the_filters_the_statistics_link_with(cast, client_for, desk):
    client = client_for(cast.county_director)
    open_ones = set(rows(client, "/petitions/?state=open"))
    assert open_ones == {p.pk for key, p in desk.items() if key not in ("replied", "closed", "outside")}
    assert set(rows(client, f"/petitions/?region={VILLAGE2_CODE}")) == {desk["assigned"].pk, desk["replied"].pk}
    assert set(rows(client, f"/petitions/?region={STREET_CODE[:9]}&due=overdue")) == {desk["late"].pk}
    assert set(rows(client, f"/petitions/?registered_in={HOME_COUNTY}001")) == {desk["other_street"].pk}
    week = f"registered_from={TODAY - timedelta(days=7)}&registered_to={TODAY}"
    assert set(rows(client, f"/petitions/?{week}")) == {
        p.pk for key, p in desk.items() if key not in ("late", "soon", "assigned", "outside")}
    assert set(rows(client, f"/petitions/?registered_to={TODAY - timedelta(days=25)}")) == {desk["late"].pk}


def test_registered_in_counts_the_registering_unit_not_the_one_handling_it(cast, client_for, desk):
    """Referred on to 高庄, a petition registered at 古泉 stays received at 古泉 (as the statistics count it)."""
    Petition.objects.filter(pk=desk["soon"].pk).update(unit=unit_at(VILLAGE2_CODE), region_code=VILLAGE2_CODE)
    client = client_for(cast.county_director)
    assert desk["soon"].pk in rows(client, f"/petitions/?registered_in={VILLAGE_CODE}")
    assert desk["soon"].pk not in rows(client, f"/petitions/?region={VILLAGE_CODE}")
    assert desk["soon"].pk in rows(client, f"/petitions/?region={VILLAGE2_CODE}")


@pytest.mark.parametrize("bogus", [f"region={OUTSIDER_COUNTY}", f"registered_in={OUTSIDER_COUNTY}000000",
                                   "region=320", f"region={HOME_COUNTY}x", "registered_from=yesterday",
                                   "registered_to=2026-13-01", "answered=never", "state=opened"])
def test_a_bad_or_outside_filter_is_refused_said_and_changes_nothing(cast, client_for, desk, bogus):
    client = client_for(cast.county_director)
    everything = count(client, "/petitions/")
    response = client.get(f"/petitions/?{bogus}")
    assert response.status_code == 200 and response.context["page"].paginator.count == everything
    assert "外县事项" not in response.content.decode()
    field = bogus.split("=")[0]
    assert response.context["form"].errors[field], bogus
    assert "已忽略" in response.content.decode()
    street = client_for(cast.street_worker)  # above the viewer's own area is outside it too
    assert street.get(f"/petitions/?region={HOME_COUNTY}").context["form"].errors["region"]


def test_the_units_table_puts_overdue_first_and_keeps_the_unit_in_view(cast, client_for, desk):
    page = client_for(cast.county_director).get("/petitions/dashboard").content.decode()
    table = page[page.index("table-sticky-first"):]
    headings = re.findall(r'<th scope="col">([^<]+)</th>', table[:table.index("</thead>")])
    assert headings[:3] == ["所属单位", "逾期", "信访"]
    first_row = table[table.index("<tbody>"):]
    assert first_row.index('<th scope="row"') < first_row.index('data-kpi="unit-overdue-')
