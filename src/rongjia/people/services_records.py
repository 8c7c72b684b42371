"""Writes of the parts of a dossier: household, service history, awards, categories, tags, photo.

Household members, service records and awards share one pair of services, `record_save` and
`record_remove`, keyed by `kind`. A deceased person's dossier is closed except for household
members, the survivor matters (SPEC C2).
"""


from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rongjia.core.audit import audit_actor
from rongjia.core.errors import StaleVersion
from rongjia.core.idnumber import parse_id_number
from rongjia.core.scoping import get_visible_or_404
from rongjia.core.uploads import image_as_small_jpeg
from rongjia.core.validators import validate_phone

from .models import Award, Category, HouseholdMember, Person, PersonCategory, ServiceRecord, Tag
from .services import ensure_open, id_index

RECORD_MODELS = {"household": HouseholdMember, "service": ServiceRecord, "award": Award}
SURVIVOR_MATTERS = {"household"}
PHOTO_MAX_SIDE = 800


def _editable_person(actor, person: Person, *, kind: str = "") -> Person:
    if not actor.can("people.edit"):
        raise PermissionDenied
    locked = get_visible_or_404(Person.objects.select_for_update(), actor, pk=person.pk)
    if kind not in SURVIVOR_MATTERS:
        ensure_open(locked)
    return locked


def _clean_household(record: HouseholdMember) -> None:
    try:
        record.id_number = parse_id_number(record.id_number).number if record.id_number else ""
    except ValidationError as exc:
        raise ValidationError({"id_number": exc.messages}) from None
    record.id_hash = id_index(record.id_number) if record.id_number else ""
    record.phone = (record.phone or "").strip()
    try:
        validate_phone(record.phone)
    except ValidationError as exc:
        raise ValidationError({"phone": exc.messages}) from None


def _clean_dates(record) -> None:
    today = timezone.localdate()
    for name in ("enlisted_on", "discharged_on", "awarded_on"):
        value = getattr(record, name, None)
        if value and value > today:
            raise ValidationError({name: _("The date cannot be in the future.")})
    if isinstance(record, ServiceRecord) and record.discharged_on and record.discharged_on < record.enlisted_on:
        raise ValidationError({"discharged_on": _("The discharge cannot be before the enlistment.")})


def record_save(*, actor, person: Person, kind: str, fields: dict, record_id: int | None = None,
                version: int | None = None):
    """Add (record_id None) or change one household member, service record or award."""
    model = RECORD_MODELS[kind]
    with transaction.atomic(), audit_actor(actor):
        owner = _editable_person(actor, person, kind=kind)
        if record_id is None:
            record = model(person=owner)
        else:
            record = model.objects.select_for_update().filter(person=owner, pk=record_id).first()
            if record is None:
                raise ValidationError(_("This entry no longer exists."))
            if record.version != version:
                raise StaleVersion
            record.version += 1
        for name, value in fields.items():
            setattr(record, name, value.strip() if isinstance(value, str) else value)
        if kind == "household":
            _clean_household(record)
        _clean_dates(record)
        record.full_clean(exclude=["person"])
        record.save()
    return record


def record_remove(*, actor, person: Person, kind: str, record_id: int) -> None:
    with transaction.atomic(), audit_actor(actor):
        owner = _editable_person(actor, person, kind=kind)
        deleted, _per_model = RECORD_MODELS[kind].objects.filter(person=owner, pk=record_id).delete()
        if not deleted:
            raise ValidationError(_("This entry no longer exists."))


def category_span_add(*, actor, person: Person, category: Category, start_date) -> PersonCategory:
    with transaction.atomic(), audit_actor(actor):
        owner = _editable_person(actor, person)
        if start_date > timezone.localdate():
            raise ValidationError({"start_date": _("The date cannot be in the future.")})
        if owner.category_spans.filter(category=category, end_date__isnull=True).exists():
            raise ValidationError({"category": _("The person already holds this category.")})
        return PersonCategory.objects.create(person=owner, category=category, start_date=start_date)


def category_span_end(*, actor, person: Person, span_id: int, end_date) -> PersonCategory:
    with transaction.atomic(), audit_actor(actor):
        owner = _editable_person(actor, person)
        span = owner.category_spans.select_for_update().filter(pk=span_id, end_date__isnull=True).first()
        if span is None:
            raise ValidationError(_("This category is not held any more."))
        if end_date < span.start_date or end_date > timezone.localdate():
            raise ValidationError({"end_date": _("The end must lie between the start and today.")})
        span.end_date = end_date
        span.save(update_fields=["end_date"])
    return span


def person_tags_set(*, actor, person: Person, tags) -> None:
    with transaction.atomic(), audit_actor(actor):
        owner = _editable_person(actor, person)
        owner.tags.set([tag for tag in tags if isinstance(tag, Tag) and tag.active])


def person_photo_set(*, actor, person: Person, upload) -> Person:
    """A JPEG or PNG, checked by its content (not its name), re-encoded small, stored outside the web root."""
    jpeg, _width, _height = image_as_small_jpeg(upload, max_side=PHOTO_MAX_SIDE, field="photo",
                                                unreadable=_("Upload a JPEG or PNG photo."))
    with transaction.atomic(), audit_actor(actor):
        owner = _editable_person(actor, person)
        old = owner.photo.name
        owner.photo.save(f"{owner.pk}.jpg", ContentFile(jpeg), save=False)
        owner.save(update_fields=["photo", "updated_at"])
        if old and old != owner.photo.name:
            transaction.on_commit(lambda: owner.photo.storage.delete(old))
    return owner


def person_photo_remove(*, actor, person: Person) -> None:
    with transaction.atomic(), audit_actor(actor):
        owner = _editable_person(actor, person)
        if owner.photo:
            name = owner.photo.name
            owner.photo = ""
            owner.save(update_fields=["photo", "updated_at"])
            transaction.on_commit(lambda: owner.photo.storage.delete(name))
