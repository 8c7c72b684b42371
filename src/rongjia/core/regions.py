"""Facts about the five-level region codes (GB/T 2260 + township + village, 12 digits)."""

from django.utils.translation import gettext_lazy as _

PROVINCE, CITY, COUNTY, STREET, VILLAGE = 1, 2, 3, 4, 5

LEVEL_CHOICES = [
    (PROVINCE, _("Province")),
    (CITY, _("City")),
    (COUNTY, _("County")),
    (STREET, _("Township/street")),
    (VILLAGE, _("Village/community")),
]

# How many leading digits of the 12-digit code identify a unit of each level; every unit of
# the subtree below it shares that prefix, which is what makes scoping a prefix match.
PREFIX_LENGTH = {PROVINCE: 2, CITY: 4, COUNTY: 6, STREET: 9, VILLAGE: 12}

# The API and URLs name levels in words; the database keeps numbers.
LEVEL_BY_SLUG = {"province": PROVINCE, "city": CITY, "county": COUNTY, "street": STREET, "village": VILLAGE}
SLUG_BY_LEVEL = {number: slug for slug, number in LEVEL_BY_SLUG.items()}

CODE_LENGTH = 12


def pad_code(code: str) -> str:
    """'320115' -> '320115000000': the statistical 12-digit form of any level's code."""
    return code.ljust(CODE_LENGTH, "0")


def subtree_prefix(code: str, level: int) -> str:
    return code[: PREFIX_LENGTH[level]]


def level_of_prefix(prefix: str) -> int | None:
    """The level whose subtree a code prefix of this length denotes, or None."""
    for level, length in PREFIX_LENGTH.items():
        if len(prefix) == length:
            return level
    return None
