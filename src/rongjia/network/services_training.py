"""Every write of the network's training (seed 003 (五)): a centre's course, its enrolments and completions (each
completion is the staff member's training record), and 随岗锻炼 at the centre one level up."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rongjia.core.audit import audit_actor
from rongjia.core.models import OrgUnit
from rongjia.core.regions import COUNTY, PREFIX_LENGTH, STREET, pad_code
from rongjia.core.scoping import code_in_subtree, covers_code, get_visible_or_404

from .models import Course, Enrolment, Placement, StaffMember, TrainingRecord

PLACEMENT_LEVELS = (COUNTY, STREET)  # a street station's worker goes to the district, a district's to the city
MONTH_DAYS = 30


def _require(actor) -> None:
    if not actor.can("org.edit") or actor.org_unit is None:
        raise PermissionDenied


def course_create(*, actor, title: str, starts_on: date, ends_on: date, hours, place: str = "") -> Course:
    """A course organised by the actor's own centre (province, city or district)."""
    _require(actor)
    if actor.org_unit.level > COUNTY:
        raise ValidationError(_("Courses are organised by province, city and district centres."))
    if ends_on < starts_on:
        raise ValidationError({"ends_on": _("The end is before the start.")})
    course = Course(organiser=actor.org_unit, organiser_code=actor.org_unit.region_code, title=title.strip(),
                    starts_on=starts_on, ends_on=ends_on, hours=hours, place=place.strip(), created_by=actor)
    with transaction.atomic(), audit_actor(actor):
        course.full_clean(exclude=["organiser"])
        course.save()
    return course


def organised_course(actor, course_id: int) -> Course:
    """The course, for its organiser (or a centre above it) with org.edit; 404 outside the scope, 403 below."""
    course = get_visible_or_404(Course.objects.select_related("organiser"), actor, pk=course_id)
    _require(actor)
    if not covers_code(actor, course.organiser_code):
        raise PermissionDenied  # a unit below the organiser reads the course but does not run it
    return course


def enrol(*, actor, course_id: int, staff_ids: list[int]) -> int:
    """Put staff of the organiser's area on the course (once each); returns how many were added."""
    course = organised_course(actor, course_id)
    organiser_prefix = course.organiser_code[:PREFIX_LENGTH[course.organiser.level]]
    staff = list(StaffMember.objects.visible_to(actor).filter(pk__in=staff_ids, active=True).select_related("unit"))
    if len(staff) != len(set(staff_ids)) or not staff or not all(
            code_in_subtree(member.unit.region_code, organiser_prefix) for member in staff):
        raise ValidationError({"staff": _("Choose staff in post in the organiser's area.")})
    with transaction.atomic(), audit_actor(actor):
        existing = set(course.enrolments.values_list("staff_id", flat=True))
        added = [Enrolment(course=course, staff=member, region_code=member.unit.region_code)
                 for member in staff if member.pk not in existing]
        Enrolment.objects.bulk_create(added)
    return len(added)


def complete(*, actor, course_id: int, enrolment_ids: list[int], completed_on: date) -> int:
    """Mark enrolments completed; each becomes the staff member's training record for that day."""
    course = organised_course(actor, course_id)
    if not course.starts_on <= completed_on <= min(course.ends_on, timezone.localdate()):
        raise ValidationError({"completed_on": _("Completion falls within the course and not after today.")})
    with transaction.atomic(), audit_actor(actor):
        enrolments = list(course.enrolments.select_for_update().filter(pk__in=enrolment_ids,
                                                                       completed_on__isnull=True))
        for enrolment in enrolments:
            enrolment.completed_on = completed_on
            enrolment.save(update_fields=["completed_on"])
            TrainingRecord.objects.create(staff_id=enrolment.staff_id, date=completed_on, course=course.title,
                                          hours=course.hours, from_course=course)
    return len(enrolments)


def unit_above(unit: OrgUnit) -> OrgUnit | None:
    """The main unit of the region one level up (a street station's district centre)."""
    if unit.level <= 1:
        return None
    parent_code = pad_code(unit.region_code[:PREFIX_LENGTH[unit.level - 1]])
    return OrgUnit.objects.filter(region_code=parent_code, kind__in=(OrgUnit.Kind.CENTRE,
                                                                     OrgUnit.Kind.STATION)).first()


def placement_record(*, actor, staff_id: int, starts_on: date, ends_on: date, note: str = "") -> Placement:
    """随岗锻炼 of a street station's or district centre's worker at the centre one level up."""
    member = get_visible_or_404(StaffMember.objects.select_related("unit"), actor, pk=staff_id)
    _require(actor)
    if member.unit.level not in PLACEMENT_LEVELS:
        raise ValidationError({"staff": _("随岗锻炼 is for the staff of street stations and district centres.")})
    if ends_on < starts_on or ends_on > timezone.localdate():
        raise ValidationError({"ends_on": _("The placement ends after it starts and not after today.")})
    host = unit_above(member.unit)
    placement = Placement(staff=member, region_code=member.unit.region_code, host=host, starts_on=starts_on,
                          ends_on=ends_on, days=(ends_on - starts_on).days + 1, note=note.strip())
    with transaction.atomic(), audit_actor(actor):
        placement.full_clean(exclude=["staff", "host"])
        placement.save()
    return placement
