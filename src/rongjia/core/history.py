"""History in the reader's words: one renderer for every page and export that shows an audit entry's changes.

django-auditlog stores a change as the field's attribute name and two strings: a choice as its code
("lost"), a foreign key as a primary key ("54"), a boolean as "True", a missing value as "None", a
time as naive UTC. This module turns them into what a station worker reads: the field's verbose name,
the choice's label, the related object's name, 是/否, "—", a date as 2026年12月3日 and a time in
settings.TIME_ZONE. Bookkeeping (ids, versions, stamps, hashes, scoping copies of region codes) and
the reverse relations auditlog lists on a creation ("petitions.PetitionNotice.None") are left out.

Names of related objects are read for a whole page of entries at once: one query per related model.
Masked fields stay masked: the stored mask is shown as it is, anything unmasked is masked here.
"""

import json
from collections import defaultdict
from datetime import UTC
from typing import NamedTuple

from auditlog.registry import auditlog
from django.db import models
from django.utils import formats, timezone
from django.utils.dateparse import parse_date, parse_datetime, parse_time
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from .crypto import EncryptedTextField
from .history_words import FIELD_WORDS, MODEL_WORDS
from .masking import logged_value_is_empty, mask_id_number, mask_phone
from .models import Region
from .regions import LEVEL_CHOICES, pad_code

EMPTY = "—"
# Kept by the system, not by a person: nobody asked for them and they say nothing about the record.
BOOKKEEPING = frozenset({
    "id", "version", "created_at", "updated_at", "region_code", "name_initials", "name_pinyin", "name_pinyin_abbr",
    "digest", "sha256", "client_id", "seed", "progress_done", "progress_total", "person_id", "merged_pk",
})
# A JSON list field of this name holds region levels on every model that has one (the levels that review
# an aid kind, the levels a checklist item or a star target applies to).
LIST_WORDS_BY_NAME = {"levels": LEVEL_CHOICES}
_NAME_KEYS = ("label", "name", "title", "item")  # what names an element of a JSON list of objects


# Labels of stored values that a field's declaration does not carry, registered by the app that owns the model.
_WORDS: dict[tuple[str, str], dict[str, object]] = {}


def register_words(model, field_name: str, choices) -> None:
    """Give history the labels of `model.field_name`'s stored values when the field has no choices of its own:
    a state kept by a workflow machine (core.workflow), the codes in a JSON list. Call it in AppConfig.ready()."""
    _WORDS[(model._meta.label, field_name)] = {str(value): label for value, label in choices}


class ChangeRow(NamedTuple):
    label: str
    before: str
    after: str

    @property
    def text(self) -> str:
        """'before → after' for a change; only the value for a creation (nothing before) or a read."""
        if self.before and self.after:
            return f"{self.before} → {self.after}"
        return self.after or self.before


class RealName(str):
    """A person's real name that still knows the account it belongs to (the pages show it on hover)."""

    account = ""


def actor_name(user) -> str:
    """Who did it, as every page names them: the real name, with the account name kept beside it."""
    if not user:
        return ""
    name = RealName(getattr(user, "full_name", "") or user.get_full_name() or user.username)
    name.account = user.username
    return name


def model_words(model) -> str:
    """The model's name in the reader's language (its verbose name, or ours where it was never given one)."""
    if model is None:
        return ""
    if "verbose_name" not in model._meta.original_attrs and model._meta.label in MODEL_WORDS:
        return str(MODEL_WORDS[model._meta.label])
    return str(model._meta.verbose_name)


def field_words(model, field) -> str:
    """The field's verbose name; for a field declared without one, the word history_words gives it."""
    if getattr(field, "_verbose_name", None) is None:
        word = FIELD_WORDS.get(f"{model._meta.label}.{field.name}") or FIELD_WORDS.get(field.name)
        if word is not None:
            return str(word)
    return str(field.verbose_name)


def is_shown(model, field) -> bool:
    """A field a history row is about: stored on the model (or many-to-many), and not bookkeeping."""
    if not isinstance(field, models.Field) or field.primary_key:
        return False  # reverse relations: auditlog lists them on a creation as "app.Model.None"
    name = field.name
    if name in BOOKKEEPING or name.endswith("_hash"):
        return False
    return not (name.endswith("_code") and not field.editable)  # a scoping copy of a unit's region code


class Names:
    """Names of the related objects and regions a page of entries mentions, read in one query per model."""

    def __init__(self):
        self._wanted = defaultdict(set)  # (model, lookup field) -> stored values
        self._names = {}  # (model, lookup field, stored value) -> name

    def want_all(self, model, changes: dict) -> None:
        for field, values in _fields(model, changes):
            for raw in values if isinstance(values, (list, tuple)) else ():
                self.want(field, raw)

    def want(self, field, raw) -> None:
        if _blank(raw) or field.many_to_many:
            return
        if field.is_relation and field.related_model is not None:
            self._wanted[(field.related_model, field.target_field.name)].add(str(raw))
        elif _is_region_code(field, raw):
            self._wanted[(Region, "code")].add(pad_code(str(raw)))

    def load(self) -> None:
        for (model, lookup), values in self._wanted.items():
            for obj in model._base_manager.filter(**{f"{lookup}__in": values}).select_related():
                self._names[(model, lookup, str(getattr(obj, lookup)))] = obj.name if model is Region else str(obj)
        self._wanted.clear()

    def of(self, field, raw) -> str:
        if field.is_relation:
            key = (field.related_model, field.target_field.name, str(raw))
        else:
            key = (Region, "code", pad_code(str(raw)))
        return self._names.get(key) or _("no longer on file (#%(id)s)") % {"id": raw}


def rows_for(entries) -> list[list[ChangeRow]]:
    """The change rows of each entry (in order), with the related names of all of them read at once."""
    names = Names()
    planned = []
    for entry in entries:
        model = entry.content_type.model_class() if entry.content_type_id else None
        changes = entry.changes_dict or {}
        planned.append((model, changes, entry.action))
        names.want_all(model, changes)
    names.load()
    return [change_rows(model, changes, action=action, names=names) for model, changes, action in planned]


def change_rows(model, changes: dict, *, action: int = 1, names: Names | None = None) -> list[ChangeRow]:
    """(label, before, after) for each shown field of one entry, in the model's field order.

    `action` is auditlog's (0 create, 1 update, 2 delete): a creation has no "before", a deletion no
    "after", and neither lists the fields it left empty.
    """
    if names is None:
        names = Names()
        names.want_all(model, changes)
        names.load()
    masked = _masked_fields(model)
    rows = []
    for field, values in _fields(model, changes):
        label = field_words(model, field)
        if isinstance(values, dict):  # {"type": "m2m", "operation": "add", "objects": [...]}
            rows.append(ChangeRow(label, "", _m2m_text(values)))
            continue
        if field.many_to_many:
            continue  # a creation lists the many-to-many manager ("accounts.Role.None"): the m2m entry says more
        before, after = (list(values) + [None, None])[:2]
        texts = [value_text(model, field, raw, names, masked=field.name in masked) for raw in (before, after)]
        row = _row_for_action(label, *texts, action=action)
        if row:
            rows.append(row)
    return rows


def value_text(model, field, raw, names: Names, *, masked: bool = False) -> str:
    """One stored value of `field` as the reader reads it."""
    if masked or isinstance(field, EncryptedTextField):
        return _masked_text(field, raw)
    words = {} if field.is_relation else _words(model, field)
    if _blank(raw):
        return str(words[""]) if raw == "" and "" in words else EMPTY  # a blank choice may have a label ("无")
    if field.is_relation:
        return names.of(field, raw)
    if words and not isinstance(field, models.JSONField):
        return str(words.get(str(raw), raw))
    if _is_region_code(field, raw):
        return names.of(field, raw)
    if isinstance(field, models.JSONField):
        return _json(raw, words)
    render = _RENDERERS.get(type(field)) or next(
        (fn for kind, fn in _RENDERERS.items() if isinstance(field, kind)), _plain)
    return render(field, raw)


def _words(model, field) -> dict:
    """The labels of the field's stored values: its choices, else what its app registered, else by its name."""
    if field.flatchoices:
        return {str(value): label for value, label in field.flatchoices}
    registered = _WORDS.get((model._meta.label, field.name)) if model else None
    return registered or {str(value): label for value, label in LIST_WORDS_BY_NAME.get(field.name, ())}


def yes_no(value: bool) -> str:
    return pgettext("history value", "Yes") if value else pgettext("history value", "No")


def _fields(model, changes: dict):
    """(field, values) of the changes whose field is shown; a name the model no longer has is left out."""
    fields = []
    for name, values in changes.items():
        try:
            field = model._meta.get_field(name) if model else None
        except models.FieldDoesNotExist:
            field = None
        if field is not None and is_shown(model, field):
            fields.append((field, values))
    order = {f.name: i for i, f in enumerate([*model._meta.concrete_fields, *model._meta.many_to_many])} if model \
        else {}
    return sorted(fields, key=lambda pair: order.get(pair[0].name, len(order)))


def _row_for_action(label, before: str, after: str, *, action: int) -> ChangeRow | None:
    if action == 0:  # created: what it was created with
        return ChangeRow(label, "", after) if after != EMPTY else None
    if action == 2:  # deleted: what it held
        return ChangeRow(label, before, "") if before != EMPTY else None
    return ChangeRow(label, before, after)


def _m2m_text(values: dict) -> str:
    operation = values.get("operation", "")
    verb = {"add": _("added"), "delete": _("removed"), "clear": _("cleared")}.get(operation, operation)
    objects = "、".join(str(obj) for obj in values.get("objects", []))
    return f"{verb}：{objects}" if objects else str(verb)


def _masked_fields(model) -> set[str]:
    if model is None or not auditlog.contains(model):
        return set()
    return set(auditlog.get_model_fields(model).get("mask_fields") or ())


def _masked_text(field, raw) -> str:
    """A masked value stays masked: the stored mask as it is; an unmasked value (an encrypted field the
    registration forgot to mask) masked here, never shown in clear."""
    text = "" if raw is None else str(raw)
    if logged_value_is_empty(text):
        return EMPTY
    if "*" in text:
        return text
    return mask_id_number(text) if "id_number" in field.name else mask_phone(text)


def _blank(raw) -> bool:
    return raw is None or raw in ("", "None", [], {})


def _is_region_code(field, raw) -> bool:
    """An editable `…_code` or `…_prefix` text field holding a region code (or the prefix of a subtree):
    shown as the region's name."""
    text = str(raw)
    return (isinstance(field, models.CharField) and field.name.endswith(("_code", "_prefix")) and text.isdigit()
            and len(text) in (2, 4, 6, 9, 12))


def _plain(field, raw) -> str:
    return str(raw)


def _boolean(field, raw) -> str:
    if isinstance(raw, bool):
        return yes_no(raw)
    return {"True": yes_no(True), "False": yes_no(False)}.get(str(raw), str(raw))


def _datetime(field, raw) -> str:
    moment = parse_datetime(str(raw)) if not hasattr(raw, "tzinfo") else raw
    if moment is None:
        return str(raw)
    if timezone.is_naive(moment):  # auditlog stores naive UTC
        moment = moment.replace(tzinfo=UTC)
    return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def _date(field, raw) -> str:
    day = parse_date(str(raw)[:10])
    if day is None:
        return str(raw)
    month_only = field.name == "month" or field.name.endswith("_month") or field.name == "recompute_from"
    return formats.date_format(day, "YEAR_MONTH_FORMAT" if month_only else "DATE_FORMAT")


def _time(field, raw) -> str:
    moment = parse_time(str(raw))
    return formats.time_format(moment, "TIME_FORMAT") if moment else str(raw)


def _file(field, raw) -> str:
    return pgettext("history value", "file uploaded")


def _json(raw, words: dict) -> str:
    value = raw
    if isinstance(raw, str):
        try:
            value = json.loads(raw)
        except ValueError:
            return raw
    if _blank(value):
        return EMPTY
    if isinstance(value, list) and all(not isinstance(item, (list, dict)) for item in value):
        return "、".join(_scalar(words.get(str(item), item)) for item in value)
    if isinstance(value, list) and all(isinstance(item, dict) and _name_of(item) for item in value):
        return "、".join(_name_of(item) for item in value)
    count = len(value) if isinstance(value, (list, dict)) else 1
    return ngettext("%(count)d item", "%(count)d items", count) % {"count": count}


def _name_of(item: dict) -> str:
    return next((str(item[key]) for key in _NAME_KEYS if item.get(key)), "")


def _scalar(value) -> str:
    if isinstance(value, bool):
        return yes_no(value)
    if value is None:
        return EMPTY
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# Checked in this order for subclasses (a DateTimeField is a DateField): the exact type first.
_RENDERERS = {
    models.BooleanField: _boolean,
    models.DateTimeField: _datetime,
    models.DateField: _date,
    models.TimeField: _time,
    models.FileField: _file,
}
