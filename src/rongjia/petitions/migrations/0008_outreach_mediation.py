# 接访/约访/下访/督访, reception days, sensitive periods (petitions/outreach/) and 人民调解 (petitions/mediation/).

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0004_audit_append_only'),
        ('petitions', '0007_choice_labels_translated'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='petitionnotice',
            name='kind',
            field=models.CharField(choices=[('warn5', 'Due in 5 days'), ('warn1', 'Due tomorrow'), ('overdue', 'Overdue (escalated)'), ('repeated', 'Lodged again (repeat petition)'), ('period', 'Registered in a sensitive period')], max_length=8),
        ),
        migrations.CreateModel(
            name='Mediation',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('region_code', models.CharField(db_index=True, editable=False, max_length=12)),
                ('parties', models.TextField(verbose_name='parties')),
                ('person_id', models.PositiveIntegerField(blank=True, null=True)),
                ('mediator', models.CharField(max_length=40, verbose_name='mediator')),
                ('matter', models.TextField(verbose_name='matter in dispute')),
                ('opened_on', models.DateField(verbose_name='opened on')),
                ('state', models.CharField(choices=[('opened', 'Being mediated'), ('agreed', 'Agreement reached'), ('failed', 'Mediation failed'), ('fulfilled', 'Agreement fulfilled'), ('unfulfilled', 'Agreement not (fully) fulfilled')], default='opened', max_length=12, verbose_name='state')),
                ('agreement', models.TextField(blank=True, verbose_name='agreement')),
                ('agreed_on', models.DateField(blank=True, null=True, verbose_name='agreed on')),
                ('closing_note', models.TextField(blank=True, verbose_name='why it failed or how it was checked')),
                ('performance', models.CharField(blank=True, choices=[('full', 'Fulfilled'), ('partly', 'Partly fulfilled'), ('none', 'Not fulfilled')], max_length=8, verbose_name='performance')),
                ('checked_on', models.DateField(blank=True, null=True, verbose_name='performance checked on')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('version', models.PositiveIntegerField(default=1)),
                ('opened_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('petition', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='mediations', to='petitions.petition', verbose_name='petition')),
                ('unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.orgunit', verbose_name='mediation committee or room')),
            ],
            options={
                'ordering': ['-opened_on', '-id'],
            },
        ),
        migrations.CreateModel(
            name='MediationSession',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('held_on', models.DateField(verbose_name='date')),
                ('place', models.CharField(max_length=100, verbose_name='place')),
                ('summary', models.TextField(verbose_name='summary')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('mediation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='sessions', to='petitions.mediation')),
                ('recorded_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['held_on', 'id'],
            },
        ),
        migrations.CreateModel(
            name='ReceptionDay',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('region_code', models.CharField(db_index=True, editable=False, max_length=12)),
                ('day', models.DateField(verbose_name='date')),
                ('starts_at', models.TimeField(verbose_name='from')),
                ('ends_at', models.TimeField(verbose_name='until')),
                ('leader_name', models.CharField(max_length=40, verbose_name='leader')),
                ('leader_title', models.CharField(max_length=40, verbose_name='title')),
                ('place', models.CharField(max_length=100, verbose_name='place')),
                ('version', models.PositiveIntegerField(default=1)),
                ('created_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.orgunit', verbose_name='centre')),
            ],
            options={
                'ordering': ['day', 'starts_at', 'id'],
            },
        ),
        migrations.CreateModel(
            name='Meeting',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('reception', 'Reception at the centre (接访)'), ('appointment', 'Appointment (约访)'), ('visit', 'Leader visits the petitioner (下访)'), ('supervision', 'Supervision of a lower centre (督访)')], max_length=12, verbose_name='kind')),
                ('region_code', models.CharField(db_index=True, editable=False, max_length=12)),
                ('petitioner_name', models.CharField(max_length=40, verbose_name='petitioner')),
                ('person_id', models.PositiveIntegerField(blank=True, null=True)),
                ('scheduled_on', models.DateField(verbose_name='date')),
                ('scheduled_at', models.TimeField(blank=True, null=True, verbose_name='time')),
                ('place', models.CharField(max_length=100, verbose_name='place')),
                ('leader', models.CharField(max_length=60, verbose_name='receiving leader')),
                ('state', models.CharField(choices=[('planned', 'Planned'), ('held', 'Held'), ('cancelled', 'Cancelled')], default='planned', max_length=10, verbose_name='state')),
                ('record', models.TextField(blank=True, verbose_name='what was said')),
                ('outcome', models.TextField(blank=True, verbose_name='outcome')),
                ('held_on', models.DateField(blank=True, null=True)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('version', models.PositiveIntegerField(default=1)),
                ('petition', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='meetings', to='petitions.petition', verbose_name='petition')),
                ('planned_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.orgunit', verbose_name='held by')),
            ],
            options={
                'ordering': ['-scheduled_on', '-id'],
                'indexes': [models.Index(fields=['region_code', 'scheduled_on'], name='meeting_scope_day')],
            },
        ),
        migrations.CreateModel(
            name='SensitivePeriod',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('region_code', models.CharField(db_index=True, editable=False, max_length=12)),
                ('name', models.CharField(max_length=60, verbose_name='name')),
                ('starts_on', models.DateField(verbose_name='from')),
                ('ends_on', models.DateField(verbose_name='until')),
                ('note', models.TextField(blank=True, verbose_name='note')),
                ('version', models.PositiveIntegerField(default=1)),
                ('created_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.orgunit', verbose_name='declared by')),
            ],
            options={
                'ordering': ['-starts_on', '-id'],
                'indexes': [models.Index(fields=['starts_on', 'ends_on'], name='sensitive_period_span')],
            },
        ),
    ]
