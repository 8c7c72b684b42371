"""The tasks and inspections API: assign, inbox, report, review, the roll-up whose counts equal the parts' lists,
bad input (422, nothing written) and outsiders (404)."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from rongjia.worklist.models import Assignment, Inspection, Task
from tests.api.conftest import api
from tests.factories import HOME_COUNTY, STREET_CODE, VILLAGE_CODE

from .conftest import photo

pytestmark = pytest.mark.django_db


def _task(client, token, **fields):
    body = {"title": "年终统计", "kind": "report", "due_on": (timezone.localdate() + timedelta(days=9)).isoformat(),
            "levels": [5], "fields": [{"label": "走访人数", "type": "number", "min": 0, "max": 100,
                                      "required": True}], **fields}
    return api(client, "post", "/api/v1/tasks/", token, **body)


def test_assign_report_review_and_the_rollup_through_the_api(cast, token_for):
    client = Client()
    county, village, street = token_for(cast.county_director), token_for(cast.village_worker), \
        token_for(cast.street_worker)
    created = _task(client, county, review_level=4)
    assert created.status_code == 201
    task_id, count = created.json()["id"], created.json()["assignee_count"]
    inbox = api(client, "get", "/api/v1/tasks/inbox", village).json()["items"]
    part = next(item for item in inbox if item["task_id"] == task_id)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {village}"}
    bad = client.post(f"/api/v1/tasks/parts/{part['id']}/report", {"progress": 20, "values": '{"f1": 500}'},
                      **headers)
    assert bad.status_code == 422 and Assignment.objects.get(pk=part["id"]).version == 1
    report = client.post(f"/api/v1/tasks/parts/{part['id']}/report",
                         {"progress": 20, "values": '{"f1": 30}', "photos": photo()}, **headers)
    assert report.status_code == 200 and report.json()["state"] == "doing"
    submitted = client.post(f"/api/v1/tasks/parts/{part['id']}/submit", {}, **headers)
    assert submitted.json()["state"] == "submitted"
    refused = api(client, "post", f"/api/v1/tasks/parts/{part['id']}/review", village, accept=True)
    assert refused.status_code == 422
    accepted = api(client, "post", f"/api/v1/tasks/parts/{part['id']}/review", street, accept=True)
    assert accepted.status_code == 200 and accepted.json()["state"] == "done"
    rollup = api(client, "get", f"/api/v1/tasks/{task_id}/rollup", county).json()
    assert rollup["total"] == count and rollup["counts"]["done"] == 1 and rollup["counts"]["todo"] == count - 1
    for row in rollup["below"]:
        listed = api(client, "get", f"/api/v1/tasks/{task_id}/parts", county, region=row["code"], bucket="todo",
                     page_size=500).json()
        assert listed["count"] == row["counts"]["todo"]
    street_view = api(client, "get", f"/api/v1/tasks/{task_id}/rollup", street, region=STREET_CODE[:9]).json()
    assert street_view["total"] == Assignment.objects.filter(task_id=task_id,
                                                             region_code__startswith=STREET_CODE[:9]).count()


def test_bad_input_and_outsiders(cast, token_for):
    client, county, outsider = Client(), token_for(cast.county_director), token_for(cast.outsider)
    assert _task(client, county, levels=[]).status_code == 422
    assert _task(client, county, fields=[{"label": "", "type": "date"}]).status_code == 422
    assert _task(client, token_for(cast.leader)).status_code == 403
    assert not Task.objects.exists()
    task_id = _task(client, county).json()["id"]
    part = Assignment.objects.filter(task_id=task_id, region_code=VILLAGE_CODE).get()
    assert api(client, "get", f"/api/v1/tasks/{task_id}", outsider).status_code == 404
    assert api(client, "get", f"/api/v1/tasks/{task_id}/rollup", outsider).status_code == 404
    assert api(client, "get", f"/api/v1/tasks/parts/{part.pk}", token_for(cast.village2_worker)).status_code == 404
    assert api(client, "get", f"/api/v1/tasks/{task_id}/rollup", county, region="320114").status_code == 404
    assert api(client, "get", "/api/v1/tasks/", outsider).json()["count"] == 0


def test_inspections_through_the_api(cast, token_for):
    client, county = Client(), token_for(cast.county_director)
    today = timezone.localdate().isoformat()
    body = {"kind": "spot", "title": "抽查", "population_prefix": HOME_COUNTY, "population_level": 5,
            "sample_size": 4, "checklist": [{"item": "台账", "max": 10}], "starts_on": today, "ends_on": today}
    created = api(client, "post", "/api/v1/inspections/", county, **body, seed=42)
    assert created.status_code == 201 and len(created.json()["targets"]) == 4
    again = api(client, "post", "/api/v1/inspections/", county, **body, seed=42).json()
    assert {t["unit_id"] for t in again["targets"]} == {t["unit_id"] for t in created.json()["targets"]}
    target = created.json()["targets"][0]
    url = f"/api/v1/inspections/{created.json()['id']}/targets/{target['id']}"
    assert api(client, "post", url, county, scores={"0": 11}).status_code == 422
    assert api(client, "post", url, county, scores={"0": 8}).json()["score"] == 8
    assert api(client, "get", f"/api/v1/inspections/{created.json()['id']}",
               token_for(cast.outsider)).status_code == 404
    bad = api(client, "post", "/api/v1/inspections/", county, **{**body, "population_prefix": "320114"})
    assert bad.status_code == 422 and Inspection.objects.count() == 2
