from django.db import migrations

from rongjia.accounts.grants import grant_capabilities

# Stations read their stars; centres set criteria, run periods and targets; a leader reads. The third-party
# evaluator is a role of its own: it marks the stations it is given and sees nothing else.
GRANTS = {
    "station_worker": ["evaluation.view"],
    "centre_staff": ["evaluation.view", "evaluation.manage"],
    "centre_director": ["evaluation.view", "evaluation.manage"],
    "leader": ["evaluation.view"],
}


def create_evaluator_role(apps, schema_editor):
    Role = apps.get_model("accounts", "Role")
    Role.objects.update_or_create(code="evaluator", defaults={"name": "Third-party evaluator",
                                                              "capabilities": ["evaluation.assess"]})


def remove_evaluator_role(apps, schema_editor):
    apps.get_model("accounts", "Role").objects.filter(code="evaluator").delete()


class Migration(migrations.Migration):
    dependencies = [("evaluation", "0001_initial"), ("accounts", "0002_default_roles")]
    operations = [grant_capabilities(GRANTS), migrations.RunPython(create_evaluator_role, remove_evaluator_role)]
