"""Station list, tree, detail and edit: what the county director and the workers see and do."""

import pytest
from auditlog.models import LogEntry

from rongjia.core.models import OrgUnit
from tests.factories import STREET_CODE, VILLAGE_CODE, unit_at


def test_list_shows_the_county_by_level(cast, client_for):
    client = client_for(cast.county_director)
    assert client.get("/stations/?level=street&kind=station").context["page"].paginator.count == 15
    # a 派驻站 sits at the level of the region that hosts it
    assert client.get("/stations/?level=street").context["page"].paginator.count == 16
    assert client.get("/stations/?level=village").context["page"].paginator.count == 212
    assert client.get("/stations/?kind=resident").context["page"].paginator.count == 1


def test_list_search_sort_and_pages(cast, client_for):
    client = client_for(cast.county_director)
    page = client.get("/stations/?q=汤山").context["page"]
    assert {u.name for u in page.object_list} >= {"汤山街道退役军人服务站", "汤山社区退役军人服务站"}
    names = [u.name for u in client.get("/stations/?level=street&sort=-name").context["page"].object_list]
    assert names == sorted(names, reverse=True)
    second = client.get("/stations/?page=2").context["page"]
    assert second.number == 2 and len(second.object_list) == 50


def test_list_answers_htmx_with_the_table_fragment(cast, client_for):
    response = client_for(cast.county_director).get("/stations/?level=street", HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "<html" not in body and "汤山街道" in body


def test_empty_list_says_so(cast, client_for):
    body = client_for(cast.village_worker).get("/stations/?q=不存在的站点").content.decode()
    assert "没有符合筛选条件的服务中心或服务站" in body


def test_invalid_filters_are_ignored_not_crashing(cast, client_for):
    client = client_for(cast.village_worker)
    assert client.get("/stations/?level=planet&kind=x&page=abc&sort=evil").status_code == 200
    assert client.get("/stations/?region=abc").status_code == 200  # not a code: dropped by the form


@pytest.mark.parametrize("viewer", ["village_worker", "county_director"])
def test_list_queries_are_bounded(cast, client_for, django_assert_max_num_queries, viewer):
    client = client_for(getattr(cast, viewer))
    with django_assert_max_num_queries(20):
        client.get("/stations/")
    with django_assert_max_num_queries(20):
        client.get("/stations/tree/")
    with django_assert_max_num_queries(20):
        client.get(f"/stations/tree/{cast.county_director.org_unit.pk}/children")


def test_tree_goes_county_to_streets_to_villages(cast, client_for):
    client = client_for(cast.county_director)
    roots = client.get("/stations/tree/").context["nodes"]
    assert [n.name for n in roots] == ["江宁区退役军人服务中心"]
    assert roots[0].child_count == 15
    streets = client.get(f"/stations/tree/{roots[0].pk}/children").context["nodes"]
    assert len(streets) == 15 and all(s.level == 4 for s in streets)
    tangshan = next(s for s in streets if s.region_code == STREET_CODE)
    below = client.get(f"/stations/tree/{tangshan.pk}/children").context["nodes"]
    villages = [n for n in below if n.is_main]
    assert tangshan.child_count == len(below) == len(villages) + 1  # and the 派驻站
    assert all(v.level == 5 for v in villages)
    assert sum(s.child_count for s in streets) == 212 + 1


def test_village_worker_tree_is_one_leaf(cast, client_for):
    nodes = client_for(cast.village_worker).get("/stations/tree/").context["nodes"]
    assert [(n.name, n.child_count) for n in nodes] == [("古泉社区退役军人服务站", 0)]


def test_detail_shows_the_region_breadcrumb(cast, client_for):
    unit = unit_at(VILLAGE_CODE)
    body = client_for(cast.street_worker).get(f"/stations/{unit.pk}/").content.decode()
    for name in ("江苏省", "南京市", "江宁区", "汤山街道", "古泉社区"):
        assert name in body


def _edit(client, unit, **fields):
    data = {"name": unit.name, "address": unit.address, "phone": unit.phone,
            "opening_hours": unit.opening_hours, "version": unit.version, **fields}
    return client.post(f"/stations/{unit.pk}/edit", data)


def test_director_edits_a_station_and_the_change_is_audited(cast, client_for):
    unit = unit_at(VILLAGE_CODE)
    old_phone = unit.phone
    client = client_for(cast.county_director)
    response = _edit(client, unit, phone="025-52719999", opening_hours="周一至周六 9:00-17:00")
    assert response.status_code == 302
    unit.refresh_from_db()
    assert (unit.phone, unit.version) == ("025-52719999", 2)
    entry = LogEntry.objects.get_for_object(unit).latest("timestamp")
    assert entry.actor == cast.county_director
    assert entry.changes_dict["phone"] == [old_phone, "025-52719999"]
    assert entry.remote_addr == "127.0.0.1"


def test_stale_version_is_refused_and_changes_nothing(cast, client_for):
    unit = unit_at(VILLAGE_CODE)
    client = client_for(cast.village_worker)
    assert _edit(client, unit, name="古泉社区服务站（新）").status_code == 302
    response = _edit(client, unit, phone="025-11111111")  # still carries version 1
    assert response.status_code == 200
    assert "他人修改" in response.content.decode()
    unit.refresh_from_db()
    assert unit.phone != "025-11111111" and unit.version == 2


@pytest.mark.parametrize("fields, message", [
    ({"name": ""}, "这个字段是必填项"),
    ({"phone": "call me"}, "电话"),
    ({"name": "站" * 101}, "101"),
])
def test_bad_input_gets_a_clear_error_and_changes_nothing(cast, client_for, fields, message):
    unit = unit_at(VILLAGE_CODE)
    before = LogEntry.objects.count()
    response = _edit(client_for(cast.village_worker), unit, **fields)
    assert response.status_code == 200
    assert message in response.content.decode()
    fresh = OrgUnit.objects.get(pk=unit.pk)
    assert (fresh.name, fresh.phone, fresh.version) == (unit.name, unit.phone, unit.version)
    assert LogEntry.objects.count() == before


def test_the_form_offers_no_field_beyond_basic_details(cast, client_for):
    unit = unit_at(VILLAGE_CODE)
    _edit(client_for(cast.village_worker), unit, region_code="320114000000", kind="centre")
    unit.refresh_from_db()
    assert (unit.region_code, unit.kind) == (VILLAGE_CODE, "station")


def test_overview_counts_and_charts_the_units_by_level(cast, client_for):
    response = client_for(cast.county_director).get("/network/")
    assert response.context["counts"]["total"] == 229
    assert response.context["chart"]["values"] == [1, 15, 212]  # centres and stations, as the seeds count
    assert ("派驻站", 1) in response.context["cards"]
    assert 'data-chart="units-by-level"' in response.content.decode()
    assert client_for(cast.security_admin).get("/network/").status_code == 403
    assert "counts" not in client_for(cast.security_admin).get("/").context


def test_list_puts_a_regions_station_before_the_units_it_hosts(cast, client_for):
    page = client_for(cast.county_director).get("/stations/?region=320115003&level=street").context["page"]
    assert [u.kind for u in page.object_list] == ["station", "resident"]


def test_an_account_without_a_unit_sees_an_explanation_not_an_error(db, client_for):
    from tests.factories import UserFactory

    response = client_for(UserFactory(org_unit=None, roles=["station_worker"])).get("/")
    assert response.status_code == 200
    assert "尚未" in response.content.decode()
    assert client_for(UserFactory(org_unit=None, roles=["station_worker"])).get("/stations/").status_code == 200
