"""The star evaluation API (read-only): criteria sets with their versions and items, periods with the stars'
distribution, scores and a station's sheet with the numbers behind each item, targets; outsiders get 404 and empty
lists, a third-party evaluator only the stations it was given, lists a fixed number of queries, bad filters 422."""

from datetime import date
from decimal import Decimal

import pytest
from django.test import Client

from rongjia.evaluation import services, services_titles
from rongjia.evaluation.models import Score
from tests.api import conftest as api_fixtures
from tests.api.conftest import api
from tests.factories import STREET_CODE, StandardFactory, unit_at

from .conftest import ITEMS, criteria, scored_run
from .test_scoring import five_haves_met, staff

pytestmark = pytest.mark.django_db
token_for = api_fixtures.token_for  # the API's fixture: a token issued as `manage.py create_api_token` does

BASE = "/api/v1/evaluations"


@pytest.fixture
def street():
    return unit_at(STREET_CODE)


@pytest.fixture
def run(cast, street, street_criteria, django_capture_on_commit_callbacks):
    """The hand-computed street of test_scoring (74.7 points, 3 stars) among the county's other streets."""
    five_haves_met(street, 4)
    StandardFactory(level=4, min_area_m2=None, min_staff=3, min_full_time_staff=2)
    staff(street, 2, trained=1)
    staff(street, 1, employment="part_time")
    return scored_run(cast.county_director, street_criteria, django_capture_on_commit_callbacks)


def get(token, url, **params):
    return api(Client(), "get", BASE + url, token, **params)


def test_criteria_sets_list_their_versions_and_the_detail_their_items(cast, token_for, street_criteria, run):
    services.version_save(actor=cast.county_director, set_id=street_criteria.pk, thresholds=["50", "60", "70", "80"],
                          items=[{**ITEMS[0], "weight": "60"}, *ITEMS[1:]], note="五有加权")  # v1 is used: v2
    for user in (cast.county_director, cast.street_worker, cast.leader):
        listed = get(token_for(user), "/criteria-sets")
        assert listed.status_code == 200
        (row,) = listed.json()["items"]
        assert row["id"] == street_criteria.pk and row["name"] == street_criteria.name
        assert (row["level"], row["year"], row["owner_name"]) == (4, 2026, cast.county_director.org_unit.name)
        assert [(v["number"], v["in_use"], v["thresholds"]) for v in row["versions"]] == [
            (2, False, ["50", "60", "70", "80"]), (1, True, ["60", "70", "80", "90"])]
        assert row["versions"][0]["note"] == "五有加权" and row["versions"][1]["note"]
    detail = get(token_for(cast.street_worker), f"/criteria-sets/{street_criteria.pk}")
    assert detail.status_code == 200
    latest, first = detail.json()["versions"]
    assert [(i["position"], i["group"], i["name"], i["weight"], i["method"], i["measure"], i["full_at"])
            for i in first["items"]] == [
        (1, "五有落实", "五有齐全", "30.0", "auto", "network.five_haves", "1.00"),
        (2, "五有落实", "人员场地达标", "20.0", "auto", "network.standard", "1.00"),
        (3, "业务开展", "全员培训", "20.0", "auto", "network.training", "0.80"),
        (4, "群众满意", "实地察看", "30.0", "manual", "", "1.00")]
    assert latest["items"][0]["weight"] == "60.0" and not latest["in_use"] and first["in_use"]


def test_a_period_with_the_stars_distribution(cast, token_for, run, street):
    listed = get(token_for(cast.county_director), "/runs")
    assert listed.status_code == 200 and listed.json()["count"] == 1
    (row,) = listed.json()["items"]
    assert row == {"id": run.pk, "title": "2026年度星级评价", "since": "2026-01-01", "until": "2026-11-30",
                   "state": "scored", "criteria_set_id": run.criteria.criteria_set_id,
                   "criteria_set_name": "江宁区2026年街道服务站星级评价", "criteria_version": 1, "level": 4,
                   "owner_id": cast.county_director.org_unit_id, "owner_name": cast.county_director.org_unit.name,
                   "done_units": run.total_units, "total_units": run.total_units}
    assert get(token_for(cast.county_director), "/runs", state="scored").json()["count"] == 1
    assert get(token_for(cast.county_director), "/runs", state="closed").json()["count"] == 0
    detail = get(token_for(cast.county_director), f"/runs/{run.pk}").json()
    stars = dict(Score.objects.filter(run=run).values_list("unit_id", "stars"))
    counts = detail["distribution"]
    assert counts["total"] == len(stars) == run.total_units > 1
    assert [s["stars"] for s in counts["by_stars"]] == [5, 4, 3, 2, 1]
    assert {s["stars"]: s["count"] for s in counts["by_stars"]} == {
        n: list(stars.values()).count(n) for n in range(1, 6)}
    assert {s["stars"]: s["count"] for s in counts["by_stars"]}[3] >= 1 and stars[street.pk] == 3
    # A station reads the county's period, its own station only.
    own = get(token_for(cast.street_worker), f"/runs/{run.pk}").json()["distribution"]
    assert own["total"] == 1 and {s["stars"]: s["count"] for s in own["by_stars"]}[3] == 1


def test_a_sheet_gives_each_items_points_and_the_numbers_behind_them(cast, token_for, run, street):
    score = Score.objects.get(run=run, unit=street)
    for user in (cast.county_director, cast.street_worker):
        response = get(token_for(user), f"/scores/{score.pk}")
        assert response.status_code == 200
        sheet = response.json()
        assert (sheet["id"], sheet["run_id"], sheet["unit_id"], sheet["unit_name"], sheet["region_code"]) == (
            score.pk, run.pk, street.pk, street.name, STREET_CODE)
        assert (sheet["points"], sheet["stars"], sheet["computed_stars"], sheet["previous_stars"]) == (
            "74.7", 3, 3, None)
        items = {item["name"]: item for item in sheet["items"]}
        assert [(i["group"], i["weight"], i["method"], i["points"]) for i in sheet["items"]] == [
            ("五有落实", "30.0", "auto", "24.0"), ("五有落实", "20.0", "auto", "20.0"),
            ("业务开展", "20.0", "auto", "8.3"), ("群众满意", "30.0", "manual", None)]
        assert items["五有齐全"]["share"] == 0.8 and items["人员场地达标"]["share"] == 1.0
        assert items["全员培训"]["share"] == pytest.approx(1 / 3, abs=1e-4)
        assert items["实地察看"]["share"] is None
        assert "有保障" in items["五有齐全"]["text"] and "80%" in items["全员培训"]["text"]
        assert items["实地察看"]["text"] == score.items[3]["text"]
    # 52.3 of the 70 points counted: the total is the sheet's own numbers.
    counted = [Decimal(i["points"]) for i in sheet["items"] if i["points"] is not None]
    weights = [Decimal(i["weight"]) for i in sheet["items"] if i["points"] is not None]
    assert (sum(counted) * 100 / sum(weights)).quantize(Decimal("0.1")) == Decimal(sheet["points"])


def test_scores_of_a_period_with_filters(cast, token_for, run, street):
    county = token_for(cast.county_director)
    everyone = get(county, f"/runs/{run.pk}/scores").json()
    assert everyone["count"] == run.total_units
    assert [row["region_code"] for row in everyone["items"]] == sorted(row["region_code"] for row in everyone["items"])
    three = get(county, f"/runs/{run.pk}/scores", stars=3).json()
    assert [row["unit_id"] for row in three["items"]] == [street.pk]
    assert three["items"][0]["points"] == "74.7" and "items" not in three["items"][0]
    assert get(county, f"/runs/{run.pk}/scores", change="adjusted").json()["count"] == 0
    score = Score.objects.get(run=run, unit=street)
    services.score_adjust(actor=cast.county_director, score_id=score.pk, stars=4, reason="暗访发现台账补录")
    (adjusted,) = get(county, f"/runs/{run.pk}/scores", change="adjusted").json()["items"]
    assert (adjusted["stars"], adjusted["computed_stars"], adjusted["adjustment_reason"]) == (4, 3, "暗访发现台账补录")
    assert get(county, f"/runs/{run.pk}/scores", change="down").json()["count"] == 0  # no period before
    assert get(county, f"/runs/{run.pk}/scores", q=street.name).json()["items"][0]["id"] == score.pk
    best = get(county, f"/runs/{run.pk}/scores", sort="-points").json()["items"]
    assert best[0]["id"] == score.pk
    # A station reads its own score only.
    (own,) = get(token_for(cast.street_worker), f"/runs/{run.pk}/scores").json()["items"]
    assert own["id"] == score.pk
    other = Score.objects.filter(run=run).exclude(unit=street).first()
    assert get(token_for(cast.street_worker), f"/scores/{other.pk}").status_code == 404


@pytest.mark.parametrize("params", [{"stars": "abc"}, {"stars": 0}, {"stars": 6}, {"change": "sideways"},
                                    {"sort": "unit__secret"}, {"page": 0}, {"page": "x"}, {"page_size": 100000}])
def test_bad_filters_are_refused_with_422(cast, token_for, run, params):
    assert get(token_for(cast.county_director), f"/runs/{run.pk}/scores", **params).status_code == 422


@pytest.mark.parametrize("q", ["%", "_", "' OR 1=1 --", "外县" * 200, "\\"])
def test_odd_searches_find_nothing_and_never_fail(cast, token_for, run, q):
    response = get(token_for(cast.county_director), f"/runs/{run.pk}/scores", q=q)
    assert response.status_code == 200 and response.json()["count"] == 0


def test_bad_ids_and_states_are_404_or_422(cast, token_for, run):
    county = token_for(cast.county_director)
    assert get(county, "/runs", state="nonsense").status_code == 422
    for url in ("/runs/0", "/runs/999999999", "/scores/999999999", "/criteria-sets/999999999",
                "/runs/999999999/scores", "/scores/-1", f"/runs/{2 ** 70}", f"/scores/{2 ** 70}"):
        assert get(county, url).status_code == 404, url
    for url in ("/runs/abc", "/scores/1.5", "/criteria-sets/x", "/runs/abc/scores"):
        assert get(county, url).status_code == 422, url


def test_an_outsider_gets_404_and_empty_lists(cast, token_for, street_criteria, run, street):
    outsider = token_for(cast.outsider)
    score = Score.objects.get(run=run, unit=street)
    for url in (f"/criteria-sets/{street_criteria.pk}", f"/runs/{run.pk}", f"/runs/{run.pk}/scores",
                f"/scores/{score.pk}"):
        assert get(outsider, url).status_code == 404, url
    assert get(outsider, "/criteria-sets").json()["count"] == 0
    assert get(outsider, "/runs").json()["count"] == 0
    assert get(outsider, "/targets").json() == []


def test_an_evaluator_sees_only_the_stations_it_was_given(cast, token_for, run, street, street_criteria,
                                                          django_capture_on_commit_callbacks):
    other_run = scored_run(cast.county_director, street_criteria, django_capture_on_commit_callbacks, title="复评")
    services.evaluators_assign(actor=cast.county_director, run_id=run.pk, evaluator_id=cast.evaluator.pk,
                               unit_ids=[street.pk])
    evaluator = token_for(cast.evaluator)
    mine = Score.objects.get(run=run, unit=street)
    (listed,) = get(evaluator, "/runs").json()["items"]
    assert listed["id"] == run.pk
    assert get(evaluator, f"/runs/{run.pk}").json()["distribution"]["total"] == 1
    (row,) = get(evaluator, f"/runs/{run.pk}/scores").json()["items"]
    assert row["id"] == mine.pk
    sheet = get(evaluator, f"/scores/{mine.pk}")
    assert sheet.status_code == 200 and sheet.json()["points"] == "74.7" and len(sheet.json()["items"]) == 4
    neighbour = Score.objects.filter(run=run).exclude(unit=street).first()
    assert get(evaluator, f"/scores/{neighbour.pk}").status_code == 404  # another station of the same period
    same_station_elsewhere = Score.objects.get(run=other_run, unit=street)
    assert get(evaluator, f"/scores/{same_station_elsewhere.pk}").status_code == 404  # not given in that period
    assert get(evaluator, f"/runs/{other_run.pk}").status_code == 404
    assert get(evaluator, f"/runs/{other_run.pk}/scores").status_code == 404
    # The criteria and the targets are the area's: an evaluator has none.
    assert get(evaluator, "/criteria-sets").status_code == 403
    assert get(evaluator, f"/criteria-sets/{street_criteria.pk}").status_code == 403
    assert get(evaluator, "/targets").status_code == 403


def test_roles_without_the_feature_get_403(cast, token_for, run):
    for user in (cast.auditor, cast.system_admin):
        token = token_for(user)
        for url in ("/criteria-sets", "/runs", f"/runs/{run.pk}", f"/runs/{run.pk}/scores", "/targets"):
            assert get(token, url).status_code == 403, (user.username, url)
    assert get(None, "/runs").status_code == 401


def test_targets_with_the_gap_region_by_region(cast, token_for, run, street):
    services.run_step(actor=cast.county_director, run_id=run.pk, action="close")  # stars count once closed
    target = services_titles.target_create(actor=cast.county_director, name="街道站三星级以上", levels=[4],
                                           min_stars=3, share="80", each_below=False, by_year=2027, source="文件")
    response = get(token_for(cast.county_director), "/targets")
    assert response.status_code == 200
    (row,) = response.json()
    stations = Score.objects.filter(run=run).count()
    assert (row["id"], row["name"], row["levels"], row["min_stars"], row["share"], row["by_year"]) == (
        target.pk, "街道站三星级以上", [4], 3, "0.80", 2027)
    needed = -(-stations * 8 // 10)  # ceil(0.8 × stations)
    assert row["overall"] == {"code": "320115", "name": "江宁区", "stations": stations, "met": 1, "needed": needed,
                              "gap": needed - 1, "reached": False}
    assert row["missed"] is True
    below = {r["code"]: r for r in row["below"]}
    assert sum(r["stations"] for r in below.values()) == stations
    assert below[STREET_CODE[:9]] == {"code": STREET_CODE[:9], "name": below[STREET_CODE[:9]]["name"], "stations": 1,
                                      "met": 1, "needed": 1, "gap": 0, "reached": True}
    # The street station sees the target over its own part.
    (own,) = get(token_for(cast.street_worker), "/targets").json()
    assert own["overall"]["code"] == STREET_CODE[:9] and own["overall"]["reached"] is True


def test_lists_are_a_fixed_number_of_queries(cast, token_for, run, street_criteria,
                                             django_capture_on_commit_callbacks, django_assert_max_num_queries):
    earlier = criteria(cast.county_director, year=2025)
    scored_run(cast.county_director, earlier, django_capture_on_commit_callbacks,
               period=(date(2025, 1, 1), date(2025, 11, 30)), title="2025年度")
    services.version_save(actor=cast.county_director, set_id=street_criteria.pk, thresholds=["50", "60", "70", "80"],
                          items=ITEMS, note="门槛下调")
    county = token_for(cast.county_director)
    client = Client()
    # The token (read, its use noted) and the caller's roles, then the count, the page and one prefetch at most.
    ceilings = {"/criteria-sets": 6, "/runs": 5, f"/runs/{run.pk}/scores": 6, f"/runs/{run.pk}": 5}
    for url, ceiling in ceilings.items():
        with django_assert_max_num_queries(ceiling):
            response = api(client, "get", BASE + url, county)
        assert response.status_code == 200, url
    assert get(county, "/criteria-sets").json()["count"] == 2
    assert get(county, "/runs").json()["count"] == 2
    assert get(county, f"/runs/{run.pk}/scores").json()["count"] > 5
