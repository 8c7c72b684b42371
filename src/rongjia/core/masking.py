"""Masking of personal sensitive information (PIPL): shown masked unless revealed by permission.

One mask per kind of value, used by every page, export, API answer, printout and the audit log:
two places masking different digits of the same number would together show all of it (decision 0008).
"""


def mask_id_number(value: str) -> str:
    """'320115197709031231' -> '32011519770903****': the region and birth date stay, the rest is hidden.

    Staff need the birth date (birthday visits, age rules), so pages show it beside the number; the
    mask therefore hides what the birth date does not tell: the sequence and the check digit. With the
    sex known that leaves 500 numbers whose check digit is right (decision 0008). A legacy 15-digit
    number (decision 0006) hides its three sequence digits: 500 numbers again once the sex is known.
    Anything else is not an ID number this system knows, and nothing of it is shown.
    """
    if not value:
        return ""
    if len(value) == 18:
        return value[:14] + "****"
    if len(value) == 15:
        return value[:12] + "***"
    return "*" * len(value)


def mask_phone(value: str) -> str:
    """'13812345678' -> '138****5678'; a landline '025-52711234' -> '025-****1234'."""
    digits = [i for i, c in enumerate(value or "") if c.isdigit()]
    if len(digits) < 7:
        return "*" * len(value or "")
    hidden = set(digits[-8:-4]) if len(digits) >= 11 else set(digits[-8:-4] or digits[3:-4])
    return "".join("*" if i in hidden else c for i, c in enumerate(value))


def mask_logged_value(value: str) -> str:
    """django-auditlog's mask (settings.AUDITLOG_MASK_CALLABLE) for the phones it records.

    Its own default stars the first half ('*****345678'); beside a page's '139****5678' that would
    leave 100 numbers, so the log uses the pages' mask. auditlog passes a missing value as "None".
    """
    return value if value in ("", "None") else mask_phone(value)


# What the log holds for a masked field that was empty: "" or auditlog's "None", and "**ne" where auditlog's
# own mask (used before the log took the pages' mask) starred half of "None". History shows all three as "—".
LOGGED_EMPTY = frozenset({"", "None", "**ne"})


def logged_value_is_empty(value: str) -> bool:
    return value in LOGGED_EMPTY


def mask_name(value: str) -> str:
    """'张三丰' -> '张**': for lists shown to people who may not see the name in full."""
    return value[:1] + "*" * (len(value) - 1) if value else ""
