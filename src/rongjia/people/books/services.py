"""The books of a station: status changes, transfers between stations, merges, reveals.

Each function is a service in the sense of DESIGN.md rule 2. Status changes and transfers are steps
of the machines in `workflows.py`, taken through core's workflow engine (rule 3).
"""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from rongjia.core.audit import audit_actor, log_access
from rongjia.core.errors import StaleVersion
from rongjia.core.idnumber import parse_id_number
from rongjia.core.models import OrgUnit
from rongjia.core.scoping import get_visible_or_404
from rongjia.core.workflow import IllegalStep, transition

from ..models import HouseholdMember, Person, PersonMerge, StatusChange, Transfer
from ..services import id_index
from .workflows import STATUS, TRANSFER, write_change

Kind, Status = StatusChange.Kind, Person.Status
AWAITING = (Transfer.State.PROPOSED, Transfer.State.REQUESTED)  # transfers still waiting on a decision
# Which change may follow which status, and the status it leaves: the steps of workflows.STATUS.
ALLOWED = {step.action: (set(step.sources), step.target) for step in STATUS.steps}


def allowed_changes(person: Person) -> list[str]:
    """The kinds of change a person's current status allows (for forms and error messages)."""
    return STATUS.allowed(person.status)


def _lock(actor, person: Person, *, version: int | None = None) -> Person:
    if not actor.can("people.edit"):
        raise PermissionDenied
    locked = get_visible_or_404(Person.objects.select_for_update(), actor, pk=person.pk)
    if version is not None and locked.version != version:
        raise StaleVersion
    return locked


def status_change_record(*, actor, person: Person, kind: str, day: date, reason: str,
                         version: int | None = None) -> StatusChange:
    """迁出 (out of the system), 自然减员, 失联, contact restored or 迁入 (back), with its date and reason."""
    reason = (reason or "").strip()
    if kind not in ALLOWED:
        raise ValidationError({"kind": _("Choose a kind of change.")})
    if not reason:
        raise ValidationError({"reason": _("Give the reason for the change.")})
    if not actor.can("people.edit"):
        raise PermissionDenied
    try:
        transition(STATUS, actor=actor, queryset=Person.objects.all(), pk=person.pk, action=kind, note=reason,
                   version=version, data={"day": day})
    except IllegalStep as exc:  # the form shows it beside the kind chosen
        raise ValidationError({"kind": exc.messages}) from None
    return StatusChange.objects.filter(person_id=person.pk).latest("id")


# --- transfers: the sender proposes, the receiver accepts or refuses ------------------------------------

def transfer_propose(*, actor, person: Person, to_station: OrgUnit, reason: str) -> Transfer:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for the transfer.")})
    if to_station.kind not in (OrgUnit.Kind.CENTRE, OrgUnit.Kind.STATION):
        raise ValidationError({"to_station": _("Choose a service centre or station.")})
    with transaction.atomic(), audit_actor(actor):
        locked = _lock(actor, person)
        _ensure_on_the_books(locked)
        if to_station.pk == locked.station_id:
            raise ValidationError({"to_station": _("The person is already held by this station.")})
        if locked.transfers.filter(state__in=AWAITING).exists():
            raise ValidationError(_("A transfer of this person is already awaiting the receiving station."))
        return Transfer.objects.create(person=locked, from_station=locked.station, to_station=to_station,
                                       reason=reason, proposed_by=actor)


def transfer_request(*, actor, station: OrgUnit, id_number: str, reason: str) -> Transfer:
    """转入申请: a station asks for a dossier on file outside the worker's area (people/on_file.py refused to
    register it twice). The holding station grants or denies it; until then the requester sees no more than
    before: the request, not the dossier."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for the request.")})
    if not actor.can("people.edit"):
        raise PermissionDenied
    station = get_visible_or_404(OrgUnit.objects.filter(kind__in=(OrgUnit.Kind.CENTRE, OrgUnit.Kind.STATION)),
                                 actor, pk=station.pk)
    try:
        digest = id_index(parse_id_number(id_number).number)
    except ValidationError as exc:
        raise ValidationError({"id_number": exc.messages}) from None
    with transaction.atomic(), audit_actor(actor):
        person = Person.objects.select_for_update().filter(id_hash=digest).exclude(station=station).order_by(
            "pk").first()
        if person is None:
            raise ValidationError({"id_number": _("No other station holds this number: register the person here.")})
        if person.transfers.filter(state__in=AWAITING, to_station=station).exists():
            raise ValidationError(_("This station has already asked for this dossier; the holding station decides."))
        return Transfer.objects.create(person=person, from_station=person.station, to_station=station, reason=reason,
                                       proposed_by=actor, state=Transfer.State.REQUESTED, requested=True)


def _ensure_on_the_books(person: Person) -> None:
    if person.status != Status.ACTIVE:
        raise ValidationError(_("Only a person on the books can be transferred (now: %(status)s).")
                              % {"status": person.get_status_display()})


def transfer_decide(*, actor, transfer: Transfer, action: str, note: str = "") -> Transfer:
    """accept / refuse (the receiving station) or cancel (the sender): a step of workflows.TRANSFER."""
    if action == "refuse" and not (note or "").strip():
        raise ValidationError({"note": _("Say why the transfer is refused.")})
    if not actor.can("people.edit"):
        raise PermissionDenied
    transfers = Transfer.objects.select_related("person", "from_station", "to_station")
    return transition(TRANSFER, actor=actor, queryset=transfers, pk=transfer.pk, action=action, note=note)


def transfer_accept(*, actor, transfer: Transfer, note: str = "") -> Transfer:
    return transfer_decide(actor=actor, transfer=transfer, action="accept", note=note)


def transfer_refuse(*, actor, transfer: Transfer, note: str) -> Transfer:
    return transfer_decide(actor=actor, transfer=transfer, action="refuse", note=note)


def transfer_cancel(*, actor, transfer: Transfer) -> Transfer:
    return transfer_decide(actor=actor, transfer=transfer, action="cancel")


# --- duplicates -----------------------------------------------------------------------------------------

MOVED_WITH_A_MERGE = ("category_spans", "household", "service_records", "awards", "status_changes", "transfers")


def person_merge(*, actor, survivor: Person, duplicate: Person) -> PersonMerge:
    """Fold `duplicate` (the same ID number at another station) into `survivor`, keeping both histories."""
    if not actor.can("people.merge"):
        raise PermissionDenied
    with transaction.atomic(), audit_actor(actor):
        people = Person.objects.select_for_update().select_related("station")
        kept = get_visible_or_404(people, actor, pk=survivor.pk)
        gone = get_visible_or_404(people, actor, pk=duplicate.pk)
        if kept.pk == gone.pk or kept.id_hash != gone.id_hash:
            raise ValidationError(_("Only two records of the same ID number can be merged."))
        if gone.transfers.filter(state__in=AWAITING).exists() or kept.transfers.filter(state__in=AWAITING).exists():
            raise ValidationError(_("A transfer of one of these records is awaiting a decision: settle it first."))
        for relation in MOVED_WITH_A_MERGE:
            getattr(gone, relation).update(person=kept)
        kept.tags.add(*gone.tags.all())
        PersonMerge.objects.filter(survivor=gone).update(survivor=kept)
        merge = PersonMerge.objects.create(survivor=kept, merged_pk=gone.pk, merged_name=gone.name,
                                           merged_station=gone.station, merged_by=actor)
        gone.delete()
        _settle_books_after_merge(actor=actor, kept=kept)
        kept.version += 1
        kept.save(update_fields=["version", "updated_at"])
    return merge


def _settle_books_after_merge(*, actor, kept: Person) -> None:
    """Make the books end where the kept record stands, once the duplicate's lines have joined them.

    The books are read from each person's latest line, and the duplicate's latest line may be
    later than the survivor's own: left alone, the person would count at the duplicate's
    station (or off the books) from now on. So the duplicate's station closes its line today
    (迁出) and the survivor's station takes the person on (迁入), as a transfer would.
    """
    last = kept.status_changes.order_by("-date", "-id").first()
    should_be_on = kept.status == Status.ACTIVE
    last_on = last is not None and last.kind in StatusChange.ON_BOOKS
    if last_on == should_be_on and (not should_be_on or last.station_id == kept.station_id):
        return
    today = timezone.localdate()
    reason = _("Duplicate dossiers merged; kept at %(station)s") % {"station": kept.station.name}
    if last_on:
        write_change(actor=actor, person=kept, kind=Kind.MOVE_OUT, day=today, reason=reason, station=last.station)
    if should_be_on:
        write_change(actor=actor, person=kept, kind=Kind.MOVE_IN, day=today, reason=reason, station=kept.station)


# --- sensitive reads ------------------------------------------------------------------------------------

REVEALABLE = {"id_number": "ID number", "phone": "phone"}


def person_reveal(*, actor, person: Person, field: str, reason: str, member_id: int | None = None) -> str:
    """One full value, shown to a user who may see it, with the reason recorded (an audited read).

    The value is the person's own, or with `member_id` one of their household members'. The
    read is recorded against the person either way, so it shows on their timeline.
    """
    if field not in REVEALABLE:
        raise ValidationError({"field": _("This value cannot be revealed.")})
    if not actor.can("people.reveal"):
        raise PermissionDenied
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for revealing the full value.")})
    person = get_visible_or_404(Person.objects.all(), actor, pk=person.pk)
    if member_id is None:
        log_access(actor=actor, obj=person, what=f"reveal:{field}", reason=reason, field=field)
        return getattr(person, field)
    member = get_object_or_404(HouseholdMember, person=person, pk=member_id)
    log_access(actor=actor, obj=person, what=f"reveal:household:{field}", reason=reason, field=field,
               member=member.pk)
    return getattr(member, field)
