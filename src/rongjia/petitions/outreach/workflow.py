"""The lifecycle of a 接访/约访/下访/督访, on core's workflow engine: planned → held (what was said and the outcome
recorded) or cancelled (with the reason). Recorded by django-auditlog (who, when, the fields changed)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rongjia.core.workflow import Machine, Step

from .models import Meeting

OUTCOME_MAX_CHARS = 4000


def _held(meeting, actor, today, data):
    """The note is what was said; the outcome is required too. A meeting is not held before its day."""
    outcome = (data.get("outcome") or "").strip()
    if not outcome:
        raise ValidationError({"outcome": _("Record the outcome of the meeting.")})
    if len(outcome) > OUTCOME_MAX_CHARS or len(data["note"]) > OUTCOME_MAX_CHARS:
        raise ValidationError(_("The record is longer than %(n)d characters.") % {"n": OUTCOME_MAX_CHARS})
    if meeting.scheduled_on > today:
        raise ValidationError(_("The meeting is planned for %(day)s: record it on or after that day.") % {
            "day": meeting.scheduled_on.isoformat()})
    meeting.record, meeting.outcome, meeting.held_on = data["note"], outcome, today
    return {}


def _cancelled(meeting, actor, today, data):
    meeting.record = data["note"]  # the reason
    return {}


M = Meeting.State
MEETING = Machine(
    name="meeting", label=gettext_lazy("Outreach meeting"), states=M, initial=M.PLANNED,
    saved_fields=("record", "outcome", "held_on"),
    steps=(
        Step("hold", gettext_lazy("Record it as held"), (M.PLANNED,), M.HELD, "petitions.handle", needs_note=True,
             fields=("outcome",), effect=_held),
        Step("cancel", gettext_lazy("Cancel"), (M.PLANNED,), M.CANCELLED, "petitions.handle", needs_note=True,
             effect=_cancelled),
    ),
)
