"""Every write of outreach: planning a meeting and recording it, a petition registered from a 下访, the reception
days a centre publishes, the sensitive periods it declares, and the notice of a petition registered in one."""

from datetime import date, time

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rongjia.core.audit import audit_actor
from rongjia.core.errors import StaleVersion
from rongjia.core.models import OrgUnit
from rongjia.core.scoping import get_visible_or_404
from rongjia.core.workflow import transition
from rongjia.people.models import Person

from ..models import Petition, PetitionNotice
from ..services import petition_register
from .models import Meeting, ReceptionDay, SensitivePeriod
from .selectors import sensitive_periods_covering
from .workflow import MEETING

MEETING_FIELDS = ("kind", "petitioner_name", "scheduled_on", "scheduled_at", "place", "leader")


def _writer(actor) -> None:
    if not actor.can("petitions.handle"):
        raise PermissionDenied


def _required(values: dict, *names: str) -> None:
    missing = {name: _("This field is required.") for name in names if not values.get(name)}
    if missing:
        raise ValidationError(missing)


def _strip(values: dict, *names: str) -> None:
    for name in names:
        if name in values:
            values[name] = (values[name] or "").strip()


# --- meetings ------------------------------------------------------------------------------------------------

def _clean_meeting(actor, values: dict, unit: OrgUnit, petition: Petition | None) -> dict:
    values = {name: values[name] for name in MEETING_FIELDS if name in values}
    _strip(values, "petitioner_name", "place", "leader")
    if petition is not None and not values.get("petitioner_name"):
        first = petition.petitioners.first()
        values["petitioner_name"] = first.name if first else ""
    _required(values, "kind", "petitioner_name", "scheduled_on", "place", "leader")
    if values["kind"] not in Meeting.Kind.values:
        raise ValidationError({"kind": _("Choose the kind of meeting.")})
    if not isinstance(values["scheduled_on"], date) or values["scheduled_on"] < timezone.localdate():
        raise ValidationError({"scheduled_on": _("A meeting is planned for today or a later day.")})
    if values.get("scheduled_at") is not None and not isinstance(values["scheduled_at"], time):
        raise ValidationError({"scheduled_at": _("Give the time as hours and minutes.")})
    if values["kind"] == Meeting.Kind.SUPERVISION:
        # 督访: a higher centre looks at how a lower unit handles a petition
        if petition is None:
            raise ValidationError({"petition": _("A supervision (督访) is about a petition: plan it from the "
                                                 "petition's page.")})
        if unit.level >= petition.unit.level:
            raise ValidationError({"unit": _("A supervision (督访) is held by a centre above %(unit)s.") % {
                "unit": petition.unit.name}})
    return values


def _person_in_scope(actor, person_id: int | None, petition: Petition | None) -> int | None:
    """The dossier the meeting is about: one the actor may open, or the petition's linked petitioner's."""
    if person_id is None and petition is not None:
        person_id = petition.petitioners.exclude(person_id=None).values_list("person_id", flat=True).first()
    if person_id is not None and not Person.objects.visible_to(actor).filter(pk=person_id).exists():
        if petition is None:
            raise ValidationError({"person_id": _("Choose a dossier in your area.")})
        person_id = None  # the petition's petitioner lives outside the actor's area: the name is enough
    return person_id


def meeting_plan(*, actor, unit: OrgUnit, petition: Petition | None = None, person_id: int | None = None,
                 **values) -> Meeting:
    """Plan a 接访/约访/下访/督访 held by `unit` (today or later), about a petition or not."""
    _writer(actor)
    with transaction.atomic(), audit_actor(actor):
        unit = get_visible_or_404(OrgUnit.objects.all(), actor, pk=unit.pk)
        if petition is not None:
            petition = get_visible_or_404(Petition.objects.select_related("unit"), actor, pk=petition.pk)
        values = _clean_meeting(actor, values, unit, petition)
        meeting = Meeting(unit=unit, region_code=unit.region_code, petition=petition, planned_by=actor,
                          person_id=_person_in_scope(actor, person_id, petition), **values)
        meeting.full_clean()
        meeting.save()
    return meeting


def meeting_update(*, actor, meeting: Meeting, version: int | None, unit: OrgUnit | None = None,
                   **values) -> Meeting:
    """Change a planned meeting (its day, time, place, leader…); held and cancelled ones are the record."""
    _writer(actor)
    with transaction.atomic(), audit_actor(actor):
        meeting = get_visible_or_404(Meeting.objects.select_for_update(of=("self",)).select_related("petition__unit"),
                                     actor, pk=meeting.pk)
        if version is not None and meeting.version != version:
            raise StaleVersion
        if meeting.state != Meeting.State.PLANNED:
            raise ValidationError(_("Only a planned meeting can be changed."))
        unit = get_visible_or_404(OrgUnit.objects.all(), actor, pk=(unit or meeting.unit).pk)
        current = {name: getattr(meeting, name) for name in MEETING_FIELDS}
        values = _clean_meeting(actor, {**current, **values}, unit, meeting.petition)
        for name, value in values.items():
            setattr(meeting, name, value)
        meeting.unit, meeting.region_code = unit, unit.region_code
        meeting.version += 1
        meeting.full_clean()
        meeting.save(update_fields=[*MEETING_FIELDS, "unit", "region_code", "version"])
    return meeting


def meeting_step(*, actor, meeting: Meeting, action: str, note: str = "", outcome: str = "",
                 version: int | None = None) -> Meeting:
    """A step of outreach/workflow.MEETING: held (what was said, the outcome) or cancelled (the reason)."""
    _writer(actor)
    if MEETING.step(action) is None:
        raise ValidationError({"action": _("Unknown step.")})
    return transition(MEETING, actor=actor, queryset=Meeting.objects.all(), pk=meeting.pk, action=action, note=note,
                      version=version, data={"outcome": outcome})


def meeting_register_petition(*, actor, meeting: Meeting, type: str, category: str, subject: str,
                              content: str = "") -> Petition:
    """A 下访 that found a new matter: the petition is registered at the visiting unit, channel "outreach",
    the visited person its petitioner, and the meeting is linked to it (枫桥经验: resolved where it arose)."""
    _writer(actor)
    with transaction.atomic(), audit_actor(actor):
        meeting = get_visible_or_404(Meeting.objects.select_for_update(of=("self",)).select_related("unit"),
                                     actor, pk=meeting.pk)
        if meeting.kind != Meeting.Kind.VISIT or meeting.state != Meeting.State.HELD or meeting.petition_id:
            raise ValidationError(_("A petition is registered from a 下访 that was held and has none yet."))
        petition = petition_register(
            actor=actor, unit=meeting.unit, channel=Petition.Channel.OUTREACH, type=type, category=category,
            subject=subject, content=content or meeting.record,
            petitioners=[{"name": meeting.petitioner_name, "person_id": meeting.person_id}])
        meeting.petition = petition
        meeting.version += 1
        meeting.save(update_fields=["petition", "version"])
    return petition


# --- reception days and sensitive periods: what a centre publishes for its subtree ------------------------------

def _centre(actor, unit: OrgUnit) -> OrgUnit:
    unit = get_visible_or_404(OrgUnit.objects.all(), actor, pk=unit.pk)
    if unit.kind != OrgUnit.Kind.CENTRE:
        raise ValidationError({"unit": _("Reception days and sensitive periods are published by a centre.")})
    return unit


def _save_published(model, *, actor, unit: OrgUnit, record, version: int | None, values: dict, by_field: str):
    with transaction.atomic(), audit_actor(actor):
        unit = _centre(actor, unit)
        if record is None:
            record = model(**values, **{by_field: actor})
        else:
            record = get_visible_or_404(model.objects.select_for_update(), actor, pk=record.pk)
            if version is not None and record.version != version:
                raise StaleVersion
            for name, value in values.items():
                setattr(record, name, value)
            record.version += 1
        record.unit, record.region_code = unit, unit.region_code
        record.full_clean()
        record.save()
    return record


RECEPTION_FIELDS = ("day", "starts_at", "ends_at", "leader_name", "leader_title", "place")


def reception_day_save(*, actor, unit: OrgUnit, reception_day: ReceptionDay | None = None,
                       version: int | None = None, **values) -> ReceptionDay:
    """Publish a 领导接访日 (or change one): a day to come, a time span, the leader, the place."""
    _writer(actor)
    values = {name: values[name] for name in RECEPTION_FIELDS if name in values}
    _strip(values, "leader_name", "leader_title", "place")
    _required(values, *RECEPTION_FIELDS)
    if values["day"] < timezone.localdate():
        raise ValidationError({"day": _("A reception day is published for today or a later day.")})
    if values["ends_at"] <= values["starts_at"]:
        raise ValidationError({"ends_at": _("The end comes after the start.")})
    return _save_published(ReceptionDay, actor=actor, unit=unit, record=reception_day, version=version,
                           values=values, by_field="created_by")


def reception_day_remove(*, actor, reception_day: ReceptionDay) -> None:
    _writer(actor)
    with transaction.atomic(), audit_actor(actor):
        get_visible_or_404(ReceptionDay.objects.all(), actor, pk=reception_day.pk).delete()


PERIOD_FIELDS = ("name", "starts_on", "ends_on", "note")


def sensitive_period_save(*, actor, unit: OrgUnit, period: SensitivePeriod | None = None, version: int | None = None,
                          **values) -> SensitivePeriod:
    """Declare a 敏感时段 for the centre's subtree (or change one)."""
    _writer(actor)
    values = {name: values[name] for name in PERIOD_FIELDS if name in values}
    _strip(values, "name", "note")
    _required(values, "name", "starts_on", "ends_on")
    if values["ends_on"] < values["starts_on"]:
        raise ValidationError({"ends_on": _("The end comes on or after the start.")})
    return _save_published(SensitivePeriod, actor=actor, unit=unit, record=period, version=version, values=values,
                           by_field="created_by")


def notify_sensitive_registration(petition: Petition) -> PetitionNotice | None:
    """A petition registered while a sensitive period covers its unit: the declaring centre is told (the innermost
    one; the centres above read the notices addressed below them). Inside the registration's transaction."""
    period = sensitive_periods_covering(petition.region_code, timezone.localdate()).first()
    if period is None:
        return None
    notice, _created = PetitionNotice.objects.get_or_create(
        petition=petition, kind=PetitionNotice.Kind.SENSITIVE, due_on=period.ends_on,
        defaults={"unit": period.unit, "region_code": period.region_code})
    return notice

