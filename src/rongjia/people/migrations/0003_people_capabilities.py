from django.db import migrations

from rongjia.accounts.grants import grant_capabilities

GRANTS = {
    "station_worker": ["people.view", "people.edit"],
    "grid_worker": ["people.view"],
    "centre_staff": ["people.view", "people.edit"],
    "centre_director": ["people.view", "people.edit"],
    "leader": ["people.view"],
}


class Migration(migrations.Migration):
    dependencies = [("people", "0002_default_categories"), ("accounts", "0002_default_roles")]
    operations = [grant_capabilities(GRANTS)]
