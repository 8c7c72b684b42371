from django.db import migrations

GRANTED_TO = ("centre_staff", "centre_director")


def grant(apps, schema_editor):
    Role = apps.get_model("accounts", "Role")
    for role in Role.objects.filter(code__in=GRANTED_TO):
        if "network.standards" not in role.capabilities:
            role.capabilities = sorted([*role.capabilities, "network.standards"])
            role.save(update_fields=["capabilities"])


def revoke(apps, schema_editor):
    Role = apps.get_model("accounts", "Role")
    for role in Role.objects.filter(code__in=GRANTED_TO):
        role.capabilities = [c for c in role.capabilities if c != "network.standards"]
        role.save(update_fields=["capabilities"])


class Migration(migrations.Migration):
    dependencies = [("network", "0001_initial"), ("accounts", "0002_default_roles")]
    operations = [migrations.RunPython(grant, revoke)]
