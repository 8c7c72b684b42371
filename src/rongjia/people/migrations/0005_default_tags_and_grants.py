from django.db import migrations

from rongjia.accounts.grants import grant_capabilities
from rongjia.people.reference import DEFAULT_TAGS

# Revealing a full value, merging duplicates, importing ledgers and exporting full values are
# separate capabilities, so the security administrator can give them narrowly (SPEC C2).
GRANTS = {
    "station_worker": ["people.reveal", "people.import"],
    "centre_staff": ["people.reveal", "people.import", "people.merge"],
    "centre_director": ["people.reveal", "people.import", "people.merge", "people.export_full"],
}


def load(apps, schema_editor):
    Tag = apps.get_model("people", "Tag")
    for kind, names in DEFAULT_TAGS.items():
        for position, name in enumerate(names, start=1):
            Tag.objects.get_or_create(kind=kind, name=name, defaults={"position": position})


class Migration(migrations.Migration):
    dependencies = [("people", "0004_dossier_records"), ("accounts", "0002_default_roles")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop), grant_capabilities(GRANTS)]
