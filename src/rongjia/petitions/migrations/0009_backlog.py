# 积案 and 包案 (petitions/backlog/models.py): kept in one chain so parallel work never leaves two leaf migrations.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0004_audit_append_only'),
        ('petitions', '0008_outreach_mediation'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='BacklogCase',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('reason', models.CharField(choices=[('overdue', 'Open past its deadline'), ('repeated', 'Lodged three times')], max_length=10, verbose_name='reason')),
                ('leader_name', models.CharField(blank=True, max_length=40, verbose_name='leader in charge (包案领导)')),
                ('leader_title', models.CharField(blank=True, max_length=60, verbose_name="leader's post")),
                ('region_code', models.CharField(db_index=True, editable=False, max_length=12)),
                ('plan', models.TextField(blank=True, verbose_name='plan')),
                ('opened_on', models.DateField(verbose_name='opened on')),
                ('state', models.CharField(choices=[('open', 'Being resolved'), ('resolved', 'Resolved')], default='open', max_length=10, verbose_name='state')),
                ('resolved_on', models.DateField(blank=True, null=True)),
                ('resolution', models.TextField(blank=True, verbose_name='how it was resolved')),
                ('version', models.PositiveIntegerField(default=1)),
                ('centre', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.orgunit', verbose_name='owning centre')),
                ('leader', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name="leader's account")),
                ('petition', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='backlog_case', to='petitions.petition')),
            ],
            options={
                'ordering': ['opened_on', 'id'],
            },
        ),
        migrations.CreateModel(
            name='BacklogProgress',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('month', models.DateField(verbose_name='month')),
                ('text', models.TextField(verbose_name='progress')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('case', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='progress', to='petitions.backlogcase')),
            ],
            options={
                'ordering': ['month', 'created_at', 'id'],
            },
        ),
        migrations.AddIndex(
            model_name='backlogcase',
            index=models.Index(fields=['state', 'region_code'], name='backlog_state_scope'),
        ),
        migrations.AddIndex(
            model_name='backlogprogress',
            index=models.Index(fields=['case', 'month'], name='backlog_progress_month'),
        ),
    ]
