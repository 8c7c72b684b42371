"""Reads of 积案: which petitions qualify (computed live, so no page waits for `run_deadlines`), the cases a
viewer's centre owns, and the months of a case with or without their progress report."""

from datetime import date

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from ..deadlines import OPEN_STATES
from ..models import Petition
from .models import BacklogCase, BacklogProgress
from .workflow import FINISHED_STATES

TIMES_LODGED = 3  # it and two earlier petitions it repeats (Petition.repeat_of)
REPEAT = Petition.repeat_of.through


def month_of(day: date) -> date:
    return day.replace(day=1)


def _lodged_three_times() -> Q:
    thrice = (REPEAT.objects.values("from_petition").annotate(n=Count("to_petition"))
              .filter(n__gte=TIMES_LODGED - 1).values("from_petition"))
    # A later lodging of a matter that already is an open 积案 is followed there, not made a second case.
    followed = REPEAT.objects.filter(to_petition__backlog_case__state=BacklogCase.State.OPEN).values("from_petition")
    return Q(pk__in=thrice) & ~Q(state__in=FINISHED_STATES) & ~Q(pk__in=followed)


def qualifies_q(today: date) -> Q:
    """Petitions that are 积案 by their own facts: open past the running deadline, or lodged three times."""
    return Q(state__in=OPEN_STATES, due_on__lt=today) | _lodged_three_times()


def not_yet_a_case_q(today: date) -> Q:
    return qualifies_q(today) & Q(backlog_case__isnull=True)


def backlog_q(today: date) -> Q:
    """积案 on the petition list: an open case, or a petition that qualifies and is not a case yet."""
    return Q(backlog_case__state=BacklogCase.State.OPEN) | not_yet_a_case_q(today)


def unassigned_q(today: date) -> Q:
    """积案 without a 包案 leader: qualifying petitions not yet cases, and open cases with no leader named."""
    return Q(backlog_case__state=BacklogCase.State.OPEN, backlog_case__leader_name="") | not_yet_a_case_q(today)


def reason_for(petition: Petition, today: date) -> str:
    late = petition.state in OPEN_STATES and petition.due_on is not None and petition.due_on < today
    return BacklogCase.Reason.OVERDUE if late else BacklogCase.Reason.REPEATED


def detect(today: date | None = None):
    """Every petition (system-wide: the job's view) that qualifies and is not a case yet."""
    today = today or timezone.localdate()
    return Petition.objects.filter(not_yet_a_case_q(today)).select_related("unit")


# The 积案 list's filters: state, leader (named or not), this month's progress (reported or missing), reason.
CASE_FILTERS = {"state": dict(BacklogCase.State.choices), "leader": ("none", "named"),
                "progress": ("missing", "reported"), "reason": dict(BacklogCase.Reason.choices)}


def case_list(user, *, state: str = "", leader: str = "", progress: str = "", reason: str = "", today=None):
    """The 积案 of the viewer's centre and the centres below it; unknown filter values filter nothing."""
    today = today or timezone.localdate()
    cases = (BacklogCase.objects.visible_to(user).select_related("petition__unit", "centre")
             .annotate(reported=Exists(BacklogProgress.objects.filter(case=OuterRef("pk"), month=month_of(today)))))
    if state in CASE_FILTERS["state"]:
        cases = cases.filter(state=state)
    if leader in CASE_FILTERS["leader"]:
        cases = cases.filter(leader_name="") if leader == "none" else cases.exclude(leader_name="")
    if progress in CASE_FILTERS["progress"]:
        cases = cases.filter(state=BacklogCase.State.OPEN, reported=progress == "reported")
    if reason in CASE_FILTERS["reason"]:
        cases = cases.filter(reason=reason)
    return cases.order_by("state", "opened_on", "id")  # open before resolved, the oldest first


def months_of(case: BacklogCase, today: date | None = None) -> list[dict]:
    """Each month from the opening to now (or to the resolution), its progress rows, missing ones flagged."""
    today = today or timezone.localdate()
    last = month_of(case.resolved_on or today)
    rows, by_month = [], {}
    for entry in case.progress.select_related("by"):
        by_month.setdefault(entry.month, []).append(entry)
    month = month_of(case.opened_on)
    while month <= last:
        rows.append({"month": month, "entries": by_month.get(month, [])})
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return list(reversed(rows))  # this month first
