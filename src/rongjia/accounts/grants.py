"""Grant capabilities to the default roles from a data migration (each app grants its own)."""

from django.db import migrations


def grant_capabilities(grants: dict[str, list[str]]) -> migrations.RunPython:
    """A RunPython adding `grants` ({role code: [capability, …]}) to the roles, and removing them backwards."""

    def grant(apps, schema_editor):
        Role = apps.get_model("accounts", "Role")
        for role in Role.objects.filter(code__in=grants):
            role.capabilities = sorted(set(role.capabilities) | set(grants[role.code]))
            role.save(update_fields=["capabilities"])

    def revoke(apps, schema_editor):
        Role = apps.get_model("accounts", "Role")
        for role in Role.objects.filter(code__in=grants):
            role.capabilities = [c for c in role.capabilities if c not in grants[role.code]]
            role.save(update_fields=["capabilities"])

    return migrations.RunPython(grant, revoke)
