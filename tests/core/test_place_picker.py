"""The place picker: places by name from the viewer's own subtree only (suggested and accepted), at the levels
asked for, at most 20 at a time, each named by its path; a code from outside typed or sent by hand is refused
in Chinese, and a box whose text no longer names the picked place is read by its text."""

import re

import pytest
from django import forms

from rongjia.core.forms_places import PlaceField
from rongjia.core.places import SUGGESTIONS, place_suggestions
from rongjia.core.regions import COUNTY, STREET, VILLAGE
from tests.factories import STREET_CODE, VILLAGE2_CODE, VILLAGE_CODE

SUGGEST = "/places/suggest"
GUQUAN = "江宁区 › 汤山街道 › 古泉社区居委会"  # VILLAGE_CODE's path
HOME_YONGAN, OUTSIDE_YONGAN = "320115001015", "320114005005"  # one name in both counties
BAISHU = ("320115004207", "320115007200")  # 柏树村委会 of two streets of the home county


def options(response) -> list[tuple[str, str]]:
    """(code, label) of each option the listbox would show."""
    return re.findall(r'data-value="(\d+)" data-label="([^"]+)"', response.content.decode())


class Form(forms.Form):
    place = PlaceField(label="地点", levels=(STREET, VILLAGE))

    def __init__(self, *args, viewer, kept="", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["place"].viewer, self.fields["place"].kept = viewer, kept


def picked(viewer, code="", text="", **kwargs):
    form = Form({"place": code, "place_text": text}, viewer=viewer, **kwargs)
    return form.cleaned_data["place"].code if form.is_valid() else form.errors["place"][0]


# --- suggestions -------------------------------------------------------------------------------------------

def test_suggestions_are_named_by_their_path_and_come_from_the_scope_only(cast, client_for):
    director = client_for(cast.county_director)
    assert options(director.get(SUGGEST, {"q": "古泉"})) == [(VILLAGE_CODE, GUQUAN)]
    assert [code for code, _label in options(director.get(SUGGEST, {"q": "永安"}))] == [HOME_YONGAN]
    village = client_for(cast.village_worker)  # a station worker's scope is its one community
    assert options(village.get(SUGGEST, {"q": "古泉"})) == [(VILLAGE_CODE, GUQUAN)]
    assert options(village.get(SUGGEST, {"q": "高庄"})) == []  # the next community
    assert options(village.get(SUGGEST, {"q": "汤山"})) == []  # its own street lies above it
    assert "您辖区内没有这个名称的地点" in village.get(SUGGEST, {"q": "高庄"}).content.decode()


def test_an_outsider_gets_nothing_of_the_county(cast, client_for):
    outsider = client_for(cast.outsider)  # the director of the neighbour county
    assert options(outsider.get(SUGGEST, {"q": "古泉"})) == []
    codes = [code for code, _label in options(outsider.get(SUGGEST, {"q": "永安"}))]
    assert OUTSIDE_YONGAN in codes and HOME_YONGAN not in codes
    assert client_for(cast.auditor).get(SUGGEST, {"q": "古泉"}).status_code == 403  # no scope at all
    assert place_suggestions(None, "古泉") == []


def test_levels_streets_before_villages(cast, client_for):
    director = client_for(cast.county_director)
    streets = options(director.get(SUGGEST, {"q": "汤山", "level": "street"}))
    assert streets == [(STREET_CODE, "江宁区 › 汤山街道")]
    villages = options(director.get(SUGGEST, {"q": "汤山", "level": "village"}))
    assert villages == [("320115003001", "江宁区 › 汤山街道 › 汤山社区居委会")]
    both = options(director.get(SUGGEST, {"q": "汤山"}))  # the default: 街道 then 社区
    assert both == streets + villages
    assert options(director.get(SUGGEST, {"q": "江宁", "level": "county"})) == [("320115000000", "江宁区")]


def test_the_query_and_the_answer_are_bounded(cast, client_for, django_assert_max_num_queries):
    director = client_for(cast.county_director)
    with django_assert_max_num_queries(12):  # a signed-in page's own, then the places and their ancestors' names
        many = options(director.get(SUGGEST, {"q": "社区"}))  # as many as for one place: not one query each
    assert len(many) == SUGGESTIONS == 20
    assert options(director.get(SUGGEST, {"q": "古" * 200})) == []  # cut to 40 characters, then matches nothing
    assert options(director.get(SUGGEST, {"q": f"随便 › {GUQUAN}"})) == [(VILLAGE_CODE, GUQUAN)]  # the last step


def test_signed_out_is_sent_to_sign_in(client):
    assert client.get(SUGGEST, {"q": "古泉"}).status_code == 302


# --- the field ---------------------------------------------------------------------------------------------

def test_a_picked_place_inside_the_scope_is_accepted(cast):
    assert picked(cast.county_director, VILLAGE_CODE, GUQUAN) == VILLAGE_CODE
    assert picked(cast.county_director, VILLAGE_CODE) == VILLAGE_CODE  # a code alone (a page's own link)
    assert picked(cast.village_worker, VILLAGE_CODE, "古泉社区居委会") == VILLAGE_CODE  # the name alone


@pytest.mark.parametrize("code", [VILLAGE2_CODE, STREET_CODE, OUTSIDE_YONGAN, "999999999999"])
def test_a_code_from_outside_is_refused_in_chinese(cast, code):
    own_name = {VILLAGE2_CODE: "高庄社区居委会", STREET_CODE: "江宁区 › 汤山街道"}.get(code, "")  # sent with its name
    assert picked(cast.village_worker, code, own_name) == "请从提示中选择您辖区内的地点。"
    assert picked(cast.village_worker, "", code) == "请从提示中选择您辖区内的地点。"  # typed into the box


def test_without_the_script_the_box_is_read_as_an_exact_name_or_path(cast):
    director = cast.county_director
    assert picked(director, "", "古泉社区居委会") == VILLAGE_CODE
    assert picked(director, "", " 江宁区›汤山街道 ›古泉社区居委会") == VILLAGE_CODE  # spaces do not matter
    assert picked(director, "", "古泉") == "您辖区内没有这个名称的地点。请输入名称的一部分，再从提示中选择。"
    assert picked(director, "", "柏树村委会").startswith("您辖区内有多个地点叫这个名称")  # two streets have one
    assert picked(director, "", "江宁区 › 谷里街道 › 柏树村委会") == BAISHU[1]
    assert picked(cast.outsider, "", "古泉社区居委会").startswith("您辖区内没有这个名称的地点")


def test_a_box_typed_over_after_a_pick_is_read_by_its_text(cast):
    """The old code with a new name: the name wins, never the stale code."""
    assert picked(cast.county_director, VILLAGE_CODE, "高庄社区居委会") == VILLAGE2_CODE
    assert picked(cast.county_director, VILLAGE_CODE, "不存在的社区").startswith("您辖区内没有这个名称的地点")
    assert picked(cast.village_worker, VILLAGE_CODE, "高庄社区居委会").startswith("您辖区内没有这个名称的地点")


def test_a_place_at_another_level_is_refused_unless_it_is_the_one_on_file(cast):
    county = "320115000000"
    assert picked(cast.county_director, county) == "此处只能选择以下级别的地点：乡镇（街道）、村（社区）。"
    assert picked(cast.county_director, county, "江宁区", kept=county) == county
    form = Form({}, viewer=cast.county_director)
    assert not form.is_valid() and form.errors["place"] == ["这个字段是必填项。"]
    assert COUNTY < STREET  # the levels asked for are the field's own


def test_the_box_shows_the_path_of_a_place_on_file_never_its_code(cast):
    form = Form(initial={"place": VILLAGE_CODE}, viewer=cast.village_worker)
    html = str(form["place"])
    assert f'value="{GUQUAN}"' in html and f'name="place" value="{VILLAGE_CODE}"' in html
    assert 'role="combobox"' in html and "/places/suggest?level=street,village" in html


def test_a_links_unpadded_prefix_names_its_place_and_the_box_shows_its_path(cast):
    """Lists and statistics link a subtree as ?region=320115003: the street itself, shown by its name."""
    assert picked(cast.county_director, STREET_CODE[:9]) == STREET_CODE
    assert picked(cast.village_worker, STREET_CODE[:9]) == "请从提示中选择您辖区内的地点。"
    html = str(Form({"place": STREET_CODE[:9]}, viewer=cast.county_director)["place"])
    assert 'value="江宁区 › 汤山街道"' in html
