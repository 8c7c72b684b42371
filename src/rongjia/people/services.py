"""Every write of a dossier (DESIGN.md rule 2).

The columns derived from a dossier (the name's pinyin keys, the holding station's region code on the row) are
kept by Person.save and PersonQuerySet.bulk_create/bulk_update whichever service writes; the ledger import's
COPY path and seed_scale, which make no instances, compute them with the same functions.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rongjia.core.audit import audit_actor
from rongjia.core.crypto import blind_index
from rongjia.core.errors import StaleVersion
from rongjia.core.idnumber import parse_id_number
from rongjia.core.models import OrgUnit
from rongjia.core.scoping import covers_code, get_visible_or_404
from rongjia.core.validators import validate_phone

from .models import Person, PersonCategory, StatusChange
from .names import name_keys
from .on_file import NumberOnFile, audit_refusals, numbers_on_file, on_file_at

EDITABLE = ("name", "phone", "address_region", "address_detail", "ethnicity", "political_status", "education",
            "health")
# Edited on the dossier's edit page, not asked at registration.
EDIT_ONLY = ("phone_alt", "notes", "disability_grade", "disability_cause", "disability_certificate", "priority")


def initials(name: str) -> str:
    """张伟 → zw: the first letters of the name's pinyin (names.name_keys, which also gives zhangwei and zhangw)."""
    return name_keys(name).initials


def id_index(id_number: str) -> str:
    return blind_index(id_number, purpose="person.id_number")


def phone_index(phone: str) -> str:
    digits = "".join(c for c in phone if c.isdigit())
    return blind_index(digits, purpose="person.phone") if digits else ""


def _check(actor, person: Person) -> None:
    """Scope and capability over the holding station, and an address inside the actor's subtree."""
    get_visible_or_404(OrgUnit.objects.all(), actor, pk=person.station_id)
    if not actor.can("people.edit"):
        raise PermissionDenied
    if person.address_region_id and not covers_code(actor, person.address_region.code):
        raise ValidationError({"address_region": _("Choose a region inside your own.")})


def _fill(person: Person, fields: dict) -> None:
    for name, value in fields.items():
        setattr(person, name, value.strip() if isinstance(value, str) else value)
    for number in (person.phone, person.phone_alt):
        if number:
            validate_phone(number)
    person.phone_hash = phone_index(person.phone or "")
    # The name's keys and the station's region code now, not only at save: the ledger import's bulk path is held
    # to the instance person_build gives, column by column.
    person.derive()


def person_register(*, actor, station: OrgUnit, id_number: str, categories=(), registered_on=None,
                    reason: str = "", arrival: str = StatusChange.Kind.NEW, **fields) -> Person:
    """A new dossier. Birth date and sex come from the ID number, never typed twice.

    The registration is the person's first line on the station's books: 新增, or 迁入 for
    someone moving in from outside the system; dated `registered_on` (today unless a ledger
    says otherwise).
    """
    if arrival not in (StatusChange.Kind.NEW, StatusChange.Kind.MOVE_IN):
        raise ValidationError({"arrival": _("Choose how the person arrives on the books.")})
    person = person_build(actor=actor, station=station, id_number=id_number, **fields)
    _check(actor, person)
    refuse_if_on_file(actor, station, person.id_hash)
    with transaction.atomic(), audit_actor(actor):
        person.full_clean(exclude=["station", "created_by", "categories"])
        person.save()
        for category, start_date in categories:
            PersonCategory.objects.create(person=person, category=category, start_date=start_date)
        first_line_on_the_books(person, day=registered_on, reason=reason, actor=actor, kind=arrival).save()
    return person


def refuse_if_on_file(actor, station: OrgUnit, id_hash: str) -> None:
    """The one rule for a number already on file (people/on_file.py); the audit entry outlives the refusal."""
    holders = numbers_on_file(actor, [id_hash]).get(id_hash)
    if not holders:
        return
    on_file = on_file_at(holders, station.pk)
    if on_file.outside:
        with audit_actor(actor):
            audit_refusals(actor, [on_file], station_name=station.name)
    raise NumberOnFile(on_file)


def person_build(*, actor, station: OrgUnit, id_number: str, **fields) -> Person:
    """An unsaved dossier with everything derived: registration and the ledger import share it."""
    facts = parse_id_number(id_number)
    person = Person(station=station, id_number=facts.number, id_hash=id_index(facts.number),
                    birth_date=facts.birth_date, sex=facts.sex, created_by=actor)
    _fill(person, fields)
    return person


def first_line_on_the_books(person: Person, *, day, reason: str, actor,
                            kind: str = StatusChange.Kind.NEW) -> StatusChange:
    """The unsaved first line (新增 or 迁入) of a new dossier (saved one by one or in bulk by the caller)."""
    return StatusChange(person=person, kind=kind, date=day or timezone.localdate(), reason=reason,
                        station=person.station, region_code=person.station.region_code, created_by=actor)


def ensure_open(person: Person) -> None:
    """A deceased person's record is read-only, except for survivor matters (household members)."""
    if person.status == Person.Status.DECEASED:
        raise ValidationError(_("This record is closed: the person is deceased. Only survivor matters can change."))


def person_update(*, actor, person: Person, version: int, **fields) -> Person:
    unknown = set(fields) - set(EDITABLE) - set(EDIT_ONLY)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    with transaction.atomic(), audit_actor(actor):
        locked = get_visible_or_404(Person.objects.select_for_update(), actor, pk=person.pk)
        if locked.version != version:
            raise StaleVersion
        ensure_open(locked)
        _fill(locked, fields)
        _check(actor, locked)
        locked.full_clean(exclude=["station", "created_by", "categories"])
        locked.version += 1
        locked.save()
    return locked


