from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BenefitsConfig(AppConfig):
    name = "rongjia.benefits"
    label = "benefits"
    verbose_name = _("Benefits")

    def ready(self):
        from auditlog.registry import auditlog

        from . import models

        for model in (models.BenefitItem, models.StandardTable, models.StandardRate, models.Policy,
                      models.Recipient, models.Entitlement, models.Proposal, models.Certification,
                      models.BankFormat, models.PaymentBatch):
            auditlog.register(model)
        auditlog.register(models.PaymentAccount, exclude_fields=["number", "number_hash"])
