import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_PHONE = re.compile(r"^[0-9+()\- ]{5,40}$")


def validate_phone(value: str) -> None:
    """A landline or mobile number as stations write them: 025-52711234, 13812345678, +86 …"""
    if value and (not _PHONE.match(value) or sum(c.isdigit() for c in value) < 5):
        raise ValidationError(_("Enter a phone number using digits, spaces, '-', '+' or brackets."), code="phone")


# What a spreadsheet takes for the start of a formula (OWASP "CSV injection"); core.exports.safe_cell
# neutralises the same starts in every cell the project writes.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def validate_reference_name(value: str, *, field: str | None = None) -> None:
    """The one check on names of reference data (categories, tags, regions, holidays).

    Those names are written into workbooks (the ledger template's drop-down lists sit beside the full
    export's ID numbers), so a name a spreadsheet would run as a formula is refused where it is entered.
    A service names the form `field` the refusal belongs to.
    """
    if value and value.startswith(FORMULA_STARTS):
        error = ValidationError(
            _("A name may not begin with =, +, -, @, a tab or a line break: a spreadsheet would run it as a formula."),
            code="formula")
        raise ValidationError({field: error}) if field else error
