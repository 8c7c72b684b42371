"""Visits on the workbench (core's registry): visits owed that are due this week or late, people due a visit
this period, those missed for a whole period, and follow-ups the viewer owns. Each count is its list's."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rongjia.core.contributions import WorkbenchContribution, WorkItem

from .coverage import people_by_status
from .selectors import due_visits, follow_ups_of


def visit_items(viewer) -> list[WorkItem]:
    today = timezone.localdate()
    due, people = reverse("visits:owed"), reverse("visits:people")
    week = today + timedelta(days=7)
    return [
        WorkItem("visits_owed_late", _("Visits owed and late (必访)"),
                 due_visits(viewer, until=today - timedelta(days=1)).count(), f"{due}?until=late", "danger"),
        WorkItem("visits_owed_week", _("Visits owed this week (必访)"),
                 due_visits(viewer, since=today, until=week).count(), f"{due}?until=week", "warn"),
        WorkItem("visits_overdue", _("People missed for a whole period"),
                 people_by_status(viewer, status="overdue", day=today).count(), f"{people}?status=overdue", "danger",
                 _("Not contacted as the regime asks, this period or the one before.")),
        WorkItem("visits_never", _("People never visited"), people_by_status(viewer, status="never", day=today)
                 .count(), f"{people}?status=never", "warn"),
        WorkItem("follow_ups", _("My open follow-ups"), follow_ups_of(viewer, mine=True).count(),
                 reverse("visits:follow_ups") + "?mine=1"),
    ]


CONTRIBUTIONS = [WorkbenchContribution(key="visits", capability="visits.view", items=visit_items, order=20)]
