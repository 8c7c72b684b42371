# The 条例's rules: each answer with its own deadline and delivery, the receiving unit's own clock,
# the 复核 hearing's days, a visit's headcount.

import django.db.models.deletion
from django.db import migrations, models

STAGES = {"reply": "answer", "review_reply": "review", "recheck_reply": "recheck"}


def replies_from_events(apps, schema_editor):
    """Each answer given so far becomes its own record, with the deadline it answered; the petition's
    `replied_on` goes back to the first answer (later answers used to overwrite it)."""
    from rongjia.core.deadlines import deadline

    Petition = apps.get_model("petitions", "Petition")
    PetitionEvent = apps.get_model("petitions", "PetitionEvent")
    PetitionReply = apps.get_model("petitions", "PetitionReply")
    events = PetitionEvent.objects.filter(action__in=[*STAGES, "request_review", "request_recheck"]).order_by("id")
    petitions = {}
    for event in events.iterator():
        petition = petitions.get(event.petition_id) or Petition.objects.get(pk=event.petition_id)
        petitions[event.petition_id] = petition
        if event.action == "request_review":
            petition.review_requested_on = event.on
        elif event.action == "request_recheck":
            petition.recheck_requested_on = event.on
        else:
            stage = STAGES[event.action]
            start = {"answer": petition.accepted_on, "review": petition.review_requested_on,
                     "recheck": petition.recheck_requested_on}[stage]
            days = 60 + petition.extended_days if stage == "answer" else 30
            due = deadline(start, days).due if start else None
            PetitionReply.objects.get_or_create(petition_id=petition.pk, stage=stage, defaults={
                "unit_id": event.data.get("by_unit") or petition.unit_id, "outcome": event.data.get("outcome") or "explain",
                "text": event.data.get("reply_text") or "", "replied_on": event.on, "due_on": due})
            if stage == "answer":
                petition.replied_on = event.on
    for petition in petitions.values():
        petition.save(update_fields=["replied_on", "review_requested_on", "recheck_requested_on"])


class Migration(migrations.Migration):

    dependencies = [
        ('petitions', '0010_mailbox_answers'),
    ]

    operations = [
        migrations.AddField(
            model_name='petition',
            name='assignee_extended_days',
            field=models.PositiveSmallIntegerField(default=0),
        ),
        migrations.AddField(
            model_name='petition',
            name='headcount',
            field=models.PositiveIntegerField(blank=True, null=True, verbose_name='people present'),
        ),
        migrations.AddField(
            model_name='petition',
            name='hearing_days',
            field=models.PositiveSmallIntegerField(default=0),
        ),
        migrations.AddField(
            model_name='petition',
            name='recheck_requested_on',
            field=models.DateField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='petition',
            name='reply_delivered_on',
            field=models.DateField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='petition',
            name='review_requested_on',
            field=models.DateField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='petition',
            name='taken_on',
            field=models.DateField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name='petitionnotice',
            name='kind',
            field=models.CharField(choices=[('warn5', 'Due in 5 days'), ('warn1', 'Due tomorrow'), ('overdue', 'Overdue (escalated)'), ('repeated', 'Lodged again (repeat petition)'), ('period', 'Registered in a sensitive period'), ('moved', 'Deadline recomputed (holidays loaded)')], max_length=8),
        ),
        migrations.CreateModel(
            name='PetitionReply',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('stage', models.CharField(choices=[('answer', 'Answer'), ('review', 'Review opinion'), ('recheck', 'Recheck opinion')], max_length=8, verbose_name='stage')),
                ('outcome', models.CharField(choices=[('support', 'Supported'), ('explain', 'Explained'), ('refuse', 'Not supported')], max_length=10, verbose_name='outcome')),
                ('text', models.TextField(verbose_name='written reply')),
                ('replied_on', models.DateField(verbose_name='answered on')),
                ('due_on', models.DateField(blank=True, null=True, verbose_name='due')),
                ('delivery_method', models.CharField(blank=True, choices=[('in_person', 'In person'), ('post', 'By post'), ('electronic', 'Electronic')], max_length=10, verbose_name='delivered by')),
                ('delivered_on', models.DateField(blank=True, null=True, verbose_name='delivered on')),
                ('petition', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='replies', to='petitions.petition')),
                ('unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.orgunit', verbose_name='answered by')),
            ],
            options={
                'ordering': ['replied_on', 'id'],
                'constraints': [models.UniqueConstraint(fields=('petition', 'stage'), name='one_reply_per_stage')],
            },
        ),
        migrations.RunPython(replies_from_events, migrations.RunPython.noop),
    ]
