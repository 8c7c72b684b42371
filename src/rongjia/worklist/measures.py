"""The worklist as measures for the star evaluation (core.measures): of a unit's tasks due in the period, the
share done by their due date; and its inspection scores in the period, as shares of the checklists' points."""

from datetime import date

from django.db.models import Count, F, Q
from django.db.models.functions import TruncDate
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rongjia.core.measures import Measure, Reading, share

from .models import Assignment, InspectionTarget


def tasks_done(viewer, units, since: date, until: date) -> dict[int, Reading]:
    done_in_time = Q(state=Assignment.State.DONE, done_day__lte=F("task__due_on"))
    rows = (Assignment.objects.visible_to(viewer)
            .filter(unit_id__in=[u.pk for u in units], task__due_on__gte=since, task__due_on__lte=until)
            .annotate(done_day=TruncDate("done_at"))
            .values("unit_id").annotate(total=Count("id"), done=Count("id", filter=Q(state=Assignment.State.DONE)),
                                        in_time=Count("id", filter=done_in_time))
            .order_by())
    return {row["unit_id"]: Reading(share(row["in_time"], row["total"]),
                                    _("%(in_time)d of %(total)d tasks due in the period done by their due date "
                                      "(%(done)d done in all)") % row,
                                    {"total": row["total"], "done": row["done"], "in_time": row["in_time"]})
            for row in rows}


def inspection_scores(viewer, units, since: date, until: date) -> dict[int, Reading]:
    """The mean of the unit's inspection scores in the period, each as a share of its checklist's points."""
    found: dict[int, list[float]] = {}
    targets = (InspectionTarget.objects.visible_to(viewer)
               .filter(unit_id__in=[u.pk for u in units], score__isnull=False,
                       inspection__starts_on__gte=since, inspection__starts_on__lte=until)
               .select_related("inspection"))
    for target in targets:
        found.setdefault(target.unit_id, []).append(float(target.score) / (target.inspection.max_score or 1))
    return {pk: Reading(sum(shares) / len(shares),
                        _("%(n)d inspection(s) in the period, average %(percent)d%% of the points")
                        % {"n": len(shares), "percent": round(100 * sum(shares) / len(shares))},
                        {"inspections": len(shares)})
            for pk, shares in found.items()}


MEASURES = [
    Measure("worklist.tasks", gettext_lazy("Tasks done on time"), tasks_done, order=40,
            help=gettext_lazy("Share of the unit's tasks due in the period that were done by their due date.")),
    Measure("worklist.inspections", gettext_lazy("Inspection scores"), inspection_scores, order=41,
            help=gettext_lazy("The unit's inspection (抽查/互检) scores in the period, as shares of the points.")),
]
