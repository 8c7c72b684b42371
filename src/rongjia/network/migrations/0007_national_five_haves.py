from django.db import migrations

# The national 五有 (seed 004: "从国家到村(社区)的'五有'全覆盖"): the country's list, which every unit follows
# unless a jurisdiction above it words its own.
NATIONAL = ["有机构", "有编制", "有人员", "有经费", "有保障"]


def add_national_list(apps, schema_editor):
    ChecklistItem = apps.get_model("network", "ChecklistItem")
    if ChecklistItem.objects.filter(kind="five_have", jurisdiction_code="").exists():
        return
    ChecklistItem.objects.bulk_create(ChecklistItem(kind="five_have", jurisdiction_code="", position=position,
                                                    name=name, needs_evidence=True)
                                      for position, name in enumerate(NATIONAL, start=1))


class Migration(migrations.Migration):
    dependencies = [("network", "0006_checklist_levels_full_time_staff")]
    operations = [migrations.RunPython(add_national_list, migrations.RunPython.noop)]
