"""An aid application's and a referral's states on core's engine.

An application climbs the levels its kind names (村 → 乡 → 县 by default), one at a time: only the unit whose turn
it is may pass it up (`recommend`) or, at the last level, post it publicly (`agree`, which starts the 公示 of the
kind's working days, holidays skipped by core's calendar). An objection raised during the 公示 pauses approval
until it is answered. The last level approves from a fund (`approve`: the fund's balance is checked under a lock),
then records the payment (`pay`). A refusal says why and prints a letter for the applicant.
"""

from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop, pgettext_lazy

from rongjia.core.deadlines import WORKING, deadline
from rongjia.core.regions import LEVEL_CHOICES
from rongjia.core.workflow import Document, Machine, Step

from . import funds
from .models import AidApplication, AidEvent, AidObjection, Referral, ReferralEvent
from .values import a_day, in_site_language, money

S = AidApplication.State
LEVEL_NAMES = dict(LEVEL_CHOICES)


def level_name(level: int | None) -> str:
    return str(LEVEL_NAMES.get(level, "—"))


def publicity_end(start: date, days: int, calendar=None) -> date:
    """The last day of a 公示 of `days` working days posted on `start` (the day of posting counts when it is a
    working day, as a notice board counts it)."""
    return deadline(start - timedelta(days=1), days, WORKING, calendar=calendar).due


def is_last_level(application: AidApplication) -> bool:
    return not application.levels or application.level == application.levels[-1]


def within_cap(application: AidApplication, amount: Decimal) -> Decimal:
    if amount > application.kind.cap:
        raise ValidationError({"amount": _("%(kind)s grants at most ¥%(cap)s.") % {
            "kind": application.kind.name, "cap": application.kind.cap}})
    return amount


def _proposed(application, data) -> Decimal:
    given = money(data.get("amount"), required=False)
    return within_cap(application, given or application.amount_proposed or application.amount_requested)


def _recommend(application, actor, today, data):
    amount = _proposed(application, data)
    acted_at = application.level
    application.amount_proposed = amount
    application.level = application.levels[application.levels.index(acted_at) + 1]
    return {"level": acted_at, "amount": str(amount), "next_level": application.level}


def _agree(application, actor, today, data):
    amount = _proposed(application, data)
    least = application.kind.publicity_days
    try:
        days = int(data.get("publicity_days") or least)
    except (TypeError, ValueError):
        raise ValidationError({"publicity_days": _("Give the 公示 in working days.")}) from None
    if days < least:
        raise ValidationError({"publicity_days": _("%(kind)s is posted for at least %(days)d working days.") % {
            "kind": application.kind.name, "days": least}})
    if days > 30:
        raise ValidationError({"publicity_days": _("A 公示 lasts at most 30 working days.")})
    start = a_day(data.get("publicity_from"), field="publicity_from", default=today)
    if start < today:
        raise ValidationError({"publicity_from": _("The 公示 cannot start before today.")})
    application.amount_proposed = amount
    application.publicity_from, application.publicity_until = start, publicity_end(start, days)
    return {"level": application.level, "amount": str(amount), "days": days, "from": start.isoformat(),
            "until": application.publicity_until.isoformat()}


def _object(application, actor, today, data):
    AidObjection.objects.create(application=application, received_on=today, content=data["note"],
                                raised_by=(data.get("raised_by") or "")[:60])
    return {"level": application.level}


def _answer_objections(application, actor, today, data):
    open_ones = application.objections.filter(resolved_on__isnull=True)
    if not open_ones.exists():
        raise ValidationError(_("There is no objection waiting for an answer."))
    upheld = str(data.get("upheld", "")).lower() in ("1", "true", "on", "yes")
    count = open_ones.update(resolved_on=today, resolution=data["note"], upheld=upheld)
    return {"level": application.level, "objections": count, "upheld": upheld}


APPLICATION_NOTE = gettext_noop("%(kind)s for %(name)s")  # the ledger entry of an approval


def _approve(application, actor, today, data):
    if application.publicity_until is None or today <= application.publicity_until:
        raise ValidationError(_("The 公示 runs until %(day)s: it can be approved from the next day.") % {
            "day": application.publicity_until})
    if application.objections.filter(resolved_on__isnull=True).exists():
        raise ValidationError(_("An objection raised during the 公示 has not been answered: approval waits for it."))
    amount = _proposed(application, data)
    fund = funds.fund_for(actor, data.get("fund"), application)
    entry = funds.pay_out(fund=fund, amount=amount, on=today, actor=actor, application=application,
                          note=in_site_language(APPLICATION_NOTE, kind=application.kind.name,
                                                name=application.person.name))
    application.fund, application.amount_approved, application.approved_on = fund, amount, today
    return {"level": application.level, "amount": str(amount), "fund": fund.name, "balance": str(entry.balance_after)}


def _pay(application, actor, today, data):
    method = data.get("method") or ""
    if method not in AidApplication.Method.values:
        raise ValidationError({"method": _("Choose how it was paid.")})
    reference = (data.get("reference") or "").strip()[:60]
    if method == AidApplication.Method.BANK and not reference:
        raise ValidationError({"reference": _("Give the bank transfer's reference.")})
    if method == AidApplication.Method.CASH and not application.documents.filter(
            requirement=application.documents.model.RECEIPT).exists():
        raise ValidationError({"receipt": _("Attach the scan of the receipt the applicant signed.")})
    paid_on = a_day(data.get("paid_on"), field="paid_on", default=today)
    if paid_on > today or paid_on < application.approved_on:
        raise ValidationError({"paid_on": _("The payment date lies between the approval (%(day)s) and today.") % {
            "day": application.approved_on}})
    application.payment_method, application.payment_reference, application.paid_on = method, reference, paid_on
    return {"level": application.level, "amount": str(application.amount_approved), "method": method,
            "paid_on": paid_on.isoformat()}


def _closed(application, actor, today, data):
    application.closed_reason = data["note"]
    return {"level": application.level}


def check_turn(application, step, actor) -> None:
    """"turn": the unit at the level whose turn it is (its scope holds the application: the engine checked);
    "last": the same, and it must be the kind's last level (it posts, approves, pays)."""
    own = actor.org_unit
    if own is None or own.level != application.level:
        raise ValidationError(_("It is the %(level)s's turn to review this application (%(step)s).") % {
            "level": level_name(application.level), "step": step.label})
    last = is_last_level(application)
    if step.above == "last" and not last:
        raise ValidationError(_("Only the last level, %(level)s, can take this step: pass it up first.") % {
            "level": level_name(application.levels[-1])})
    if step.above == "not_last" and last:
        raise ValidationError(_("%(level)s is the last level: post it publicly or refuse it.") % {
            "level": level_name(application.level)})


def record_event(application, actor, step, from_state, note, data, today) -> AidEvent:
    return AidEvent.objects.create(application=application, action=step.action, from_state=from_state,
                                   to_state=application.state, level=data.get("level"), note=note,
                                   amount=data.get("amount"), data=data, actor=actor, unit=actor.org_unit, on=today)


REJECTION_DOCUMENT = Document("救助申请不予批准告知书", "如对本决定有异议，可自收到本告知书之日起向作出决定的机关"
                                                  "说明情况、提供新的材料，或依法申请行政复议。")
HANDLE, APPROVE = "assistance.handle", "assistance.approve"

APPLICATION = Machine(
    name="aid_application", label=gettext_lazy("Aid application"), states=S, initial=S.REVIEWING,
    check_above=check_turn, record_event=record_event,
    saved_fields=("amount_proposed", "amount_approved", "level", "publicity_from", "publicity_until", "fund",
                  "approved_on", "paid_on", "payment_method", "payment_reference", "closed_reason"),
    steps=(
        Step("recommend", pgettext_lazy("aid step", "Agree and pass up"), (S.REVIEWING,), "", HANDLE,
             fields=("amount",), above="not_last", effect=_recommend),
        Step("agree", pgettext_lazy("aid step", "Agree and post publicly (公示)"), (S.REVIEWING,), S.PUBLICITY, HANDLE,
             fields=("amount", "publicity_from", "publicity_days"), above="last", effect=_agree),
        Step("object", pgettext_lazy("aid step", "Record an objection"), (S.PUBLICITY,), "", HANDLE, needs_note=True,
             fields=("raised_by",), above="last", effect=_object),
        Step("answer", pgettext_lazy("aid step", "Answer the objections"), (S.PUBLICITY,), "", HANDLE,
             needs_note=True, fields=("upheld",), above="last", effect=_answer_objections),
        Step("approve", pgettext_lazy("aid step", "Approve"), (S.PUBLICITY,), S.APPROVED, APPROVE,
             fields=("fund", "amount"), above="last", effect=_approve),
        Step("pay", pgettext_lazy("aid step", "Record the payment"), (S.APPROVED,), S.PAID, HANDLE,
             fields=("method", "reference", "paid_on", "receipt"), above="last", effect=_pay),
        Step("reject", pgettext_lazy("aid step", "Refuse"), (S.REVIEWING, S.PUBLICITY), S.REJECTED, HANDLE,
             needs_note=True, above="turn", document=REJECTION_DOCUMENT, effect=_closed),
        Step("withdraw", pgettext_lazy("aid step", "Withdrawn by the applicant"), (S.REVIEWING,), S.WITHDRAWN, HANDLE,
             needs_note=True, above="turn", effect=_closed),
    ),
)


# --- referrals -----------------------------------------------------------------------------------------------

R = Referral.State


def _answered(referral, actor, today, data):
    outcome = data.get("outcome") or ""
    if outcome not in Referral.Outcome.values:
        raise ValidationError({"outcome": _("Choose the outcome.")})
    answered_on = a_day(data.get("answered_on"), field="answered_on", default=today)
    if answered_on > today or answered_on < referral.sent_on:
        raise ValidationError({"answered_on": _("The answer came between the referral (%(day)s) and today.") % {
            "day": referral.sent_on}})
    referral.answer, referral.outcome, referral.answered_on = data["note"], outcome, answered_on
    return {}


def _chased(referral, actor, today, data):
    referral.chased_on = today
    return {}


def _referral_event(referral, actor, step, from_state, note, data, today) -> ReferralEvent:
    return ReferralEvent.objects.create(referral=referral, action=step.action, from_state=from_state,
                                        to_state=referral.state, note=note, actor=actor, on=today)


REFERRAL = Machine(
    name="referral", label=gettext_lazy("Referral"), states=R, initial=R.SENT, record_event=_referral_event,
    saved_fields=("answer", "outcome", "answered_on", "chased_on"),
    steps=(
        Step("chase", pgettext_lazy("referral step", "Chase the department"), (R.SENT,), "", HANDLE,
             effect=_chased),
        Step("answer", pgettext_lazy("referral step", "Record the answer"), (R.SENT,), R.ANSWERED, HANDLE,
             needs_note=True, fields=("outcome", "answered_on"), effect=_answered),
        Step("close", pgettext_lazy("referral step", "Close"), (R.ANSWERED,), R.CLOSED, HANDLE),
    ),
)
