"""API v1 for the service network: fact filters on the station list, a station's profile and
facts, profile edits with their own version, and statistics rolled up the region tree."""

from decimal import Decimal

import pytest

from rongjia.core.models import OrgUnit
from rongjia.core.regions import SLUG_BY_LEVEL
from rongjia.demo.network_seed import seed_network
from rongjia.network.facts import network_stats, unit_facts
from rongjia.network.models import StationProfile
from tests.api.conftest import api
from tests.factories import OUTSIDER_COUNTY, STREET_CODE, VILLAGE2_CODE, VILLAGE_CODE, unit_at


@pytest.fixture
def network(db, settings, tmp_path):
    """The demo county's profiles, staff, checklists and grids (no accounts beyond the cast)."""
    settings.MEDIA_ROOT = tmp_path
    seed_network(county_prefix="320115")






def all_ids(client, token, **filters):
    """Every id of a paginated list."""
    ids, page = [], 1
    while True:
        body = api(client, "get", "/api/v1/stations/", token, page=page, **filters).json()
        ids += [item["id"] for item in body["items"]]
        if len(ids) >= body["count"]:
            return ids
        page += 1


def county_facts(user):
    units = list(OrgUnit.objects.visible_to(user).filter(kind__in=["centre", "station"]).select_related("region"))
    return unit_facts(units)


# --- the list and its fact filters -----------------------------------------------------------

def test_below_standard_filter_returns_exactly_the_flagged_units(cast, network, token_for, client):
    token, facts = token_for(cast.county_director), county_facts(cast.county_director)
    flagged = {pk for pk, f in facts.items() if f.below_standard}
    assert 5 <= len(flagged) < len(facts)
    assert set(all_ids(client, token, below_standard="true")) == flagged
    assert set(all_ids(client, token, below_standard="false")) == set(facts) - flagged
    villages = set(all_ids(client, token, below_standard="true", level="village"))
    assert villages == {pk for pk in flagged if facts[pk].unit.level == 5}


@pytest.mark.parametrize("which", ["any", "2", "4", "none"])
def test_five_have_missing_filter_returns_exactly_the_units_missing_it(cast, network, token_for, client, which):
    token, facts = token_for(cast.county_director), county_facts(cast.county_director)
    keeps = {
        "any": lambda f: bool(f.five_have_missing),
        "none": lambda f: f.five_have_complete,
    }.get(which, lambda f: int(which) in [item.position for item in f.five_have_missing])
    expected = {pk for pk, f in facts.items() if keeps(f)}
    assert expected
    assert set(all_ids(client, token, five_have_missing=which)) == expected


def test_filters_combine_and_stay_inside_the_scope(cast, network, token_for, client):
    token = token_for(cast.street_worker)
    facts = county_facts(cast.street_worker)
    expected = {pk for pk, f in facts.items() if f.below_standard and f.five_have_missing}
    ids = all_ids(client, token, below_standard="true", five_have_missing="any")
    assert set(ids) == expected
    assert all(OrgUnit.objects.get(pk=pk).region_code.startswith("320115003") for pk in ids)
    assert api(client, "get", "/api/v1/stations/", token, five_have_missing="6").status_code == 422
    assert api(client, "get", "/api/v1/stations/", token, below_standard="maybe").status_code == 422


def test_filtered_list_queries_are_bounded(cast, network, token_for, client, django_assert_max_num_queries):
    token = token_for(cast.county_director)
    # A fixed number whatever the number of units: one query per table, never one per unit.
    with django_assert_max_num_queries(12):
        response = api(client, "get", "/api/v1/stations/", token, below_standard="true", five_have_missing="any")
    assert response.status_code == 200


# --- a station's profile and facts -----------------------------------------------------------

def test_detail_carries_the_profile_and_the_facts(cast, network, token_for, client):
    unit = unit_at(VILLAGE_CODE)
    facts = unit_facts([unit])[unit.pk]
    body = api(client, "get", f"/api/v1/stations/{unit.pk}", token_for(cast.village_worker)).json()
    profile = facts.profile
    assert body["code"] == VILLAGE_CODE and body["version"] == unit.version
    assert Decimal(str(body["area_m2"])) == profile.area_m2
    assert Decimal(str(body["annual_funding"])) == profile.annual_funding
    assert (body["established_posts"], body["brand_name"], body["honours"], body["profile_version"]) == (
        profile.established_posts, profile.brand_name, profile.honours, profile.version)
    assert body["staff"] == {"total": facts.staff, "full_time": facts.full_time, "part_time": facts.part_time,
                             "veterans": facts.veterans}
    assert [item["position"] for item in body["five_have"]] == [1, 2, 3, 4, 5]
    assert body["five_have"][0]["name"] == "有机构"
    assert body["five_have_missing"] == [item.position for item in facts.five_have_missing]
    assert [i["position"] for i in body["five_have"] if not i["complete"]] == body["five_have_missing"]
    assert body["below_standard"] == facts.below_standard and len(body["shortfalls"]) == len(facts.shortfalls)


def test_detail_of_a_unit_without_a_profile(cast, token_for, client):
    unit = unit_at(VILLAGE_CODE)
    body = api(client, "get", f"/api/v1/stations/{unit.pk}", token_for(cast.village_worker)).json()
    assert body["area_m2"] is None and body["profile_version"] == 1
    national = ["有机构", "有编制", "有人员", "有经费", "有保障"]  # the country's list (no county list here)
    assert [item["name"] for item in body["five_have"]] == national
    assert not any(item["met"] for item in body["five_have"])
    assert body["staff"]["total"] == 0 and body["below_standard"] is False


def test_outsider_gets_404_on_a_jiangning_station(cast, network, token_for, client):
    unit = unit_at(VILLAGE_CODE)
    token = token_for(cast.outsider)
    assert api(client, "get", f"/api/v1/stations/{unit.pk}", token).status_code == 404
    assert api(client, "patch", f"/api/v1/stations/{unit.pk}", token, profile_version=1,
               area_m2=99).status_code == 404


# --- editing the profile ---------------------------------------------------------------------

def test_patch_profile_with_current_version_saves_and_bumps_it(cast, network, token_for, client):
    unit = unit_at(VILLAGE_CODE)
    profile = StationProfile.objects.get(unit=unit)
    response = api(client, "patch", f"/api/v1/stations/{unit.pk}", token_for(cast.village_worker),
                   profile_version=profile.version, area_m2=88.5, established_posts=2, annual_funding="36000.50",
                   brand_name=" 古泉·老兵之家 ", honours="")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["profile_version"] == profile.version + 1 and body["version"] == unit.version
    assert (body["area_m2"], body["annual_funding"], body["brand_name"]) == (88.5, 36000.5, "古泉·老兵之家")
    profile.refresh_from_db()
    assert (profile.area_m2, profile.established_posts, profile.brand_name) == (Decimal("88.5"), 2, "古泉·老兵之家")


def test_patch_creates_the_profile_of_a_unit_without_one(cast, token_for, client):
    unit = unit_at(VILLAGE2_CODE)
    response = api(client, "patch", f"/api/v1/stations/{unit.pk}", token_for(cast.village2_worker),
                   profile_version=1, area_m2=60)
    assert response.status_code == 200 and response.json()["profile_version"] == 2
    assert StationProfile.objects.get(unit=unit).area_m2 == 60


def test_patch_basic_and_profile_fields_together(cast, network, token_for, client):
    unit = unit_at(VILLAGE_CODE)
    profile = StationProfile.objects.get(unit=unit)
    response = api(client, "patch", f"/api/v1/stations/{unit.pk}", token_for(cast.village_worker),
                   version=unit.version, opening_hours="周一至周六 9:00-17:00",
                   profile_version=profile.version, honours="南京市五星级退役军人服务站（2024）")
    assert response.status_code == 200
    assert response.json()["version"] == unit.version + 1
    assert response.json()["honours"] == "南京市五星级退役军人服务站（2024）"


def test_stale_profile_version_is_409_and_changes_nothing(cast, network, token_for, client):
    unit = unit_at(VILLAGE_CODE)
    profile = StationProfile.objects.get(unit=unit)
    token = token_for(cast.village_worker)
    url = f"/api/v1/stations/{unit.pk}"
    assert api(client, "patch", url, token, profile_version=profile.version, area_m2=120).status_code == 200
    stale = api(client, "patch", url, token, profile_version=profile.version, area_m2=10,
                version=unit.version, name="古泉社区退役军人服务站（新）")
    assert stale.status_code == 409
    assert "他人修改" in stale.json()["detail"]
    assert StationProfile.objects.get(unit=unit).area_m2 == 120
    assert OrgUnit.objects.get(pk=unit.pk).name == unit.name  # the basic half was rolled back too


@pytest.mark.parametrize("payload", [
    {"area_m2": -1},
    {"area_m2": 12.25},
    {"area_m2": "big"},
    {"established_posts": -2},
    {"annual_funding": 1e13},
    {"brand_name": "品" * 61},
    {"honours": "誉" * 201},
    {"area_m2": 100, "profile_version": None},
    {"phone": "025-52711111", "profile_version": "current"},
])
def test_bad_profile_values_are_422_and_change_nothing(cast, network, token_for, client, payload):
    unit = unit_at(VILLAGE_CODE)
    profile = StationProfile.objects.get(unit=unit)
    body = {"profile_version": profile.version, **payload}
    if body["profile_version"] is None:
        del body["profile_version"]
    response = api(client, "patch", f"/api/v1/stations/{unit.pk}", token_for(cast.village_worker), **body)
    assert response.status_code == 422, response.content
    after = StationProfile.objects.get(unit=unit)
    assert (after.version, after.area_m2, after.brand_name) == (profile.version, profile.area_m2, profile.brand_name)
    assert OrgUnit.objects.get(pk=unit.pk).phone == unit.phone


def test_patch_needs_the_version_of_what_it_changes(cast, network, token_for, client):
    unit = unit_at(VILLAGE_CODE)
    profile = StationProfile.objects.get(unit=unit)
    url, token = f"/api/v1/stations/{unit.pk}", token_for(cast.village_worker)
    assert api(client, "patch", url, token).status_code == 422
    no_version = api(client, "patch", url, token, profile_version=profile.version, name="改名")
    assert no_version.status_code == 422 and "version" in no_version.json()["errors"]
    assert OrgUnit.objects.get(pk=unit.pk).name == unit.name
    assert StationProfile.objects.get(unit=unit).version == profile.version


def test_patch_null_clears_a_profile_figure(cast, network, token_for, client):
    unit = unit_at(VILLAGE_CODE)
    profile = StationProfile.objects.get(unit=unit)
    body = api(client, "patch", f"/api/v1/stations/{unit.pk}", token_for(cast.village_worker),
               profile_version=profile.version, area_m2=None, brand_name=None).json()
    assert body["area_m2"] is None and body["brand_name"] == "" and body["below_standard"] is True
    assert len(body["shortfalls"]) == 1


def test_read_only_leader_cannot_patch_the_profile(cast, network, token_for, client):
    unit = cast.leader.org_unit
    profile = StationProfile.objects.get(unit=unit)
    response = api(client, "patch", f"/api/v1/stations/{unit.pk}", token_for(cast.leader),
                   profile_version=profile.version, area_m2=1)
    assert response.status_code == 403
    assert StationProfile.objects.get(unit=unit).area_m2 == profile.area_m2


# --- statistics ------------------------------------------------------------------------------

def expected_row(row):
    return {
        "code": row.code, "name": row.name, "level": SLUG_BY_LEVEL[row.level], "units": row.units,
        "by_level": {SLUG_BY_LEVEL[level]: n for level, n in row.by_level.items()}, "by_kind": row.by_kind,
        "five_have_all": row.five_have_all, "with_five_have_list": row.with_five_have_list,
        "staff": {"total": row.staff, "full_time": row.full_time, "part_time": row.part_time,
                  "veterans": row.veterans},
        "established_posts": row.established_posts, "area_m2": float(row.area_m2), "funding": float(row.funding),
        "below_standard": row.below_standard,
    }


def assert_row_equals(got, row):
    assert {key: got[key] for key in expected_row(row)} == expected_row(row)
    assert got["veteran_share"] == pytest.approx(row.veteran_share)
    assert {int(p): each["units"] for p, each in got["five_have_each"].items() if each["units"]} == {
        p: n for p, n in row.five_have_each.items() if n}


@pytest.mark.parametrize("who, region", [("county_director", ""), ("county_director", "320115003"),
                                         ("street_worker", "320115003000"), ("leader", "320115")])
def test_stats_equal_network_stats(cast, network, token_for, client, who, region):
    user = getattr(cast, who)
    response = api(client, "get", "/api/v1/network/stats", token_for(user), **({"region": region} if region else {}))
    assert response.status_code == 200
    body = response.json()
    total, children = network_stats(user, region=region)
    assert_row_equals(body["region"], total)
    assert [c["code"] for c in body["children"]] == [c.code for c in children]
    for got, row in zip(body["children"], children, strict=True):
        assert_row_equals(got, row)


def test_stats_of_the_county_in_numbers(cast, network, token_for, client):
    body = api(client, "get", "/api/v1/network/stats", token_for(cast.county_director)).json()
    county = body["region"]
    assert county["code"] == "320115000000" and county["level"] == "county"
    assert county["by_level"] == {"county": 1, "street": 15, "village": 212}
    assert county["by_kind"]["resident"] == 1  # the test world's one 派驻站
    assert county["five_have_each"]["1"]["name"] == "有机构" and set(county["five_have_each"]) == set("12345")
    assert 0 < county["five_have_all"] < county["units"] and county["below_standard"] > 0
    assert isinstance(county["funding"], float) and county["funding"] > 1_000_000
    tangshan = next(c for c in body["children"] if c["code"] == STREET_CODE)
    assert tangshan["name"] == "汤山街道" and tangshan["by_level"] == {"street": 1, "village": 16}


def test_stats_outside_the_scope_are_404(cast, network, token_for, client):
    outsider = token_for(cast.outsider)
    assert api(client, "get", "/api/v1/network/stats", outsider, region="320115").status_code == 404
    assert api(client, "get", "/api/v1/network/stats", outsider, region="320115003000").status_code == 404
    own = api(client, "get", "/api/v1/network/stats", outsider).json()
    assert own["region"]["code"] == OUTSIDER_COUNTY + "000000" and own["region"]["staff"]["total"] == 0
    street = token_for(cast.street_worker)
    assert api(client, "get", "/api/v1/network/stats", street, region="320115").status_code == 404
    assert api(client, "get", "/api/v1/network/stats", street, region="nonsense").status_code == 404
    assert api(client, "get", "/api/v1/network/stats", token_for(cast.system_admin)).status_code == 403


def test_stats_queries_are_bounded(cast, network, token_for, client, django_assert_max_num_queries):
    token = token_for(cast.county_director)
    with django_assert_max_num_queries(14):
        assert api(client, "get", "/api/v1/network/stats", token).status_code == 200


def test_openapi_documents_the_network_schemas(client, cast, token_for):
    schema = api(client, "get", "/api/v1/openapi.json", token_for(cast.village_worker)).json()
    assert "/api/v1/network/stats" in schema["paths"]
    components = schema["components"]["schemas"]
    assert {"area_m2", "profile_version", "five_have_missing", "shortfalls"} <= set(
        components["StationDetailOut"]["properties"])
    assert {"by_level", "five_have_each", "veteran_share"} <= set(components["NetworkRowOut"]["properties"])
    assert "profile_version" in components["StationProfilePatch"]["properties"]
