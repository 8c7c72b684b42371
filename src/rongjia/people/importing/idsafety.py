"""ID numbers as ledgers hold them: the one field where a wrong value can pass every check.

Excel keeps 15 significant digits. An 18-digit number typed into a General cell becomes a float whose last
three digits are gone; turned back into text it ends in 000, and about 1 in 11 such numbers still has a right
check digit: it is then another person's number, often of the other sex. So a number cell is refused outright
(the lost digits are never guessed), text ending in 000 is held until someone checks it against the card, and
the ledger's own 性别 and 出生年月 columns are compared with what the number says.

No message here repeats the number: holds are kept with the import job and shown in lists.
"""

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from rongjia.core.idnumber import parse_id_number

from .normalise import Change, Hold, Refusal, as_text, nfkc, quoted, read_ledger_month, shown

SEX_WORDS = {"男": "M", "男性": "M", "M": "M", "MALE": "M", "1": "M",
             "女": "F", "女性": "F", "F": "F", "FEMALE": "F", "2": "F"}
# What a number cell becomes when saved as text or CSV: 3.20115198001011E+17, or 320115198001011000.0.
_NUMBER_AS_TEXT = re.compile(r"\d+(\.\d+)?E\+?\d+|\d{15,18}\.0+", re.IGNORECASE)


def check_id(value, *, ledger_sex=None, ledger_birth=None, today: date,
             confirmed: bool = False) -> tuple[str | None, list[Hold], list[Change]]:
    """(the number, or None when held; holds; changes) for one ledger row's ID number.

    `ledger_sex` (男/女/M/F/1/2) and `ledger_birth` (any date form, a year-month or a year) are the row's own
    columns, compared with the number at the precision the ledger gives. `confirmed`: someone checked a number
    ending in 000 against the ID card.
    """
    holds: list[Hold] = []
    changes: list[Change] = []
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, [Hold("id_number", _("The ID number is missing."))], []
    text = as_text(value)
    if (isinstance(value, (int, float)) and not isinstance(value, bool)) or _NUMBER_AS_TEXT.fullmatch(text.strip()):
        return None, [Hold("id_number", _(
            "The ID number was stored as a number by Excel, which keeps only 15 digits: the last digits are lost. "
            "Format the column as text and type the number again from the ID card."))], []
    number = "".join(nfkc(text).split())  # full-width digits and the spaces typed between the groups
    if number != text.strip():
        changes.append(Change("id_number", _("written with spaces or full-width characters"),
                              _("18 plain characters")))
    if number.endswith("x"):
        number = number[:-1] + "X"
        changes.append(Change("id_number", "x", "X"))
    if len(number) == 18 and number.endswith("000") and not confirmed:
        holds.append(Hold("id_number", _(
            "The ID number ends in 000: it was probably truncated by Excel. Check it against the ID card; if it "
            "is right, confirm it.")))
    try:
        facts = parse_id_number(number, today=today)
    except ValidationError as error:
        holds.append(Hold("id_number", error.messages[0]))
        return None, holds, changes
    holds.extend(_against_ledger(facts.sex, facts.birth_date, ledger_sex, ledger_birth))
    return (None if holds else facts.number), holds, changes


def read_sex(value) -> str | None:
    """M, F or None (empty); Refusal for a word that is not a sex."""
    if value is None:
        return None
    word = "".join(nfkc(as_text(value)).split()).upper()
    if not word:
        return None
    if word not in SEX_WORDS:
        raise Refusal(_("“%(value)s” is not a sex; write 男 or 女.") % {"value": quoted(value)})
    return SEX_WORDS[word]


def _against_ledger(sex: str, born: date, ledger_sex, ledger_birth) -> list[Hold]:
    """The ledger's own 性别 and 出生年月 against the number: a mismatch means one of them is wrong."""
    holds = []
    try:
        written_sex = read_sex(ledger_sex)
    except Refusal as refusal:
        holds.append(Hold("sex", str(refusal)))
    else:
        if written_sex and written_sex != sex:
            message = (_("The ledger says %(ledger)s but the ID number is a man's.") if sex == "M"
                       else _("The ledger says %(ledger)s but the ID number is a woman's."))
            holds.append(Hold("id_number", message % {"ledger": shown(ledger_sex)}))
    if ledger_birth is None or (isinstance(ledger_birth, str) and not ledger_birth.strip()):
        return holds
    try:
        readings = read_ledger_month(ledger_birth)
    except Refusal as refusal:
        holds.append(Hold("birth", str(refusal)))
        return holds
    # A number cell 1980.1 is January or October: either agrees (the number tells which it was).
    if not any(reading.agrees_with(born) for reading in readings):
        holds.append(Hold("id_number", _("The ledger's date of birth is %(ledger)s but the ID number's is "
                                         "%(id_birth)s.") % {"ledger": shown(ledger_birth),
                                                             "id_birth": born.isoformat()}))
    return holds
