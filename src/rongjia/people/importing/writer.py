"""Writing the new people of a ledger in bulk: a handful of statements per batch, not a dozen per person.

One path, two ways to send it. The people's ids are reserved first, so the rows that hang from a person
name it before anything is sent: on PostgreSQL from the table's sequence (one `nextval …
generate_series` query), on SQLite the next after the table's highest (the commit's IMMEDIATE
transaction holds the write lock, so no one else takes them). No model instance is made:
`person_columns` and `first_line_columns` give the column values `services.person_build` and
`services.first_line_on_the_books` give (the same ID parsing, blind indexes and name keys, the model's
own defaults), the sensitive fields are encrypted a chunk and a column at a time through the field's
own `get_prep_value` (the token a save() writes). Each chunk is then sent, by COPY on PostgreSQL (one
per table and batch; the database's index upkeep, the name's trigram index above all, runs on the
second core while Python builds the next chunk) or by one `executemany` INSERT on SQLite.
`bulk_create` spent most of its time in Django's per-value preparation and in the instances
themselves: 14 s for 20,000 rows where COPY of the same rows takes 2 s. `bulk_create_new` keeps that
way, instances built by the services exactly as a form registration builds them, as the reference.

tests/people/test_import_writer.py holds the bulk path to the reference: on every database the
values `person_columns` and `first_line_columns` give against the services' instances, and the rows as
stored by COPY (or executemany) against those stored by bulk_create.

Bulk inserts skip the per-row audit entries a form registration writes; the import job's own audit
entry records who imported how many people from which file (decision 0004).
"""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from itertools import islice

from django.db import connection, models, transaction
from django.utils import timezone

from rongjia.core.crypto import EncryptedTextField
from rongjia.core.idnumber import parse_id_number
from rongjia.core.validators import validate_phone

from ..models import Award, HouseholdMember, Person, PersonCategory, ServiceRecord, StatusChange
from ..names import name_keys
from ..services import first_line_on_the_books, id_index, person_build, phone_index

PERSON_FIELDS = ("name", "phone", "phone_alt", "address_detail", "ethnicity", "political_status", "education",
                 "health", "notes", "disability_grade", "disability_cause")
# The name's keys (pypinyin) are the dearest values person_build derives, and ledgers repeat names: the same
# function, remembered per name for the life of the worker.
_name_keys = lru_cache(maxsize=50_000)(name_keys)
# Rows converted (and encrypted) together, then sent: large enough that a column is converted in one pass,
# small enough that the database works on one chunk while Python builds the next.
CHUNK = 250


def write_new(verdicts, *, actor, reason: str) -> int:
    """Register each verdict's person with categories, first line on the books, service, awards and household."""
    if not verdicts:
        return 0
    return copy_new(verdicts, actor=actor, reason=reason)


def _given(values: dict) -> dict:
    """The person's own fields from a row's clean values, as the services take them."""
    fields = {key: values[key] for key in PERSON_FIELDS if values.get(key) not in (None, "")}
    for key in ("ethnicity", "political_status"):  # not given: blank, never a guessed 汉族 or 群众
        fields.setdefault(key, "")
    return fields


# --- what hangs from a new person: {attribute: value} per row, from its id and the row's clean values ---------

def _categories(person_id: int, values: dict, today) -> Iterator[dict]:
    start = values.get("category_start") or values.get("registered_on") or today
    for category in values.get("categories") or ():
        yield {"person_id": person_id, "category_id": category, "start_date": start}


def _service(person_id: int, values: dict, today) -> Iterator[dict]:
    if values.get("enlisted_on"):
        yield {"person_id": person_id, "enlisted_on": values["enlisted_on"],
               "discharged_on": values.get("discharged_on"), "branch": values.get("branch") or "",
               "unit": values.get("military_unit") or "", "rank": values.get("rank") or "",
               "discharge_mode": values.get("discharge_mode") or ""}


def _awards(person_id: int, values: dict, today) -> Iterator[dict]:
    for kind, title in values.get("awards") or ():
        yield {"person_id": person_id, "kind": kind, "title": title}


def _household(person_id: int, values: dict, today) -> Iterator[dict]:
    for relationship, name in values.get("household") or ():
        yield {"person_id": person_id, "relationship": relationship, "name": name}


CHILDREN: tuple[tuple[type[models.Model], Callable[[int, dict, object], Iterator[dict]]], ...] = (
    (PersonCategory, _categories), (ServiceRecord, _service), (Award, _awards), (HouseholdMember, _household))


# --- the reference: bulk_create ---------------------------------------------------------------------------------

def bulk_create_new(verdicts, *, actor, reason: str) -> int:
    """The instances the services build, inserted by bulk_create (also the reference the COPY path is held to)."""
    today = timezone.localdate()
    people = Person.objects.bulk_create([
        person_build(actor=actor, station=verdict.station, id_number=verdict.clean.values["id_number"],
                     address_region_id=verdict.place.region_id, **_given(verdict.clean.values))
        for verdict in verdicts])
    pairs = list(zip(people, (verdict.clean.values for verdict in verdicts), strict=True))
    for model, build in CHILDREN:
        children = [model(**fields) for person, values in pairs for fields in build(person.pk, values, today)]
        if children:
            model.objects.bulk_create(children)
    StatusChange.objects.bulk_create([
        first_line_on_the_books(person, day=values.get("registered_on"), reason=reason, actor=actor)
        for person, values in pairs])
    return len(people)


# --- COPY (PostgreSQL) or executemany (SQLite) ----------------------------------------------------------------

def person_columns(verdict, *, actor) -> dict:
    """{attribute: value} of the person `person_build` makes of the verdict, without making the instance.

    person_build: the ID number parsed (number, birth date, sex), its blind index, the creator; then each
    given field with text stripped, the phones validated, the phone's blind index, and what Person.derive keeps:
    the name's pinyin keys and the station's region code.
    """
    facts = parse_id_number(verdict.clean.values["id_number"])
    columns = {"station_id": verdict.station.pk, "region_code": verdict.station.region_code,
               "id_number": facts.number, "id_hash": id_index(facts.number),
               "birth_date": facts.birth_date, "sex": facts.sex, "created_by_id": actor.pk,
               "address_region_id": verdict.place.region_id}
    for name, value in _given(verdict.clean.values).items():
        columns[name] = value.strip() if isinstance(value, str) else value
    for number in (columns.get("phone"), columns.get("phone_alt")):
        if number:
            validate_phone(number)
    keys = _name_keys(columns.get("name", ""))
    columns.update(name_initials=keys.initials, name_pinyin=keys.pinyin, name_pinyin_abbr=keys.abbr)
    columns["phone_hash"] = phone_index(columns.get("phone") or "")
    return columns


def first_line_columns(person_id: int, station, values: dict, *, actor, reason: str, today) -> dict:
    """{attribute: value} of the line `first_line_on_the_books` gives a new person: 新增 at their station."""
    return {"person_id": person_id, "kind": StatusChange.Kind.NEW, "date": values.get("registered_on") or today,
            "reason": reason, "station_id": station.pk, "region_code": station.region_code,
            "created_by_id": actor.pk}


@dataclass
class Entry:
    """One new person as the tables take it, {attribute: value} each, before the person has an id:
    `children` as (index into CHILDREN, columns), `line` the first line on the books."""
    person: dict
    children: list[tuple[int, dict]]
    line: dict


def new_entry(verdict, *, actor, reason: str, today) -> Entry:
    values = verdict.clean.values
    return Entry(person_columns(verdict, actor=actor),
                 [(index, fields) for index, (_model, build) in enumerate(CHILDREN)
                  for fields in build(None, values, today)],
                 first_line_columns(None, verdict.station, values, actor=actor, reason=reason, today=today))


def copy_new(verdicts, *, actor, reason: str) -> int:
    today = timezone.localdate()
    return write_entries([new_entry(verdict, actor=actor, reason=reason, today=today) for verdict in verdicts])


@transaction.atomic  # on SQLite the ids are taken and used under one write lock
def write_entries(entries: list[Entry], *, encrypted: bool = False) -> int:
    """Insert the entries with new ids. `encrypted`: the sensitive values are tokens already (importing.staging)."""
    now = timezone.now()  # one moment for the batch's created_at and updated_at
    ids = reserve_ids(Person, len(entries))
    pairs = list(zip(ids, entries, strict=True))
    _copy(_Table(Person, now=now, with_pk=True, encrypted=encrypted),
          ({**entry.person, "id": pk} for pk, entry in pairs))
    for index, (model, _build) in enumerate(CHILDREN):
        _copy(_Table(model, now=now), ({**fields, "person_id": pk} for pk, entry in pairs
                                       for own, fields in entry.children if own == index))
    _copy(_Table(StatusChange, now=now), ({**entry.line, "person_id": pk} for pk, entry in pairs))
    return len(ids)


def _copy(table: "_Table", rows: Iterable[dict]) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(table.copy_statement()) as copy:
                for chunk in table.chunks(rows):
                    for row in chunk:
                        copy.write_row(row)
        else:
            for chunk in table.chunks(rows):
                cursor.executemany(table.insert_statement(), chunk)


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """`count` new primary keys, ascending (as bulk_create numbers its rows): on PostgreSQL from the table's
    own sequence; on SQLite the next after the highest the table has used (AUTOINCREMENT's sqlite_sequence)."""
    table, column = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                           [table, column, count])
            return sorted(row[0] for row in cursor.fetchall())
        quoted = connection.ops.quote_name
        highest_used = (f"SELECT MAX(COALESCE((SELECT MAX({quoted(column)}) FROM {quoted(table)}), 0), "  # noqa: S608
                        "COALESCE((SELECT seq FROM sqlite_sequence WHERE name = %s), 0))")  # names from the model
        cursor.execute(highest_used, [table])
        highest = cursor.fetchone()[0]
        return list(range(highest + 1, highest + 1 + count))


class _Table:
    """A model's table as COPY fills it: rows given as {attribute: value}, the fields a row does not name
    taking the default Model.__init__ would give them. Without `with_pk` the table numbers the rows itself."""

    def __init__(self, model: type[models.Model], *, now, with_pk: bool = False, encrypted: bool = False):
        self.model, self.now, self.encrypted = model, now, encrypted
        self.fields = [field for field in model._meta.concrete_fields if with_pk or not field.primary_key]
        # A callable default (none today) would run once per row in Model.__init__: it is called per row here too.
        self.blank = {field.attname: field.get_default() for field in self.fields
                      if not _is_automatic(field) and not callable(field.default)}

    def _names(self) -> str:
        return ", ".join(connection.ops.quote_name(field.column) for field in self.fields)

    def copy_statement(self) -> str:
        return f"COPY {connection.ops.quote_name(self.model._meta.db_table)} ({self._names()}) FROM STDIN"  # noqa: S608 - names from the model

    def insert_statement(self) -> str:
        marks = ", ".join(["%s"] * len(self.fields))
        table = connection.ops.quote_name(self.model._meta.db_table)
        return f"INSERT INTO {table} ({self._names()}) VALUES ({marks})"  # noqa: S608 - names from the model

    def chunks(self, rows: Iterable[dict]) -> Iterator[list[tuple]]:
        """The rows a chunk at a time, as tuples of the stored values in the order of `self.fields`."""
        rows = iter(rows)
        while chunk := list(islice(rows, CHUNK)):
            columns = [self._column(field, chunk) for field in self.fields]
            yield list(zip(*columns, strict=True))

    def _column(self, field: models.Field, chunk: list[dict]) -> list:
        """One column of a chunk as the database stores it: one decision per column, not per value."""
        if _is_automatic(field):
            return [self.now] * len(chunk)  # what pre_save sets on insert
        name = field.attname
        if name in self.blank:
            default = self.blank[name]
            values = [row.get(name, default) for row in chunk]
        else:
            values = [row[name] if name in row else field.get_default() for row in chunk]
        if isinstance(field, EncryptedTextField) and self.encrypted:
            return values
        if isinstance(field, EncryptedTextField):
            # The field's own preparation encrypts (blank stays blank): the tokens are those a save() writes.
            return [field.get_prep_value(value) for value in values]
        if type(field) in _AS_IS and (connection.vendor == "postgresql" or type(field) not in _DATES):
            return values
        if isinstance(field, models.FileField):
            return [getattr(value, "name", value) or "" for value in values]
        return [field.get_db_prep_save(value, connection) for value in values]


def _is_automatic(field: models.Field) -> bool:
    return getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)


# Fields whose Python value psycopg writes as the column's text as it is (str and TextChoices, int, bool, date,
# None). Any other field (DateTimeField, JSONField…) goes through Django's own preparation, value by value.
_AS_IS = frozenset((models.BigAutoField, models.AutoField, models.CharField, models.TextField, models.IntegerField,
                    models.PositiveIntegerField, models.PositiveSmallIntegerField, models.SmallIntegerField,
                    models.BigIntegerField, models.BooleanField, models.DateField, models.ForeignKey))
# SQLite's driver has no date type: Django's own preparation gives the text it stores.
_DATES = frozenset((models.DateField,))
