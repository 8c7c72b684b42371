"""A referral's outcome on core's engine: a station refers a seeker to a posting, then records what followed.

referred → (interview arranged) → hired with a start date, or not hired with the reason; the hired are followed up
six calendar months after they start (the workbench shows the follow-ups due), and the seeker's profile says they
are in work from the hire on.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from rongjia.core.workflow import Machine, Step

from .models import Referral, ReferralEvent
from .values import months_after

R = Referral.State
HANDLE = "employment.handle"
FOLLOW_UP_MONTHS = 6
HIRED = (R.HIRED, R.FOLLOWED_UP)


def follow_up_due(start: date) -> date:
    return months_after(start, FOLLOW_UP_MONTHS)


def _day(data: dict, field: str, *, required: bool = True, default: date | None = None) -> date | None:
    value = data.get(field)
    if value in (None, ""):
        if required and default is None:
            raise ValidationError({field: _("Give the date.")})
        return default
    day = value if isinstance(value, date) else parse_date(str(value))
    if day is None:
        raise ValidationError({field: _("Give the date as YYYY-MM-DD.")})
    return day


def _not_before_referral(referral, day: date, field: str) -> None:
    if day < referral.referred_on:
        raise ValidationError({field: _("The date cannot be before the referral (%(day)s).") % {
            "day": referral.referred_on.isoformat()}})


def _interview(referral, actor, today, data):
    day = _day(data, "interview_on")
    _not_before_referral(referral, day, "interview_on")
    referral.interview_on = day
    return {"interview_on": day.isoformat()}


def _hire(referral, actor, today, data):
    from . import services_seekers  # the seekers' services (their own module), loaded when a hire is recorded

    start = _day(data, "start_date")
    _not_before_referral(referral, start, "start_date")
    posting = referral.posting
    taken = Referral.objects.filter(posting=posting, state__in=HIRED).exclude(pk=referral.pk).count()
    if taken >= posting.places:
        raise ValidationError(_("All %(n)d places of this posting are already filled.") % {"n": posting.places})
    referral.start_date, referral.follow_up_due = start, follow_up_due(start)
    services_seekers.seeker_status_set(actor=actor, seeker=referral.seeker, status="placed")
    return {"start_date": start.isoformat(), "follow_up_due": referral.follow_up_due.isoformat()}


def _not_hired(referral, actor, today, data):
    referral.reason = data["note"][:200]
    return {}


def _follow_up(referral, actor, today, data):
    day = _day(data, "followed_up_on", default=today)
    if day > today or (referral.start_date and day < referral.start_date):
        raise ValidationError({"followed_up_on": _("The follow-up lies between the start of work (%(day)s) and "
                                                   "today.") % {"day": referral.start_date}})
    still = data.get("still_employed")
    if isinstance(still, str):
        still = {"yes": True, "true": True, "1": True, "no": False, "false": False, "0": False}.get(still.lower())
    if still not in (True, False):
        raise ValidationError({"still_employed": _("Say whether the person is still in the job.")})
    referral.followed_up_on, referral.still_employed = day, still
    referral.follow_up_note = (data.get("follow_up_note") or "").strip()[:300]
    return {"followed_up_on": day.isoformat(), "still_employed": still}


def record_event(referral, actor, step, from_state, note, data, today) -> ReferralEvent:
    return ReferralEvent.objects.create(referral=referral, action=step.action, from_state=from_state,
                                        to_state=referral.state, note=note[:300], data=data, actor=actor)


REFERRAL = Machine(
    name="employment_referral", label=gettext_lazy("Job referral"), states=R, initial=R.REFERRED,
    record_event=record_event,
    saved_fields=("interview_on", "start_date", "follow_up_due", "reason", "followed_up_on", "still_employed",
                  "follow_up_note"),
    extra_actions={"refer": pgettext_lazy("job referral step", "Referred to the posting")},
    steps=(
        Step("interview", pgettext_lazy("job referral step", "Interview arranged"), (R.REFERRED,), R.INTERVIEW,
             HANDLE, fields=("interview_on",), effect=_interview),
        Step("hire", pgettext_lazy("job referral step", "Hired"), (R.REFERRED, R.INTERVIEW), R.HIRED, HANDLE,
             fields=("start_date",), effect=_hire),
        Step("not_hired", pgettext_lazy("job referral step", "Not hired"), (R.REFERRED, R.INTERVIEW), R.NOT_HIRED,
             HANDLE, needs_note=True, effect=_not_hired),
        Step("follow_up", pgettext_lazy("job referral step", "Six-month follow-up"), (R.HIRED,), R.FOLLOWED_UP,
             HANDLE, fields=("followed_up_on", "still_employed", "follow_up_note"), effect=_follow_up),
    ),
)
