from django.db import migrations

from rongjia.accounts.grants import grant_capabilities

# Stations report and review the units below them (a street its villages); centres also assign, inspect and
# record meetings; a leader reads.
GRANTS = {
    "station_worker": ["worklist.view", "worklist.report", "worklist.review"],
    "centre_staff": ["worklist.view", "worklist.report", "worklist.review", "worklist.assign"],
    "centre_director": ["worklist.view", "worklist.report", "worklist.review", "worklist.assign"],
    "leader": ["worklist.view"],
}


class Migration(migrations.Migration):
    dependencies = [("worklist", "0001_initial"), ("accounts", "0002_default_roles")]
    operations = [grant_capabilities(GRANTS)]
