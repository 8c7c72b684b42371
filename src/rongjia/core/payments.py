"""Spending from a fund kept by another module, through core (DESIGN rule 8).

The visits module hands out visit money (慰问金); the assistance module keeps the funds and their ledger. Neither
imports the other: the module that keeps funds registers its `FundAccounts` here in its AppConfig.ready(), and a
module that spends asks core for the funds the viewer may spend from and for the payment, inside its own
transaction, so a visit whose money the fund cannot cover is not recorded at all. With nothing registered the
choices are empty and spending stays a fund's name written on the record.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal


@dataclass(frozen=True)
class FundAccounts:
    choices: Callable[..., list[tuple[int, str]]]  # (viewer) -> the funds the viewer may spend from
    spend: Callable[..., str]  # (actor, fund_id, amount, on, note) -> the fund's name; ValidationError when short


_ACCOUNTS: list[FundAccounts] = []


def register_fund_accounts(accounts: FundAccounts) -> FundAccounts:
    _ACCOUNTS[:] = [accounts]
    return accounts


def fund_choices(viewer) -> list[tuple[int, str]]:
    return _ACCOUNTS[0].choices(viewer) if _ACCOUNTS else []


def spend_from_fund(*, actor, fund_id: int, amount: Decimal, on: date, note: str) -> str:
    """Pay `amount` out of the fund, recorded in its ledger; the fund's name. Call inside the caller's transaction."""
    if not _ACCOUNTS:
        raise LookupError("no module keeps funds")
    return _ACCOUNTS[0].spend(actor=actor, fund_id=fund_id, amount=amount, on=on, note=note)
