"""The visits API: a phone's queued visit posted twice is stored once; due, coverage (the counts of the lists)
and campaigns; outsiders get 404 or nothing."""

import uuid
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from rongjia.visits import services
from rongjia.visits.coverage import people_by_status
from rongjia.visits.models import Visit
from tests.api.conftest import api
from tests.factories import OUTSIDER_COUNTY, person_at, unit_at

pytestmark = pytest.mark.django_db


def _post_visit(client, token, **fields):
    return client.post("/api/v1/visits/", fields, HTTP_AUTHORIZATION=f"Bearer {token}")


def test_a_visit_posted_twice_is_stored_once(cast, token_for):
    person, client = person_at(cast.village_worker), Client()
    token, client_id = token_for(cast.grid_worker), str(uuid.uuid4())
    day = timezone.localdate().isoformat()
    first = _post_visit(client, token, person_id=person.pk, visited_on=day, client_id=client_id, findings="离线记录")
    again = _post_visit(client, token, person_id=person.pk, visited_on=day, client_id=client_id, findings="离线记录")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"] and Visit.objects.count() == 1


def test_bad_input_on_the_api_is_422_and_nothing_is_written(cast, token_for):
    person, client, token = person_at(cast.village_worker), Client(), token_for(cast.village_worker)
    future = (timezone.localdate() + timedelta(days=2)).isoformat()
    response = _post_visit(client, token, person_id=person.pk, visited_on=future)
    assert response.status_code == 422 and "visited_on" in response.json()["errors"]
    stranger = person_at(cast.outsider, code=OUTSIDER_COUNTY + "001001", seq=9)
    response = _post_visit(client, token, person_id=stranger.pk, visited_on=timezone.localdate().isoformat())
    assert response.status_code == 422 and "person" in response.json()["errors"]
    assert not Visit.objects.exists()


def test_due_and_coverage_answer_the_lists_counts(cast, token_for):
    person = person_at(cast.village_worker)
    services.due_visit_raise(actor=cast.village_worker, person_id=person.pk, occasion="disaster",
                             occurred_on=timezone.localdate())
    client, token = Client(), token_for(cast.county_director)
    due = api(client, "get", f"/api/v1/visits/due?station={unit_at(person.station.region_code).pk}", token)
    assert due.status_code == 200 and [d["person_id"] for d in due.json()["items"]] == [person.pk]
    coverage = api(client, "get", "/api/v1/visits/coverage?region=320115003", token).json()
    today = timezone.localdate()
    assert coverage["total"]["never"] == people_by_status(cast.county_director, status="never", day=today,
                                                          region="320115003").count() == 1
    assert api(client, "get", "/api/v1/visits/coverage?period=2026-Q5", token).status_code == 422
    outsider = token_for(cast.outsider)
    assert api(client, "get", "/api/v1/visits/coverage?region=320115", outsider).status_code == 404
    assert api(client, "get", f"/api/v1/visits/due?station={person.station_id}", outsider).status_code == 404


def test_campaigns_on_the_api(cast, token_for):
    client, token = Client(), token_for(cast.county_director)
    created = api(client, "post", "/api/v1/visits/campaigns", token, name="2027年春节走访慰问", kind="spring",
                  year=2027, budget_per_person="500")
    assert created.status_code == 201 and created.json()["festival_on"] == "2027-02-06"
    pk = created.json()["id"]
    village = api(client, "get", f"/api/v1/visits/campaigns/{pk}", token_for(cast.village_worker))
    assert village.status_code == 200 and village.json()["total"] == 0
    assert api(client, "get", f"/api/v1/visits/campaigns/{pk}", token_for(cast.outsider)).status_code == 404
    refused = api(client, "post", "/api/v1/visits/campaigns", token_for(cast.village_worker), name="x",
                  kind="spring")
    assert refused.status_code == 403


def test_a_visit_outside_the_scope_is_404_on_the_api(cast, token_for):
    person = person_at(cast.village_worker)
    visit, _new = services.visit_record(actor=cast.village_worker, person_id=person.pk,
                                        visited_on=timezone.localdate())
    client = Client()
    assert api(client, "get", f"/api/v1/visits/{visit.pk}", token_for(cast.street_worker)).status_code == 200
    assert api(client, "get", f"/api/v1/visits/{visit.pk}", token_for(cast.outsider)).status_code == 404
    assert api(client, "get", "/api/v1/visits/", token_for(cast.outsider)).json()["count"] == 0
