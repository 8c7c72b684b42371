from datetime import date

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from rongjia.core.idnumber import check_digit, parse_id_number
from rongjia.core.masking import mask_id_number, mask_name, mask_phone

VALID = "11010519491231002X"  # the example number of GB 11643-1999


def test_standard_example_is_valid_and_facts_are_derived():
    facts = parse_id_number(VALID.lower())
    assert facts.birth_date == date(1949, 12, 31)
    assert facts.sex == "F"
    assert facts.region_code == "110105"


@pytest.mark.parametrize("number, message", [
    ("110105194912310021", "校验码"),
    ("11010519491231002", "18"),
    ("1101051949123100AX", "17"),
    ("110105194902300026", "不存在"),
    ("110105209912310025", "不合理"),
    ("110105491231002", "15位"),  # the first-generation form of VALID: refused, not converted (decision 0006)
])
def test_bad_numbers_are_refused_with_a_clear_message(number, message):
    from django.utils import translation

    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        parse_id_number(number)
    assert message in refused.value.messages[0]


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2020, 12, 31)), st.integers(0, 999))
def test_any_number_with_its_computed_check_digit_is_valid(born, sequence):
    first17 = f"320115{born:%Y%m%d}{sequence:03d}"
    facts = parse_id_number(first17 + check_digit(first17))
    assert facts.birth_date == born
    assert facts.sex == ("M" if sequence % 2 else "F")


def test_masks():
    # One ID mask everywhere (decision 0008): region and birth date shown, sequence and check digit hidden.
    assert mask_id_number("320115199001011234") == "32011519900101****"
    assert mask_id_number("11010519491231002x") == "11010519491231****"
    assert mask_id_number("320115900101123") == "320115900101***"  # a legacy 15-digit number: the sequence
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("025-52711234") == "025-****1234"
    assert mask_name("张三丰") == "张**"
    assert mask_id_number("") == mask_phone("") == mask_name("") == ""
    assert mask_id_number("G1234567") == "********"  # not an ID number we know: nothing of it is shown


def test_the_audit_log_masks_with_the_pages_mask():
    """django-auditlog's own mask keeps the last half (*****345678): beside the page's 139****5678 that
    leaves 100 numbers. The log masks with the page's function; its "None" and "" stay readable."""
    from rongjia.core.masking import mask_logged_value

    assert mask_logged_value("13912345678") == mask_phone("13912345678") == "139****5678"
    assert mask_logged_value("025-52711234") == "025-****1234"
    assert mask_logged_value("None") == "None" and mask_logged_value("") == ""


def test_an_audited_phone_change_is_stored_with_the_pages_mask(cast):
    from auditlog.models import LogEntry

    from rongjia.people import services
    from tests.factories import StaffMemberFactory, person_at, unit_at

    person = person_at(cast.village_worker, phone="13800001111")
    services.person_update(actor=cast.village_worker, person=person, version=person.version, phone="13912345678")
    entry = LogEntry.objects.get_for_object(person).filter(action=LogEntry.Action.UPDATE).get()
    assert entry.changes_dict["phone"] == ["138****1111", "139****5678"]
    created = LogEntry.objects.get_for_object(person).get(action=LogEntry.Action.CREATE)
    assert created.changes_dict["phone"] == ["None", "138****1111"]
    staff = StaffMemberFactory(unit=unit_at(person.station.region_code), phone="13912345678")
    logged = LogEntry.objects.get_for_object(staff).get(action=LogEntry.Action.CREATE)
    assert logged.changes_dict["phone"][1] == "139****5678"  # network staff: the same mask
