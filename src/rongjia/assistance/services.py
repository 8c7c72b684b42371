"""Every write of the assistance module (DESIGN rule 2): scoped, audited, refused whole on bad input.

The hardship ledger, pairings and the help given; an application's registration with its documents and its
steps on the engine (`workflow.APPLICATION`); referrals to other departments (`workflow.REFERRAL`).
"""

from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rongjia.core.audit import audit_actor
from rongjia.core.errors import StaleVersion
from rongjia.core.scoping import get_visible_or_404
from rongjia.core.uploads import checked_document
from rongjia.core.workflow import transition
from rongjia.people.models import Person

from .models import (
    AidApplication,
    AidDocument,
    AidKind,
    HardshipEntry,
    HardshipKind,
    HardshipReview,
    Pairing,
    PairingHelp,
    Referral,
)
from .values import money
from .workflow import APPLICATION, REFERRAL

HANDLE = "assistance.handle"
REVIEW_EVERY = timedelta(days=182)  # a hardship entry is looked at again every half year unless told otherwise
MAX_DOCUMENTS = 20


def _require(actor, capability: str = HANDLE) -> None:
    if not actor.can(capability):
        raise PermissionDenied


def person_in_scope(actor, person_pk) -> Person:
    """The person a record is for: one the actor may open, else a message (never a hint of who is outside)."""
    person = Person.objects.visible_to(actor).select_related("station").filter(
        pk=getattr(person_pk, "pk", person_pk)).first() if person_pk else None
    if person is None:
        raise ValidationError({"person": _("Choose a person from the dossiers of your area.")})
    return person


def _not_in_future(day: date, field: str) -> None:
    if day > timezone.localdate():
        raise ValidationError({field: _("The date cannot be in the future.")})


def _saved(record, actor):
    record.full_clean(exclude=["person", "station", "entry", "kind", "pairing", "helper_person"],
                      validate_unique=False)
    record.save()
    return record


# --- the hardship ledger ------------------------------------------------------------------------------------

def hardship_create(*, actor, person, kind, cause: str, level: str, since: date, household_size: int = 1,
                    monthly_income=0, household_facts: str = "", key: bool = False,
                    review_due: date | None = None) -> HardshipEntry:
    _require(actor)
    person = person_in_scope(actor, person)
    if not HardshipKind.objects.filter(pk=getattr(kind, "pk", kind), active=True).exists():
        raise ValidationError({"kind": _("Choose the kind of hardship.")})
    _not_in_future(since, "since")
    # Only what the actor may see: an entry kept by the person's former area is that area's, and not to be hinted at.
    if HardshipEntry.objects.visible_to(actor).filter(person=person, kind_id=getattr(kind, "pk", kind),
                                                      until__isnull=True).exists():
        raise ValidationError({"kind": _("%(name)s is already on the ledger for this kind of hardship.") % {
            "name": person.name}})
    with transaction.atomic(), audit_actor(actor):
        entry = HardshipEntry(person=person, station=person.station, region_code=person.station.region_code,
                              kind_id=getattr(kind, "pk", kind), cause=(cause or "").strip(), level=level,
                              household_size=household_size, monthly_income=monthly_income,
                              household_facts=(household_facts or "").strip(), since=since, key=key,
                              review_due=review_due or timezone.localdate() + REVIEW_EVERY, recorded_by=actor)
        return _saved(entry, actor)


HARDSHIP_EDITABLE = ("cause", "level", "household_size", "monthly_income", "household_facts", "key", "review_due")


def hardship_update(*, actor, entry: HardshipEntry, version: int, **changes) -> HardshipEntry:
    unknown = set(changes) - set(HARDSHIP_EDITABLE)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    _require(actor)
    with transaction.atomic(), audit_actor(actor):
        locked = get_visible_or_404(HardshipEntry.objects.select_for_update(), actor, pk=getattr(entry, "pk", entry))
        if locked.version != version:
            raise StaleVersion
        for field, value in changes.items():
            setattr(locked, field, value.strip() if isinstance(value, str) else value)
        locked.version += 1
        return _saved(locked, actor)


def hardship_review(*, actor, entry: HardshipEntry, version: int, level: str, note: str, on: date | None = None,
                    next_due: date | None = None, closed: bool = False) -> HardshipReview:
    """The periodic review: the level found, the next review date, or the household out of hardship."""
    _require(actor)
    on = on or timezone.localdate()
    _not_in_future(on, "on")
    if not (note or "").strip():
        raise ValidationError({"note": _("Say what the review found.")})
    if level not in HardshipEntry.Level.values:
        raise ValidationError({"level": _("Choose the level.")})
    if not closed and (next_due is None or next_due <= on):
        raise ValidationError({"next_due": _("Give the next review's date, after this one.")})
    with transaction.atomic(), audit_actor(actor):
        locked = get_visible_or_404(HardshipEntry.objects.select_for_update(), actor, pk=getattr(entry, "pk", entry))
        if locked.version != version:
            raise StaleVersion
        if not locked.is_open:
            raise ValidationError(_("This household is already out of hardship."))
        locked.level, locked.version = level, locked.version + 1
        if closed:
            locked.until = on
        else:
            locked.review_due = next_due
        locked.save(update_fields=["level", "until", "review_due", "version"])
        return HardshipReview.objects.create(entry=locked, on=on, level=level, note=note.strip(),
                                             next_due=None if closed else next_due, closed=closed, reviewer=actor)


# --- pairing ------------------------------------------------------------------------------------------------

def pairing_create(*, actor, entry, helper_kind: str, helper_name: str, plan: str, since: date,
                   helper_person=None, helper_contact: str = "") -> Pairing:
    _require(actor)
    entry = get_visible_or_404(HardshipEntry.objects.all(), actor, pk=getattr(entry, "pk", entry))
    if helper_kind == Pairing.HelperKind.VETERAN:
        helper = person_in_scope(actor, helper_person) if helper_person else None
        if helper is None:
            raise ValidationError({"helper_person": _("Choose the veteran from the dossiers.")})
        if helper.pk == entry.person_id:
            raise ValidationError({"helper_person": _("A person cannot be paired with themselves.")})
        helper_name = helper.name
    else:
        helper = None
    _not_in_future(since, "since")
    with transaction.atomic(), audit_actor(actor):
        pairing = Pairing(entry=entry, region_code=entry.region_code, helper_kind=helper_kind,
                          helper_name=(helper_name or "").strip(), helper_person=helper,
                          helper_contact=(helper_contact or "").strip(), plan=(plan or "").strip(), since=since,
                          created_by=actor)
        return _saved(pairing, actor)


def pairing_end(*, actor, pairing, version: int, until: date) -> Pairing:
    _require(actor)
    with transaction.atomic(), audit_actor(actor):
        locked = get_visible_or_404(Pairing.objects.select_for_update(), actor, pk=getattr(pairing, "pk", pairing))
        if locked.version != version:
            raise StaleVersion
        if locked.until:
            raise ValidationError(_("This pairing has already ended."))
        if until < locked.since or until > timezone.localdate():
            raise ValidationError({"until": _("The end lies between the start (%(day)s) and today.") % {
                "day": locked.since}})
        locked.until, locked.version = until, locked.version + 1
        locked.save(update_fields=["until", "version"])
    return locked


def help_record(*, actor, pairing, kind: str, on: date, description: str, amount=None) -> PairingHelp:
    _require(actor)
    pairing = get_visible_or_404(Pairing.objects.all(), actor, pk=getattr(pairing, "pk", pairing))
    _not_in_future(on, "on")
    if on < pairing.since:
        raise ValidationError({"on": _("The pairing began on %(day)s.") % {"day": pairing.since}})
    with transaction.atomic(), audit_actor(actor):
        help_given = PairingHelp(pairing=pairing, kind=kind, on=on, description=(description or "").strip(),
                                 amount=amount, recorded_by=actor)
        return _saved(help_given, actor)


# --- aid applications ---------------------------------------------------------------------------------------

def kinds_for(actor):
    return AidKind.objects.visible_to(actor).filter(active=True)


def application_register(*, actor, person, kind, amount, reason: str, documents: dict) -> AidApplication:
    """A station registers an application with the documents its kind requires ({requirement: upload})."""
    _require(actor)
    person = person_in_scope(actor, person)
    kind = kinds_for(actor).filter(pk=getattr(kind, "pk", kind)).first()
    if kind is None:
        raise ValidationError({"kind": _("Choose the kind of aid.")})
    amount = money(amount, field="amount_requested")
    if amount > kind.cap:
        raise ValidationError({"amount_requested": _("%(kind)s grants at most ¥%(cap)s.") % {
            "kind": kind.name, "cap": kind.cap}})
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why the aid is needed.")})
    documents = {name: upload for name, upload in (documents or {}).items() if upload}
    missing = [name for name in kind.documents if name not in documents]
    if missing:
        raise ValidationError({"documents": _("Attach the documents %(kind)s requires: %(missing)s.") % {
            "kind": kind.name, "missing": "、".join(missing)}})
    types = {name: checked_document(upload, field="documents") for name, upload in documents.items()}
    station = person.station
    levels = kind.levels_for(station.level)
    if not levels:
        raise ValidationError({"kind": _("%(kind)s is not reviewed from %(unit)s's level.") % {
            "kind": kind.name, "unit": station.name}})
    with transaction.atomic(), audit_actor(actor):
        application = AidApplication.objects.create(
            person=person, station=station, region_code=station.region_code, kind=kind, reason=reason.strip(),
            amount_requested=amount, level=levels[0], levels=levels, registered_on=timezone.localdate(),
            registered_by=actor)
        for name, upload in documents.items():
            _store_document(application, name, upload, types[name], actor)
        application.events.create(action="register", to_state=application.state, level=levels[0],
                                  amount=amount, actor=actor, unit=actor.org_unit, on=application.registered_on,
                                  note=application.reason)
    return application


def _store_document(application, requirement: str, upload, content_type: str, actor) -> AidDocument:
    document = AidDocument(application=application, requirement=requirement[:40],
                           name=(upload.name or "file")[-120:], content_type=content_type, size=upload.size,
                           uploaded_by=actor)
    document.file.save("upload", upload, save=False)
    document.save()
    return document


def document_add(*, actor, application, requirement: str, upload) -> AidDocument:
    _require(actor)
    content_type = checked_document(upload, field="file")
    with transaction.atomic(), audit_actor(actor):
        owner = get_visible_or_404(AidApplication.objects.select_for_update(), actor,
                                   pk=getattr(application, "pk", application))
        if owner.state in (AidApplication.State.PAID, AidApplication.State.REJECTED,
                           AidApplication.State.WITHDRAWN):
            raise ValidationError(_("The application is closed: no more documents."))
        if owner.documents.count() >= MAX_DOCUMENTS:
            raise ValidationError({"file": _("An application holds at most %(n)d documents.") % {"n": MAX_DOCUMENTS}})
        return _store_document(owner, requirement.strip() or _("Other"), upload, content_type, actor)


def application_transition(*, actor, application, action: str, note: str = "", version: int | None = None,
                           data: dict | None = None, receipt=None) -> AidApplication:
    """One step on the engine; a cash payment's signed receipt is stored with the step, or not at all."""
    pk = getattr(application, "pk", application)
    with transaction.atomic():
        if receipt is not None and action == "pay" and AidApplication.objects.filter(
                pk=pk, state=AidApplication.State.APPROVED).exists():  # else the engine says why not, no file kept
            document_add(actor=actor, application=pk, requirement=AidDocument.RECEIPT, upload=receipt)
        return transition(APPLICATION, actor=actor, queryset=AidApplication.objects.select_related("kind", "person"),
                          pk=pk, action=action, note=note, version=version, data=data)


# --- referrals ----------------------------------------------------------------------------------------------

ANSWER_WITHIN = timedelta(days=15)


def referral_create(*, actor, person, department: str, service: str, request: str, sent_on: date,
                    answer_due: date | None = None) -> Referral:
    _require(actor)
    person = person_in_scope(actor, person)
    if department not in Referral.Department.values:
        raise ValidationError({"department": _("Choose the department.")})
    _not_in_future(sent_on, "sent_on")
    answer_due = answer_due or sent_on + ANSWER_WITHIN
    if answer_due <= sent_on:
        raise ValidationError({"answer_due": _("The answer is expected after the referral is sent.")})
    with transaction.atomic(), audit_actor(actor):
        referral = Referral(person=person, station=person.station, region_code=person.station.region_code,
                            department=department, service=(service or "").strip(), request=(request or "").strip(),
                            sent_on=sent_on, answer_due=answer_due, created_by=actor)
        _saved(referral, actor)
        referral.events.create(action="send", to_state=referral.state, note=referral.request, actor=actor,
                               on=timezone.localdate())
    return referral


def referral_transition(*, actor, referral, action: str, note: str = "", version: int | None = None,
                        data: dict | None = None) -> Referral:
    return transition(REFERRAL, actor=actor, queryset=Referral.objects.all(), pk=getattr(referral, "pk", referral),
                      action=action, note=note, version=version, data=data)
