"""What the network facts must say (issue 20): the national 五有 is the country-wide default a jurisdiction may
reword, a jurisdiction's list applies to the levels it names, and a standard can require 专职 staff."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from rongjia.network import services
from rongjia.network.facts import ChecklistBook, unit_facts
from rongjia.network.models import ChecklistItem, Standard
from tests.factories import OUTSIDER_COUNTY, STREET_CODE, StaffMemberFactory, unit_at

pytestmark = pytest.mark.django_db
NATIONAL = ["有机构", "有编制", "有人员", "有经费", "有保障"]


def test_every_unit_follows_the_national_five_haves_unless_its_jurisdiction_words_its_own(cast):
    facts = unit_facts([unit_at(OUTSIDER_COUNTY + "000000")])
    (only,) = facts.values()
    assert [item.name for item, _entry in only.five_have] == NATIONAL
    assert {item.jurisdiction_code for item, _entry in only.five_have} == {""}


def test_a_jurisdictions_list_applies_to_the_levels_it_names(cast):
    for position, name in enumerate(["有人员办事", "有条件办事", "有能力办事", "有具体任务", "有工作台账"], start=1):
        ChecklistItem.objects.create(kind="five_have", jurisdiction_code="4403", position=position, name=name,
                                     levels=[4, 5])
    book = ChecklistBook(ChecklistItem.Kind.FIVE_HAVE)
    assert book.items_for("440304001001", 5)[0].name == "有人员办事"  # a 社区 station in 福田区
    assert book.items_for("440304001000", 4)[0].name == "有人员办事"  # its 街道
    assert [item.name for item in book.items_for("440304000000", 3)] == NATIONAL  # the district centre: national
    assert book.items_for("4403", None)[0].name == "有人员办事"  # a statistics row reads the region's own list


def test_a_standard_can_require_full_time_staff(cast):
    street = unit_at(STREET_CODE)
    services.standard_create(actor=cast.county_director, jurisdiction_code="320115", level=4,
                             effective_from=date(2020, 1, 1), min_full_time_staff=2,
                             note="乡镇、街道配齐2至3名专职工作人员")
    StaffMemberFactory(unit=street, employment="full_time")
    for _n in range(3):
        StaffMemberFactory(unit=street, employment="part_time")
    facts = unit_facts([street])[street.pk]
    assert facts.below_standard and any("2" in shortfall for shortfall in facts.shortfalls)
    StaffMemberFactory(unit=street, employment="full_time")
    assert not unit_facts([street])[street.pk].below_standard
    with pytest.raises(ValidationError):  # a standard must set some minimum
        services.standard_create(actor=cast.county_director, jurisdiction_code="320115", level=5,
                                 effective_from=date(2020, 1, 1))
    assert Standard.objects.count() == 1
