from django.db import migrations

from rongjia.accounts.grants import grant_capabilities

GRANTS = {
    "station_worker": ["petitions.view", "petitions.handle"],
    "centre_staff": ["petitions.view", "petitions.handle"],
    "centre_director": ["petitions.view", "petitions.handle", "petitions.approve"],
    "leader": ["petitions.view"],
}


class Migration(migrations.Migration):
    dependencies = [("petitions", "0001_initial"), ("accounts", "0002_default_roles")]
    operations = [grant_capabilities(GRANTS)]
