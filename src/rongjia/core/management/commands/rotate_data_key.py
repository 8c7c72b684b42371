from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import models, transaction
from django.db.models.functions import Cast

from rongjia.core.crypto import AlreadyEncrypted, EncryptedTextField, rotate

BATCH = 1000


class Command(BaseCommand):
    help = ("Re-encrypt every encrypted field with the first key of RONGJIA_DATA_KEYS. "
            "Put the new key first, keep the old ones until this has run, then drop them.")

    def handle(self, **options):
        total = 0
        for model in apps.get_models():
            for field in model._meta.concrete_fields:
                if isinstance(field, EncryptedTextField):
                    total += rotate_field(model, field)
        self.stdout.write(f"已用当前密钥重新加密 {total} 个字段值")


def rotate_field(model, field) -> int:
    """Batches, each in its own short transaction: no long lock, and the application keeps
    running, since every key still decrypts while the tokens change."""
    manager = model._base_manager
    pks = list(manager.exclude(**{field.attname: ""}).exclude(**{f"{field.attname}__isnull": True})
               .order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(pks), BATCH):
        with transaction.atomic():
            # Cast to plain text: the token as stored, not decrypted by the field on the way.
            tokens = manager.filter(pk__in=pks[start:start + BATCH]).annotate(
                token=Cast(field.attname, output_field=models.TextField())).values_list("pk", "token")
            for pk, token in tokens:
                manager.filter(pk=pk).update(**{field.attname: AlreadyEncrypted(rotate(token))})
    return len(pks)
