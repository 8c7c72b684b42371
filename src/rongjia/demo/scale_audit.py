"""Audit entries for generated history, shaped as django-auditlog writes them for the same services.

A bulk write sends no model signals, so the entries the services would have left are written
beside the rows: a creation per registered object, an update per saved change, and the audited
reads (`log_access`). Values are strings, as auditlog stores them ("None" for a new object's
old value); a creation lists the fields people look at rather than every field, to keep the
table's bytes close to what the work itself would produce.

Changes arrive as JSON text. The frequent entries (people, their categories and status changes)
fill fixed templates, about ten times faster than json.dumps of a dict; free text in them goes
through `quote`, so the result is always valid JSON.
"""

import json

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType

from rongjia.core.masking import mask_logged_value

from .scale_writer import BulkWriter, Clock, Table

ENTRY = Table(LogEntry, ("content_type", "object_pk", "object_id", "object_repr", "action", "changes_text",
                         "changes", "actor", "timestamp", "additional_data"), ids=False, label="auditlog.LogEntry")
CREATE, UPDATE, ACCESS = LogEntry.Action.CREATE, LogEntry.Action.UPDATE, LogEntry.Action.ACCESS

_quoted: dict[str, str] = {}


def quote(text: str) -> str:
    """A JSON string literal; remembered, since names and reasons repeat."""
    literal = _quoted.get(text)
    if literal is None:
        literal = _quoted[text] = json.dumps(text, ensure_ascii=False)
    return literal


def as_json(changes: dict) -> str:
    return json.dumps(changes, ensure_ascii=False)


def created(**values) -> str:
    """The changes of a new object: every listed field from "None" to its value."""
    return as_json({name: ["None", str(value)] for name, value in values.items()})


def mask(value: str) -> str:
    """The mask auditlog applies to a phone (settings.AUDITLOG_MASK_CALLABLE: the pages' mask)."""
    return mask_logged_value(value)


class AuditTrail:
    def __init__(self, writer: BulkWriter, clock: Clock):
        self._writer, self._clock = writer, clock
        self._types: dict = {}

    def type_of(self, model) -> int:
        if model not in self._types:
            self._types[model] = ContentType.objects.get_for_model(model).pk
        return self._types[model]

    def created(self, model, pk: int, text: str, changes: str, actor: int, day, seconds: int) -> None:
        self._writer.add(ENTRY, (self.type_of(model), str(pk), pk, text, CREATE, "", changes, actor,
                                 self._clock.at(day, seconds), None))

    def changed(self, model, pk: int, text: str, changes: str, actor: int, day, seconds: int) -> None:
        self._writer.add(ENTRY, (self.type_of(model), str(pk), pk, text, UPDATE, "", changes, actor,
                                 self._clock.at(day, seconds), None))

    def read(self, model, pk: int, text: str, actor: int, day, seconds: int, details: str) -> None:
        """An audited read (core.audit.log_access): no changes; what and why in additional_data."""
        self._writer.add(ENTRY, (self.type_of(model), str(pk), pk, text, ACCESS, "", None, actor,
                                 self._clock.at(day, seconds), details))
