from rongjia.core.models import OrgUnit
from tests.factories import VILLAGE2_CODE


def _open(client, **fields):
    data = {"kind": "resident", "region": "320115003000", "name": "汤山中学退役军人服务派驻站", **fields}
    return client.post("/stations/new-extra", data)


def test_a_street_worker_opens_a_resident_station_in_the_street(cast, client_for):
    response = _open(client_for(cast.street_worker))
    unit = OrgUnit.objects.get(name="汤山中学退役军人服务派驻站")
    assert response.status_code == 302 and response.url == f"/stations/{unit.pk}/"
    assert (unit.kind, unit.level, unit.region_code) == ("resident", 4, "320115003000")


def test_a_region_outside_the_subtree_is_404_and_nothing_opens(cast, client_for):
    assert _open(client_for(cast.village_worker), region=VILLAGE2_CODE).status_code == 404
    assert _open(client_for(cast.outsider)).status_code == 404
    assert not OrgUnit.objects.filter(name="汤山中学退役军人服务派驻站").exists()


def test_bad_input_and_read_only_change_nothing(cast, client_for):
    client = client_for(cast.county_director)
    assert _open(client, region="12345").status_code == 200
    assert _open(client, kind="centre").status_code == 200
    assert _open(client, phone="call me").status_code == 200
    assert _open(client_for(cast.leader)).status_code == 403
    assert not OrgUnit.objects.filter(name="汤山中学退役军人服务派驻站").exists()


def test_the_list_offers_the_form_only_to_those_who_may_open_one(cast, client_for):
    assert "/stations/new-extra" in client_for(cast.street_worker).get("/stations/").content.decode()
    assert "/stations/new-extra" not in client_for(cast.leader).get("/stations/").content.decode()
