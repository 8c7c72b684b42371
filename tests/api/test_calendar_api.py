"""The deadline calculator over the API: the same function as the workflows, with its rule explained."""

from tests.api.conftest import api


def test_the_api_explains_the_rule(cast, client, token_for):
    token = token_for(cast.village_worker)
    body = api(client, "get", "/api/v1/calendar/deadline", token, start="2025-09-20", days=15).json()
    assert body["due"] == "2025-10-09" and body["moved_from"] == "2025-10-05" and "民法典" in body["rule"]
    working = api(client, "get", "/api/v1/calendar/deadline", token, start="2025-09-26", days=5, kind="working")
    assert working.json()["due"] == "2025-10-10"
    assert api(client, "get", "/api/v1/calendar/deadline", token, start="2025-09-26", days=0).status_code == 422
    assert api(client, "get", "/api/v1/calendar/deadline", token, start="2025-02-30", days=5).status_code == 422
    assert api(client, "get", "/api/v1/calendar/deadline", None, start="2025-09-26", days=5).status_code == 401
