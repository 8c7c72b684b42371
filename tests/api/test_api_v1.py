"""REST API v1: authentication, the same scoping as pages, pagination, versions against lost updates."""

import json

import pytest
from django.core.management import call_command
from django.test import Client

from rongjia.accounts.models import ApiToken
from rongjia.core.models import OrgUnit
from tests.api.conftest import api
from tests.factories import VILLAGE2_CODE, VILLAGE_CODE, unit_at


def test_openapi_schema_is_published(client, cast, token_for):
    schema = api(client, "get", "/api/v1/openapi.json", token_for(cast.village_worker)).json()  # decision 0009
    assert schema["info"]["title"] == "Rongjia API"
    assert "/api/v1/stations/{station_id}" in schema["paths"]
    assert "/api/v1/regions/{code}/children" in schema["paths"]


def test_anonymous_and_bad_tokens_are_refused(client, db):
    assert client.get("/api/v1/stations/").status_code == 401
    assert api(client, "get", "/api/v1/stations/", token="rj_nonsense").status_code == 401


def test_token_is_stored_hashed_and_scopes_like_the_pages(cast, token_for, client):
    token = token_for(cast.village_worker)
    assert not ApiToken.objects.filter(key_hash=token).exists()
    body = api(client, "get", "/api/v1/stations/", token=token).json()
    assert body["count"] == 1
    assert body["items"][0]["code"] == VILLAGE_CODE and "id" in body["items"][0]


def test_unknown_user_for_token_command(db):
    from django.core.management import CommandError

    with pytest.raises(CommandError):
        call_command("create_api_token", "nobody")


def test_list_filters_by_level_and_region_and_paginates(cast, token_for, client):
    token = token_for(cast.county_director)
    streets = api(client, "get", "/api/v1/stations/", token=token, level="street", kind="station").json()
    assert streets["count"] == 15
    villages = api(client, "get", "/api/v1/stations/", token=token, level="village").json()
    assert villages["count"] == 212 and len(villages["items"]) == 50
    page5 = api(client, "get", "/api/v1/stations/", token=token, level="village", page=5).json()
    assert len(page5["items"]) == 12
    tangshan = api(client, "get", "/api/v1/stations/", token=token, region="320115003").json()
    assert all(item["code"].startswith("320115003") for item in tangshan["items"])


def test_bad_filters_get_422_and_outside_region_404(cast, token_for, client):
    token = token_for(cast.street_worker)
    assert api(client, "get", "/api/v1/stations/", token=token, level="planet").status_code == 422
    assert api(client, "get", "/api/v1/stations/", token=token, region="320115").status_code == 404
    assert api(client, "get", "/api/v1/stations/", token=token, region="abc").status_code == 404


def test_list_queries_are_bounded(cast, token_for, client, django_assert_max_num_queries):
    token = token_for(cast.county_director)
    with django_assert_max_num_queries(8):
        api(client, "get", "/api/v1/stations/", token=token, level="village")


def test_patch_with_current_version_saves_and_bumps_it(cast, token_for, client):
    unit = unit_at(VILLAGE_CODE)
    response = api(client, "patch", f"/api/v1/stations/{unit.pk}", token=token_for(cast.village_worker),
                   version=unit.version, opening_hours="周一至周五 9:00-17:00")
    assert response.status_code == 200
    assert response.json()["version"] == unit.version + 1
    assert OrgUnit.objects.get(pk=unit.pk).opening_hours == "周一至周五 9:00-17:00"


def test_patch_with_stale_version_is_409_and_changes_nothing(cast, token_for, client):
    unit = unit_at(VILLAGE_CODE)
    token = token_for(cast.village_worker)
    api(client, "patch", f"/api/v1/stations/{unit.pk}", token=token, version=unit.version, phone="025-52711111")
    stale = api(client, "patch", f"/api/v1/stations/{unit.pk}", token=token, version=unit.version, phone="025-1")
    assert stale.status_code == 409
    assert "他人修改" in stale.json()["detail"]
    assert OrgUnit.objects.get(pk=unit.pk).phone == "025-52711111"


@pytest.mark.parametrize("payload", [{"phone": "not a phone"}, {"name": ""}, {"name": "x" * 101}, {}])
def test_patch_with_bad_values_is_422_and_changes_nothing(cast, token_for, client, payload):
    unit = unit_at(VILLAGE_CODE)
    body = {"version": unit.version, **payload} if payload else {"name": "缺版本号"}
    response = api(client, "patch", f"/api/v1/stations/{unit.pk}", token=token_for(cast.village_worker), **body)
    assert response.status_code == 422
    assert OrgUnit.objects.get(pk=unit.pk).version == unit.version


def test_patch_outside_scope_is_404_and_read_only_is_403(cast, token_for, client):
    neighbour = unit_at(VILLAGE2_CODE)
    response = api(client, "patch", f"/api/v1/stations/{neighbour.pk}", token=token_for(cast.village_worker),
                   version=neighbour.version, name="改名")
    assert response.status_code == 404
    own = cast.leader.org_unit
    response = api(client, "patch", f"/api/v1/stations/{own.pk}", token=token_for(cast.leader),
                   version=own.version, name="改名")
    assert response.status_code == 403
    assert OrgUnit.objects.get(pk=neighbour.pk).name == neighbour.name


def test_session_authentication_needs_csrf_for_writes(cast):
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.village_worker)
    assert client.get("/api/v1/stations/").status_code == 200
    unit = unit_at(VILLAGE_CODE)
    response = client.patch(f"/api/v1/stations/{unit.pk}", json.dumps({"version": unit.version, "name": "x"}),
                            content_type="application/json")
    assert response.status_code in (401, 403)
    assert OrgUnit.objects.get(pk=unit.pk).name == unit.name


def test_token_write_is_audited_with_the_token_owner(cast, token_for, client):
    from auditlog.models import LogEntry

    unit = unit_at(VILLAGE_CODE)
    api(client, "patch", f"/api/v1/stations/{unit.pk}", token=token_for(cast.village_worker),
        version=unit.version, address="南京市江宁区汤山街道古泉路1号")
    assert LogEntry.objects.get_for_object(unit).latest("timestamp").actor == cast.village_worker


def test_issuing_a_token_is_audited_without_its_secret(cast, token_for):
    from auditlog.models import LogEntry

    token = token_for(cast.village_worker)
    entry = LogEntry.objects.get_for_model(ApiToken).latest("timestamp")
    assert entry.action == LogEntry.Action.CREATE
    assert token not in str(entry.changes) and ApiToken.hash(token) not in str(entry.changes)
