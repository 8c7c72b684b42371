from django.db import migrations

from rongjia.accounts.permissions import DEFAULT_ROLES


def create_roles(apps, schema_editor):
    Role = apps.get_model("accounts", "Role")
    for code, name, capabilities in DEFAULT_ROLES:
        Role.objects.update_or_create(code=code, defaults={"name": str(name), "capabilities": capabilities})


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]
    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
