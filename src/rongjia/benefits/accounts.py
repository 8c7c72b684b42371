"""Bank account numbers: the blind index that finds a shared account, the mask every page shows, the check a
bank defines (Luhn, mod 10, on most Chinese debit cards)."""

from rongjia.core.crypto import blind_index

ACCOUNT_PURPOSE = "benefits.account"


def normalised(number: str) -> str:
    return "".join((number or "").split())


def account_hash(number: str) -> str:
    return blind_index(normalised(number), purpose=ACCOUNT_PURPOSE)


def mask_account(last_digits: str) -> str:
    """'6222 **** **** 1234' from the last four digits only: the rest is never sent to a page."""
    return f"**** **** **** {last_digits}" if last_digits else ""


def luhn_ok(number: str) -> bool:
    digits = normalised(number)
    if not digits.isdigit() or len(digits) < 12:
        return False
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 1:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0
