"""API tokens get a name, a purpose, an expiry and revocation (audit issue 15, finding 3).

Tokens issued before this had none: each now expires API_TOKEN_DAYS after it was issued, as a new one
would (one older than that stops at once: it was the permanent credential the audit found)."""

from datetime import timedelta

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models
from django.db.models import F


def expire_like_new_tokens(apps, schema_editor):
    ApiToken = apps.get_model("accounts", "ApiToken")
    ApiToken.objects.update(expires_at=F("created_at") + timedelta(days=settings.API_TOKEN_DAYS))


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0004_sign_in_devices"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="apitoken",
            options={"ordering": ["-created_at", "-id"], "verbose_name": "API token",
                     "verbose_name_plural": "API tokens"},
        ),
        migrations.AddField(
            model_name="apitoken",
            name="name",
            field=models.CharField(default="", max_length=60, verbose_name="name"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="apitoken",
            name="purpose",
            field=models.CharField(default="", max_length=200, verbose_name="purpose"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(default=django.utils.timezone.now, verbose_name="expires at"),
            preserve_default=False,
        ),
        migrations.RunPython(expire_like_new_tokens, migrations.RunPython.noop),
        migrations.AddField(
            model_name="apitoken",
            name="last_used_ip",
            field=models.GenericIPAddressField(blank=True, null=True, verbose_name="last used from"),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="revoked_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="revoked at"),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="revoked_by",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL,
                                    related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="revoked by"),
        ),
        migrations.AlterField(
            model_name="apitoken",
            name="prefix",
            field=models.CharField(max_length=8, verbose_name="prefix"),
        ),
        migrations.AlterField(
            model_name="apitoken",
            name="created_at",
            field=models.DateTimeField(auto_now_add=True, verbose_name="created at"),
        ),
        migrations.AlterField(
            model_name="apitoken",
            name="last_used_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="last used at"),
        ),
    ]
