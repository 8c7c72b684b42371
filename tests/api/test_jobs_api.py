"""/api/v1/jobs/{id}: the uploader follows a ledger import through the API (state, the sheets read, counts, paged
row errors) and walks its steps: confirm the columns, accept the normalisations, commit."""

import pytest
from django.test import override_settings

from rongjia.people.importing import import_start
from rongjia.people.models import ImportJob, Person
from tests.api.conftest import api
from tests.people.ledgers import good_row, name_for, upload, workbook_bytes


@pytest.fixture(autouse=True)
def media(tmp_path):
    with override_settings(MEDIA_ROOT=tmp_path):
        yield


def started(user, rows) -> ImportJob:
    return import_start(actor=user, uploaded_file=upload(workbook_bytes(rows)))


def test_the_uploader_confirms_the_columns_reads_the_paged_errors_and_imports_the_good_rows(cast, client, token_for):
    rows = [good_row(n, 姓名=None) if n % 2 else good_row(n) for n in range(1, 151)]  # 75 bad rows, 75 good
    rows += [good_row(n, 民族="火星族") for n in range(151, 181)]  # 30 more bad rows: 105 held in all
    job = started(cast.village_worker, rows)
    token = token_for(cast.village_worker)
    read = api(client, "get", f"/api/v1/jobs/{job.pk}", token).json()
    assert read["state"] == "mapping" and read["total_rows"] == 180
    [sheet] = read["sheets"]
    assert [c["field"] for c in sheet["columns"]][:2] == ["name", "id_number"]
    assert "3201" in sheet["columns"][1]["samples"][0] and good_row(2)["身份证号"] not in str(read)  # masked

    assert api(client, "post", f"/api/v1/jobs/{job.pk}/columns", token).status_code == 202  # as proposed
    first = api(client, "get", f"/api/v1/jobs/{job.pk}", token).json()
    assert first["state"] == "valid" and first["total_rows"] == first["processed_rows"] == 180
    assert (first["error_count"], first["held_count"], first["created_count"]) == (105, 105, 75)
    assert (first["page"], first["pages"]) == (1, 2)  # every error kept and paged, none dropped
    assert len(first["errors"]) == 100 and first["errors"][0] == {
        "sheet": "Sheet", "row": 2, "column": "姓名", "message": first["errors"][0]["message"]}
    second = api(client, "get", f"/api/v1/jobs/{job.pk}", token, page=2).json()
    assert second["page"] == 2 and len(second["errors"]) == 5
    assert {e["column"] for e in second["errors"]} == {"民族"} and second["errors"][-1]["row"] == 181
    assert api(client, "get", f"/api/v1/jobs/{job.pk}", token, page=99).json()["page"] == 2

    if first["changes"]:
        assert api(client, "post", f"/api/v1/jobs/{job.pk}/accept-changes", token).status_code == 200
    assert api(client, "post", f"/api/v1/jobs/{job.pk}/commit", token).status_code == 202
    done = api(client, "get", f"/api/v1/jobs/{job.pk}", token).json()
    assert done["state"] == "done" and done["created_count"] == Person.objects.count() == 75
    assert done["held_count"] == 105  # the held rows stay with the job, for the pages


def test_changes_must_be_accepted_before_the_api_commits(cast, client, token_for):
    job = started(cast.village_worker, [good_row(1, 民族="汉")])
    token = token_for(cast.village_worker)
    api(client, "post", f"/api/v1/jobs/{job.pk}/columns", token)
    body = api(client, "get", f"/api/v1/jobs/{job.pk}", token).json()
    assert body["changes"] == {"ethnicity": [["汉", "汉族", 1]]} and not body["changes_accepted"]
    assert api(client, "post", f"/api/v1/jobs/{job.pk}/commit", token).status_code == 422
    assert not Person.objects.exists()
    accepted = api(client, "post", f"/api/v1/jobs/{job.pk}/accept-changes", token)
    assert accepted.status_code == 200 and accepted.json()["changes_accepted"]
    assert api(client, "post", f"/api/v1/jobs/{job.pk}/commit", token).status_code == 202
    assert Person.objects.get().name == name_for(1)


def test_a_mapping_without_an_id_number_column_is_refused_with_its_reason(cast, client, token_for):
    job = started(cast.village_worker, [good_row(1)])
    token = token_for(cast.village_worker)
    response = api(client, "post", f"/api/v1/jobs/{job.pk}/columns", token, mapping={0: {0: "name"}})
    assert response.status_code == 422 and "身份证号" in str(response.json()["errors"])
    job.refresh_from_db()
    assert job.state == ImportJob.State.MAPPING and job.mapping == {}


def test_a_good_job_has_no_errors_and_one_page(cast, client, token_for):
    job = started(cast.village_worker, [good_row(1)])
    token = token_for(cast.village_worker)
    api(client, "post", f"/api/v1/jobs/{job.pk}/columns", token)
    body = api(client, "get", f"/api/v1/jobs/{job.pk}", token).json()
    assert (body["state"], body["created_count"], body["pages"], body["errors"]) == ("valid", 1, 1, [])
    assert body["file"] == "台账.xlsx" and body["progress"] is None


def test_only_the_uploader_sees_or_moves_a_job(cast, client, token_for):
    job = started(cast.village_worker, [good_row(1)])
    for other in (cast.street_worker, cast.county_director, cast.outsider, cast.leader):
        token = token_for(other)
        assert api(client, "get", f"/api/v1/jobs/{job.pk}", token).status_code == 404
        for step in ("columns", "accept-changes", "commit"):
            assert api(client, "post", f"/api/v1/jobs/{job.pk}/{step}", token).status_code == 404, step
    assert api(client, "get", f"/api/v1/jobs/{job.pk + 1000}", token_for(cast.village_worker)).status_code == 404
    assert api(client, "get", f"/api/v1/jobs/{job.pk}").status_code == 401
    job.refresh_from_db()
    assert job.state == ImportJob.State.MAPPING and job.mapping == {}
