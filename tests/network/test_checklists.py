"""A jurisdiction words its own 五有 list and display checklist."""

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings

from rongjia.demo.network_reference import load_network_reference
from rongjia.network import services
from rongjia.network.facts import ChecklistBook
from rongjia.network.models import ChecklistItem
from tests.factories import VILLAGE_CODE, small_png, unit_at

NAMES = "有场所\n有人员\n有经费\n有制度\n有台账"


def test_the_county_sets_its_wording_and_its_units_follow_it(cast, client_for):
    response = client_for(cast.county_director).post("/network/checklists/", {"kind": "five_have", "names": NAMES})
    assert response.status_code == 302
    items = ChecklistBook("five_have").items_for(VILLAGE_CODE)
    assert [i.name for i in items] == NAMES.split("\n")
    assert {i.jurisdiction_code for i in items} == {"320115"}
    neighbour = ChecklistBook("five_have").items_for("320114000000")  # untouched: it keeps the national list
    assert {i.jurisdiction_code for i in neighbour} == {""} and neighbour[0].name == "有机构"


def test_rewording_keeps_answers_but_answered_items_cannot_be_dropped(cast, tmp_path):
    load_network_reference("320115")
    item = ChecklistItem.objects.get(kind="five_have", jurisdiction_code="320115", position=5)
    with override_settings(MEDIA_ROOT=tmp_path):
        from django.core.files.uploadedfile import SimpleUploadedFile

        services.checklist_entry_save(actor=cast.village_worker, unit=unit_at(VILLAGE_CODE), item=item, met=True,
                                      evidence=SimpleUploadedFile("a.png", small_png()))
    services.checklist_items_set(actor=cast.county_director, kind="five_have", jurisdiction_code="320115",
                                 names=NAMES.split("\n"))
    item.refresh_from_db()
    assert item.name == "有台账" and item.entries.count() == 1
    with pytest.raises(ValidationError):  # the list stays as it was
        services.checklist_items_set(actor=cast.county_director, kind="five_have", jurisdiction_code="320115",
                                     names=NAMES.split("\n")[:4])
    assert ChecklistItem.objects.filter(kind="five_have", jurisdiction_code="320115").count() == 5


@pytest.mark.parametrize("names", ["", "有场所\n有场所", "长" * 101])
def test_bad_lists_are_refused_and_change_nothing(cast, client_for, names):
    response = client_for(cast.county_director).post("/network/checklists/", {"kind": "five_have", "names": names})
    assert response.status_code == 200
    assert not ChecklistItem.objects.filter(jurisdiction_code="320115").exists()


def test_only_centre_staff_set_lists_and_only_inside_their_jurisdiction(cast, client_for):
    for user in (cast.village_worker, cast.leader, cast.system_admin):
        assert client_for(user).post("/network/checklists/", {"kind": "five_have", "names": NAMES}).status_code == 403
    with pytest.raises(ValidationError):  # a jurisdiction outside the setter's subtree
        services.checklist_items_set(actor=cast.county_director, kind="five_have", jurisdiction_code="320114",
                                     names=["x"])
    assert client_for(cast.county_director).get("/network/checklists/").status_code == 200
