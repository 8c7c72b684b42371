"""The administrators' own queues on the workbench (registered in CoreConfig.ready): the audit
administrator's failed sign-ins and sensitive reads of the last week, the system administrator's
holiday calendar for the coming year. Each count is the list its link opens, with the same filter."""

from datetime import timedelta

from auditlog.models import LogEntry
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from .audit_selectors import SignInFilterForm, audit_entries, audit_filter_form, sign_in_events
from .contributions import WorkbenchContribution, WorkItem
from .models import CalendarDay

RECENT_DAYS = 7


def _since() -> str:
    return (timezone.localdate() - timedelta(days=RECENT_DAYS - 1)).isoformat()


def audit_items(viewer) -> list[WorkItem]:
    failed = {"result": SignInFilterForm.FAILED, "date_from": _since()}
    reads = {"action": LogEntry.Action.ACCESS, "date_from": _since()}
    return [
        WorkItem("failed_sign_ins", _("Failed sign-ins in the last 7 days"),
                 sign_in_events(SignInFilterForm(failed), viewer).count(),
                 reverse("audit:sign_ins") + "?" + urlencode(failed), "warn"),
        WorkItem("sensitive_reads", _("Sensitive reads in the last 7 days"),
                 audit_entries(audit_filter_form(reads), viewer).count(),
                 reverse("audit:log") + "?" + urlencode(reads)),
    ]


def calendar_items(viewer) -> list[WorkItem]:
    """Deadlines count working days from the holiday table: next year's must be entered before it starts."""
    year = timezone.localdate().year + 1
    days = CalendarDay.objects.filter(date__year=year).count()
    return [WorkItem("holidays", _("Holidays and 调休 days entered for %(year)d") % {"year": year}, days,
                     reverse("core:holidays") + f"?year={year}", "info" if days else "danger",
                     "" if days else _("None yet: petition deadlines next year would count every weekday."))]


CONTRIBUTIONS = [
    WorkbenchContribution(key="audit", capability="audit.view", items=audit_items, order=90),
    WorkbenchContribution(key="calendar", capability="reference.manage", items=calendar_items, order=95),
]
