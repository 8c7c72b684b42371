"""Reads of petitions, scoped to the responsible unit and the centres above it."""

from datetime import date, timedelta

from django.db.models import F
from django.utils import timezone

from rongjia.core.deadlines import deadline

from . import workflow
from .deadlines import OPEN_STATES
from .models import Feedback, Petition, PetitionNotice

# The `due=` filter of the list: "overdue" (a running deadline already passed) or "soon" (due today or
# within the 5 days of the first warning, petitions/deadlines.py).
DUE_FILTERS = ("overdue", "soon")
WARNING_DAYS = 5


def petition_list(user, *, state: str = "", due: str = ""):
    petitions = Petition.objects.visible_to(user).select_related("unit").prefetch_related("petitioners")
    if state:
        petitions = petitions.filter(state=state)
    if due in DUE_FILTERS:
        today = timezone.localdate()
        window = {"overdue": {"due_on__lt": today},
                  "soon": {"due_on__gte": today, "due_on__lte": today + timedelta(days=WARNING_DAYS)}}[due]
        petitions = petitions.filter(state__in=OPEN_STATES, **window)
    return petitions


def repeats_seen_by(viewer, petition: Petition) -> tuple[list[Petition], int]:
    """The earlier petitions this one repeats that the viewer may open, and how many others there are
    (a count, never their subject or unit: the repeat list once showed another county's petitions)."""
    visible = list(petition.repeat_of.visible_to(viewer).order_by("-registered_on", "-id"))
    return visible, petition.repeat_of.count() - len(visible)


def petition_deadlines(petition: Petition) -> list[dict]:
    """Each deadline of the petition so far, with the rule that set it."""
    rows = []

    def add(name: str, start: date | None, period: workflow.Period, extra_days: int = 0):
        if start:
            result = deadline(start, period.days + extra_days, period.kind)
            rows.append({"name": name, "start": start, "due": result.due, "rule": result.rule})

    add("告知受理与否", petition.registered_on, workflow.ACCEPT_NOTICE)
    add("异议期限", petition.assigned_on, workflow.OBJECTION)
    add("办理期限", petition.accepted_on, workflow.HANDLING, petition.extended_days)
    if petition.state in (*workflow.REPLIED_STATES, workflow.State.REVIEWED):
        add("申请复查/复核期限", petition.replied_on, workflow.REQUEST_AGAIN)
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
