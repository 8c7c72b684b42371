"""Writing generated rows fast: COPY on PostgreSQL, executemany on SQLite, no model instances.

A row is a tuple in the order of its table's columns. The writer buffers rows per table and writes
a buffer when it fills (one COPY at a time on a connection; foreign keys are checked at commit,
so the order of the tables does not matter). Rows that others point at (people, petitions, the
objects of audit entries) take their ids up front from the table's own sequence, so the ORM
keeps numbering correctly after the load.
"""

import json
from collections import Counter
from datetime import UTC, date, datetime, time, timedelta

from django.db import connection
from django.utils import timezone

BUFFER_ROWS = 10_000  # per table: bounds memory, and a COPY this size costs little to start
ID_BLOCK = 10_000


class Table:
    """The columns a generator fills for one model (the rest take their database default, NULL)."""

    def __init__(self, model, fields: tuple[str, ...], *, ids: bool, label: str = ""):
        self.model = model
        self.name = model._meta.db_table
        self.label = label or model._meta.label
        self.ids = ids
        self.columns = ((model._meta.pk.column,) if ids else ()) + tuple(
            model._meta.get_field(name).column for name in fields)


class IdPool:
    """Ids for one table. PostgreSQL: blocks reserved with nextval, so the sequence is already past
    every id written. SQLite: counted on from the largest id (one writer at a time)."""

    def __init__(self, cursor, table: Table):
        self._cursor, self._table = cursor, table
        self._ids = iter(())
        self._next_sqlite = None

    def take(self) -> int:
        try:
            return next(self._ids)
        except StopIteration:
            self._ids = iter(self._block())
            return next(self._ids)

    def _block(self):
        name, pk = self._table.name, self._table.model._meta.pk.column
        if connection.vendor == "postgresql":
            self._cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                                 [name, pk, ID_BLOCK])
            return [row[0] for row in self._cursor.fetchall()]
        if self._next_sqlite is None:
            self._cursor.execute(f"SELECT COALESCE(MAX({pk}), 0) FROM {name}")  # noqa: S608 - names from the model
            self._next_sqlite = self._cursor.fetchone()[0] + 1
        first, self._next_sqlite = self._next_sqlite, self._next_sqlite + ID_BLOCK
        return range(first, first + ID_BLOCK)


class Clock:
    """Dates and timestamps as each database takes them in a bulk write.

    Django keeps SQLite datetimes as naive UTC text; PostgreSQL takes the aware value. Work happens
    in office hours of the configured time zone, so a timestamp is a day plus seconds after 08:00.
    """

    def __init__(self):
        self._tz = timezone.get_current_timezone()
        self._sqlite = connection.vendor == "sqlite"
        self._mornings: dict[date, datetime] = {}

    def day(self, value: date | None):
        if value is None:
            return None
        return value.isoformat() if self._sqlite else value

    def at(self, day: date, seconds: int):
        """The moment `seconds` after 08:00 on `day`, local time."""
        morning = self._mornings.get(day)
        if morning is None:
            morning = datetime.combine(day, time(8), tzinfo=self._tz).astimezone(UTC)
            self._mornings[day] = morning
        moment = morning + timedelta(seconds=seconds)
        return str(moment.replace(tzinfo=None)) if self._sqlite else moment


def _json_text(value) -> str:
    """JSON columns get text that is JSON already (the generators write it); anything else is serialised."""
    return value if isinstance(value, str) else json.dumps(value)


class BulkWriter:
    def __init__(self, tables: list[Table]):
        self.cursor = connection.cursor()
        self.tables = tables
        self._buffers: dict[Table, list[tuple]] = {table: [] for table in tables}
        self._pools = {table: IdPool(self.cursor, table) for table in tables if table.ids}
        self._types: dict[Table, list[int]] = {}
        self.written: Counter = Counter()  # rows per table label, this run
        if connection.vendor == "postgresql":
            from psycopg.types.json import set_json_dumps

            set_json_dumps(_json_text, context=self.cursor.cursor)

    def new_id(self, table: Table) -> int:
        return self._pools[table].take()

    def add(self, table: Table, row: tuple) -> None:
        buffer = self._buffers[table]
        buffer.append(row)
        if len(buffer) >= BUFFER_ROWS:
            self._write(table)

    def flush(self) -> None:
        for table in self.tables:
            self._write(table)

    def pending(self) -> int:
        return sum(len(rows) for rows in self._buffers.values())

    def discard(self) -> None:
        """Forget unwritten rows (their transaction is being rolled back)."""
        for rows in self._buffers.values():
            rows.clear()

    def close(self) -> None:
        self.cursor.close()

    def _column_types(self, table: Table) -> list[int]:
        """The type oids of the columns, as the database has them (a binary COPY must name them)."""
        if table not in self._types:
            self.cursor.execute("SELECT attname, atttypid FROM pg_attribute WHERE attrelid = %s::regclass "
                                "AND attnum > 0 AND NOT attisdropped", [table.name])
            oids = dict(self.cursor.fetchall())
            self._types[table] = [oids[column] for column in table.columns]
        return self._types[table]

    def _write(self, table: Table) -> None:
        rows = self._buffers[table]
        if not rows:
            return
        quote = connection.ops.quote_name
        names = ", ".join(quote(column) for column in table.columns)
        if connection.vendor == "postgresql":
            # Binary COPY: less to format here and nothing to parse there (a third faster than text).
            types = self._column_types(table)
            with self.cursor.cursor.copy(f"COPY {quote(table.name)} ({names}) FROM STDIN (FORMAT BINARY)") as copy:
                copy.set_types(types)
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(table.columns))
            self.cursor.executemany(f"INSERT INTO {quote(table.name)} ({names}) VALUES ({marks})", rows)  # noqa: S608 - names from the model
        self.written[table.label] += len(rows)
        rows.clear()
