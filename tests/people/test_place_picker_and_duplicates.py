"""Registration and editing pick where a person lives by name (core's place picker), never by a raw code; a refused
duplicate ID number links to the dossier on file when the worker may open it, and names no one when it lies
outside the worker's area."""

import re

from rongjia.people.models import Person
from tests.factories import VILLAGE2_CODE, VILLAGE_CODE, person_at, unit_at
from tests.people.test_people_pages import ID_NUMBER, edit_data, form_data

GUQUAN, GAOZHUANG = "江宁区 › 汤山街道 › 古泉社区居委会", "江宁区 › 汤山街道 › 高庄社区居委会"
OUTSIDE_REFUSAL = "请从提示中选择您辖区内的地点。"


def place_box(html: str) -> str:
    """The text box of the address picker as the page renders it."""
    return re.search(r'<input type="text" name="address_region_text"[^>]*>', html).group(0)


# --- registration ------------------------------------------------------------------------------------------

def test_the_registration_page_asks_for_a_place_by_name(cast, client_for):
    html = client_for(cast.street_worker).get("/people/new").content.decode()
    box = place_box(html)
    assert 'role="combobox"' in box and 'aria-controls="id_address_region_options"' in box
    assert "/places/suggest?level=street,village" in box and 'value=""' in box
    assert "输入街道或社区名称的一部分" in html and "12 位" not in html and "区划代码" not in html
    assert "js/picker.js" in html


def test_a_street_worker_registers_with_a_picked_place(cast, client_for):
    client = client_for(cast.street_worker)
    response = client.post("/people/new", form_data(address_region=VILLAGE2_CODE, address_region_text=GAOZHUANG))
    assert response.status_code == 302
    assert Person.objects.get().address_region.code == VILLAGE2_CODE


def test_without_the_script_the_typed_name_is_enough(cast, client_for):
    client = client_for(cast.street_worker)
    response = client.post("/people/new", form_data(address_region="", address_region_text="高庄社区居委会"))
    assert response.status_code == 302 and Person.objects.get().address_region.code == VILLAGE2_CODE


def test_a_name_typed_over_a_pick_is_what_counts(cast, client_for):
    client = client_for(cast.street_worker)  # picked 古泉, then typed 高庄 over it: the code left is stale
    response = client.post("/people/new", form_data(address_region=VILLAGE_CODE, address_region_text=GAOZHUANG))
    assert response.status_code == 302 and Person.objects.get().address_region.code == VILLAGE2_CODE


def test_a_place_outside_the_scope_is_refused_and_nothing_saved(cast, client_for):
    client = client_for(cast.village_worker)
    for code, text in ((VILLAGE2_CODE, GAOZHUANG), ("", GAOZHUANG), ("320114005005", "")):
        response = client.post("/people/new", form_data(address_region=code, address_region_text=text))
        assert response.status_code == 200
        errors = response.context["form"].errors["address_region"]
        assert errors[0] in (OUTSIDE_REFUSAL, "您辖区内没有这个名称的地点。请输入名称的一部分，再从提示中选择。")
        assert errors[0] in response.content.decode()
        assert f'value="{text}"' in place_box(response.content.decode())  # what was typed stays to be corrected
    assert not Person.objects.exists()


def test_an_unknown_name_is_a_clear_error(cast, client_for):
    response = client_for(cast.county_director).post("/people/new", form_data(
        address_region="", address_region_text="柏树村委会"))  # two streets of the county have one
    assert "您辖区内有多个地点叫这个名称" in response.context["form"].errors["address_region"][0]
    assert not Person.objects.exists()


# --- editing -----------------------------------------------------------------------------------------------

def test_the_edit_page_shows_the_place_by_its_path(cast, client_for):
    person = person_at(cast.village_worker)
    html = client_for(cast.village_worker).get(f"/people/{person.pk}/edit").content.decode()
    assert f'value="{GUQUAN}"' in place_box(html)
    assert f'name="address_region" value="{VILLAGE_CODE}"' in html  # the code only in the hidden input


def test_editing_moves_the_person_to_a_picked_place(cast, client_for):
    person = person_at(cast.street_worker)
    response = client_for(cast.street_worker).post(f"/people/{person.pk}/edit", edit_data(
        person, address_region=VILLAGE2_CODE, address_region_text=GAOZHUANG))
    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.address_region.code, person.version) == (VILLAGE2_CODE, 2)


def test_editing_refuses_a_place_outside_the_scope(cast, client_for):
    person = person_at(cast.village_worker)
    response = client_for(cast.village_worker).post(f"/people/{person.pk}/edit", edit_data(
        person, address_region="", address_region_text=GAOZHUANG))
    assert response.context["form"].errors["address_region"]
    person.refresh_from_db()
    assert (person.address_region.code, person.version) == (VILLAGE_CODE, 1)


def test_a_place_on_file_at_the_county_level_is_kept_on_saving(cast, client_for):
    """Registered at the district centre with a blank address: its own region, above the picker's levels."""
    centre = unit_at("320115000000")
    person = person_at(cast.county_director, code=centre.region_code)
    client = client_for(cast.county_director)
    assert 'value="江宁区"' in place_box(client.get(f"/people/{person.pk}/edit").content.decode())
    response = client.post(f"/people/{person.pk}/edit", edit_data(person, address_region_text="江宁区"))
    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.address_region.code, person.version) == (centre.region_code, 2)


# --- a duplicate ID number ---------------------------------------------------------------------------------

def test_a_duplicate_at_the_own_station_links_to_the_dossier(cast, client_for):
    person = person_at(cast.village_worker, id_number=ID_NUMBER)
    response = client_for(cast.village_worker).post("/people/new", form_data())
    html = response.content.decode()
    assert response.status_code == 200 and "该身份证号码已在本站点登记" in html
    assert f'<a href="/people/{person.pk}/">打开已有档案</a>' in html
    assert Person.objects.count() == 1


def test_a_duplicate_at_another_station_in_the_area_names_it_and_links(cast, client_for):
    person = person_at(cast.village_worker, id_number=ID_NUMBER)
    response = client_for(cast.county_director).post("/people/new", form_data(
        station=unit_at(VILLAGE2_CODE).pk, address_region=VILLAGE2_CODE))
    html = response.content.decode()
    assert unit_at(VILLAGE_CODE).name in html and f'<a href="/people/{person.pk}/">打开已有档案</a>' in html
    assert 'data-testid="transfer-request"' not in html
    assert Person.objects.count() == 1


def test_a_duplicate_outside_the_area_names_no_one_and_offers_the_transfer_request(cast, client_for):
    person = person_at(cast.village_worker, id_number=ID_NUMBER, name="钱守信")
    response = client_for(cast.village2_worker).post("/people/new", form_data(
        id_number=ID_NUMBER, station=unit_at(VILLAGE2_CODE).pk, name="另一个名字"))
    html = response.content.decode()
    assert "辖区外的服务站建档" in response.context["form"].errors["id_number"][0]
    assert f"/people/{person.pk}/" not in html and "打开已有档案" not in html
    assert "钱守信" not in html and unit_at(VILLAGE_CODE).name not in html
    assert 'data-testid="transfer-request"' in html
    assert Person.objects.count() == 1  # nothing registered
