import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_PHONE = re.compile(r"^[0-9+()\- ]{5,40}$")


def validate_phone(value: str) -> None:
    """A landline or mobile number as stations write them: 025-52711234, 13812345678, +86 …"""
    if value and (not _PHONE.match(value) or sum(c.isdigit() for c in value) < 5):
        raise ValidationError(_("Enter a phone number using digits, spaces, '-', '+' or brackets."), code="phone")
