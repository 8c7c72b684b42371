"""The petition list drawn fast at a province's size: its "responsible unit" filter offers the units of the viewer's
own region and the level below (not every unit of the area: 19,224 in Gansu made the page 1.3 MB), still accepts any
unit of the area, and a list longer than it counts says so instead of counting every petition."""

import re

import pytest

from rongjia.core import pagination
from tests.factories import HOME_COUNTY, OUTSIDER_COUNTY, STREET_CODE, VILLAGE2_CODE, VILLAGE_CODE, unit_at
from tests.petitions.test_desk import desk, lodge  # noqa: F401 - the desk fixture, asked for by name below


def offered(response) -> set[str]:
    select = re.search(r'<select name="unit"[^>]*>(.*?)</select>', response.content.decode(), re.S).group(1)
    return set(re.findall(r'<option value="\d+"[^>]*>([^<]+)</option>', select))


def test_the_unit_filter_offers_the_own_region_and_the_level_below(cast, client_for, request):
    request.getfixturevalue("desk")  # the desk's petitions (tests/petitions/test_desk.py)
    county = offered(client_for(cast.county_director).get("/petitions/"))
    assert unit_at(HOME_COUNTY + "000000").name in county and unit_at(STREET_CODE).name in county
    assert unit_at(VILLAGE_CODE).name not in county  # two levels down: chosen by the region filter or a link
    street = offered(client_for(cast.street_worker).get("/petitions/"))
    assert {unit_at(STREET_CODE).name, unit_at(VILLAGE_CODE).name, unit_at(VILLAGE2_CODE).name} <= street


def test_a_unit_deeper_in_the_area_still_filters_and_shows_chosen(cast, client_for, request):
    made = request.getfixturevalue("desk")  # the desk's petitions (tests/petitions/test_desk.py)
    client = client_for(cast.county_director)
    village = unit_at(VILLAGE_CODE)
    response = client.get(f"/petitions/?unit={village.pk}")
    assert {p.pk for p in response.context["page"].object_list} == {
        made[name].pk for name in ("late", "soon", "again0", "again1", "again2")}
    assert f'<option value="{village.pk}" selected>{village.name}</option>' in response.content.decode()


def test_a_unit_outside_the_area_is_refused_with_a_message_and_filters_nothing(cast, client_for, request):
    request.getfixturevalue("desk")  # the desk's petitions (tests/petitions/test_desk.py)
    client = client_for(cast.county_director)
    everything = client.get("/petitions/").context["page"].paginator.count
    response = client.get(f"/petitions/?unit={unit_at(OUTSIDER_COUNTY + '000000').pk}")
    assert response.context["page"].paginator.count == everything
    assert response.context["form"].errors["unit"] and "忽略" in response.content.decode()
    assert unit_at(OUTSIDER_COUNTY + "000000").name not in offered(response)


def test_a_list_longer_than_it_counts_says_so(cast, client_for, request, monkeypatch):
    request.getfixturevalue("desk")  # the desk's petitions (tests/petitions/test_desk.py)
    monkeypatch.setattr(pagination, "COUNT_CAP", 3)
    response = client_for(cast.county_director).get("/petitions/")
    assert response.context["page"].paginator.capped
    assert "超过 3 件信访" in response.content.decode()


@pytest.mark.parametrize("who", ["village_worker", "county_director"])
def test_the_list_asks_a_fixed_number_of_queries(cast, client_for, request, who, django_assert_max_num_queries):
    request.getfixturevalue("desk")  # the desk's petitions (tests/petitions/test_desk.py)
    client = client_for(getattr(cast, who))
    for n in range(20):
        lodge(cast.village_worker, f"多一件{n}", names=(f"多{n}",), due=-1)
    with django_assert_max_num_queries(16):  # + the unit filter's units, the provisional years
        response = client.get("/petitions/")
    assert response.status_code == 200 and len(response.context["page"].object_list) > 20
