"""The lifecycle of a petition, declared once on core's workflow engine (信访工作条例, 2022).

Each step says here, and nowhere else, its label, the states it comes from and leads to, the
capability it needs, the reason and form fields it asks for, the window it must come in, the
deadline it starts, who must be above whom, the document it sends and its effect on the petition.
The step form, the documents, the API's allowed actions, the deadline strip, the statistics and
the deadline table of docs/deadlines.md (checked by tests/petitions/test_one_definition.py) are
all read from `PETITION`.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from rongjia.core.models import OrgUnit
from rongjia.core.scoping import covers_code
from rongjia.core.workflow import Document, Machine, Period, Step, Window

from .models import LegalAidReferral, Petition, PetitionEvent


class State(models.TextChoices):
    REGISTERED = "registered", pgettext_lazy("petition state", "Registered")
    ACCEPTED = "accepted", pgettext_lazy("petition state", "Accepted")
    NOT_ACCEPTED = "not_accepted", pgettext_lazy("petition state", "Not accepted")
    ASSIGNED = "assigned", pgettext_lazy("petition state", "Assigned or transferred")
    REPLIED = "replied", pgettext_lazy("petition state", "Replied")
    REVISITED = "revisited", pgettext_lazy("petition state", "Revisited")
    CLOSED = "closed", pgettext_lazy("petition state", "Closed")
    REVIEW = "review", pgettext_lazy("petition state", "Under review (复查)")
    REVIEWED = "reviewed", pgettext_lazy("petition state", "Review answered")
    RECHECK = "recheck", pgettext_lazy("petition state", "Under recheck (复核)")
    RECHECKED = "rechecked", pgettext_lazy("petition state", "Recheck concluded")


REPLIED_STATES = (State.REPLIED, State.REVISITED, State.CLOSED)
# The periods of the 条例, each named once.
ACCEPT_NOTICE = Period(15)  # 受理 or not, told within 15 days of registration (Arts. 22–23)
OBJECTION = Period(5, "working")  # the unit assigned may object within 5 working days
HANDLING = Period(60)  # 办结 within 60 days of 受理 (Art. 32)
MAX_EXTENSION = Period(30)  # extended once, by at most 30 days, approved by the 负责人 (Art. 32)
REQUEST_AGAIN = Period(30)  # 复查/复核 asked within 30 days of the written reply (Arts. 35–36)
ANSWER_AGAIN = Period(30)  # and answered within 30 days (Arts. 35–36)
ACCEPT_NOTICE_DAYS, OBJECTION_WORKING_DAYS, MAX_EXTENSION_DAYS = ACCEPT_NOTICE.days, OBJECTION.days, MAX_EXTENSION.days
REPEAT_MONTHS = 12
COLLECTIVE_SIZE = 5
REPLY_MAX_CHARS = 5000
REPLY_FIELDS = ("outcome", "reply_text")


# --- the effects: what a step writes on the petition besides its state ------------------------------

def _accept(petition, actor, today, data):
    petition.accepted_on = today
    return {}


def _assign(petition, actor, today, data):
    unit = data.get("unit")
    if not isinstance(unit, OrgUnit) or not covers_code(actor, unit.region_code):
        raise ValidationError({"unit": _("Choose the responsible unit inside your area.")})
    previous = petition.unit_id
    petition.unit, petition.region_code, petition.assigned_on = unit, unit.region_code, today
    return {"unit": unit.pk, "from_unit": previous}


def _object(petition, actor, today, data):
    """The responsible unit sends it back; the unit that assigned it takes it again."""
    assigner = PetitionEvent.objects.filter(petition=petition, action="assign").order_by("-id").first()
    back = OrgUnit.objects.get(pk=assigner.data.get("from_unit")) if assigner and assigner.data.get(
        "from_unit") else petition.registered_at_unit
    petition.unit, petition.region_code = back, back.region_code
    return {}


def _extend(petition, actor, today, data):
    days = int(data.get("days") or 0)
    if petition.extended_days:
        raise ValidationError(_("The handling period has been extended once already."))
    if not 1 <= days <= MAX_EXTENSION.days:
        raise ValidationError({"days": _("An extension is 1 to 30 days.")})
    petition.extended_days = days
    petition.due_on = HANDLING.due(petition.accepted_on, extra_days=days)
    return {"days": days, "approver": actor.pk}


def _reply(petition, actor, today, data):
    """答复 (and the 复查/复核 answers): an outcome and the written reply, which is printed for the petitioner."""
    outcome = data.get("outcome", "")
    if outcome not in Petition.Outcome.values:
        raise ValidationError({"outcome": _("Choose the outcome of the reply.")})
    text = (data.get("reply_text") or "").strip()
    if not text:
        raise ValidationError({"reply_text": _("Write the reply the petitioner will receive.")})
    if len(text) > REPLY_MAX_CHARS:
        raise ValidationError({"reply_text": _("The written reply is longer than %(n)d characters.") % {
            "n": REPLY_MAX_CHARS}})
    petition.outcome, petition.replied_on, petition.due_on, petition.reply_text = outcome, today, None, text
    return {"outcome": outcome, "reply_text": text}


def _revisit(petition, actor, today, data):
    satisfaction = data.get("satisfaction", "")
    if satisfaction not in Petition.Satisfaction.values:
        raise ValidationError({"satisfaction": _("Record the petitioner's satisfaction.")})
    petition.satisfaction = satisfaction
    return {"satisfaction": satisfaction}


def _by_unit(petition, actor, today, data):
    """Steps taken from above record which centre took them (the 复核 must come from above that one)."""
    return {"by_unit": actor.org_unit_id}


def _answer_from_above(petition, actor, today, data):
    return {**_reply(petition, actor, today, data), **_by_unit(petition, actor, today, data)}


def check_above(petition, step, actor) -> None:
    """"unit": the actor's unit is above the responsible unit (复查, 督办); "reviewer": above the unit that
    answered the 复查 (复核)."""
    below = petition.unit
    if step.above == "reviewer":
        review = petition.events.filter(action="review_reply").order_by("-id").first()
        below = OrgUnit.objects.filter(pk=review.data.get("by_unit")).first() if review else None
        below = below or petition.unit
    own = actor.org_unit
    if own is None or own.level >= below.level:
        raise ValidationError(_("Only a centre above %(unit)s can take this step (%(step)s).") % {
            "unit": below.name, "step": step.label})


def record_event(petition, actor, step, from_state, note, data, today) -> PetitionEvent:
    return PetitionEvent.objects.create(petition=petition, action=step.action, from_state=from_state,
                                        to_state=petition.state, note=note, data=data, actor=actor, on=today)


# --- the documents the petitioner receives -----------------------------------------------------------

ACCEPT_NOTICE_DOCUMENT = Document(
    "信访事项受理告知书", "本机关将自受理之日起60日内办结；情况复杂的，经批准可以适当延长办理期限，"
                        "但延长期限不超过30日，并告知信访人延期理由（《信访工作条例》第三十二条）。")
REJECT_DOCUMENT = Document("信访事项不予受理告知书", "不予受理的理由见上。")
REPLY_DOCUMENT = Document("信访事项处理意见书", "信访人对处理意见不服的，可以自收到书面答复之日起30日内请求原办理机关的"
                                            "上一级机关复查（《信访工作条例》第三十五条）。")
REVIEW_DOCUMENT = Document("信访事项复查意见书", "信访人对复查意见不服的，可以自收到书面答复之日起30日内向复查机关的"
                                             "上一级机关请求复核（《信访工作条例》第三十六条）。")
RECHECK_DOCUMENT = Document("信访事项复核意见书", "信访人对复核意见不服，仍以同一事实和理由提出信访请求的，"
                                              "不再受理（《信访工作条例》第三十六条）。")

S = State
PETITION = Machine(
    name="petition", label=gettext_lazy("Petition"), states=State, initial=S.REGISTERED, due_field="due_on",
    check_above=check_above, record_event=record_event,
    steps=(
        Step("accept", pgettext_lazy("petition step", "Accept"), (S.REGISTERED,), S.ACCEPTED,
             "petitions.handle", next_due=HANDLING, document=ACCEPT_NOTICE_DOCUMENT, effect=_accept,
             rule="条例第二十二、二十三条；第三十二条"),
        Step("reject", pgettext_lazy("petition step", "Not accept"), (S.REGISTERED,), S.NOT_ACCEPTED,
             "petitions.handle", needs_note=True, document=REJECT_DOCUMENT, rule="条例第二十二、二十三条"),
        Step("assign", pgettext_lazy("petition step", "Assign or transfer"), (S.ACCEPTED,), S.ASSIGNED,
             "petitions.handle", fields=("unit",), effect=_assign),
        Step("object", pgettext_lazy("petition step", "Object and return"), (S.ASSIGNED,), S.ACCEPTED,
             "petitions.handle", needs_note=True, window=Window("assigned_on", OBJECTION), effect=_object),
        Step("extend", pgettext_lazy("petition step", "Extend"), (S.ACCEPTED, S.ASSIGNED), "",
             "petitions.approve", needs_note=True, fields=("days",), effect=_extend, rule="条例第三十二条"),
        Step("reply", pgettext_lazy("petition step", "Reply"), (S.ACCEPTED, S.ASSIGNED), S.REPLIED,
             "petitions.handle", fields=REPLY_FIELDS, document=REPLY_DOCUMENT, effect=_reply, rule="条例第三十二条"),
        Step("revisit", pgettext_lazy("petition step", "Revisit"), (S.REPLIED,), S.REVISITED, "petitions.handle",
             fields=("satisfaction",), effect=_revisit),
        Step("close", pgettext_lazy("petition step", "Close"), (S.REVISITED,), S.CLOSED, "petitions.handle"),
        Step("request_review", pgettext_lazy("petition step", "Request a review (复查)"), REPLIED_STATES, S.REVIEW,
             "petitions.handle", needs_note=True, window=Window("replied_on", REQUEST_AGAIN), next_due=ANSWER_AGAIN,
             rule="条例第三十五条"),
        Step("review_reply", pgettext_lazy("petition step", "Answer the review"), (S.REVIEW,), S.REVIEWED,
             "petitions.handle", fields=REPLY_FIELDS, above="unit", document=REVIEW_DOCUMENT,
             effect=_answer_from_above, rule="条例第三十五条"),
        Step("request_recheck", pgettext_lazy("petition step", "Request a recheck (复核)"), (S.REVIEWED,), S.RECHECK,
             "petitions.handle", needs_note=True, window=Window("replied_on", REQUEST_AGAIN), next_due=ANSWER_AGAIN,
             rule="条例第三十六条"),
        Step("recheck_reply", pgettext_lazy("petition step", "Answer the recheck"), (S.RECHECK,), S.RECHECKED,
             "petitions.handle", fields=REPLY_FIELDS, above="reviewer", document=RECHECK_DOCUMENT,
             effect=_answer_from_above, rule="条例第三十六条"),
        # 督办: any centre above the responsible unit presses it, with a note; the state does not change
        Step("supervise", pgettext_lazy("petition step", "Supervise (督办)"),
             (S.REGISTERED, S.ACCEPTED, S.ASSIGNED, S.REVIEW, S.RECHECK), "", "petitions.handle", needs_note=True,
             above="unit", effect=_by_unit),
    ),
    # recorded on the petition beside the lifecycle (legal aid, petitions/legal_aid.py); no state changes
    extra_actions={"register": pgettext_lazy("petition step", "Register"),
                   "legal_aid": gettext_lazy("Referred to legal aid"),
                   "legal_aid_take_on": gettext_lazy("Legal aid taken on by the lawyer"),
                   "legal_aid_decline": gettext_lazy("Legal aid declined by the lawyer"),
                   "legal_aid_conclude": gettext_lazy("Legal aid concluded")},
)

# --- a legal-aid referral: runs beside the petition's lifecycle, its steps recorded on the petition --------

def _taken_on(referral, actor, today, data):
    referral.outcome = data["note"] or referral.outcome
    return {}


def _closed(referral, actor, today, data):
    """Declined or concluded: the referral is over, with its outcome or reason."""
    referral.outcome, referral.closed_on = data["note"], today
    return {}


def _on_the_petition(referral, actor, step, from_state, note, data, today) -> None:
    petition = referral.petition
    PetitionEvent.objects.create(petition=petition, action=f"legal_aid_{step.action}", from_state=petition.state,
                                 to_state=petition.state, note=note, actor=actor, on=today,
                                 data={"referral": referral.pk})


R = LegalAidReferral.State
REFERRAL = Machine(
    name="legal_aid", label=gettext_lazy("Legal aid referral"), states=R, initial=R.REFERRED,
    record_event=_on_the_petition,
    steps=(
        Step("take_on", gettext_lazy("The lawyer takes it on"), (R.REFERRED,), R.ACCEPTED, "petitions.handle",
             effect=_taken_on),
        Step("decline", gettext_lazy("The lawyer declines"), (R.REFERRED,), R.DECLINED, "petitions.handle",
             needs_note=True, effect=_closed),
        Step("conclude", gettext_lazy("Record the outcome"), (R.REFERRED, R.ACCEPTED), R.CONCLUDED,
             "petitions.handle", needs_note=True, effect=_closed),
    ),
)

# The names the rest of the app reads (all derived from PETITION).
STEPS = {step.action: step for step in PETITION.steps}
STATES = {state.value: state.label for state in State}
ACTION_LABELS = PETITION.action_labels()


def allowed_actions(state: str) -> list[str]:
    return PETITION.allowed(state)
