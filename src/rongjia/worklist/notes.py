"""Reports and meetings (seed 003 (六)(七)): 信息报送, news items a unit sends up the chain for a centre above to
accept or send back; and 例会/业务会 with minutes, attendees and decisions, each of which can become a task."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rongjia.core.audit import audit_actor
from rongjia.core.workflow import transition

from .models import InfoReport, Meeting, MeetingDecision
from .workflow import INFO_REPORT


def info_report_send(*, actor, title: str, body: str, happened_on: date) -> InfoReport:
    if not actor.can("worklist.report") or actor.org_unit is None:
        raise PermissionDenied
    if not title.strip() or not body.strip():
        raise ValidationError({"title": _("Give the report a title and its text.")})
    if happened_on > timezone.localdate():
        raise ValidationError({"happened_on": _("The day cannot be in the future.")})
    if actor.org_unit.level == 1:
        raise ValidationError(_("A province centre has no level above it to report to."))
    with transaction.atomic(), audit_actor(actor):
        report = InfoReport(unit=actor.org_unit, region_code=actor.org_unit.region_code, title=title.strip()[:120],
                            body=body.strip(), happened_on=happened_on, created_by=actor)
        report.full_clean(exclude=["unit"])
        report.save()
    return report


def reports_waiting(viewer):
    """Reports from units below the viewer's still waiting for a decision."""
    return (InfoReport.objects.visible_to(viewer).filter(state=InfoReport.State.SUBMITTED)
            .exclude(unit_id=viewer.org_unit_id).select_related("unit", "decided_by"))


def info_report_step(*, actor, report_id: int, action: str, note: str = "", version: int | None = None) -> InfoReport:
    return transition(INFO_REPORT, actor=actor, queryset=InfoReport.objects.select_related("unit"), pk=report_id,
                      action=action, note=note, version=version)


def meeting_record(*, actor, kind: str, held_on: date, attendees: str, minutes: str, place: str = "",
                   decisions: list[str] = ()) -> Meeting:
    if not actor.can("worklist.assign") or actor.org_unit is None:
        raise PermissionDenied
    if held_on > timezone.localdate():
        raise ValidationError({"held_on": _("Record a meeting once it has been held.")})
    if not attendees.strip() or not minutes.strip():
        raise ValidationError({"minutes": _("Write who attended and the minutes.")})
    with transaction.atomic(), audit_actor(actor):
        meeting = Meeting(unit=actor.org_unit, region_code=actor.org_unit.region_code, kind=kind, held_on=held_on,
                          place=place.strip(), attendees=attendees.strip(), minutes=minutes.strip(), created_by=actor)
        meeting.full_clean(exclude=["unit"])
        meeting.save()
        MeetingDecision.objects.bulk_create(MeetingDecision(meeting=meeting, text=text.strip()[:300])
                                            for text in decisions if text.strip())
    return meeting
