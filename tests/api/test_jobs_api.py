"""GET /api/v1/jobs/{id}: the uploader follows a ledger import (state, progress, counts, paged row errors)."""

import pytest
from django.test import override_settings

from rongjia.people.importing import import_start
from tests.api.conftest import api
from tests.people.ledgers import good_row, upload, workbook_bytes


@pytest.fixture(autouse=True)
def media(tmp_path):
    with override_settings(MEDIA_ROOT=tmp_path):
        yield


def test_the_uploader_reads_state_progress_counts_and_paged_errors(cast, client, token_for):
    rows = [good_row(n, 姓名=None if n % 2 else f"测试{n}") for n in range(1, 151)]  # 75 bad rows, 75 good
    rows += [good_row(n, 民族="火星族") for n in range(151, 181)]  # 30 more bad rows: 105 errors in all
    job = import_start(actor=cast.village_worker, uploaded_file=upload(workbook_bytes(rows)))
    token = token_for(cast.village_worker)
    first = api(client, "get", f"/api/v1/jobs/{job.pk}", token).json()
    assert first["state"] == "invalid" and first["total_rows"] == first["processed_rows"] == 180
    assert (first["error_count"], first["created_count"], first["page"], first["pages"]) == (105, 75, 1, 2)
    assert len(first["errors"]) == 100 and first["errors"][0] == {"row": 2, "column": "姓名",
                                                                   "message": first["errors"][0]["message"]}
    second = api(client, "get", f"/api/v1/jobs/{job.pk}", token, page=2).json()
    assert second["page"] == 2 and len(second["errors"]) == 5
    assert {e["column"] for e in second["errors"]} == {"民族"} and second["errors"][-1]["row"] == 181
    assert api(client, "get", f"/api/v1/jobs/{job.pk}", token, page=99).json()["page"] == 2


def test_a_good_job_has_no_errors_and_one_page(cast, client, token_for):
    job = import_start(actor=cast.village_worker, uploaded_file=upload(workbook_bytes([good_row(1)])))
    body = api(client, "get", f"/api/v1/jobs/{job.pk}", token_for(cast.village_worker)).json()
    assert (body["state"], body["created_count"], body["pages"], body["errors"]) == ("valid", 1, 1, [])
    assert body["file"] == "台账.xlsx"


def test_only_the_uploader_sees_a_job(cast, client, token_for):
    job = import_start(actor=cast.village_worker, uploaded_file=upload(workbook_bytes([good_row(1)])))
    for other in (cast.street_worker, cast.county_director, cast.outsider, cast.leader):
        assert api(client, "get", f"/api/v1/jobs/{job.pk}", token_for(other)).status_code == 404
    assert api(client, "get", f"/api/v1/jobs/{job.pk + 1000}", token_for(cast.village_worker)).status_code == 404
    assert api(client, "get", f"/api/v1/jobs/{job.pk}").status_code == 401
