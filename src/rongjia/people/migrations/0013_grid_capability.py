from django.db import migrations

from rongjia.accounts.grants import grant_capabilities

# The grid worker keeps the households of their own grid up to date (SPEC C3: households in grids).
GRANTS = {"grid_worker": ["people.grid_edit"]}


class Migration(migrations.Migration):
    dependencies = [("people", "0012_grid_households"), ("accounts", "0002_default_roles")]
    operations = [grant_capabilities(GRANTS)]
