"""The one workflow engine (DESIGN rule 3): states and steps as data, one function that takes a step.

A module declares a `Machine`: its states (a TextChoices, labels through gettext) and its steps,
each with the states it may come from, the state it leads to, the capability it needs, whether a
reason is required, the form fields it reads, the window it must come in, the deadline it starts,
who must be above whom, the document it prints and its effect on the record. `transition()`
performs a step: it locks the record inside the viewer's scope, refuses a stale version, an illegal
step, a missing capability or reason and a step out of its window, applies the effect, moves the
state, starts the next deadline, saves, and lets the machine record its event, all in one
transaction with the audit entry. Every machine draws itself (`core.workflow_picture`).

A step is declared once: the forms, the documents, the allowed-action tables of the API and the
deadline table of docs/deadlines.md are read from the machine, never typed again.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .audit import audit_actor
from .deadlines import deadline
from .errors import StaleVersion
from .scoping import get_visible_or_404


@dataclass(frozen=True)
class Period:
    """A statutory period: `days` calendar or working days from a start day (core.deadlines counts it)."""

    days: int
    kind: str = "calendar"  # or "working"

    def due(self, start: date, extra_days: int = 0, calendar=None) -> date:
        return deadline(start, self.days + extra_days, self.kind, calendar=calendar).due

    def __str__(self):
        return _("%(days)d working days") % {"days": self.days} if self.kind == "working" else \
            _("%(days)d days") % {"days": self.days}


@dataclass(frozen=True)
class Window:
    """The step must come within `period` of the record's date field `anchor` (e.g. 30 days of the reply)."""

    anchor: str
    period: Period


@dataclass(frozen=True)
class Document:
    """The written document a step sends (printed from the step's own record)."""

    title: str
    closing: str = ""  # the recipient's next right, as the rule words it


@dataclass(frozen=True)
class Step:
    action: str
    label: str
    sources: tuple[str, ...]
    target: str = ""  # "" keeps the state (an extension, a 督办)
    capability: str = ""
    needs_note: bool = False
    fields: tuple[str, ...] = ()  # the form fields the step reads besides the note
    window: Window | None = None
    next_due: Period | None = None  # the deadline the step starts, from the day it is taken
    above: str | None = None  # who must be above whom: the machine's `check_above` reads it
    document: Document | None = None
    effect: Callable | None = None  # (record, actor, today, data with "note") -> dict recorded with the event
    rule: str = ""  # the article that sets the step's period or condition


@dataclass(frozen=True)
class Machine:
    name: str
    label: str
    states: type[models.TextChoices]
    steps: tuple[Step, ...]
    initial: str
    state_field: str = "state"
    due_field: str = ""  # the record's field that holds the running deadline, if any
    # (record) -> date | None: the running deadline recomputed from the record's own dates, when a step's
    # `next_due` from today is not the whole rule (an extension, a paused clock, a second unit's clock)
    due_of: Callable | None = None
    check_above: Callable | None = None  # (record, step, actor) -> None or ValidationError
    record_event: Callable | None = None  # (record, actor, step, from_state, note, data, today): before the save
    saved_fields: tuple[str, ...] = ()  # save only these (with the state and version), if given
    extra_actions: dict = field(default_factory=dict)  # events recorded beside the machine: action -> label

    def step(self, action: str) -> Step | None:
        return next((step for step in self.steps if step.action == action), None)

    def move_rows(self, rows, action: str, **fields) -> int:
        """A step taken by the system itself (a worker, a claim), as one conditional UPDATE of `rows`: only the
        rows still in one of the step's source states move, so a step taken twice, or after another one, moves
        nothing. Returns how many rows moved."""
        step = self.step(action)
        return rows.filter(**{f"{self.state_field}__in": step.sources}).update(**{self.state_field: step.target},
                                                                                **fields)

    def allowed(self, state: str) -> list[str]:
        return [step.action for step in self.steps if state in step.sources]

    def allowed_for(self, state: str, viewer) -> list[str]:
        """The steps this viewer's capabilities allow from this state (who-is-above-whom is checked on taking)."""
        return [step.action for step in self.steps
                if state in step.sources and (not step.capability or viewer.can(step.capability))]

    def state_label(self, state: str) -> str:
        return str(self.states(state).label) if state in self.states.values else state

    def action_labels(self) -> dict[str, str]:
        return {**self.extra_actions, **{step.action: step.label for step in self.steps}}

    def fields_by_name(self) -> dict[str, tuple[str, ...]]:
        """Each form field and the steps that read it (the step form shows only the chosen step's)."""
        names: dict[str, list[str]] = {}
        for step in self.steps:
            for name in step.fields:
                names.setdefault(name, []).append(step.action)
        return {name: tuple(actions) for name, actions in names.items()}

    def documents(self) -> dict[str, Document]:
        return {step.action: step.document for step in self.steps if step.document}


class IllegalStep(ValidationError):
    """A step the record's state does not allow; carries the ones it does."""

    def __init__(self, message, allowed):
        super().__init__(message)
        self.allowed = allowed


def transition(machine: Machine, *, actor, queryset, pk, action: str, note: str = "", version: int | None = None,
               data: dict | None = None):
    """Take one step of `machine` on the record `pk` of `queryset`, as `actor`; returns the saved record."""
    step = machine.step(action)
    with transaction.atomic(), audit_actor(actor):
        record = get_visible_or_404(queryset.select_for_update(of=("self",)), actor, pk=pk)
        if version is not None and record.version != version:
            raise StaleVersion
        state = getattr(record, machine.state_field)
        if step is None or state not in step.sources:
            raise IllegalStep(_("“%(action)s” is not possible while it is “%(state)s”.") % {
                "action": step.label if step else action, "state": machine.state_label(state)},
                machine.allowed(state))
        if step.capability and not actor.can(step.capability):
            raise PermissionDenied
        note = (note or "").strip()
        if step.needs_note and not note:
            raise ValidationError({"note": _("Give the reason.")})
        today = timezone.localdate()
        _check_window(record, step, today)
        if step.above and machine.check_above:
            machine.check_above(record, step, actor)
        extra = step.effect(record, actor, today, {**(data or {}), "note": note}) if step.effect else {}
        if step.target:
            setattr(record, machine.state_field, step.target)
        if machine.due_of:
            setattr(record, machine.due_field, machine.due_of(record))
        elif step.next_due and machine.due_field:
            setattr(record, machine.due_field, step.next_due.due(today))
        if hasattr(record, "version"):
            record.version += 1
        if machine.record_event:
            machine.record_event(record, actor, step, state, note, extra, today)
        record.save(update_fields=_saved_fields(machine, record))
    return record


def _saved_fields(machine: Machine, record) -> list[str] | None:
    if not machine.saved_fields:
        return None
    kept = [machine.state_field, *machine.saved_fields, *(["version"] if hasattr(record, "version") else [])]
    return [*dict.fromkeys(kept + ([machine.due_field] if machine.due_field else []))]


def steps_open_to(machine: Machine, record, viewer) -> list[str]:
    """The steps the viewer could take on the record now: its state, the capability and who-is-above-whom
    (the window and the step's own fields are checked when it is taken)."""
    state = getattr(record, machine.state_field)
    open_steps = []
    for action in machine.allowed_for(state, viewer):
        step = machine.step(action)
        if step.above and machine.check_above:
            try:
                machine.check_above(record, step, viewer)
            except (ValidationError, PermissionDenied):
                continue
        open_steps.append(action)
    return open_steps


def step_between(machine: Machine, source: str, target: str) -> Step:
    """The step a job takes by itself (no viewer: a worker, a recovery) from `source` to `target`; a move the
    machine does not declare is refused, so the table stays the whole truth of a record's states."""
    for step in machine.steps:
        if source in step.sources and step.target == target:
            return step
    raise IllegalStep(_("“%(target)s” cannot follow “%(state)s”.") % {
        "target": machine.state_label(target), "state": machine.state_label(source)}, machine.allowed(source))


def _check_window(record, step: Step, today: date) -> None:
    if step.window is None:
        return
    anchor = getattr(record, step.window.anchor)
    if anchor and today > step.window.period.due(anchor):
        raise ValidationError(_("Too late: this step had to come within %(period)s of %(day)s.") % {
            "period": step.window.period, "day": anchor.isoformat()})
