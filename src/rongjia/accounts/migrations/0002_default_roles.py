from django.db import migrations

# The roles as first shipped (names are msgids, translated when shown). Later changes to the
# defaults arrive as their own migrations, so this one never changes with the code.
ROLES = [
    ("station_worker", "Station worker", ["org.view", "org.edit"]),
    ("grid_worker", "Grid worker", ["org.view"]),
    ("centre_staff", "Centre staff", ["org.view", "org.edit"]),
    ("centre_director", "Centre director", ["org.view", "org.edit"]),
    ("leader", "Leader (read-only)", ["org.view"]),
    ("sys_admin", "System administrator", ["reference.manage"]),
    ("sec_admin", "Security administrator", ["accounts.manage"]),
    ("audit_admin", "Audit administrator", ["audit.view", "audit.export"]),
]


def create_roles(apps, schema_editor):
    Role = apps.get_model("accounts", "Role")
    for code, name, capabilities in ROLES:
        Role.objects.update_or_create(code=code, defaults={"name": name, "capabilities": capabilities})


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]
    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
