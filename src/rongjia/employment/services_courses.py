"""Every write of training 培训 (DESIGN rule 2): a centre offers a course (适应性培训, 职业技能培训, 学历教育) to its
subtree with its provider, dates and places; stations enrol their seekers; attendance, completion and dropping out
are steps of the enrolment on core's engine (`ENROLMENT`). Completing a course that awards a certificate puts the
certificate on the seeker's profile, and the skill it teaches among the seeker's skills.
"""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from rongjia.core.audit import audit_actor
from rongjia.core.errors import StaleVersion
from rongjia.core.scoping import get_visible_or_404, scope_prefix
from rongjia.core.workflow import Machine, Step, transition

from .models import Certificate, Course, Enrolment, Seeker, Skill
from .services_fairs import HANDLE, MANAGE, may_edit

COURSE_EDITABLE = ("kind", "title", "provider", "starts_on", "ends_on", "places", "sessions", "certificate", "skill")
TAKING_PLACES = (Enrolment.State.ENROLLED, Enrolment.State.COMPLETED)  # a dropped enrolment frees its place


def _require(actor, capability: str) -> None:
    if not actor.can(capability):
        raise PermissionDenied


def _pk(value):
    return getattr(value, "pk", value)


def _day(value: date) -> str:
    return date_format(value, "Y-m-d")


# --- courses ------------------------------------------------------------------------------------------------

def _checked_course(fields: dict) -> dict:
    """The course's fields cleaned, or the first message: nothing is saved before all of them pass."""
    if fields["kind"] not in Course.Kind.values:
        raise ValidationError({"kind": _("Choose the kind of course.")})
    for name, message in (("title", _("Give the course a title.")), ("provider", _("Say who gives the course."))):
        fields[name] = (fields[name] or "").strip()
        if not fields[name]:
            raise ValidationError({name: message})
    fields["certificate"] = (fields["certificate"] or "").strip()
    for name in ("starts_on", "ends_on"):
        if not isinstance(fields[name], date):
            raise ValidationError({name: _("Give the date.")})
    if fields["ends_on"] < fields["starts_on"]:
        raise ValidationError({"ends_on": _("The course ends before it starts (%(day)s).") % {
            "day": _day(fields["starts_on"])}})
    for name, message in (("places", _("A course has at least one place.")),
                          ("sessions", _("A course has at least one session."))):
        if not isinstance(fields[name], int) or isinstance(fields[name], bool) or fields[name] < 1:
            raise ValidationError({name: message})
        if fields[name] > 32767:
            raise ValidationError({name: _("The number is too large.")})
    skill = fields["skill"]
    if skill is not None:
        skill = Skill.objects.filter(pk=_pk(skill), active=True).first()
        if skill is None:
            raise ValidationError({"skill": _("Choose a skill from the list.")})
    fields["skill"] = skill
    return fields


def course_create(*, actor, kind: str, title: str, provider: str, starts_on: date, ends_on: date, places: int,
                  sessions: int = 1, certificate: str = "", skill=None) -> Course:
    _require(actor, MANAGE)
    prefix = scope_prefix(actor)
    if prefix is None:
        raise PermissionDenied
    fields = _checked_course({"kind": kind, "title": title, "provider": provider, "starts_on": starts_on,
                              "ends_on": ends_on, "places": places, "sessions": sessions,
                              "certificate": certificate, "skill": skill})
    with transaction.atomic(), audit_actor(actor):
        course = Course(jurisdiction_code=prefix, organiser=actor.org_unit, created_by=actor, **fields)
        course.full_clean(exclude=["organiser", "created_by", "skill"])
        course.save()
    return course


def course_update(*, actor, course, version: int, **changes) -> Course:
    unknown = set(changes) - set(COURSE_EDITABLE)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    _require(actor, MANAGE)
    with transaction.atomic(), audit_actor(actor):
        locked = get_visible_or_404(Course.objects.select_for_update(), actor, pk=_pk(course))
        if not may_edit(actor, locked):
            raise PermissionDenied
        if locked.version != version:
            raise StaleVersion
        fields = _checked_course({**{name: getattr(locked, name) for name in COURSE_EDITABLE}, **changes})
        taken = locked.enrolments.filter(state__in=TAKING_PLACES).count()
        if fields["places"] < taken:
            raise ValidationError({"places": _("%(n)d people are already enrolled: the course keeps at least as "
                                               "many places.") % {"n": taken}})
        attended = max(locked.enrolments.values_list("sessions_attended", flat=True), default=0)
        if fields["sessions"] < attended:
            raise ValidationError({"sessions": _("Someone has already attended %(n)d sessions.") % {"n": attended}})
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.version += 1
        locked.full_clean(exclude=["organiser", "created_by", "skill"])
        locked.save()
    return locked


# --- enrolments ---------------------------------------------------------------------------------------------

def enrol(*, actor, course, seeker) -> Enrolment:
    """Enrol a seeker of the actor's area on a course the area sees; refused when every place is taken."""
    _require(actor, HANDLE)
    today = timezone.localdate()
    with transaction.atomic(), audit_actor(actor):
        # The course row is locked so that two stations enrolling at once cannot take the same last place.
        course = get_visible_or_404(Course.objects.select_for_update(), actor, pk=_pk(course))
        seeker = Seeker.objects.visible_to(actor).select_related("person").filter(pk=_pk(seeker)).first()
        if seeker is None:
            raise ValidationError({"seeker": _("Choose a job seeker of your area.")})
        if course.ends_on < today:
            raise ValidationError(_("The course ended on %(day)s: no more enrolments.") % {"day": _day(course.ends_on)})
        if Enrolment.objects.filter(course=course, seeker=seeker).exists():
            raise ValidationError({"seeker": _("%(name)s is already on this course.") % {"name": seeker.person.name}})
        if course.enrolments.filter(state__in=TAKING_PLACES).count() >= course.places:
            raise ValidationError({"seeker": _("The course has %(n)d places and all are taken.") % {
                "n": course.places}})
        enrolment = Enrolment(course=course, seeker=seeker, region_code=seeker.region_code, enrolled_by=actor)
        enrolment.full_clean(exclude=["course", "seeker", "enrolled_by"], validate_unique=False)
        enrolment.save()
    return enrolment


def enrol_many(*, actor, course, seekers) -> list[Enrolment]:
    """Several seekers at once, all or none: a refusal of one (the last place taken) leaves the others out too."""
    if not seekers:
        raise ValidationError({"seeker": _("Tick at least one job seeker.")})
    with transaction.atomic():
        return [enrol(actor=actor, course=course, seeker=seeker) for seeker in seekers]


def _attend(enrolment, actor, today, data):
    attended = data.get("sessions_attended")
    sessions = enrolment.course.sessions
    if not isinstance(attended, int) or isinstance(attended, bool) or not 0 <= attended <= sessions:
        raise ValidationError({"sessions_attended": _("Between 0 and the course's %(n)d sessions.") % {
            "n": sessions}})
    enrolment.sessions_attended = attended
    return {"sessions_attended": attended}


def _complete(enrolment, actor, today, data):
    course = enrolment.course
    completed_on = data.get("completed_on")
    if not isinstance(completed_on, date):
        raise ValidationError({"completed_on": _("Give the day the course was completed.")})
    if completed_on > today:
        raise ValidationError({"completed_on": _("The date cannot be in the future.")})
    if completed_on < course.starts_on:
        raise ValidationError({"completed_on": _("The course starts on %(day)s.") % {"day": _day(course.starts_on)}})
    number = (data.get("certificate_number") or "").strip()
    if len(number) > 40:
        raise ValidationError({"certificate_number": _("A certificate number has at most 40 characters.")})
    enrolment.completed_on, enrolment.certificate_number = completed_on, number
    seeker = enrolment.seeker
    if course.certificate:
        _certificate_add(actor, seeker, name=course.certificate, number=number, issued_on=completed_on,
                         course=course)
    if course.skill_id:
        seeker.skills.add(course.skill_id)
    if course.certificate or course.skill_id:
        # The profile changed under anyone editing it: their save is refused rather than dropping the new skill.
        Seeker.objects.filter(pk=seeker.pk).update(version=F("version") + 1)
    return {"completed_on": completed_on.isoformat()}


def _certificate_add(actor, seeker, **fields) -> Certificate:
    """Through the seekers' service: one way to put a certificate on a profile (imported when a course is completed,
    as the two services are written side by side)."""
    from .services_seekers import certificate_add

    return certificate_add(actor=actor, seeker=seeker, **fields)


def _drop(enrolment, actor, today, data):
    enrolment.note = data["note"][:200]
    return {}


S = Enrolment.State
ENROLMENT = Machine(
    name="enrolment", label=pgettext_lazy("machine", "Course enrolment"), states=S, initial=S.ENROLLED,
    steps=(
        Step("attend", pgettext_lazy("enrolment step", "Record attendance"), (S.ENROLLED, S.COMPLETED),
             capability=HANDLE, fields=("sessions_attended",), effect=_attend),
        Step("complete", pgettext_lazy("enrolment step", "Completed the course"), (S.ENROLLED,), S.COMPLETED,
             capability=HANDLE, fields=("completed_on", "certificate_number"), effect=_complete),
        Step("drop", pgettext_lazy("enrolment step", "Dropped out"), (S.ENROLLED,), S.DROPPED,
             capability=HANDLE, needs_note=True, effect=_drop),
    ),
    saved_fields=("sessions_attended", "completed_on", "certificate_number", "note"),
)


def _step(actor, enrolment, action: str, version: int, note: str = "", data: dict | None = None) -> Enrolment:
    return transition(ENROLMENT, actor=actor, queryset=Enrolment.objects.select_related("course", "seeker"),
                      pk=_pk(enrolment), action=action, note=note, version=version, data=data)


def attendance_record(*, actor, enrolment, sessions_attended: int, version: int) -> Enrolment:
    return _step(actor, enrolment, "attend", version, data={"sessions_attended": sessions_attended})


def enrolment_complete(*, actor, enrolment, completed_on: date, certificate_number: str = "",
                       version: int) -> Enrolment:
    return _step(actor, enrolment, "complete", version,
                 data={"completed_on": completed_on, "certificate_number": certificate_number})


def enrolment_drop(*, actor, enrolment, version: int, note: str) -> Enrolment:
    return _step(actor, enrolment, "drop", version, note=note)
