from django.db import migrations

GRANTS = {
    "station_worker": ["people.view", "people.edit"],
    "grid_worker": ["people.view"],
    "centre_staff": ["people.view", "people.edit"],
    "centre_director": ["people.view", "people.edit"],
    "leader": ["people.view"],
}


def grant(apps, schema_editor):
    Role = apps.get_model("accounts", "Role")
    for role in Role.objects.filter(code__in=GRANTS):
        role.capabilities = sorted(set(role.capabilities) | set(GRANTS[role.code]))
        role.save(update_fields=["capabilities"])


def revoke(apps, schema_editor):
    Role = apps.get_model("accounts", "Role")
    for role in Role.objects.filter(code__in=GRANTS):
        role.capabilities = [c for c in role.capabilities if c not in GRANTS[role.code]]
        role.save(update_fields=["capabilities"])


class Migration(migrations.Migration):
    dependencies = [("people", "0002_default_categories"), ("accounts", "0002_default_roles")]
    operations = [migrations.RunPython(grant, revoke)]
