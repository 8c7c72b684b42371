from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworkConfig(AppConfig):
    name = "rongjia.network"
    label = "network"
    verbose_name = _("Service network")

    def ready(self):
        from auditlog.registry import auditlog

        from . import models

        for model in (models.StationProfile, models.ChecklistItem, models.ChecklistEntry, models.Standard,
                      models.Rectification, models.TrainingRecord, models.Grid):
            auditlog.register(model)
        # The audit log must not hold in clear what the table holds encrypted.
        auditlog.register(models.StaffMember, mask_fields=["phone"])

        from rongjia.core import contributions
        from rongjia.core import measures as core_measures

        from . import measures, workbench

        for contribution in workbench.CONTRIBUTIONS:
            contributions.register_workbench(contribution)
        for measure in measures.MEASURES:
            core_measures.register(measure)
