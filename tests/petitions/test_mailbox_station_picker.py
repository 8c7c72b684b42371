"""The public mailbox's station box: a suggestion keeps the station's name in the box (its region code goes in the
hidden input), a terminal's link opens with the name shown, and a name typed over a pick is what counts."""

import re

import pytest
from django.core.cache import cache

from rongjia.core.models import OrgUnit
from rongjia.petitions.models import Feedback
from tests.factories import STREET_CODE, VILLAGE2_CODE, VILLAGE_CODE, unit_at

RESIDENT = "汤山医院派驻站"  # the cast's 派驻站: it shares 汤山街道's region code with the street's own station


@pytest.fixture(autouse=True)
def fresh_throttle():
    cache.clear()


def send(client, code: str, text: str):
    return client.post("/mailbox/", {"station": code, "station_text": text, "topic": "attitude",
                                     "rating": "fairly", "content": "态度很好。"})


def test_a_suggestion_carries_the_name_for_the_box_and_the_code_beside_it(db, client):
    html = client.get("/mailbox/stations", {"q": "古泉"}).content.decode()
    name = unit_at(VILLAGE_CODE).name
    assert f'data-value="{VILLAGE_CODE}" data-label="{name}"' in html and 'role="option"' in html
    assert "请至少输入名称中的两个字" in client.get("/mailbox/stations", {"q": "古"}).content.decode()
    assert "没有这个名称的服务站" in client.get("/mailbox/stations", {"q": "不存在的站"}).content.decode()


def test_the_picked_station_is_the_one_the_feedback_is_about(db, client):
    station = unit_at(VILLAGE_CODE)
    assert send(client, VILLAGE_CODE, station.name).status_code == 302
    assert Feedback.objects.get().about == station


def test_a_resident_station_picked_by_its_name_is_not_taken_for_its_streets_station(db, client):
    assert send(client, STREET_CODE, RESIDENT).status_code == 302
    assert Feedback.objects.get().about == OrgUnit.objects.get(name=RESIDENT)


def test_a_name_typed_over_a_pick_is_what_counts(db, client):
    assert send(client, VILLAGE_CODE, unit_at(VILLAGE2_CODE).name).status_code == 302
    assert Feedback.objects.get().about == unit_at(VILLAGE2_CODE)


def test_a_name_no_station_has_is_refused_and_kept_in_the_box(db, client):
    response = send(client, VILLAGE_CODE, "不存在的服务站")
    html = response.content.decode()
    assert response.status_code == 200 and "没有该名称或代码的服务站，请从提示中选择。" in html
    assert 'value="不存在的服务站"' in html and not Feedback.objects.exists()


def test_a_terminals_link_shows_the_stations_name_not_its_code(db, client):
    html = client.get("/mailbox/", {"station": VILLAGE_CODE, "via": "terminal"}).content.decode()
    box = re.search(r'<input type="text" name="station_text"[^>]*>', html).group(0)
    assert f'value="{unit_at(VILLAGE_CODE).name}"' in box and 'role="combobox"' in box
    assert f'name="station" value="{VILLAGE_CODE}"' in html
