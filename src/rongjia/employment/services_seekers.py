"""Every write of the job seekers (DESIGN rule 2): a person's seeker profile, kept by their station, its
certificates, and the profiles the dossiers call for, offered each night for a worker to confirm.

A profile carries the station's region code (its scope) and the person's home code (for matching), both copied
when it is written. Every refusal is a ValidationError on the field it concerns, raised before anything changes.
"""

from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from rongjia.core.audit import audit_actor
from rongjia.core.errors import StaleVersion
from rongjia.core.models import Region
from rongjia.core.regions import PREFIX_LENGTH
from rongjia.core.scoping import get_visible_or_404, subtree_q
from rongjia.people.models import Person, Tag

from .models import Certificate, Course, DrivingLicence, MilitarySpeciality, Sector, Seeker, Skill

HANDLE = "employment.handle"
PAY_MIN, PAY_MAX = 500, 100_000  # yuan a month: below any minimum wage is a slip (5 for 5,000), above is one too
NEED_TAGS = ("就业需求", "创业需求", "培训需求")  # the dossier's needs that call for a profile (source need)
RETURNING_WITHIN = timedelta(days=365)  # discharged within a year: a returning soldier (source returning)
OFFER_CHUNK = 1000
EDITABLE = ("status", "wanted_work", "wanted_sectors", "wanted_place", "wanted_pay", "skills", "specialities",
            "driving_licence", "available_from", "note", "reason")
MANY = ("wanted_sectors", "skills", "specialities")


def _require(actor) -> None:
    if not actor.can(HANDLE):
        raise PermissionDenied


def _pk(value):
    return getattr(value, "pk", value)


def place_prefix(region: Region) -> str:
    """The meaningful prefix of a region's code: 江宁区 320115000000 → 320115 (what `wanted_place_code` holds)."""
    return region.code[: PREFIX_LENGTH[region.level]]


# --- checks, all before anything is written ---------------------------------------------------------------------

def _person(actor, person) -> Person:
    found = (Person.objects.visible_to(actor).select_related("station", "address_region")
             .filter(pk=_pk(person)).first() if person else None)
    if found is None:
        raise ValidationError({"person": _("Choose a person from the dossiers of your area.")})
    if found.status != Person.Status.ACTIVE:
        raise ValidationError({"person": _("%(name)s is not on the books (%(status)s): no job-seeker profile.") % {
            "name": found.name, "status": found.get_status_display()}})
    return found


def _choices(value: str, allowed, field: str, message: str) -> str:
    value = (value or "").strip()
    if value and value not in allowed:
        raise ValidationError({field: message})
    return value


def _status(status: str, reason: str) -> tuple[str, str]:
    status = (status or "").strip()
    if status not in Seeker.Status.values:
        raise ValidationError({"status": _("Choose the seeker's status.")})
    reason = (reason or "").strip()
    if status == Seeker.Status.NOT_SEEKING and not reason:
        raise ValidationError({"reason": _("Say why the person does not seek work now (升学, 已就业, 暂不就业…).")})
    return status, reason


def _pay(value) -> int | None:
    if value in (None, ""):
        return None
    try:
        pay = int(value)
    except (TypeError, ValueError):
        pay = -1
    if isinstance(value, float) and value != int(value) or not PAY_MIN <= pay <= PAY_MAX:
        raise ValidationError({"wanted_pay": _("Give the pay wanted in yuan a month, between %(low)s and %(high)s, "
                                               "or leave it empty.") % {"low": f"{PAY_MIN:,}", "high": f"{PAY_MAX:,}"}})
    return pay


def _rows(model, values, field: str, message: str) -> list:
    """Reference rows in use by object or pk; an unknown or retired one is refused."""
    pks = {_pk(v) for v in values or ()}
    rows = list(model.objects.filter(pk__in=pks, active=True))
    if len(rows) != len(pks):
        raise ValidationError({field: message})
    return rows


def _place(value) -> Region | None:
    if not value:
        return None
    region = Region.objects.filter(pk=_pk(value)).first()
    if region is None:
        raise ValidationError({"wanted_place": _("Choose the place wanted from the region list.")})
    return region


def _available(value) -> date | None:
    if value in (None, ""):
        return None
    if not isinstance(value, date):
        raise ValidationError({"available_from": _("Give the date as YYYY-MM-DD.")})
    return value


def _clean(values: dict) -> dict:
    """The profile's fields checked and normalised; the many-to-many ones as lists of rows."""
    out = {}
    if "wanted_work" in values:
        out["wanted_work"] = (values["wanted_work"] or "").strip()
    if "note" in values:
        out["note"] = (values["note"] or "").strip()
    if "wanted_pay" in values:
        out["wanted_pay"] = _pay(values["wanted_pay"])
    if "wanted_place" in values:
        out["wanted_place"] = _place(values["wanted_place"])
    if "available_from" in values:
        out["available_from"] = _available(values["available_from"])
    if "driving_licence" in values:
        out["driving_licence"] = _choices(values["driving_licence"], DrivingLicence.values, "driving_licence",
                                          _("Choose the driving licence class."))
    if "wanted_sectors" in values:
        out["wanted_sectors"] = _rows(Sector, values["wanted_sectors"], "wanted_sectors",
                                      _("Choose the sectors from the list."))
    if "skills" in values:
        out["skills"] = _rows(Skill, values["skills"], "skills", _("Choose the skills from the list."))
    if "specialities" in values:
        out["specialities"] = _rows(MilitarySpeciality, values["specialities"], "specialities",
                                    _("Choose the military specialities from the list."))
    return out


def _carried_skills(skills: list, specialities: list) -> list:
    """The skills given and those the military specialities carry over to (汽车驾驶员 → 汽车驾驶)."""
    carried = {skill.pk: skill for skill in skills}
    for skill in Skill.objects.filter(specialities__in=specialities, active=True):
        carried.setdefault(skill.pk, skill)
    return list(carried.values())


def _full_clean(seeker: Seeker) -> None:
    seeker.full_clean(exclude=["person", "station", "wanted_place", "created_by"], validate_unique=False)


# --- the profile ------------------------------------------------------------------------------------------------

def seeker_create(*, actor, person, status="seeking", source="worker", wanted_work="", wanted_sectors=(),
                  wanted_place=None, wanted_pay=None, skills=(), specialities=(), driving_licence="",
                  available_from=None, note="", reason="") -> Seeker:
    """A profile for a person of the actor's area on the books; one per person."""
    _require(actor)
    person = _person(actor, person)
    if Seeker.objects.filter(person=person).exists():
        raise ValidationError({"person": _("%(name)s already has a job-seeker profile.") % {"name": person.name}})
    status, reason = _status(status, reason)
    source = _choices(source, Seeker.Source.values, "source", _("Choose how the profile began.")) or "worker"
    values = _clean({"wanted_work": wanted_work, "note": note, "wanted_pay": wanted_pay, "wanted_place": wanted_place,
                     "available_from": available_from, "driving_licence": driving_licence,
                     "wanted_sectors": wanted_sectors, "skills": skills, "specialities": specialities})
    sectors, specialities = values.pop("wanted_sectors"), values.pop("specialities")
    skills = _carried_skills(values.pop("skills"), specialities)
    place = values["wanted_place"]
    seeker = Seeker(person=person, station=person.station, region_code=person.station.region_code,
                    home_code=person.address_region.code, education=person.education, status=status, source=source,
                    reason=reason,
                    wanted_place_code=place_prefix(place) if place else "", created_by=actor, **values)
    _full_clean(seeker)
    with transaction.atomic(), audit_actor(actor):
        seeker.save()
        seeker.wanted_sectors.set(sectors)
        seeker.skills.set(skills)
        seeker.specialities.set(specialities)
    return seeker


def seeker_update(*, actor, seeker, version, **changes) -> Seeker:
    """Change the profile's fields named in `changes` (EDITABLE); a stale `version` is refused. New military
    specialities add their civilian skills to the skills."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    _require(actor)
    current = get_visible_or_404(Seeker.objects.select_related("person__address_region"), actor, pk=_pk(seeker))
    values = _clean(changes)
    if "status" in changes or "reason" in changes:
        values["status"], values["reason"] = _status(changes.get("status", current.status),
                                                     changes.get("reason", current.reason))
        if values["status"] == Seeker.Status.OFFERED and current.status != Seeker.Status.OFFERED:
            raise ValidationError({"status": _("Only the nightly review offers a profile; choose another status.")})
    many = {name: values.pop(name) for name in MANY if name in values}
    if "specialities" in many:
        many["skills"] = _carried_skills(many.get("skills", list(current.skills.all())), many["specialities"])
    with transaction.atomic(), audit_actor(actor):
        locked = get_visible_or_404(Seeker.objects.select_for_update(), actor, pk=current.pk)
        if locked.version != version:
            raise StaleVersion
        for field, value in values.items():
            setattr(locked, field, value)
        if "wanted_place" in values:
            locked.wanted_place_code = place_prefix(values["wanted_place"]) if values["wanted_place"] else ""
        copy_from_dossier(locked, current.person)  # the dossier as it is now
        locked.version += 1
        _full_clean(locked)
        locked.save()
        for name, rows in many.items():
            getattr(locked, name).set(rows)
    return locked


def seeker_status_set(*, actor, seeker, status, reason="") -> Seeker:
    """The status another service decides (hired → placed, a business started → business): no version asked,
    since it runs inside that service's transaction."""
    status, reason = _status(status, reason)
    with transaction.atomic(), audit_actor(actor):
        locked = get_visible_or_404(Seeker.objects.select_for_update(), actor, pk=_pk(seeker))
        locked.status, locked.reason, locked.version = status, reason, locked.version + 1
        locked.save(update_fields=["status", "reason", "version", "updated_at"])
    return locked


def certificate_add(*, actor, seeker, name, number="", issued_on=None, course=None) -> Certificate:
    _require(actor)
    seeker = get_visible_or_404(Seeker.objects.all(), actor, pk=_pk(seeker))
    name, number = (name or "").strip(), (number or "").strip()
    if not name:
        raise ValidationError({"name": _("Name the certificate.")})
    if issued_on is not None and issued_on > timezone.localdate():
        raise ValidationError({"issued_on": _("The date cannot be in the future.")})
    if course is not None:
        course = Course.objects.visible_to(actor).filter(pk=_pk(course)).first()
        if course is None:
            raise ValidationError({"course": _("Choose a course of your area.")})
    certificate = Certificate(seeker=seeker, name=name, number=number, issued_on=issued_on, course=course)
    certificate.full_clean(exclude=["seeker", "course"])
    with transaction.atomic(), audit_actor(actor):
        certificate.save()
    return certificate


# --- profiles the dossiers call for -----------------------------------------------------------------------------

def offer_candidates(prefix: str, today: date):
    """People on the books under `prefix` without a profile who have a need tag (就业/创业/培训需求) or were
    discharged within the last year, each with `returning` (the source it will get)."""
    recent = Q(service_records__discharged_on__gt=today - RETURNING_WITHIN, service_records__discharged_on__lte=today)
    need = Q(tags__kind=Tag.Kind.NEED, tags__name__in=NEED_TAGS)
    people = Person.objects.filter(subtree_q("station__region_code", prefix), status=Person.Status.ACTIVE,
                                   seeker__isnull=True)
    returning = set(people.filter(recent).values_list("pk", flat=True))
    needing = set(people.filter(need).values_list("pk", flat=True))
    return returning, needing


def copy_from_dossier(seeker: Seeker, person: Person) -> None:
    """What matching reads of the dossier, copied onto the profile (decision 0018): the address, the education and
    whether the person is on the books."""
    seeker.home_code = person.address_region.code
    seeker.education = person.education
    seeker.on_books = person.status == Person.Status.ACTIVE


def dossier_saved(sender, instance: Person, **kwargs) -> None:
    """A dossier saved: its profile's copy follows at once (one UPDATE; nothing when the person has none)."""
    Seeker.objects.filter(person_id=instance.pk).update(
        home_code=instance.address_region.code, education=instance.education,
        on_books=instance.status == Person.Status.ACTIVE)


def reconcile_with_dossiers(prefix: str) -> int:
    """Bring every profile under `prefix` back in line with its dossier, for the writers that skip the signal (the
    ledger import's bulk updates, a merge); returns how many profiles changed. Run by the nightly review."""
    person = Person.objects.filter(pk=OuterRef("person_id"))
    stale = (Seeker.objects.filter(subtree_q("region_code", prefix))
             .annotate(home_now=Subquery(person.values("address_region__code")[:1]),
                       education_now=Subquery(person.values("education")[:1]),
                       on_books_now=Exists(person.filter(status=Person.Status.ACTIVE)))
             .exclude(home_code=F("home_now"), education=F("education_now"), on_books=F("on_books_now"))
             .values("pk"))
    changed = 0
    for seeker in Seeker.objects.filter(pk__in=stale).select_related("person__address_region"):
        copy_from_dossier(seeker, seeker.person)
        seeker.save(update_fields=["home_code", "education", "on_books"])
        changed += 1
    return changed


def offer_profiles(*, prefix: str, today) -> int:
    """Offer (status offered, for a worker to confirm) a profile to each person the dossiers call for under
    `prefix`; returns how many were offered. Idempotent: a person with any profile, even one refused (not
    seeking), is not offered another. `manage.py employment_review` runs it nightly, a worker from the list."""
    returning, needing = offer_candidates(prefix, today)
    wanted = sorted(returning | needing)
    offered = 0
    for first in range(0, len(wanted), OFFER_CHUNK):
        chunk = wanted[first:first + OFFER_CHUNK]
        rows = (Person.objects.filter(pk__in=chunk, seeker__isnull=True)
                .values_list("pk", "station_id", "station__region_code", "address_region__code", "education"))
        seekers = [Seeker(person_id=pk, station_id=station, region_code=region, home_code=home, education=education,
                          status=Seeker.Status.OFFERED,
                          source=Seeker.Source.RETURNING if pk in returning else Seeker.Source.NEED)
                   for pk, station, region, home, education in rows]
        with transaction.atomic():
            Seeker.objects.bulk_create(seekers, ignore_conflicts=True)  # a run beside this one: no second profile
        offered += len(seekers)
    return offered
