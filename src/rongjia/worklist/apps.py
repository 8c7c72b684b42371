from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorklistConfig(AppConfig):
    name = "rongjia.worklist"
    label = "worklist"
    verbose_name = _("Worklist")

    def ready(self):
        from auditlog.registry import auditlog

        from rongjia.core import contributions
        from rongjia.core import measures as core_measures

        from . import measures, models, workbench

        for model in (models.Task, models.Assignment, models.Recurrence, models.Inspection, models.InspectionTarget,
                      models.Finding, models.InfoReport, models.Meeting, models.MeetingDecision):
            auditlog.register(model)
        for contribution in workbench.CONTRIBUTIONS:
            contributions.register_workbench(contribution)
        for measure in measures.MEASURES:
            core_measures.register(measure)
