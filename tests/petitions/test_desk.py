"""The petition desk: the list's filters (validated, scoped), sorting and pages; every dashboard KPI a link to
the list it counts; the unit ranking; warnings read live from the deadlines; the xlsx exports."""

import io
import re
from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.utils import timezone
from openpyxl import load_workbook

from rongjia.core import contributions
from rongjia.petitions.backlog.services import backlog_assign
from rongjia.petitions.mailbox.services import feedback_submit
from rongjia.petitions.models import Petition
from rongjia.petitions.selectors_stats import petition_dashboard
from rongjia.petitions.services import petition_register
from tests.factories import HOME_COUNTY, OUTSIDER_COUNTY, STREET_CODE, VILLAGE2_CODE, VILLAGE_CODE, UserFactory, unit_at

TODAY = timezone.localdate()
OTHER_STREET = HOME_COUNTY + "001000"  # another street of the county: outside the street worker's area


def lodge(actor, subject, *, code=VILLAGE_CODE, names=("信访人",), due=None, state=None, channel="visit",
          category="housing", days_ago=0):
    petition = petition_register(actor=actor, unit=unit_at(code), channel=channel, type="claim", category=category,
                                 subject=subject, petitioners=[{"name": n} for n in names],
                                 registered_on=TODAY - timedelta(days=days_ago))
    changes = {"due_on": TODAY + timedelta(days=due) if due is not None else None} if due is not None or state else {}
    if state:
        changes["state"] = state
    if changes:
        Petition.objects.filter(pk=petition.pk).update(**changes)
    return petition


@pytest.fixture
def desk(cast):
    """Petitions in several states at the village, its neighbour and the street, and one outside."""
    v, v2, s = cast.village_worker, cast.village2_worker, cast.street_worker
    made = {
        "late": lodge(v, "逾期事项", names=("甲",), due=-2, days_ago=30),
        "soon": lodge(v, "将到期事项", names=("乙",), due=3, state="accepted", channel="letter", days_ago=20),
        "assigned": lodge(v2, "交办事项", code=VILLAGE2_CODE, names=("丙",), due=40, state="assigned", days_ago=10),
        "replied": lodge(v2, "已答复事项", code=VILLAGE2_CODE, names=("丁",), state="replied", category="medical"),
        "closed": lodge(s, "已办结事项", code=STREET_CODE, names=("戊",), state="closed", days_ago=5),
        "crowd": lodge(s, "集体访事项", code=STREET_CODE, names=("一", "二", "三", "四", "五"), due=12),
    }
    for n in range(3):  # the same subject at the same unit: two repeats, the third a 积案
        made[f"again{n}"] = lodge(v, "反复信访事项", names=(f"复{n}",), due=25, days_ago=3 - n)
    backlog_assign(actor=cast.county_director, petition=made["late"], leader_name="包案领导甲", plan="计划")
    made["outside"] = lodge(cast.outsider, "外县事项", code=f"{OUTSIDER_COUNTY}000000", due=-4)
    made["other_street"] = lodge(cast.county_director, "另一街道事项", code=OTHER_STREET, names=("庚",), due=-1)
    return made


def rows(client, url) -> list[int]:
    response = client.get(url)
    assert response.status_code == 200, url
    return [p.pk for p in response.context["page"].paginator.object_list]


def count(client, url) -> int:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.context["page"].paginator.count


def test_each_filter_of_the_list(cast, client_for, desk):
    client = client_for(cast.county_director)
    assert set(rows(client, "/petitions/?due=overdue")) == {desk["late"].pk, desk["other_street"].pk}
    assert set(rows(client, "/petitions/?due=soon")) == {desk["soon"].pk}
    assert set(rows(client, "/petitions/?state=replied")) == {desk["replied"].pk}
    assert set(rows(client, "/petitions/?channel=letter")) == {desk["soon"].pk}
    assert set(rows(client, "/petitions/?category=medical")) == {desk["replied"].pk}
    assert set(rows(client, "/petitions/?backlog=1")) == {desk["late"].pk, desk["again2"].pk,
                                                          desk["other_street"].pk}
    assert set(rows(client, "/petitions/?backlog=unassigned")) == {desk["again2"].pk, desk["other_street"].pk}
    assert set(rows(client, "/petitions/?collective=1")) == {desk["crowd"].pk}
    assert set(rows(client, "/petitions/?repeat=1")) == {desk["again1"].pk, desk["again2"].pk}
    assert set(rows(client, f"/petitions/?unit={unit_at(VILLAGE2_CODE).pk}")) == {desk["assigned"].pk,
                                                                                  desk["replied"].pk}
    assert set(rows(client, f"/petitions/?unit={unit_at(VILLAGE_CODE).pk}&due=overdue")) == {desk["late"].pk}


def test_bad_filters_are_ignored_and_a_unit_outside_the_area_never_leaks(cast, client_for, desk):
    client = client_for(cast.county_director)
    everything = count(client, "/petitions/")
    assert everything == 10
    for bogus in ("state=x", "due=x", "channel=x", "category=x", "backlog=x", "collective=x", "repeat=2",
                  "unit=x", "unit=999999", "sort=x", "page=x", "state=replied&state=x", "unit=1%27--"):
        assert count(client, f"/petitions/?{bogus}") in (everything, 1), bogus
    outside_unit = unit_at(f"{OUTSIDER_COUNTY}000000").pk
    response = client.get(f"/petitions/?unit={outside_unit}")
    assert response.context["page"].paginator.count == everything  # refused: the filter is dropped, not applied
    assert "外县事项" not in response.content.decode() and response.context["form"].errors.get("unit")
    street = client_for(cast.street_worker)  # the neighbour county's and the county's own units are outside it
    assert count(street, f"/petitions/?unit={unit_at(HOME_COUNTY + '000000').pk}") == count(street, "/petitions/")
    assert client_for(cast.outsider).get(f"/petitions/?unit={unit_at(VILLAGE_CODE).pk}").context[
        "page"].paginator.count == 1


def test_sorting_and_pages_keep_the_filters(cast, client_for, desk):
    client = client_for(cast.county_director)
    by_due = [p for p in rows(client, "/petitions/?sort=due")]
    assert by_due[:3] == [desk["late"].pk, desk["other_street"].pk, desk["soon"].pk]  # soonest first
    assert by_due[-1] in (desk["replied"].pk, desk["closed"].pk)  # no running deadline: last
    assert rows(client, "/petitions/?sort=-due")[0] == desk["assigned"].pk
    assert rows(client, "/petitions/?sort=registered")[0] == desk["late"].pk
    assert rows(client, "/petitions/")[-1] == desk["late"].pk  # newest registered first by default
    for n in range(55):
        lodge(cast.village_worker, f"批量事项{n}", names=(f"批{n}",), due=-1)
    response = client.get("/petitions/?due=overdue&sort=due")
    assert response.context["page"].paginator.num_pages == 2
    assert 'href="?due=overdue&amp;sort=due&amp;page=2"' in response.content.decode()


def test_the_list_with_filters_asks_a_fixed_number_of_queries(cast, client_for, desk, django_assert_max_num_queries):
    client = client_for(cast.county_director)
    for n in range(5):
        lodge(cast.village_worker, f"多一件{n}", names=(f"多{n}",), due=-1)
    with django_assert_max_num_queries(18):  # the list, its unit filter, the provisional years
        response = client.get(f"/petitions/?due=overdue&backlog=1&unit={unit_at(VILLAGE_CODE).pk}&sort=due"
                              "&channel=visit&category=housing")
    assert response.status_code == 200


def _dashboard_links(client) -> list[tuple[int, str]]:
    """(the number shown, the list it opens) of every figure on the dashboard that is a link."""
    response = client.get("/petitions/dashboard")
    figures = response.context["figures"]
    links = [(k["count"], k["query"]) for k in figures["kpis"] + figures["by_state"]]
    links += [(u["total"], u["query"]) for u in figures["units"]] + [(u["overdue"], u["overdue_query"])
                                                                      for u in figures["units"]]
    links += [(s["answered"], s["query"]) for s in figures["stages"]] + [(s["on_time"], s["on_time_query"])
                                                                         for s in figures["stages"]]
    html = response.content.decode()
    found = re.findall(r'data-kpi="[^"]+"', html)
    assert len(found) == len(links), "a figure on the page without its link"
    for _n, query in links:
        url = "/petitions/" + (f"?{query}" if query else "")
        assert f'href="{url.replace("&", "&amp;")}"' in html, url
    return [(n, "/petitions/" + (f"?{query}" if query else "")) for n, query in links]


@pytest.mark.parametrize("who", ["county_director", "county_worker", "street_worker"])
def test_every_dashboard_figure_is_the_count_of_the_list_it_opens(cast, client_for, desk, who):
    user = UserFactory(org_unit=unit_at(HOME_COUNTY + "000000"), roles=["centre_staff"]) \
        if who == "county_worker" else getattr(cast, who)
    client = client_for(user)
    links = _dashboard_links(client)
    assert sum(n for n, _url in links) > 0
    for number, url in links:
        assert number == count(client, url), f"{who}: {url}"
    kpis = {k["key"]: k["count"] for k in petition_dashboard(user)["kpis"]}
    street = {"total": 9, "overdue": 1, "soon": 1, "collective": 1, "repeats": 2, "backlog": 2, "unassigned": 1}
    if who == "street_worker":  # the street and its villages, not the other street
        assert kpis == street
    else:  # and the other street's overdue petition, a 积案 without a leader yet
        assert kpis == {**street, "total": 10, "overdue": 2, "backlog": 3, "unassigned": 2}


def test_the_unit_ranking_puts_the_most_overdue_first_and_hides_idle_units(cast, desk):
    lodge(cast.village2_worker, "邻村逾期一", code=VILLAGE2_CODE, names=("逾1",), due=-1)
    lodge(cast.village2_worker, "邻村逾期二", code=VILLAGE2_CODE, names=("逾2",), due=-2)
    units = petition_dashboard(cast.county_director)["units"]
    assert units[0]["unit"] == unit_at(VILLAGE2_CODE).name
    assert [u["overdue"] for u in units] == [2, 1, 1, 0]
    assert {u["unit"] for u in units} == {unit_at(c).name for c in (VILLAGE_CODE, VILLAGE2_CODE, STREET_CODE,
                                                                     OTHER_STREET)}  # no other unit of the county


def test_warnings_are_read_live_without_run_deadlines(cast, client_for, desk):
    street = client_for(cast.street_worker)
    village = client_for(cast.village_worker).get("/petitions/notices/").content.decode()
    assert "将到期事项" in village and "逾期事项" not in village.replace("将到期事项", "")  # escalated above it
    overdue = street.get("/petitions/notices/?kind=overdue").content.decode()
    assert "逾期事项" in overdue and "将到期事项" not in overdue
    county = client_for(cast.county_director)
    for page in ("/petitions/notices/", "/", "/petitions/", "/petitions/dashboard", "/petitions/backlog/"):
        assert "run_deadlines" not in county.get(page).content.decode(), page
    counts = {item.key: item.count for item in contributions.workbench(cast.village_worker)}
    assert counts["petitions_overdue"] == 1 and counts["petitions_soon"] == 1
    assert "外县事项" not in county.get("/petitions/notices/").content.decode()


def test_the_petition_export_is_the_filtered_list_recorded(cast, client_for, desk, django_assert_max_num_queries):
    client = client_for(cast.county_director)
    for n in range(5):
        lodge(cast.village_worker, f"导出{n}", names=(f"导{n}", "=HYPERLINK(1)"), due=-1)
    with django_assert_max_num_queries(14):
        response = client.get("/petitions/export.xlsx?due=overdue")
    assert response.status_code == 200
    assert f"petitions-{TODAY.isoformat()}.xlsx" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert len(values) == 1 + 7 and "包案领导甲" in [row[-1] for row in values]
    assert "导0、=HYPERLINK(1)" in [row[9] for row in values]  # names joined; a cell starting "=" is neutralised
    assert not any(isinstance(v, str) and v.startswith("=") for row in values for v in row)
    [entry] = LogEntry.objects.filter(action=LogEntry.Action.ACCESS, additional_data__what="export")
    assert entry.additional_data["rows"] == 7 and entry.additional_data["filters"] == "due=overdue"
    assert client_for(cast.auditor).get("/petitions/export.xlsx").status_code == 403
    outside = client_for(cast.outsider).get("/petitions/export.xlsx")
    assert "逾期事项" not in str([[c.value for c in r] for r in load_workbook(io.BytesIO(outside.content)).active
                                   .iter_rows()])


def test_the_mailbox_inbox_export(cast, client_for, django_assert_max_num_queries):
    feedback_submit(about=unit_at(VILLAGE_CODE), topic="attitude", rating="fairly", content="态度一般",
                    sender_name="张三")
    feedback_submit(about=unit_at(f"{OUTSIDER_COUNTY}000000"), topic="attitude", rating="fairly", content="外县意见")
    client = client_for(cast.county_director)
    with django_assert_max_num_queries(12):
        response = client.get("/mailbox/inbox/export.xlsx?answered=no")
    assert response.status_code == 200 and "mailbox-inbox-" in response["Content-Disposition"]
    cells = [c.value for row in load_workbook(io.BytesIO(response.content)).active.iter_rows() for c in row]
    assert "态度一般" in cells and "张三" in cells and "外县意见" not in cells
    assert LogEntry.objects.filter(action=LogEntry.Action.ACCESS, additional_data__what="export").count() == 1
    assert client_for(cast.grid_worker).get("/mailbox/inbox/export.xlsx").status_code == 403
