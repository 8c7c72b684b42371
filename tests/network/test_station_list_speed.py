"""The station list asks a fixed number of queries whatever the number of units listed (the lists' bench times it:
docs/performance.md), for a village worker and for a county director alike."""

import pytest

from rongjia.core.models import OrgUnit


@pytest.mark.parametrize(("who", "url"), [("village_worker", "/stations/"), ("county_director", "/stations/"),
                                          ("county_director", "/stations/?page=2"),
                                          ("county_director", "/stations/?level=village&q=社区")])
def test_the_station_list_asks_a_fixed_number_of_queries(cast, client_for, who, url, django_assert_max_num_queries):
    client = client_for(getattr(cast, who))
    with django_assert_max_num_queries(20):  # the list, its count, the page's facts (staff, 五有, standards)
        response = client.get(url)
    assert response.status_code == 200
    listed = response.context["page"].object_list
    assert listed and all(OrgUnit.objects.visible_to(getattr(cast, who)).filter(pk=unit.pk).exists()
                          for unit in listed[:3])
