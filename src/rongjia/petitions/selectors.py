"""Reads of petitions, scoped to the responsible unit and the centres above it."""

from datetime import date, timedelta

from django.db.models import BooleanField, Case, CharField, ExpressionWrapper, F, Q, Value, When
from django.utils import timezone

from rongjia.core.models import OrgUnit, Region
from rongjia.core.regions import PROVINCE
from rongjia.core.scoping import subtree_q

from . import workflow
from .backlog.selectors import backlog_q, not_yet_a_case_q, unassigned_q
from .deadlines import OPEN_STATES
from .models import Feedback, Petition, PetitionNotice, PetitionReply

# The `due=` filter of the list: "overdue" (a running deadline already passed) or "soon" (due today or
# within the 5 days of the first warning, petitions/deadlines.py).
DUE_FILTERS = ("overdue", "soon")
# `state=open`: every state before the end (deadlines.OPEN_STATES), as the statistics count petitions open.
OPEN = "open"
WARNING_DAYS = 5
# `backlog=`: "1" every 积案 (an open case, or a petition that qualifies), "unassigned" those without a leader.
BACKLOG_FILTERS = ("1", "unassigned")
# `sort=`: by the running deadline (open petitions without one last) or by the day of registration.
SORTS = ("-registered", "registered", "due", "-due")
# `answered=`: a stage's reply (答复, 复查意见, 复核意见) given against a deadline, or given by it ("-on-time").
ON_TIME = "-on-time"
ANSWERED_FILTERS = tuple(v for stage in PetitionReply.Stage.values for v in (stage, stage + ON_TIME))


def due_window(due: str, today: date) -> Q:
    """Open petitions past their deadline, or due today or within WARNING_DAYS: the list's, the dashboard's,
    the warnings' and the workbench's one definition."""
    window = {"overdue": Q(due_on__lt=today),
              "soon": Q(due_on__gte=today, due_on__lte=today + timedelta(days=WARNING_DAYS))}[due]
    return Q(state__in=OPEN_STATES) & window


def desk_q(today: date, *, state: str = "", due: str = "", channel: str = "", category: str = "", backlog: str = "",
           collective="", repeat="", unit=None, answered: str = "", region: str = "", registered_in: str = "",
           registered_from: date | None = None, registered_to: date | None = None) -> Q:
    """The desk's filters as one condition (the list filters with it, the dashboard counts with it: the same rows).
    A value it does not know filters nothing. No filter joins a many-valued relation, so no row is counted twice.
    `region` and `registered_in` are prefixes the caller checked to lie in the viewer's area (PetitionFilterForm):
    the responsible unit's region, and the registering unit's (where the statistics count a petition received)."""
    q = Q()
    if state == OPEN:
        q &= Q(state__in=OPEN_STATES)
    elif state in workflow.STATES:
        q &= Q(state=state)
    if due in DUE_FILTERS:
        q &= due_window(due, today)
    if channel in Petition.Channel.values:
        q &= Q(channel=channel)
    if category in Petition.Category.values:
        q &= Q(category=category)
    if backlog in BACKLOG_FILTERS:
        q &= backlog_q(today) if backlog == "1" else unassigned_q(today)
    if str(collective) == "1":
        q &= Q(collective=True)
    if str(repeat) == "1":
        q &= Q(pk__in=Petition.repeat_of.through.objects.values("from_petition"))
    if unit is not None:
        q &= Q(unit=unit)
    if answered in ANSWERED_FILTERS:
        stage = answered.removesuffix(ON_TIME)
        q &= Q(pk__in=timed_replies(stage, on_time=answered.endswith(ON_TIME)).values("petition"))
    return q & _region_and_period_q(region, registered_in, registered_from, registered_to)


def timed_replies(stage: str = "", *, on_time: bool = False):
    """Replies given against a deadline (one without is not timed), of one stage, and those given by it: what the
    dashboard's on-time figures count and the list's `answered=` opens (one reply a stage, so a petition once)."""
    replies = PetitionReply.objects.filter(due_on__isnull=False)
    if stage:
        replies = replies.filter(stage=stage)
    return replies.filter(replied_on__lte=F("due_on")) if on_time else replies


def _region_and_period_q(region: str, registered_in: str, since: date | None, until: date | None) -> Q:
    """The statistics' filters: where a petition is handled or was registered, and when it was registered."""
    q = subtree_q("region_code", region) if region else Q()
    if registered_in:
        q &= subtree_q("registered_at_unit__region_code", registered_in)
    if since is not None:
        q &= Q(registered_on__gte=since)
    if until is not None:
        q &= Q(registered_on__lte=until)
    return q


def petition_list(user, *, sort: str = "", today: date | None = None, **filters):
    """The petitions of the viewer's area under the desk's filters (`desk_q`), sorted. `unit` is an OrgUnit the
    caller took from the viewer's area (PetitionFilterForm); the scope holds whatever it is."""
    today = today or timezone.localdate()
    petitions = (Petition.objects.visible_to(user).select_related("unit", "backlog_case")
                 .prefetch_related("petitioners")
                 # a 积案 by its facts that nobody has taken up yet: the desk offers to name its 包案 leader
                 .annotate(qualifies=ExpressionWrapper(not_yet_a_case_q(today), output_field=BooleanField())))
    return petitions.filter(desk_q(today, **filters)).order_by(*_ordering(sort))


def unit_filter_options(user, chosen) -> list[tuple[str, str, bool]]:
    """(pk, name, chosen) of the units the list's "responsible unit" filter offers: those of the viewer's own region
    and of the regions right below it (a province's cities, a county's townships), and the one chosen. Any unit of
    the area is still accepted (PetitionFilterForm; a dashboard's link may name one deeper): offering all of them,
    a province's list drew 19,224 options, 1.3 MB and 3 s a page (docs/performance.md)."""
    own = getattr(user, "org_unit", None)
    if own is None:
        return []
    chosen_pk = getattr(chosen, "pk", None)
    near = Q(region_id__in=Region.objects.filter(Q(pk=own.region_id) | Q(parent_id=own.region_id)).values("pk"))
    # the chosen unit joins only when there is one: an OR with "id IS NULL" made a province read all its units
    units = (OrgUnit.objects.visible_to(user).filter(near | Q(pk=chosen_pk) if chosen_pk else near)
             .order_by("region_code", "kind", "id").values_list("pk", "name"))
    return [(str(pk), name, pk == chosen_pk) for pk, name in units]


def _ordering(sort: str) -> tuple:
    return {"registered": ("registered_on", "id"), "due": (F("due_on").asc(nulls_last=True), "id"),
            "-due": (F("due_on").desc(nulls_last=True), "-id")}.get(sort, ("-registered_on", "-id"))


def repeats_seen_by(viewer, petition: Petition) -> tuple[list[Petition], int]:
    """The earlier petitions this one repeats that the viewer may open, and how many others there are
    (a count, never their subject or unit: the repeat list once showed another county's petitions)."""
    visible = list(petition.repeat_of.visible_to(viewer).order_by("-registered_on", "-id"))
    return visible, petition.repeat_of.count() - len(visible)


# The warnings as `notices_for` (deadlines.py) words them, computed from the stored deadlines at each reading.
WARNING_KINDS = ("warn5", "warn1", "overdue")


def warnings_live(user, *, kind: str = "", today: date | None = None):
    """Open petitions due within 5 days or overdue, each with its `warning`, as the viewer's unit is told it:
    a warning goes to the responsible unit (and the centres above), an overdue escalation to the level above
    it (so the responsible unit reads it on its list and workbench, not here). Needs no `run_deadlines`."""
    today = today or timezone.localdate()
    unit = getattr(user, "org_unit", None)
    petitions = Petition.objects.visible_to(user).filter(state__in=OPEN_STATES,
                                                         due_on__lte=today + timedelta(days=WARNING_DAYS))
    if unit is None:
        return petitions.none()
    # Escalated above the responsible unit; one at the top of the tree is told itself (deadlines._escalation_unit).
    petitions = petitions.filter(Q(due_on__gte=today) | Q(unit__level__gt=unit.level) | Q(unit__level=PROVINCE))
    kinds = {"warn1": Q(due_on__gte=today, due_on__lte=today + timedelta(days=1)),
             "warn5": Q(due_on__gt=today + timedelta(days=1)), "overdue": Q(due_on__lt=today)}
    if kind in kinds:
        petitions = petitions.filter(kinds[kind])
    return (petitions.select_related("unit")
            .annotate(warning=Case(*(When(q, then=Value(k)) for k, q in kinds.items()), output_field=CharField()))
            .order_by("due_on", "id"))


def notice_list(user, *, kind: str = ""):
    """The record of the notices made (warnings and escalations sent by `run_deadlines`, repeat notices made at
    registration) addressed to the viewer's unit or any unit below it."""
    notices = PetitionNotice.objects.visible_to(user).select_related("petition", "unit")
    return notices.filter(kind=kind) if kind else notices


def feedback_list(user, *, answered: str = ""):
    """Mailbox feedback the viewer's centre answers (or a centre below it does); unanswered first."""
    feedback = Feedback.objects.visible_to(user).select_related("about", "routed_to", "answered_by")
    if answered in ("yes", "no"):
        feedback = feedback.filter(answered_at__isnull=answered == "no")
    return feedback.order_by(F("answered_at").asc(nulls_first=True), "-created_at", "-id")
