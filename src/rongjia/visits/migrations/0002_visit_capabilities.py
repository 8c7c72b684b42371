from django.db import migrations

from rongjia.accounts.grants import grant_capabilities

# The grid worker records the visits of their grid; centres set the regime and launch campaigns.
GRANTS = {
    "station_worker": ["visits.view", "visits.record"],
    "grid_worker": ["visits.view", "visits.record"],
    "centre_staff": ["visits.view", "visits.record", "visits.manage"],
    "centre_director": ["visits.view", "visits.record", "visits.manage"],
    "leader": ["visits.view"],
}


class Migration(migrations.Migration):
    dependencies = [("visits", "0001_initial"), ("accounts", "0002_default_roles")]
    operations = [grant_capabilities(GRANTS)]
