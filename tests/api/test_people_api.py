"""The people API: scoped, masked, versioned, and the import job."""

import json

import pytest
from django.test import override_settings

from rongjia.people.models import Person
from tests.api.conftest import api
from tests.factories import VILLAGE_CODE, person_at, unit_at, valid_id_number
from tests.people.ledgers import good_row, workbook_bytes

PHONE = "13912345678"


@pytest.fixture
def person(cast):
    return person_at(cast.village_worker, phone=PHONE)


def body(response) -> str:
    return response.content.decode()


def test_list_and_detail_are_scoped_and_masked(cast, client, token_for, person):
    token = token_for(cast.county_director)
    listed = api(client, "get", "/api/v1/people/", token, q="张")
    assert listed.status_code == 200 and listed.json()["count"] == 1
    detail = api(client, "get", f"/api/v1/people/{person.pk}", token)
    assert detail.json()["id_number"].startswith("320115") and "*" in detail.json()["id_number"]
    for response in (listed, detail):
        assert person.id_number not in body(response) and PHONE not in body(response)
    outsider = token_for(cast.outsider)
    assert api(client, "get", f"/api/v1/people/{person.pk}", outsider).status_code == 404
    assert api(client, "get", "/api/v1/people/", outsider).json()["count"] == 0
    assert api(client, "get", "/api/v1/people/", token, station=unit_at("320114001001").pk).status_code == 404


def test_search_by_full_id_number_matches_exactly(cast, client, token_for, person):
    token = token_for(cast.village_worker)
    assert api(client, "get", "/api/v1/people/", token, q=person.id_number).json()["count"] == 1
    assert api(client, "get", "/api/v1/people/", token, q=valid_id_number(sequence=999)).json()["count"] == 0


def test_create_validates_the_id_number_and_the_scope(cast, client, token_for):
    token, station = token_for(cast.village_worker), unit_at(VILLAGE_CODE)
    data = {"name": "李娜", "id_number": valid_id_number("19900101", sequence=2), "station_id": station.pk,
            "address_region": VILLAGE_CODE}
    created = api(client, "post", "/api/v1/people/", token, **data)
    assert created.status_code == 201 and created.json()["sex"] == "F"
    bad = api(client, "post", "/api/v1/people/", token, **{**data, "id_number": data["id_number"][:-1] + "0"})
    assert bad.status_code == 422 and "id_number" in bad.json()["errors"]
    outside = api(client, "post", "/api/v1/people/", token, **{**data, "address_region": "320114001001"})
    assert outside.status_code == 422
    assert api(client, "post", "/api/v1/people/", token_for(cast.leader), **data).status_code == 403
    assert Person.objects.count() == 1


def test_patch_with_a_stale_version_is_409_and_changes_nothing(cast, client, token_for, person):
    token = token_for(cast.village_worker)
    ok = api(client, "patch", f"/api/v1/people/{person.pk}", token, version=person.version, health="良好")
    assert ok.status_code == 200 and ok.json()["version"] == person.version + 1
    stale = api(client, "patch", f"/api/v1/people/{person.pk}", token, version=person.version, health="差")
    assert stale.status_code == 409
    assert Person.objects.get(pk=person.pk).health == "良好"
    assert api(client, "patch", f"/api/v1/people/{person.pk}", token_for(cast.outsider),
               version=2, health="x").status_code == 404


def test_import_through_the_api_and_the_job_report(cast, client, token_for, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    token = token_for(cast.village_worker)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    content = workbook_bytes([good_row(1), good_row(2, 身份证号="123")])
    with override_settings(MEDIA_ROOT=tmp_path):
        response = client.post("/api/v1/people/import", {"file": SimpleUploadedFile("l.xlsx", content)}, **headers)
        assert response.status_code == 202
        job_id = response.json()["job"]
        assert api(client, "get", f"/api/v1/jobs/{job_id}", token).json()["state"] == "mapping"  # columns proposed
        assert api(client, "post", f"/api/v1/jobs/{job_id}/columns", token).status_code == 202
    job = api(client, "get", f"/api/v1/jobs/{job_id}", token).json()
    assert job["state"] == "valid" and (job["created_count"], job["held_count"]) == (1, 1)
    assert job["errors"][0]["row"] == 3 and job["errors"][0]["column"] == "身份证号"
    assert api(client, "get", f"/api/v1/jobs/{job['id']}", token_for(cast.county_director)).status_code == 404
    assert api(client, "get", f"/api/v1/jobs/{job['id']}", token_for(cast.outsider)).status_code == 404


def test_a_file_that_is_no_spreadsheet_is_refused_with_422_and_nothing_kept(cast, client, token_for, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from rongjia.people.models import ImportJob

    headers = {"HTTP_AUTHORIZATION": f"Bearer {token_for(cast.village_worker)}"}
    with override_settings(MEDIA_ROOT=tmp_path):
        response = client.post("/api/v1/people/import",
                               {"file": SimpleUploadedFile("l.xlsx", b"\x89PNG\r\n\x1a\n" + b"\0" * 64)}, **headers)
    assert response.status_code == 422 and "file" in response.json()["errors"]
    assert not ImportJob.objects.exists() and not any(tmp_path.rglob("*.*"))


def test_the_openapi_schema_still_generates(client, cast, token_for):
    schema = json.loads(api(client, "get", "/api/v1/openapi.json", token_for(cast.village_worker)).content)
    assert "/api/v1/people/" in schema["paths"] and "/api/v1/jobs/{job_id}" in schema["paths"]
