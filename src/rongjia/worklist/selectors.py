"""What the worklist pages and the API read: a unit's own parts, the tasks issued in a subtree, a task's roll-up at
any level (one grouped query, the counts and the lists from the same predicates), the overdue and the waiting."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, F, Q
from django.db.models.functions import Substr
from django.utils import timezone

from rongjia.core.regions import PREFIX_LENGTH, level_of_prefix
from rongjia.core.scoping import region_prefix_or_404, scope_prefix, subtree_q
from rongjia.core.selectors import prefix_names

from .models import Assignment, AssignmentEvent, Task

A = Assignment.State
BUCKETS = ("done", "submitted", "doing", "todo", "overdue")
OPEN_STATES = (A.NOT_STARTED, A.DOING, A.RETURNED)


def bucket_q(bucket: str, task_due: date | None = None, today: date | None = None) -> Q:
    """The one predicate of each roll-up bucket. "overdue": still open past the due date (a part handed in on time
    and waiting for review is not overdue); "doing" and "todo" count only the parts that are not overdue."""
    today = today or timezone.localdate()
    late = Q(task__due_on__lt=today)
    if bucket == "done":
        return Q(state=A.DONE)
    if bucket == "submitted":
        return Q(state=A.SUBMITTED)
    if bucket == "overdue":
        return Q(state__in=OPEN_STATES) & late
    if bucket == "doing":
        return Q(state__in=(A.DOING, A.RETURNED)) & ~late
    if bucket == "todo":
        return Q(state=A.NOT_STARTED) & ~late
    raise ValueError(bucket)


def own_parts(viewer):
    """The viewer's unit's parts (its inbox), soonest due first."""
    if viewer.org_unit_id is None:
        return Assignment.objects.none()
    return (Assignment.objects.visible_to(viewer).filter(unit_id=viewer.org_unit_id)
            .select_related("task", "task__issuer").order_by("state", "task__due_on", "-id"))


def inbox_q(show: str, today: date | None = None) -> Q:
    """The one predicate of each inbox tab (the workbench counts with the same ones)."""
    today = today or timezone.localdate()
    running = Q(task__state=Task.State.OPEN)
    if show == "open":
        return running & Q(state__in=OPEN_STATES)
    if show == "week":
        return running & Q(state__in=OPEN_STATES, task__due_on__gte=today, task__due_on__lte=today + timedelta(days=7))
    if show == "overdue":
        return running & bucket_q("overdue", today=today)
    if show == "returned":
        return running & Q(state=A.RETURNED)
    if show == "urged":
        return Q(pk__in=AssignmentEvent.objects.filter(action="urge", seen_at__isnull=True).values("assignment_id"))
    return Q()


def inbox(viewer, *, show: str = "open", today: date | None = None):
    return own_parts(viewer).filter(inbox_q(show, today))


def inbox_counts(viewer, shows: tuple[str, ...], today: date | None = None) -> dict[str, int]:
    """Several tabs' counts in one query."""
    return own_parts(viewer).aggregate(**{show: Count("id", filter=inbox_q(show, today)) for show in shows})


def issued(viewer, *, state: str = "", kind: str = ""):
    """Tasks issued by the viewer's unit or below it."""
    prefix = scope_prefix(viewer)
    if prefix is None:
        return Task.objects.none()
    tasks = Task.objects.filter(subtree_q("issuer_code", prefix)).select_related("issuer")
    if state in Task.State.values:
        tasks = tasks.filter(state=state)
    if kind:
        tasks = tasks.filter(kind=kind)
    return tasks


@dataclass
class RollupRow:
    code: str  # the prefix of the region the row counts
    name: str
    level: int | None
    total: int = 0
    counts: dict = field(default_factory=dict)

    @property
    def done_share(self) -> float:
        return self.counts.get("done", 0) / self.total if self.total else 0.0


def _aggregates(today: date) -> dict:
    return {bucket: Count("id", filter=bucket_q(bucket, today=today)) for bucket in BUCKETS}


def parts_of(viewer, task: Task, region: str = ""):
    """The task's parts the viewer may see, under `region` (a prefix inside the viewer's scope, else 404)."""
    parts = Assignment.objects.visible_to(viewer).filter(task=task)
    if region:
        parts = parts.filter(subtree_q("region_code", region_prefix_or_404(viewer, region)))
    return parts


def rollup(viewer, task: Task, *, region: str = "", today: date | None = None) -> tuple[RollupRow, list[RollupRow]]:
    """The task's counts under `region` (default: the viewer's own area) and per region one level down, in two
    grouped queries whatever the number of units."""
    today = today or timezone.localdate()
    prefix = region or scope_prefix(viewer) or ""
    parts = parts_of(viewer, task, region)
    total_counts = parts.aggregate(total=Count("id"), **_aggregates(today))
    level = level_of_prefix(prefix) if prefix else 0
    own = RollupRow(prefix, prefix_names([prefix]).get(prefix, prefix) if prefix else "", level,
                    total_counts.pop("total"), total_counts)
    child_length = next((length for length in sorted(PREFIX_LENGTH.values()) if length > len(prefix)), None)
    if child_length is None:
        return own, []
    rows = (parts.annotate(child=Substr("region_code", 1, child_length)).values("child")
            .annotate(total=Count("id"), **_aggregates(today)).order_by("child"))
    names = prefix_names([row["child"] for row in rows])
    children = []
    for row in rows:
        child = row.pop("child")
        total = row.pop("total")
        children.append(RollupRow(child, names.get(child, child), level_of_prefix(child), total, row))
    return own, children


def parts_in_bucket(viewer, task: Task, *, region: str = "", bucket: str = "", today: date | None = None):
    parts = parts_of(viewer, task, region).select_related("unit")
    if bucket in BUCKETS:
        parts = parts.filter(bucket_q(bucket, today=today))
    return parts.order_by("region_code", "id")


def below_q(viewer) -> Q:
    """Parts of units below the viewer's own."""
    return ~Q(unit_id=viewer.org_unit_id)


def overdue_q(today: date | None = None) -> Q:
    return bucket_q("overdue", today=today) & Q(task__state=Task.State.OPEN)


def review_q(unit) -> Q:
    """Submitted parts the unit is the reviewing level for: the task's reviewing level, or the issuer itself where
    the part sits at or above that level."""
    return Q(state=A.SUBMITTED, level__gt=unit.level) & (
        Q(task__review_level=unit.level) | Q(task__issuer_id=unit.pk, task__review_level__gte=F("level")))


def overdue_below(viewer, *, level: int | None = None, today: date | None = None):
    """Parts below the viewer's unit still open past their due date (督办 is offered on them)."""
    parts = (Assignment.objects.visible_to(viewer).filter(below_q(viewer), overdue_q(today))
             .select_related("task", "unit").order_by("task__due_on", "region_code"))
    return parts.filter(level=level) if level else parts


def overdue_by_level(viewer, today: date | None = None) -> dict[int, int]:
    return dict(overdue_below(viewer, today=today).order_by().values_list("level").annotate(n=Count("id")))


def waiting_for_review(viewer):
    """Parts handed in below the viewer that the viewer's unit is the reviewing level for."""
    unit = viewer.org_unit
    if unit is None:
        return Assignment.objects.none()
    return (Assignment.objects.visible_to(viewer).filter(review_q(unit))
            .select_related("task", "unit").order_by("submitted_at", "id"))


def steering_counts(viewer, today: date | None = None) -> dict[str, int]:
    """The review and overdue counts of a centre's workbench in one query (the lists use the same predicates)."""
    return Assignment.objects.visible_to(viewer).aggregate(
        review=Count("id", filter=review_q(viewer.org_unit)),
        overdue=Count("id", filter=below_q(viewer) & overdue_q(today)))
