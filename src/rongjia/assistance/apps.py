from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssistanceConfig(AppConfig):
    name = "rongjia.assistance"
    label = "assistance"
    verbose_name = _("Assistance")

    def ready(self):
        from auditlog.registry import auditlog

        from rongjia.core import contributions, payments

        from . import dossier, models, workbench
        from .payments import ACCOUNTS

        for model in (models.HardshipKind, models.HardshipEntry, models.HardshipReview, models.Pairing,
                      models.PairingHelp, models.AidKind, models.Fund, models.FundEntry, models.AidApplication,
                      models.AidDocument, models.AidObjection, models.ApprovalBatch, models.Referral):
            auditlog.register(model)
        contributions.register_dossier(dossier.DOSSIER)
        for contribution in workbench.CONTRIBUTIONS:
            contributions.register_workbench(contribution)
        payments.register_fund_accounts(ACCOUNTS)  # visit money is paid out of these funds
