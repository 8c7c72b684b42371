"""The people list's region filter is a place picked by name: it shows the place's path, asks the scoped
suggestions, and still sends a code so links keep working. A code outside the scope is 404, as before."""

from django.http import QueryDict

from rongjia.people.forms import PersonFilterForm
from tests.factories import STREET_CODE, person_at

OUTSIDE_COUNTY = "320114"


def test_the_filter_shows_the_place_by_name_and_lists_its_people(cast, client_for):
    person_at(cast.county_director, name="李明")
    page = client_for(cast.county_director).get("/people/", {"region": STREET_CODE[:9]})
    html = page.content.decode()
    assert page.status_code == 200 and "李明" in html
    assert 'name="region" value="' + STREET_CODE[:9] + '"' in html
    assert "汤山街道" in html  # the path in the box, not the code alone
    assert "/places/suggest?level=county,street,village" in html


def test_links_carry_the_code_not_the_box():
    form = PersonFilterForm.from_query(QueryDict("region=320115003&region_text=%E6%B1%A4%E5%B1%B1&q=li"))
    assert form.query() == "region=320115003&q=li"


def test_a_place_outside_the_scope_is_404(cast, client_for):
    assert client_for(cast.village_worker).get("/people/", {"region": OUTSIDE_COUNTY}).status_code == 404
