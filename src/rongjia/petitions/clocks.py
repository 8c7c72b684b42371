"""The clocks of one petition, as the petition page and the API show them: each deadline so far, with the
rule that set it, whether it is the one now running, and whether it is provisional (its year has no
holiday table yet, so it was counted with weekends only).

After a 交办/转办 both clocks are shown: the assigning unit's handling period and the receiving unit's own
notice and handling periods (Arts. 23, 32). A 复查/复核 request window runs from the delivery of the
written reply (自收到书面答复之日起, Arts. 35–36); without a delivery date it is shown as not yet running.
"""

from datetime import date

from django.utils.translation import gettext as _

from rongjia.core.deadlines import deadline, years_with_table

from . import workflow
from .models import Petition, PetitionReply

S = workflow.State


def petition_deadlines(petition: Petition) -> list[dict]:
    rows: list[dict] = []
    p = petition

    def add(name: str, start: date | None, period, extra_days: int = 0, running: bool = False, note: str = ""):
        if start:
            result = deadline(start, period.days + extra_days, period.kind)
            rule = f"{result.rule}；{note}" if note else result.rule
            rows.append({"name": name, "start": start, "due": result.due, "rule": rule, "running": running,
                         "provisional": bool(result.years_without_table)})

    state = p.state
    add("告知受理与否", p.registered_on, workflow.ACCEPT_NOTICE, running=state == S.REGISTERED)
    assigner = "（交办单位）" if p.assigned_on else ""
    add(f"办理期限{assigner}", p.accepted_on, workflow.HANDLING, p.extended_days, running=state == S.ACCEPTED,
        note=_("extended by %(days)d days") % {"days": p.extended_days} if p.extended_days else "")
    if p.assigned_on:
        add("承办单位告知受理与否", p.assigned_on, workflow.ACCEPT_NOTICE, running=state == S.ASSIGNED)
        add("异议期限", p.assigned_on, workflow.OBJECTION)
        add("办理期限（承办单位）", p.taken_on, workflow.HANDLING, p.assignee_extended_days,
            running=state == S.TAKEN_ON,
            note=_("extended by %(days)d days") % {"days": p.assignee_extended_days} if p.assignee_extended_days
            else "")
    add("复查答复期限", p.review_requested_on, workflow.ANSWER_AGAIN, running=state == S.REVIEW)
    add("复核答复期限", p.recheck_requested_on, workflow.ANSWER_AGAIN, p.hearing_days, running=state == S.RECHECK,
        note=_("the %(days)d days of the hearing are not counted (信访工作条例 Art. 36)") % {"days": p.hearing_days}
        if p.hearing_days else "")
    window = {**{s: "申请复查期限" for s in workflow.REPLIED_STATES}, S.REVIEWED: "申请复核期限"}.get(state)
    if window and p.reply_delivered_on:
        add(window, p.reply_delivered_on, workflow.REQUEST_AGAIN, running=True,
            note=_("counted from the delivery of the written reply"))
    elif window:
        rows.append({"name": window, "start": None, "due": None, "running": False, "provisional": False,
                     "rule": _("Not yet running: it starts when the written reply is delivered, and its delivery "
                               "has not been recorded (信访工作条例 Arts. 35–36).")})
    return rows


def provisional_years(days) -> set[int]:
    """Of the years of these deadlines, those without a holiday table (one query for a whole page)."""
    years = {day.year for day in days if day}
    return years - years_with_table(years) if years else set()


def mark_provisional(petitions) -> None:
    """Sets `due_provisional` on each petition of a page (one query for the whole page)."""
    petitions = list(petitions)
    missing = provisional_years(p.due_on for p in petitions)
    for petition in petitions:
        petition.due_provisional = bool(petition.due_on) and petition.due_on.year in missing


def replies_of(petition: Petition) -> list[PetitionReply]:
    replies = list(petition.replies.select_related("unit"))
    for reply in replies:
        reply.stage_label = reply.get_stage_display()
    return replies
