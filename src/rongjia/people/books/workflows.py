"""The dossiers' state machines on core's workflow engine: a person's status on the books, a transfer
between stations, and a ledger import job. Each is declared once here; the services take its steps
through `core.workflow.transition` (a viewer's step) or `step_between` (a job's own step), and each
draws itself on its page.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from rongjia.core.scoping import covers_code
from rongjia.core.workflow import Machine, Step

from ..models import ImportJob, Person, StatusChange, Transfer

Kind, Status = StatusChange.Kind, Person.Status


# --- a person's status on the books -------------------------------------------------------------------
# Transfers inside the system are not here: they go through the hand-over below. 新增 is only ever a
# dossier's first line (person_register). A person who moved out of the system and comes back is a
# 迁入 on the same dossier, not a "contact restored": the statistics of arrivals count them.

def check_change_day(person: Person, day) -> None:
    if day is None:
        raise ValidationError({"date": _("Give the date of the change.")})
    if day > timezone.localdate():
        raise ValidationError({"date": _("The date cannot be in the future.")})
    latest = person.status_changes.order_by("-date", "-id").values_list("date", flat=True).first()
    if latest and day < latest:
        raise ValidationError({"date": _("The date cannot be before the last change on the books (%(date)s).")
                               % {"date": latest.isoformat()}})


def write_change(*, actor, person: Person, kind: str, day, reason: str, station) -> StatusChange:
    """One line on the books, at `station` (its region code scopes the line)."""
    return StatusChange.objects.create(person=person, kind=kind, date=day, reason=reason, station=station,
                                       region_code=station.region_code, created_by=actor)


def _record_change(person, actor, today, data):
    """The step's line on the books; a death closes the dossier (household members stay: survivor matters)."""
    if person.transfers.filter(state=Transfer.State.PROPOSED).exists():
        raise ValidationError(_("A transfer of this person is awaiting the receiving station: withdraw it first."))
    kind, day = data["kind"], data.get("day")
    check_change_day(person, day)
    change = write_change(actor=actor, person=person, kind=kind, day=day, reason=data["note"], station=person.station)
    person.deceased_on = day if kind == Kind.DEATH else None
    return {"change": change.pk}


def _status_step(kind: str, sources: tuple[str, ...], target: str) -> Step:
    return Step(kind, Kind(kind).label, sources, target, "people.edit", needs_note=True, fields=("day",),
                effect=lambda person, actor, today, data: _record_change(person, actor, today, {**data, "kind": kind}))


STATUS = Machine(
    name="status", label=gettext_lazy("Status on the books"), states=Status, initial=Status.ACTIVE,
    state_field="status", saved_fields=("deceased_on", "updated_at"),
    steps=(
        _status_step(Kind.MOVE_OUT, (Status.ACTIVE, Status.LOST), Status.MOVED_OUT),
        _status_step(Kind.DEATH, (Status.ACTIVE, Status.LOST), Status.DECEASED),
        _status_step(Kind.LOST, (Status.ACTIVE,), Status.LOST),
        _status_step(Kind.FOUND, (Status.LOST,), Status.ACTIVE),
        _status_step(Kind.MOVE_IN, (Status.MOVED_OUT,), Status.ACTIVE),
    ),
)


# --- a transfer: the sender proposes, the receiver accepts or refuses, the sender may withdraw ---------

def _stands_on_its_side(transfer: Transfer, step: Step, actor) -> None:
    """"receiver": the actor's subtree holds the receiving station; "sender": the sending one."""
    station = transfer.to_station if step.above == "receiver" else transfer.from_station
    if not covers_code(actor, station.region_code):
        raise PermissionDenied


def _hand_over(transfer: Transfer, actor, today, data):
    """The receiving station takes the record over: 迁出 at the sender, 迁入 here, the same day."""
    person = Person.objects.select_for_update().get(pk=transfer.person_id)
    if person.status != Status.ACTIVE or person.station_id != transfer.from_station_id:
        raise ValidationError(_("Only a person on the books of the sending station can be handed over (now: "
                                "%(status)s).") % {"status": person.get_status_display()})
    write_change(actor=actor, person=person, kind=Kind.MOVE_OUT, day=today, reason=transfer.reason,
                 station=transfer.from_station)
    write_change(actor=actor, person=person, kind=Kind.MOVE_IN, day=today, reason=transfer.reason,
                 station=transfer.to_station)
    person.station = transfer.to_station
    person.version += 1
    person.save(update_fields=["station", "version", "updated_at"])
    return {}


def _decided(transfer: Transfer, actor, step, from_state, note, data, today) -> None:
    transfer.decided_by, transfer.decided_at, transfer.decision_note = actor, timezone.now(), note


P, Q = Transfer.State.PROPOSED, Transfer.State.REQUESTED
TRANSFER = Machine(
    name="transfer", label=gettext_lazy("Transfer"), states=Transfer.State, initial=P,
    check_above=_stands_on_its_side, record_event=_decided,
    saved_fields=("decided_by", "decided_at", "decision_note"),
    steps=(
        Step("accept", pgettext_lazy("transfer step", "Accept"), (P,), Transfer.State.ACCEPTED, "people.edit",
             above="receiver", effect=_hand_over),
        Step("refuse", pgettext_lazy("transfer step", "Refuse"), (P,), Transfer.State.REFUSED, "people.edit",
             needs_note=True, above="receiver"),
        Step("cancel", pgettext_lazy("transfer step", "Withdraw"), (P,), Transfer.State.CANCELLED, "people.edit",
             above="sender"),
        # a 转入申请 (people/on_file.py): the holding station grants or denies, the requesting one may withdraw
        Step("grant", pgettext_lazy("transfer step", "Hand the dossier over"), (Q,), Transfer.State.ACCEPTED,
             "people.edit", above="sender", effect=_hand_over),
        Step("deny", pgettext_lazy("transfer step", "Keep the dossier"), (Q,), Transfer.State.REFUSED,
             "people.edit", needs_note=True, above="sender"),
        Step("withdraw", pgettext_lazy("transfer step", "Withdraw the request"), (Q,), Transfer.State.CANCELLED,
             "people.edit", above="receiver"),
    ),
)


# --- a ledger import job: moved by its worker, never by a viewer (core.workflow.step_between) ----------

J = ImportJob.State
IMPORT_JOB = Machine(
    name="import_job", label=gettext_lazy("Ledger import"), states=J, initial=J.QUEUED,
    steps=(
        Step("check", pgettext_lazy("import step", "Check every row"), (J.QUEUED, J.VALIDATING, J.COMMITTING),
             J.VALIDATING),
        Step("columns", pgettext_lazy("import step", "Columns read: confirm them"), (J.VALIDATING,), J.MAPPING),
        Step("confirm_columns", pgettext_lazy("import step", "Check with the confirmed columns"),
             (J.MAPPING, J.VALID, J.INVALID, J.UNCHANGED), J.QUEUED, "people.import"),
        Step("errors", pgettext_lazy("import step", "Errors found"), (J.VALIDATING,), J.INVALID),
        Step("rows_fixed", pgettext_lazy("import step", "Held rows fixed: ready to import"), (J.INVALID,), J.VALID,
             "people.import"),
        Step("ready", pgettext_lazy("import step", "Ready to import"), (J.VALIDATING,), J.VALID),
        Step("nothing_new", pgettext_lazy("import step", "Nothing new"), (J.VALIDATING,), J.UNCHANGED),
        Step("import", pgettext_lazy("import step", "Import (the uploader presses it)"), (J.VALID,), J.QUEUED,
             "people.import"),
        # from VALID directly: `manage.py import_people` commits in the same process, without the queue
        Step("commit", pgettext_lazy("import step", "Import every new row"), (J.QUEUED, J.VALID, J.COMMITTING),
             J.COMMITTING),
        Step("done", pgettext_lazy("import step", "Imported"), (J.COMMITTING,), J.DONE),
        Step("interrupted", pgettext_lazy("import step", "Interrupted: nothing written"), (J.COMMITTING,), J.VALID),
        Step("restart", pgettext_lazy("import step", "Restarted after the worker stopped"),
             (J.VALIDATING, J.COMMITTING), J.QUEUED),
        Step("fail", pgettext_lazy("import step", "Failed"), (J.VALIDATING, J.COMMITTING, J.QUEUED), J.FAILED),
    ),
)
