from django.db import migrations

from rongjia.accounts.grants import grant_capabilities

GRANTS = {"centre_staff": ["network.standards"], "centre_director": ["network.standards"]}


class Migration(migrations.Migration):
    dependencies = [("network", "0001_initial"), ("accounts", "0002_default_roles")]
    operations = [grant_capabilities(GRANTS)]
