# The supervision mailbox's answer deadline, the sender's rating and one follow-up, and the code of the
# station each feedback is about (the station's own page is scoped by it).

from django.conf import settings
from django.db import migrations, models
from django.utils import timezone


def fill_codes_and_deadlines(apps, schema_editor):
    """Feedback left before this migration: the station's code, and the deadline it had from the day received."""
    from rongjia.core.deadlines import WorkCalendar, deadline

    Feedback = apps.get_model("petitions", "Feedback")
    CalendarDay = apps.get_model("core", "CalendarDay")
    days = getattr(settings, "MAILBOX_ANSWER_DAYS", 15)
    rows = list(Feedback.objects.select_related("about"))
    if not rows:
        return
    received = [timezone.localdate(row.created_at) for row in rows]
    rest, work = set(), set()
    for day, kind in CalendarDay.objects.filter(date__year__gte=min(received).year,
                                                date__year__lte=max(received).year + 1).values_list("date", "kind"):
        (rest if kind == "rest" else work).add(day)
    calendar = WorkCalendar(frozenset(rest), frozenset(work), frozenset(d.year for d in rest | work))
    for row, day in zip(rows, received, strict=True):
        row.about_code = row.about.region_code
        row.due_on = deadline(day, days, calendar=calendar).due
        row.save(update_fields=["about_code", "due_on"])


class Migration(migrations.Migration):

    dependencies = [
        ('petitions', '0009_backlog'),
        ('core', '0003_holidays_2024_2026'),
    ]

    operations = [
        migrations.AddField(
            model_name='feedback',
            name='about_code',
            field=models.CharField(db_index=True, default='', editable=False, max_length=12),
        ),
        migrations.AddField(
            model_name='feedback',
            name='answer_rating',
            field=models.CharField(blank=True, choices=[('satisfied', 'Satisfied'), ('fairly', 'Fairly satisfied'), ('unsatisfied', 'Unsatisfied')], max_length=12, verbose_name='rating of the answer'),
        ),
        migrations.AddField(
            model_name='feedback',
            name='due_on',
            field=models.DateField(blank=True, null=True, verbose_name='answer due'),
        ),
        migrations.AddField(
            model_name='feedback',
            name='first_answer',
            field=models.TextField(blank=True, verbose_name='first answer'),
        ),
        migrations.AddField(
            model_name='feedback',
            name='first_answer_rating',
            field=models.CharField(blank=True, choices=[('satisfied', 'Satisfied'), ('fairly', 'Fairly satisfied'), ('unsatisfied', 'Unsatisfied')], max_length=12),
        ),
        migrations.AddField(
            model_name='feedback',
            name='first_answered_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='feedback',
            name='follow_up',
            field=models.TextField(blank=True, verbose_name='follow-up'),
        ),
        migrations.AddField(
            model_name='feedback',
            name='followed_up_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(fill_codes_and_deadlines, migrations.RunPython.noop),
    ]
