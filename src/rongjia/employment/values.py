"""Small values of the employment module checked the same way everywhere: the 统一社会信用代码 of a business or an
employer (GB 32100-2015) and a date some months later (the six-monthly follow-ups)."""

import calendar
from datetime import date

# GB 32100-2015 writes the code in these 31 characters (no I, O, S, V, Z); the 18th is a check character.
CREDIT_CHARACTERS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)  # 3**i mod 31


def credit_check_character(first17: str) -> str:
    """The 18th character of a 统一社会信用代码 whose first 17 are given (each one of CREDIT_CHARACTERS)."""
    total = sum(CREDIT_CHARACTERS.index(c) * w for c, w in zip(first17, CREDIT_WEIGHTS, strict=True))
    return CREDIT_CHARACTERS[(31 - total % 31) % 31]


def credit_code_ok(code: str) -> bool:
    """Whether `code` is a well-formed 统一社会信用代码: 18 characters of the standard's set, the 3rd to 8th an
    administrative division code (digits), the last the check character of the first 17. Upper case only: callers
    upper-case what was typed before asking."""
    if not isinstance(code, str) or len(code) != 18 or any(c not in CREDIT_CHARACTERS for c in code):
        return False
    if not code[2:8].isdigit():
        return False
    return credit_check_character(code[:17]) == code[17]


def months_after(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day when it has fewer (31 Aug + 6 → 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
