"""The worklist on the workbench (core's registry). A unit: its tasks due this week, overdue, returned for more
evidence, and 督办 not yet read. A centre: the parts waiting for its review, the overdue units below, the reports
sent up to it, the inspections it has stations left to score in. Each count is its list's."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from rongjia.core.contributions import WorkbenchContribution, WorkItem
from rongjia.core.regions import VILLAGE

from . import selectors
from .inspections import to_score
from .notes import reports_waiting


def unit_items(viewer) -> list[WorkItem]:
    inbox = reverse("worklist:inbox")
    counts = selectors.inbox_counts(viewer, ("urged", "overdue", "returned", "week"))
    return [
        WorkItem("tasks_urged", _("督办 received, unread"), counts["urged"], f"{inbox}?show=urged", "danger"),
        WorkItem("tasks_overdue", _("My overdue tasks"), counts["overdue"], f"{inbox}?show=overdue", "danger"),
        WorkItem("tasks_returned", _("Tasks returned for more evidence"), counts["returned"],
                 f"{inbox}?show=returned", "warn"),
        WorkItem("tasks_week", _("Tasks due this week"), counts["week"], f"{inbox}?show=week", "warn"),
    ]


def centre_items(viewer) -> list[WorkItem]:
    if viewer.org_unit is None or viewer.org_unit.level == VILLAGE:  # no unit below to steer
        return []
    counts = selectors.steering_counts(viewer)
    return [
        WorkItem("tasks_review", _("Work waiting for my review"), counts["review"],
                 reverse("worklist:review_list"), "warn"),
        WorkItem("tasks_overdue_below", _("Overdue units below"), counts["overdue"],
                 reverse("worklist:overdue_list"), "danger", _("Open them to urge (督办).")),
        WorkItem("info_reports_waiting", _("Information reports from below"), reports_waiting(viewer).count(),
                 reverse("worklist:report_list") + "?show=waiting"),
        WorkItem("inspections_to_score", _("Inspections with stations to score"), to_score(viewer).count(),
                 reverse("worklist:inspection_list") + "?show=todo", "warn"),
    ]


CONTRIBUTIONS = [
    WorkbenchContribution(key="worklist", capability=("worklist.report", "worklist.view"), items=unit_items,
                          order=30),
    # A leader, who looks but does not act, sees the same counts as the centre's staff.
    WorkbenchContribution(key="worklist_steering", capability=("worklist.review", "worklist.view"),
                          items=centre_items, order=31),
]
