def test_healthz_reports_the_database(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"


def test_cast_is_in_place(cast):
    assert cast.village_worker.org_unit.name == "古泉社区退役军人服务站"
    assert cast.outsider.org_unit.region_code == "320114000000"
