"""The lifecycle of a 人民调解 case, on core's workflow engine: being mediated → agreement reached or failed;
an agreement's performance (履行) is checked later → fulfilled, or not (fully) fulfilled."""

from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rongjia.core.workflow import Machine, Step

from .models import Mediation

TEXT_MAX_CHARS = 5000


def _agreed(mediation, actor, today, data):
    """The agreement's text and day: on or after the opening, not in the future, after at least one session."""
    text = (data.get("agreement") or "").strip()
    if not text:
        raise ValidationError({"agreement": _("Write the terms the parties agreed.")})
    if len(text) > TEXT_MAX_CHARS:
        raise ValidationError({"agreement": _("The agreement is longer than %(n)d characters.") % {
            "n": TEXT_MAX_CHARS}})
    day = data.get("agreed_on") or today
    if not isinstance(day, date) or not mediation.opened_on <= day <= today:
        raise ValidationError({"agreed_on": _("The agreement is dated between the opening and today.")})
    if not mediation.sessions.exists():
        raise ValidationError(_("Record the session in which the parties agreed first."))
    mediation.agreement, mediation.agreed_on = text, day
    return {}


def _failed(mediation, actor, today, data):
    mediation.closing_note = data["note"]
    return {}


def _fulfilled(mediation, actor, today, data):
    mediation.performance, mediation.checked_on, mediation.closing_note = (
        Mediation.Performance.FULL, today, data["note"])
    return {}


def _fell_short(mediation, actor, today, data):
    performance = data.get("performance", "")
    if performance not in (Mediation.Performance.PARTLY, Mediation.Performance.NONE):
        raise ValidationError({"performance": _("Say whether it was partly fulfilled or not at all.")})
    mediation.performance, mediation.checked_on, mediation.closing_note = performance, today, data["note"]
    return {}


S = Mediation.State
MEDIATION = Machine(
    name="mediation", label=gettext_lazy("People's mediation"), states=S, initial=S.OPENED,
    saved_fields=("agreement", "agreed_on", "closing_note", "performance", "checked_on"),
    steps=(
        Step("agree", gettext_lazy("Agreement reached"), (S.OPENED,), S.AGREED, "petitions.handle",
             fields=("agreement", "agreed_on"), effect=_agreed),
        Step("fail", gettext_lazy("Mediation failed"), (S.OPENED,), S.FAILED, "petitions.handle", needs_note=True,
             effect=_failed),
        Step("fulfil", gettext_lazy("Checked: fulfilled"), (S.AGREED,), S.FULFILLED, "petitions.handle",
             effect=_fulfilled),
        Step("fall_short", gettext_lazy("Checked: not (fully) fulfilled"), (S.AGREED,), S.UNFULFILLED,
             "petitions.handle", needs_note=True, fields=("performance",), effect=_fell_short),
    ),
)
