"""GB 11643-1999 citizen identity numbers: 18 characters, ISO 7064 MOD 11-2 check digit."""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"


@dataclass(frozen=True)
class IdNumberFacts:
    number: str
    region_code: str  # the six-digit address code at issue
    birth_date: date
    sex: str  # "M" or "F": odd sequence digit is male


def check_digit(first17: str) -> str:
    return _CHECK_CHARS[sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def parse_id_number(value: str, *, today: date | None = None) -> IdNumberFacts:
    """Validate and read an ID number; raise ValidationError with a clear Chinese message."""
    number = (value or "").strip().upper()
    if len(number) == 15 and number.isdigit():
        # A first-generation number (before 1999). Refused rather than converted: the person's
        # current card may carry a different number, so a worker should copy it from the card
        # (decision 0006). The message never repeats the number (it lands in import reports).
        raise ValidationError(
            _("This is an old 15-digit ID number: please enter the 18-digit number on the person's current card."),
            code="id_legacy",
        )
    if len(number) != 18:
        raise ValidationError(_("An ID number has 18 characters."), code="id_length")
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise ValidationError(_("An ID number is 17 digits followed by a digit or X."), code="id_chars")
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValidationError(_("The birth date in this ID number does not exist."), code="id_birth") from None
    if born > (today or date.today()) or born.year < 1890:
        raise ValidationError(_("The birth date in this ID number is not plausible."), code="id_birth")
    if check_digit(number[:17]) != number[17]:
        raise ValidationError(
            _("The check digit of this ID number is wrong: please check the number."), code="id_checksum"
        )
    return IdNumberFacts(number, number[:6], born, "M" if int(number[16]) % 2 else "F")


def validate_id_number(value: str) -> None:
    parse_id_number(value)
