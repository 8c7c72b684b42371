"""The lifecycle of a petition, declared once on core's workflow engine (信访工作条例, 2022).

Each step says here, and nowhere else, its label, the states it comes from and leads to, the
capability it needs, the reason and form fields it asks for, the window it must come in, the
deadline it starts, who must be above whom, the document it sends and its effect on the petition.
The step form, the documents, the API's allowed actions, the deadline strip, the statistics and
the deadline table of docs/deadlines.md (checked by tests/petitions/test_one_definition.py) are
all read from `PETITION`.

The articles, checked against the official text of the 条例 (2022):
- Art. 18: a 走访 goes to the competent level or the one above it; several people choose at most 5
  representatives.
- Arts. 22–23: a petition is registered and the petitioner told within 15 days whether it is
  accepted; a unit that receives one by 交办/转办 tells within 15 days of its own receipt.
- Art. 32: handled within 60 days of 受理; when complex, extended with the approval of the unit's
  负责人, by at most 30 days, and the petitioner told the reason.
- Art. 35: 复查 asked of the level directly above the unit that answered, within 30 days of
  receiving the written reply; answered within 30 days of the request.
- Art. 36: 复核 asked of the level directly above the 复查 body, the same 30 + 30 days; a hearing's
  days are not counted in its 30 days; afterwards the same facts and reasons are not accepted again.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from rongjia.core.models import OrgUnit
from rongjia.core.scoping import covers_code
from rongjia.core.workflow import Document, Machine, Period, Step, Window

from .models import LegalAidReferral, Petition, PetitionEvent, PetitionReply


class State(models.TextChoices):
    REGISTERED = "registered", pgettext_lazy("petition state", "Registered")
    ACCEPTED = "accepted", pgettext_lazy("petition state", "Accepted")
    NOT_ACCEPTED = "not_accepted", pgettext_lazy("petition state", "Not accepted")
    ASSIGNED = "assigned", pgettext_lazy("petition state", "Assigned or transferred")
    TAKEN_ON = "taken_on", pgettext_lazy("petition state", "Accepted by the assigned unit")
    REPLIED = "replied", pgettext_lazy("petition state", "Replied")
    REVISITED = "revisited", pgettext_lazy("petition state", "Revisited")
    CLOSED = "closed", pgettext_lazy("petition state", "Closed")
    REVIEW = "review", pgettext_lazy("petition state", "Under review (复查)")
    REVIEWED = "reviewed", pgettext_lazy("petition state", "Review answered")
    RECHECK = "recheck", pgettext_lazy("petition state", "Under recheck (复核)")
    RECHECKED = "rechecked", pgettext_lazy("petition state", "Recheck concluded")


REPLIED_STATES = (State.REPLIED, State.REVISITED, State.CLOSED)
HANDLING_STATES = (State.ACCEPTED, State.TAKEN_ON)  # a unit's 60 days are running
ANSWERED_STATES = (*REPLIED_STATES, State.REVIEWED, State.RECHECKED)  # a written reply awaits its delivery
# The periods of the 条例, each named once.
ACCEPT_NOTICE = Period(15)  # 受理 or not, told within 15 days of registration or receipt (Arts. 22–23)
OBJECTION = Period(5, "working")  # the unit assigned may object within 5 working days
HANDLING = Period(60)  # 办结 within 60 days of 受理 (Art. 32)
MAX_EXTENSION = Period(30)  # extended by at most 30 days in all, approved by the 负责人 (Art. 32)
REQUEST_AGAIN = Period(30)  # 复查/复核 asked within 30 days of receiving the written reply (Arts. 35–36)
ANSWER_AGAIN = Period(30)  # and answered within 30 days of the request (Arts. 35–36)
ACCEPT_NOTICE_DAYS, OBJECTION_WORKING_DAYS, MAX_EXTENSION_DAYS = ACCEPT_NOTICE.days, OBJECTION.days, MAX_EXTENSION.days
REPEAT_MONTHS = 12
COLLECTIVE_SIZE = 5
REPLY_MAX_CHARS = 5000
REPLY_FIELDS = ("outcome", "reply_text", "delivery_method", "delivered_on")
DELIVERY_FIELDS = ("delivery_method", "delivered_on")


def running_deadline(petition: Petition, calendar=None) -> date | None:
    """The deadline of the step the petition waits for, from its own dates: the one rule behind `due_on`,
    used by every step and again when a year's holidays are loaded."""
    p, state = petition, petition.state
    if state == State.REGISTERED:
        return ACCEPT_NOTICE.due(p.registered_on, calendar=calendar)
    if state == State.ASSIGNED:  # the receiving unit's own 15 days, from its receipt (Art. 23)
        return ACCEPT_NOTICE.due(p.assigned_on, calendar=calendar)
    if state == State.ACCEPTED:
        return HANDLING.due(p.accepted_on, p.extended_days, calendar=calendar)
    if state == State.TAKEN_ON:  # the receiving unit's own 60 days, from its 受理 (Art. 32)
        return HANDLING.due(p.taken_on, p.assignee_extended_days, calendar=calendar)
    if state == State.REVIEW:
        return ANSWER_AGAIN.due(p.review_requested_on, calendar=calendar)
    if state == State.RECHECK:  # the hearing's days are not counted (Art. 36)
        return ANSWER_AGAIN.due(p.recheck_requested_on, p.hearing_days, calendar=calendar)
    return None


def unit_above(unit: OrgUnit) -> OrgUnit | None:
    """上一级: the centre (or station) of the nearest region above the unit's that has one."""
    parent = unit.region.parent
    while parent is not None:
        above = (OrgUnit.objects.filter(region=parent, kind=OrgUnit.Kind.CENTRE).first()
                 or OrgUnit.objects.filter(region=parent, kind=OrgUnit.Kind.STATION).first())
        if above:
            return above
        parent = parent.parent
    return None


# --- the effects: what a step writes on the petition besides its state ------------------------------

def _accept(petition, actor, today, data):
    petition.accepted_on = today
    return {}


def _assign(petition, actor, today, data):
    """交办/转办: the receiving unit gets its own clock (Art. 23: 15 days from its receipt to say whether it
    accepts; Art. 32: 60 days from its 受理); the assigning unit's 60 days stay on record beside it."""
    unit = data.get("unit")
    if not isinstance(unit, OrgUnit) or not covers_code(actor, unit.region_code):
        raise ValidationError({"unit": _("Choose the responsible unit inside your area.")})
    if unit.pk == petition.unit_id:
        raise ValidationError({"unit": _("The petition is already with this unit.")})
    previous = petition.unit_id
    petition.unit, petition.region_code, petition.assigned_on = unit, unit.region_code, today
    petition.taken_on, petition.assignee_extended_days = None, 0
    return {"unit": unit.pk, "from_unit": previous}


def _take_on(petition, actor, today, data):
    petition.taken_on = today
    return {}


def _object(petition, actor, today, data):
    """The responsible unit sends it back; the unit that assigned it takes it again, on its own clock."""
    assigner = PetitionEvent.objects.filter(petition=petition, action="assign").order_by("-id").first()
    back = OrgUnit.objects.get(pk=assigner.data.get("from_unit")) if assigner and assigner.data.get(
        "from_unit") else petition.registered_at_unit
    petition.unit, petition.region_code, petition.taken_on = back, back.region_code, None
    return {}


def _extend(petition, actor, today, data):
    """Only while the 60 days run, by the 负责人 (petitions.approve), 30 days at most in all (Art. 32)."""
    days = int(data.get("days") or 0)
    if petition.due_on and today > petition.due_on:
        raise ValidationError(_("The handling period ended on %(day)s: an extension can only be granted while it "
                                "is running (信访工作条例 Art. 32).") % {"day": petition.due_on.isoformat()})
    field = "extended_days" if petition.state == State.ACCEPTED else "assignee_extended_days"
    used = getattr(petition, field)
    left = MAX_EXTENSION.days - used
    if left <= 0:
        raise ValidationError(_("The handling period has already been extended by 30 days, the most allowed."))
    if not 1 <= days <= left:
        raise ValidationError({"days": _("An extension is 1 to %(left)d days (30 days at most in all).") % {
            "left": left}})
    setattr(petition, field, used + days)
    return {"days": days, "approver": actor.pk, "due": running_deadline(petition).isoformat()}


def _delivery(data, replied_on: date, today: date) -> tuple[str, date | None]:
    """送达方式 and 送达日期: both or neither; not before the reply, not in the future."""
    method, day = data.get("delivery_method") or "", data.get("delivered_on")
    if not method and not day:
        return "", None
    if method not in PetitionReply.Delivery.values or not day:
        raise ValidationError({"delivered_on": _("Give both how and when the written reply was delivered.")})
    if day < replied_on or day > today:
        raise ValidationError({"delivered_on": _("The delivery date is between the reply (%(reply)s) and today.") % {
            "reply": replied_on.isoformat()}})
    return method, day


def _answer(stage: str):
    """答复, 复查意见, 复核意见: an outcome and the written reply, printed for the petitioner, kept as its own
    record with the deadline it answered and, when known, its delivery (the next window runs from that)."""

    def effect(petition, actor, today, data):
        outcome = data.get("outcome", "")
        if outcome not in Petition.Outcome.values:
            raise ValidationError({"outcome": _("Choose the outcome of the reply.")})
        text = (data.get("reply_text") or "").strip()
        if not text:
            raise ValidationError({"reply_text": _("Write the reply the petitioner will receive.")})
        if len(text) > REPLY_MAX_CHARS:
            raise ValidationError({"reply_text": _("The written reply is longer than %(n)d characters.") % {
                "n": REPLY_MAX_CHARS}})
        method, delivered = _delivery(data, today, today)
        unit = petition.unit if stage == PetitionReply.Stage.ANSWER else actor.org_unit
        PetitionReply.objects.create(petition=petition, stage=stage, unit=unit, outcome=outcome, text=text,
                                     replied_on=today, due_on=petition.due_on, delivery_method=method,
                                     delivered_on=delivered)
        if stage == PetitionReply.Stage.ANSWER:
            petition.replied_on = today
        petition.outcome, petition.reply_text, petition.reply_delivered_on = outcome, text, delivered
        recorded = {"outcome": outcome, "reply_text": text, "by_unit": unit.pk}
        return {**recorded, **({"delivery_method": method, "delivered_on": delivered.isoformat()} if method else {})}

    return effect


def _deliver(petition, actor, today, data):
    """送达: how and when the latest written reply reached the petitioner; its request window starts then."""
    reply = petition.replies.order_by("-replied_on", "-id").first()
    if reply is None:
        raise ValidationError(_("There is no written reply to deliver."))
    if reply.delivered_on:
        raise ValidationError(_("The delivery of this reply was recorded already (%(day)s).") % {
            "day": reply.delivered_on.isoformat()})
    method, day = _delivery(data, reply.replied_on, today)
    if not method:
        raise ValidationError({"delivered_on": _("Give both how and when the written reply was delivered.")})
    reply.delivery_method, reply.delivered_on = method, day
    reply.save(update_fields=["delivery_method", "delivered_on"])
    petition.reply_delivered_on = day
    return {"stage": reply.stage, "delivery_method": method, "delivered_on": day.isoformat()}


def _revisit(petition, actor, today, data):
    satisfaction = data.get("satisfaction", "")
    if satisfaction not in Petition.Satisfaction.values:
        raise ValidationError({"satisfaction": _("Record the petitioner's satisfaction.")})
    petition.satisfaction = satisfaction
    return {"satisfaction": satisfaction}


def _requested(field: str):
    def effect(petition, actor, today, data):
        setattr(petition, field, today)
        return {}

    return effect


def _hearing(petition, actor, today, data):
    """复核 听证: its days are not counted in the 30 days (Art. 36), so the deadline moves by them."""
    first, last = data.get("hearing_from"), data.get("hearing_to")
    if not first or not last:
        raise ValidationError({"hearing_from": _("Give the first and the last day of the hearing.")})
    if last < first:
        raise ValidationError({"hearing_to": _("The hearing cannot end before it starts.")})
    if first < petition.recheck_requested_on or last > today:
        raise ValidationError({"hearing_from": _("The hearing is held between the request (%(day)s) and today.") % {
            "day": petition.recheck_requested_on.isoformat()}})
    days = (last - first).days + 1
    petition.hearing_days += days
    return {"hearing_from": first.isoformat(), "hearing_to": last.isoformat(), "days": days}


def _by_unit(petition, actor, today, data):
    """Steps taken from above record which centre took them."""
    return {"by_unit": actor.org_unit_id}


def _answering_unit(petition, stage: str) -> OrgUnit:
    reply = petition.replies.filter(stage=stage).select_related("unit__region").first()
    return reply.unit if reply else petition.unit


def check_above(petition, step, actor) -> None:
    """"unit": any centre above the responsible unit (督办). "answerer": the level directly above the unit
    that gave the answer (复查, Art. 35). "reviewer": directly above the unit that answered the 复查 (复核,
    听证, Art. 36). 上一级 is the next level up, not any higher centre."""
    own = actor.org_unit
    if step.above == "unit":
        below = petition.unit
        if own is None or own.level >= below.level or not covers_code(actor, below.region_code):
            raise ValidationError(_("Only a centre above %(unit)s can take this step (%(step)s).") % {
                "unit": below.name, "step": step.label})
        return
    stage = PetitionReply.Stage.ANSWER if step.above == "answerer" else PetitionReply.Stage.REVIEW
    below = _answering_unit(petition, stage)
    above = unit_above(below)
    if own is None or above is None or own.region_id != above.region_id:
        raise ValidationError(_("Only %(above)s, the level directly above %(unit)s, can take this step "
                                "(%(step)s).") % {"above": above.name if above else "—", "unit": below.name,
                                                  "step": step.label})


def record_event(petition, actor, step, from_state, note, data, today) -> PetitionEvent:
    return PetitionEvent.objects.create(petition=petition, action=step.action, from_state=from_state,
                                        to_state=petition.state, note=note, data=data, actor=actor, on=today)


# --- the documents the petitioner receives -----------------------------------------------------------

ACCEPT_NOTICE_DOCUMENT = Document(
    "信访事项受理告知书", "本机关将自受理之日起60日内办结；情况复杂的，经本机关负责人批准可以适当延长办理期限，"
                        "但延长期限不得超过30日，并告知信访人延期理由（《信访工作条例》第三十二条）。")
REJECT_DOCUMENT = Document("信访事项不予受理告知书", "不予受理的理由见上（《信访工作条例》第二十二条、第二十三条）。")
EXTENSION_DOCUMENT = Document("信访事项延期办理告知书", "因情况复杂，经本机关负责人批准，办理期限延长如上，延期理由见上"
                                                    "（《信访工作条例》第三十二条）。")
REPLY_DOCUMENT = Document("信访事项处理意见书", "信访人对处理意见不服的，可以自收到书面答复之日起30日内请求原办理机关的"
                                            "上一级机关复查（《信访工作条例》第三十五条）。")
REVIEW_DOCUMENT = Document("信访事项复查意见书", "信访人对复查意见不服的，可以自收到书面答复之日起30日内向复查机关的"
                                             "上一级机关请求复核（《信访工作条例》第三十六条）。")
RECHECK_DOCUMENT = Document("信访事项复核意见书", "信访人对复核意见不服，仍然以同一事实和理由提出信访请求的，"
                                              "不再受理（《信访工作条例》第三十六条）。")

S = State
PETITION = Machine(
    name="petition", label=gettext_lazy("Petition"), states=State, initial=S.REGISTERED, due_field="due_on",
    check_above=check_above, record_event=record_event, due_of=running_deadline,
    steps=(
        Step("accept", pgettext_lazy("petition step", "Accept"), (S.REGISTERED,), S.ACCEPTED,
             "petitions.handle", next_due=HANDLING, document=ACCEPT_NOTICE_DOCUMENT, effect=_accept,
             rule="条例第二十二、二十三条；第三十二条"),
        Step("reject", pgettext_lazy("petition step", "Not accept"), (S.REGISTERED,), S.NOT_ACCEPTED,
             "petitions.handle", needs_note=True, document=REJECT_DOCUMENT, rule="条例第二十二、二十三条；第三十六条"),
        Step("assign", pgettext_lazy("petition step", "Assign or transfer"), (S.ACCEPTED,), S.ASSIGNED,
             "petitions.handle", fields=("unit",), next_due=ACCEPT_NOTICE, effect=_assign, rule="条例第二十三条"),
        Step("take_on", pgettext_lazy("petition step", "Accept as the assigned unit"), (S.ASSIGNED,), S.TAKEN_ON,
             "petitions.handle", next_due=HANDLING, document=ACCEPT_NOTICE_DOCUMENT, effect=_take_on,
             rule="条例第二十三条；第三十二条"),
        Step("object", pgettext_lazy("petition step", "Object and return"), (S.ASSIGNED,), S.ACCEPTED,
             "petitions.handle", needs_note=True, window=Window("assigned_on", OBJECTION), effect=_object),
        Step("extend", pgettext_lazy("petition step", "Extend"), HANDLING_STATES, "",
             "petitions.approve", needs_note=True, fields=("days",), document=EXTENSION_DOCUMENT, effect=_extend,
             rule="条例第三十二条"),
        Step("reply", pgettext_lazy("petition step", "Reply"), HANDLING_STATES, S.REPLIED,
             "petitions.handle", fields=REPLY_FIELDS, document=REPLY_DOCUMENT,
             effect=_answer(PetitionReply.Stage.ANSWER), rule="条例第三十二条"),
        Step("deliver", pgettext_lazy("petition step", "Record the delivery"), ANSWERED_STATES, "",
             "petitions.handle", fields=DELIVERY_FIELDS, effect=_deliver, rule="条例第三十五、三十六条"),
        Step("revisit", pgettext_lazy("petition step", "Revisit"), (S.REPLIED,), S.REVISITED, "petitions.handle",
             fields=("satisfaction",), effect=_revisit),
        Step("close", pgettext_lazy("petition step", "Close"), (S.REVISITED,), S.CLOSED, "petitions.handle"),
        Step("request_review", pgettext_lazy("petition step", "Request a review (复查)"), REPLIED_STATES, S.REVIEW,
             "petitions.handle", needs_note=True, window=Window("reply_delivered_on", REQUEST_AGAIN),
             next_due=ANSWER_AGAIN, effect=_requested("review_requested_on"), rule="条例第三十五条"),
        Step("review_reply", pgettext_lazy("petition step", "Answer the review"), (S.REVIEW,), S.REVIEWED,
             "petitions.handle", fields=REPLY_FIELDS, above="answerer", document=REVIEW_DOCUMENT,
             effect=_answer(PetitionReply.Stage.REVIEW), rule="条例第三十五条"),
        Step("request_recheck", pgettext_lazy("petition step", "Request a recheck (复核)"), (S.REVIEWED,), S.RECHECK,
             "petitions.handle", needs_note=True, window=Window("reply_delivered_on", REQUEST_AGAIN),
             next_due=ANSWER_AGAIN, effect=_requested("recheck_requested_on"), rule="条例第三十六条"),
        Step("hearing", pgettext_lazy("petition step", "Record a hearing (听证)"), (S.RECHECK,), "",
             "petitions.handle", fields=("hearing_from", "hearing_to"), above="reviewer", effect=_hearing,
             rule="条例第三十六条"),
        Step("recheck_reply", pgettext_lazy("petition step", "Answer the recheck"), (S.RECHECK,), S.RECHECKED,
             "petitions.handle", fields=REPLY_FIELDS, above="reviewer", document=RECHECK_DOCUMENT,
             effect=_answer(PetitionReply.Stage.RECHECK), rule="条例第三十六条"),
        # 督办: any centre above the responsible unit presses it, with a note; the state does not change
        Step("supervise", pgettext_lazy("petition step", "Supervise (督办)"),
             (S.REGISTERED, S.ACCEPTED, S.ASSIGNED, S.TAKEN_ON, S.REVIEW, S.RECHECK), "", "petitions.handle",
             needs_note=True, above="unit", effect=_by_unit),
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
