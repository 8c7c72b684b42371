"""The books of a station: status changes, transfers between stations, merges, reveals.

Each function is a service in the sense of DESIGN.md rule 2. Which change may follow which
status is declared once, in `ALLOWED`, as data (rule 3).
"""

from datetime import date

from auditlog.context import auditlog_value
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from rongjia.core.audit import audit_actor
from rongjia.core.errors import StaleVersion
from rongjia.core.models import OrgUnit
from rongjia.core.scoping import covers_code, get_visible_or_404

from .models import HouseholdMember, Person, PersonMerge, StatusChange, Transfer

Kind, Status = StatusChange.Kind, Person.Status

# The status a person must hold for a change to be recorded, and the status it leaves.
# Transfers inside the system are not here: they go through the hand-over below. 新增 is
# only ever a dossier's first line (person_register). A person who moved out of the system
# and comes back is a 迁入 on the same dossier, not a "contact restored": the statistics of
# arrivals count them.
ALLOWED = {
    Kind.MOVE_OUT: ({Status.ACTIVE, Status.LOST}, Status.MOVED_OUT),
    Kind.DEATH: ({Status.ACTIVE, Status.LOST}, Status.DECEASED),
    Kind.LOST: ({Status.ACTIVE}, Status.LOST),
    Kind.FOUND: ({Status.LOST}, Status.ACTIVE),
    Kind.MOVE_IN: ({Status.MOVED_OUT}, Status.ACTIVE),
}


def allowed_changes(person: Person) -> list[str]:
    """The kinds of change a person's current status allows (for forms and error messages)."""
    return [kind for kind, (sources, _target) in ALLOWED.items() if person.status in sources]


def _lock(actor, person: Person, *, version: int | None = None) -> Person:
    if not actor.can("people.edit"):
        raise PermissionDenied
    locked = get_visible_or_404(Person.objects.select_for_update(), actor, pk=person.pk)
    if version is not None and locked.version != version:
        raise StaleVersion
    return locked


def _latest_change_date(person: Person) -> date | None:
    return person.status_changes.order_by("-date", "-id").values_list("date", flat=True).first()


def _check_date(person: Person, day: date) -> None:
    if day > timezone.localdate():
        raise ValidationError({"date": _("The date cannot be in the future.")})
    latest = _latest_change_date(person)
    if latest and day < latest:
        raise ValidationError({"date": _("The date cannot be before the last change on the books (%(date)s).")
                               % {"date": latest.isoformat()}})


def _write_change(*, actor, person: Person, kind: str, day: date, reason: str, station: OrgUnit) -> StatusChange:
    return StatusChange.objects.create(person=person, kind=kind, date=day, reason=reason, station=station,
                                       region_code=station.region_code, created_by=actor)


def status_change_record(*, actor, person: Person, kind: str, day: date, reason: str,
                         version: int | None = None) -> StatusChange:
    """迁出 (out of the system), 自然减员, 失联, contact restored or 迁入 (back), with its date and reason."""
    reason = (reason or "").strip()
    if kind not in ALLOWED:
        raise ValidationError({"kind": _("Choose a kind of change.")})
    if not reason:
        raise ValidationError({"reason": _("Give the reason for the change.")})
    with transaction.atomic(), audit_actor(actor):
        locked = _lock(actor, person, version=version)
        sources, target = ALLOWED[kind]
        if locked.status not in sources:
            raise ValidationError({"kind": _("“%(change)s” is not possible while the person is “%(status)s”.")
                                   % {"change": Kind(kind).label, "status": locked.get_status_display()}})
        if locked.transfers.filter(state=Transfer.State.PROPOSED).exists():
            raise ValidationError(_("A transfer of this person is awaiting the receiving station: withdraw it first."))
        _check_date(locked, day)
        change = _write_change(actor=actor, person=locked, kind=kind, day=day, reason=reason,
                               station=locked.station)
        locked.status = target
        locked.deceased_on = day if kind == Kind.DEATH else None
        locked.version += 1
        locked.save(update_fields=["status", "deceased_on", "version", "updated_at"])
    return change


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
        if locked.transfers.filter(state=Transfer.State.PROPOSED).exists():
            raise ValidationError(_("A transfer of this person is already awaiting the receiving station."))
        return Transfer.objects.create(person=locked, from_station=locked.station, to_station=to_station,
                                       reason=reason, proposed_by=actor)


def _ensure_on_the_books(person: Person) -> None:
    if person.status != Status.ACTIVE:
        raise ValidationError(_("Only a person on the books can be transferred (now: %(status)s).")
                              % {"status": person.get_status_display()})


def _open_transfer(actor, transfer: Transfer, *, side: str) -> Transfer:
    """The transfer locked, if the actor stands on `side` ("from" or "to") of it and it is open."""
    if not actor.can("people.edit"):
        raise PermissionDenied
    locked = get_visible_or_404(Transfer.objects.select_for_update().select_related(
        "person", "from_station", "to_station"), actor, pk=transfer.pk)
    station = locked.to_station if side == "to" else locked.from_station
    if not covers_code(actor, station.region_code):
        raise PermissionDenied
    if locked.state != Transfer.State.PROPOSED:
        raise ValidationError(_("This transfer has already been decided (%(state)s).")
                              % {"state": locked.get_state_display()})
    return locked


def _decide(transfer: Transfer, actor, state: str, note: str) -> None:
    transfer.state, transfer.decided_by, transfer.decided_at = state, actor, timezone.now()
    transfer.decision_note = note
    transfer.save(update_fields=["state", "decided_by", "decided_at", "decision_note"])


def transfer_accept(*, actor, transfer: Transfer, note: str = "") -> Transfer:
    """The receiving station takes the record over: 迁出 at the sender, 迁入 here, the same day."""
    with transaction.atomic(), audit_actor(actor):
        locked = _open_transfer(actor, transfer, side="to")
        person = Person.objects.select_for_update().get(pk=locked.person_id)
        today = timezone.localdate()
        _write_change(actor=actor, person=person, kind=Kind.MOVE_OUT, day=today, reason=locked.reason,
                      station=locked.from_station)
        _write_change(actor=actor, person=person, kind=Kind.MOVE_IN, day=today, reason=locked.reason,
                      station=locked.to_station)
        person.station = locked.to_station
        person.version += 1
        person.save(update_fields=["station", "version", "updated_at"])
        _decide(locked, actor, Transfer.State.ACCEPTED, note.strip())
    return locked


def transfer_refuse(*, actor, transfer: Transfer, note: str) -> Transfer:
    if not (note or "").strip():
        raise ValidationError({"note": _("Say why the transfer is refused.")})
    with transaction.atomic(), audit_actor(actor):
        locked = _open_transfer(actor, transfer, side="to")
        _decide(locked, actor, Transfer.State.REFUSED, note.strip())
    return locked


def transfer_cancel(*, actor, transfer: Transfer) -> Transfer:
    with transaction.atomic(), audit_actor(actor):
        locked = _open_transfer(actor, transfer, side="from")
        _decide(locked, actor, Transfer.State.CANCELLED, "")
    return locked


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
        if gone.transfers.filter(state=Transfer.State.PROPOSED).exists() or \
                kept.transfers.filter(state=Transfer.State.PROPOSED).exists():
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
        _write_change(actor=actor, person=kept, kind=Kind.MOVE_OUT, day=today, reason=reason, station=last.station)
    if should_be_on:
        _write_change(actor=actor, person=kept, kind=Kind.MOVE_IN, day=today, reason=reason, station=kept.station)


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


def log_access(*, actor, obj, what: str, reason: str = "", **details) -> LogEntry:
    """An audited read (等保 8.1.4.3): who read what of whom, when, why — never the value itself."""
    context = auditlog_value.get(None) or {}
    return LogEntry.objects.log_create(
        obj, action=LogEntry.Action.ACCESS, changes=None, force_log=True, actor=actor,
        remote_addr=context.get("remote_addr"), additional_data={"what": what, "reason": reason, **details})
