"""The people list's keys on the person row: the whole name in pinyin, its abbreviation, the station's region code.

`name_pinyin` (高建军 → gaojianjun) is the list's default order and, with `name_pinyin_abbr` (gaojj) and the
initials, its search in latin letters; `region_code` is the holding station's code, so the scope is a range of
the person table itself (decision 0001) instead of a join to the stations whose estimate depended on
core_orgunit's statistics. The initials are computed again by the same function (names.py), which now reads
a surname as a surname (曾 zeng, not ceng).

The backfill is cheap at a million rows: pinyin is computed once per distinct name (names repeat: Gansu's
million have a few tens of thousands), in batches, into a temporary table; then one UPDATE … FROM joins it and the
stations and rewrites each row once. The old order index goes first and the new indexes come after, so the
UPDATE maintains none of them and each is built once over the final values. PostgreSQL then analyzes the table,
so the planner knows the new columns before the first list is asked for.
"""

from django.db import migrations, models

from rongjia.people.names import name_keys

BATCH = 5000
KEYS_TABLE = "person_name_keys_0014"


def backfill(apps, schema_editor):
    connection = schema_editor.connection
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMPORARY TABLE {KEYS_TABLE} (name varchar(40) PRIMARY KEY, initials varchar(40), "
                       "pinyin varchar(100), abbr varchar(60))")
        _fill_keys(connection, cursor)
        cursor.execute(
            f"UPDATE {quote('people_person')} SET region_code = u.region_code, name_initials = k.initials, "  # noqa: S608 - fixed names
            f"name_pinyin = k.pinyin, name_pinyin_abbr = k.abbr FROM {quote('core_orgunit')} u, {KEYS_TABLE} k "
            f"WHERE u.id = {quote('people_person')}.station_id AND k.name = {quote('people_person')}.name")
        cursor.execute(f"DROP TABLE {KEYS_TABLE}")


def _fill_keys(connection, cursor) -> None:
    """Each distinct name's keys, a batch at a time (a server-side cursor on PostgreSQL: memory stays flat)."""
    names = connection.chunked_cursor()
    try:
        names.execute("SELECT DISTINCT name FROM people_person")
        while batch := names.fetchmany(BATCH):
            rows = []
            for (name,) in batch:
                keys = name_keys(name)
                rows.append((name, keys.initials, keys.pinyin, keys.abbr))
            cursor.executemany(f"INSERT INTO {KEYS_TABLE} VALUES (%s, %s, %s, %s)", rows)  # noqa: S608 - fixed name
    finally:
        names.close()


def status_order_with_the_code(apps, schema_editor):
    """PostgreSQL: the status index with each row's region code beside it (INCLUDE), so that a status counted in
    a county reads the index alone. The model declares the plain index (SQLite has no INCLUDE); the name is the
    same, so a later migration that drops it by name drops this one."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX person_status_order")
        schema_editor.execute('CREATE INDEX person_status_order ON people_person (status, name_pinyin, id) '
                              'INCLUDE (region_code)')


def analyze(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ANALYZE people_person")


class Migration(migrations.Migration):

    dependencies = [
        ("people", "0013_grid_capability"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="person",
            options={"ordering": ["name_pinyin", "id"], "verbose_name": "served person",
                     "verbose_name_plural": "served people"},
        ),
        migrations.RemoveIndex(
            model_name="person",
            name="person_name_order",
        ),
        migrations.AddField(
            model_name="person",
            name="name_pinyin",
            field=models.CharField(blank=True, default="", editable=False, max_length=100),
        ),
        migrations.AddField(
            model_name="person",
            name="name_pinyin_abbr",
            field=models.CharField(blank=True, default="", editable=False, max_length=60),
        ),
        migrations.AddField(
            model_name="person",
            name="region_code",
            field=models.CharField(default="", editable=False, max_length=12),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=False),
        migrations.AddIndex(
            model_name="person",
            index=models.Index(fields=["name_pinyin", "id"], name="person_pinyin_order"),
        ),
        migrations.AddIndex(
            model_name="person",
            index=models.Index(fields=["region_code", "name_pinyin", "id"], name="person_region_order"),
        ),
        migrations.AddIndex(
            model_name="person",
            index=models.Index(fields=["status", "name_pinyin", "id"], name="person_status_order"),
        ),
        migrations.AddIndex(
            model_name="person",
            index=models.Index(fields=["name_pinyin_abbr"], name="person_pinyin_abbr"),
        ),
        migrations.AddIndex(
            model_name="person",
            index=models.Index(fields=["name"], name="person_name_prefix", opclasses=["varchar_pattern_ops"]),
        ),
        migrations.RunPython(status_order_with_the_code, migrations.RunPython.noop, elidable=False),
        migrations.RunPython(analyze, migrations.RunPython.noop, elidable=False),
    ]
