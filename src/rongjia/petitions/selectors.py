"""Reads of petitions, scoped to the responsible unit and the centres above it."""

from datetime import date

from django.db.models import F

from rongjia.core.deadlines import deadline

from . import workflow
from .models import Feedback, Petition, PetitionNotice


def petition_list(user, *, state: str = ""):
    petitions = Petition.objects.visible_to(user).select_related("unit").prefetch_related("petitioners")
    return petitions.filter(state=state) if state else petitions


def petition_deadlines(petition: Petition) -> list[dict]:
    """Each deadline of the petition so far, with the rule that set it."""
    rows = []

    def add(name: str, start: date | None, days: int, kind: str = "calendar"):
        if start:
            result = deadline(start, days, kind)
            rows.append({"name": name, "start": start, "due": result.due, "rule": result.rule})

    add("告知受理与否", petition.registered_on, workflow.ACCEPT_NOTICE_DAYS)
    add("异议期限", petition.assigned_on, workflow.OBJECTION_WORKING_DAYS, "working")
    add("办理期限", petition.accepted_on, 60 + petition.extended_days)
    if petition.state in workflow.REPLIED_STATES + ("reviewed",):
        add("申请复查/复核期限", petition.replied_on, 30)
    return rows


def notice_list(user, *, kind: str = ""):
    """Deadline warnings and overdue escalations addressed to the viewer's unit or any unit below it."""
    notices = PetitionNotice.objects.visible_to(user).select_related("petition", "unit")
    return notices.filter(kind=kind) if kind else notices


def feedback_list(user, *, answered: str = ""):
    """Mailbox feedback the viewer's centre answers (or a centre below it does); unanswered first."""
    feedback = Feedback.objects.visible_to(user).select_related("about", "routed_to", "answered_by")
    if answered in ("yes", "no"):
        feedback = feedback.filter(answered_at__isnull=answered == "no")
    return feedback.order_by(F("answered_at").asc(nulls_first=True), "-created_at", "-id")
