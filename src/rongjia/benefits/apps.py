from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BenefitsConfig(AppConfig):
    name = "rongjia.benefits"
    label = "benefits"
    verbose_name = _("Benefits")

    def ready(self):
        from auditlog.registry import auditlog

        from rongjia.core import contributions

        from . import dossier, models, workbench

        for model in (models.BenefitItem, models.StandardTable, models.StandardRate, models.Policy,
                      models.Recipient, models.Entitlement, models.Proposal, models.Certification,
                      models.BankFormat, models.PaymentBatch):
            auditlog.register(model)
        auditlog.register(models.PaymentAccount, exclude_fields=["number", "number_hash"])
        contributions.register_dossier(dossier.DOSSIER)
        for contribution in workbench.CONTRIBUTIONS:
            contributions.register_workbench(contribution)
