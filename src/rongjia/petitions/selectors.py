"""Reads of petitions, scoped to the responsible unit and the centres above it."""

from datetime import date

from rongjia.core.deadlines import deadline

from . import workflow
from .models import Petition


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
