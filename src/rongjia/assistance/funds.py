"""A fund's money moves only here: one ledger entry and the balance, under the fund's row lock, in the caller's
transaction. Whoever approves last against the last of a balance waits for the lock and then finds the balance
short, so of two concurrent approvals exactly one succeeds (on SQLite the IMMEDIATE transaction serialises them).
"""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rongjia.core.audit import audit_actor
from rongjia.core.regions import PREFIX_LENGTH
from rongjia.core.scoping import code_in_subtree, get_visible_or_404

from .models import Fund, FundEntry
from .values import money

FUNDS = "assistance.funds"


def _move(fund_pk: int, amount: Decimal, *, source: str, on, actor, **details) -> FundEntry:
    fund = Fund.objects.select_for_update().get(pk=fund_pk)
    balance = fund.balance + amount
    if balance < 0:
        raise ValidationError({"amount": _("Not enough in %(fund)s: its balance is ¥%(balance)s and this needs "
                                           "¥%(amount)s.") % {"fund": fund.name, "balance": fund.balance,
                                                              "amount": -amount}})
    fund.balance, fund.version = balance, fund.version + 1
    fund.save(update_fields=["balance", "version"])
    return FundEntry.objects.create(fund=fund, source=source, amount=amount, balance_after=balance, on=on,
                                    recorded_by=actor, **details)


def holds_for(fund: Fund, region_code: str) -> bool:
    """A fund pays for what lies in its holder's subtree."""
    return code_in_subtree(region_code, fund.region_code[:PREFIX_LENGTH[fund.unit.level]])


def fund_for(actor, fund_pk, application) -> Fund:
    """The fund an approval draws on: one the approver may see, whose holder covers the applicant."""
    if not fund_pk:
        raise ValidationError({"fund": _("Choose the fund that pays.")})
    fund = Fund.objects.visible_to(actor).select_related("unit").filter(pk=getattr(fund_pk, "pk", fund_pk)).first()
    if fund is None or not holds_for(fund, application.region_code):
        raise ValidationError({"fund": _("Choose a fund of your own that covers the applicant's area.")})
    return fund


def pay_out(*, fund: Fund, amount: Decimal, on, actor, application=None, source=FundEntry.Source.AID,
            note: str = "") -> FundEntry:
    """Money out of the fund (an approved application, visit money…), refused beyond the balance."""
    if application is not None and FundEntry.objects.filter(application=application).exists():
        raise ValidationError(_("This application has already been paid from a fund."))
    return _move(fund.pk, -amount, source=source, on=on, actor=actor, application=application, note=note[:300])


def fund_create(*, actor, name: str, kind: str, note: str = "") -> Fund:
    if not actor.can(FUNDS):
        raise PermissionDenied
    unit = actor.org_unit
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the fund a name.")})
    if Fund.objects.filter(unit=unit, name=name).exists():
        raise ValidationError({"name": _("%(unit)s already has a fund of that name.") % {"unit": unit.name}})
    with transaction.atomic(), audit_actor(actor):
        fund = Fund(unit=unit, region_code=unit.region_code, name=name, kind=kind, note=note.strip())
        fund.full_clean()
        fund.save()
    return fund


def fund_income(*, actor, fund: Fund, source: str, amount, on, donor: str = "", restriction: str = "",
                note: str = "") -> FundEntry:
    """A budget allocation or a donation (with its donor and any restriction)."""
    amount = money(amount)
    if not actor.can(FUNDS):
        raise PermissionDenied
    if source not in FundEntry.INCOME:
        raise ValidationError({"source": _("Choose a budget allocation or a donation.")})
    if source == FundEntry.Source.DONATION and not donor.strip():
        raise ValidationError({"donor": _("Give the donor's name.")})
    if on > timezone.localdate():
        raise ValidationError({"on": _("The date cannot be in the future.")})
    with transaction.atomic(), audit_actor(actor):
        fund = get_visible_or_404(Fund.objects.all(), actor, pk=fund.pk)
        return _move(fund.pk, amount, source=source, on=on, actor=actor, donor=donor.strip()[:100],
                     restriction=restriction.strip()[:200], note=note.strip()[:300])


def fund_spend(*, actor, fund: Fund, source: str, amount, on, note: str) -> FundEntry:
    """Money out that is not an application: visit money (慰问金) handed out on a visit, other spending."""
    amount = money(amount)
    if not actor.can(FUNDS):
        raise PermissionDenied
    if source not in (FundEntry.Source.VISIT, FundEntry.Source.OTHER_OUT):
        raise ValidationError({"source": _("Choose visit money or other spending.")})
    if not note.strip():
        raise ValidationError({"note": _("Say what the money was for.")})
    if on > timezone.localdate():
        raise ValidationError({"on": _("The date cannot be in the future.")})
    with transaction.atomic(), audit_actor(actor):
        fund = get_visible_or_404(Fund.objects.select_related("unit"), actor, pk=fund.pk)
        return pay_out(fund=fund, amount=amount, on=on, actor=actor, source=source, note=note.strip())
