"""A trigram index for the name search on PostgreSQL.

The list's name search is `name__icontains`, which Django writes as UPPER(name) LIKE UPPER('%…%'):
no b-tree helps, so a province's million rows were scanned (0.8 s for one county viewer, issue 8).
pg_trgm hashes Chinese characters into trigrams too; with this index the same search takes 6 ms
for names of three characters or more (two-character names still scan the viewer's subtree).
pg_trgm is a trusted extension (PostgreSQL 13+): the database owner may create it. SQLite: nothing.
"""

from django.db import migrations

CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS person_name_trgm ON people_person USING gin (upper(name::text) gin_trgm_ops)",
]
DROP = ["DROP INDEX IF EXISTS person_name_trgm"]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("people", "0007_statistics_indexes")]

    operations = [migrations.RunPython(run(CREATE), run(DROP), elidable=False)]
