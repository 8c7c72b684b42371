from django.db import migrations

GRANTS = {
    "station_worker": ["petitions.view", "petitions.handle"],
    "centre_staff": ["petitions.view", "petitions.handle"],
    "centre_director": ["petitions.view", "petitions.handle", "petitions.approve"],
    "leader": ["petitions.view"],
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
    dependencies = [("petitions", "0001_initial"), ("accounts", "0002_default_roles")]
    operations = [migrations.RunPython(grant, revoke)]
