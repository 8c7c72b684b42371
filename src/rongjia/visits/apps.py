from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VisitsConfig(AppConfig):
    name = "rongjia.visits"
    label = "visits"
    verbose_name = _("Visits and care")

    def ready(self):
        from auditlog.registry import auditlog

        from rongjia.core import contributions

        from . import dossier, workbench
        from .models import Campaign, DueVisit, FollowUp, Merit, Plaque, Regime, Visit

        for model in (Regime, Campaign, Visit, FollowUp, DueVisit, Plaque, Merit):
            auditlog.register(model)
        contributions.register_dossier(dossier.DOSSIER)
        for contribution in workbench.CONTRIBUTIONS:
            contributions.register_workbench(contribution)
