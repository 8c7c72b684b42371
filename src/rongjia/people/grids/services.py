"""Every write of households in grids: the station's assignment, the grid worker's updates of their own
households, and the status changes a grid worker proposes for the station to confirm on the books."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rongjia.core.audit import audit_actor
from rongjia.core.errors import StaleVersion
from rongjia.core.scoping import get_visible_or_404
from rongjia.core.validators import validate_phone
from rongjia.network.models import Grid

from ..books.services import ALLOWED, status_change_record
from ..books.workflows import check_change_day
from ..models import Person, StatusChange, StatusProposal, Tag
from ..services import ensure_open, phone_index

# What a grid worker may change on a household they keep; the rest of the dossier is the station's.
GRID_FIELDS = ("phone", "address_detail", "health")
# The tags a grid worker keeps up to date: what the household needs, its hardship and its health.
GRID_TAG_KINDS = (Tag.Kind.NEED, Tag.Kind.HARDSHIP, Tag.Kind.HEALTH)
# The changes a grid worker may see in the field and propose.
PROPOSABLE = (StatusChange.Kind.DEATH, StatusChange.Kind.MOVE_OUT, StatusChange.Kind.LOST)


def households_assign(*, actor, grid: Grid, people: list[Person]) -> int:
    """Put households of the grid's own station into the grid (a household moves from another grid)."""
    if not actor.can("people.edit"):
        raise PermissionDenied
    grid = get_visible_or_404(Grid.objects.select_related("unit"), actor, pk=grid.pk)
    wanted = {person.pk for person in people}
    held = Person.objects.visible_to(actor).filter(pk__in=wanted, station=grid.unit)
    if held.count() != len(wanted):
        raise ValidationError({"people": _("Only households on the books of %(station)s can be put in its grids.")
                                         % {"station": grid.unit.name}})
    with transaction.atomic(), audit_actor(actor):
        people = list(held.select_for_update())
        for person in people:  # one by one, so each change is in the audit log with its actor
            person.grid = grid
            person.version += 1
            person.save(update_fields=["grid", "version", "updated_at"])
    return len(people)


def households_of(actor):
    """The households of the grids the actor keeps (a grid worker's own)."""
    return Person.objects.visible_to(actor).filter(grid__worker=actor)


def _kept_by(actor, person_pk: int) -> Person:
    """The household, if it is in a grid the actor keeps, or one the actor may edit anyway (the station)."""
    person = get_visible_or_404(Person.objects.select_for_update(), actor, pk=person_pk)
    if actor.can("people.edit"):
        return person
    if not actor.can("people.grid_edit") or person.grid is None or person.grid.worker_id != actor.pk:
        raise PermissionDenied
    return person


def household_update(*, actor, person: Person, version: int, needs: list[Tag] | None = None, **fields) -> Person:
    """Phone, address detail, health and needs of a household, as its grid worker found them (`needs`: the
    household's tags of the kinds in GRID_TAG_KINDS, replacing those it had)."""
    unknown = set(fields) - set(GRID_FIELDS)
    if unknown:
        raise ValueError(f"not editable from a grid: {sorted(unknown)}")
    if fields.get("phone"):
        try:
            validate_phone(fields["phone"].strip())
        except ValidationError as exc:
            raise ValidationError({"phone": exc.messages}) from None
    with transaction.atomic(), audit_actor(actor):
        locked = _kept_by(actor, person.pk)
        if locked.version != version:
            raise StaleVersion
        ensure_open(locked)
        for name, value in fields.items():
            setattr(locked, name, value.strip())
        locked.phone_hash = phone_index(locked.phone or "")
        locked.version += 1
        locked.save(update_fields=[*fields, "phone_hash", "version", "updated_at"])
        if needs is not None:
            kept = [tag for tag in locked.tags.all() if tag.kind not in GRID_TAG_KINDS]
            locked.tags.set(kept + [tag for tag in needs if tag.kind in GRID_TAG_KINDS and tag.active])
    return locked


def status_propose(*, actor, person: Person, kind: str, day: date, reason: str) -> StatusProposal:
    if kind not in PROPOSABLE:
        raise ValidationError({"kind": _("Choose a change a grid worker may propose.")})
    try:
        check_change_day(person, day)  # the books' own rule, so the station's confirmation cannot fail on it
    except ValidationError as exc:
        raise ValidationError({"day": exc.message_dict["date"]}) from None
    if not reason.strip():
        raise ValidationError({"reason": _("Say what you saw.")})
    with transaction.atomic(), audit_actor(actor):
        locked = _kept_by(actor, person.pk)
        if locked.status not in ALLOWED[kind][0]:
            raise ValidationError({"kind": _("This change does not fit the person's status now.")})
        if locked.status_proposals.filter(state=StatusProposal.State.PROPOSED).exists():
            raise ValidationError({"kind": _("A change proposed earlier is still waiting for the station.")})
        return StatusProposal.objects.create(person=locked, region_code=locked.station.region_code, kind=kind,
                                             day=day, reason=reason.strip(), proposed_by=actor)


def status_proposal_decide(*, actor, proposal: StatusProposal, confirm: bool, note: str = "") -> StatusProposal:
    """The station confirms (the change is recorded on the books, audited) or refuses with a note."""
    if not actor.can("people.edit"):
        raise PermissionDenied
    if not confirm and not note.strip():
        raise ValidationError({"note": _("Say why the change is refused.")})
    with transaction.atomic(), audit_actor(actor):
        locked = get_visible_or_404(StatusProposal.objects.select_for_update(), actor, pk=proposal.pk)
        if locked.state != StatusProposal.State.PROPOSED:
            raise ValidationError(_("This proposal was decided already."))
        if confirm:
            status_change_record(actor=actor, person=locked.person, kind=locked.kind, day=locked.day,
                                 reason=_("%(reason)s (seen by the grid worker)") % {"reason": locked.reason})
        locked.state = StatusProposal.State.CONFIRMED if confirm else StatusProposal.State.REFUSED
        locked.decided_by, locked.decided_at, locked.note = actor, timezone.now(), note.strip()
        locked.save(update_fields=["state", "decided_by", "decided_at", "note"])
    return locked
