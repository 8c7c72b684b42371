"""The assistance module's funds, offered through core to the modules that spend (visit money from the visits
module): the funds the viewer keeps the books of, and a payment recorded in the fund's ledger."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from rongjia.core.payments import FundAccounts

from . import funds
from .models import Fund, FundEntry


def spendable_funds(viewer) -> list[tuple[int, str]]:
    if not viewer.can(funds.FUNDS):
        return []
    return [(fund.pk, f"{fund.name}（¥{fund.balance}）") for fund in Fund.objects.visible_to(viewer).order_by("name")]


def spend_visit_money(*, actor, fund_id, amount, on, note: str) -> str:
    fund = Fund.objects.visible_to(actor).filter(pk=fund_id).first()
    if fund is None:
        raise ValidationError({"fund_account": _("Choose a fund you keep the books of.")})
    try:
        funds.fund_spend(actor=actor, fund=fund, source=FundEntry.Source.VISIT, amount=amount, on=on, note=note)
    except ValidationError as refused:  # the visit's form has no "amount" of the fund: say it on the fund's field
        raise ValidationError({"fund_account": [m for messages in refused.message_dict.values()
                                                for m in messages]}) from None
    return fund.name


ACCOUNTS = FundAccounts(choices=spendable_funds, spend=spend_visit_money)
