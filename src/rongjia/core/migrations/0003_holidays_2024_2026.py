from django.db import migrations

# The State Council's holiday notices for 2024–2026, as the chinesecalendar package carries them
# (its data is checked against each year's notice by its maintainers; the tests compute deadlines
# against these days by hand, docs/deadlines.md).
YEARS = (2024, 2025, 2026)


def load(apps, schema_editor):
    from rongjia.core.holidays import days_from_package

    CalendarDay = apps.get_model("core", "CalendarDay")
    for day, kind, name in days_from_package(YEARS):
        CalendarDay.objects.update_or_create(date=day, defaults={"kind": kind, "name": name})


def unload(apps, schema_editor):
    apps.get_model("core", "CalendarDay").objects.filter(date__year__in=YEARS).delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0002_calendar_days")]
    operations = [migrations.RunPython(load, unload)]
