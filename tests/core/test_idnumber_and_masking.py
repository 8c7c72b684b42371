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
    assert mask_id_number("320115199001011234") == "320115********1234"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("025-52711234") == "025-****1234"
    assert mask_name("张三丰") == "张**"
    assert mask_id_number("") == mask_phone("") == mask_name("") == ""
