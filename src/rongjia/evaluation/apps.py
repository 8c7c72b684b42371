from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "rongjia.evaluation"
    label = "evaluation"
    verbose_name = _("Star evaluation")

    def ready(self):
        from auditlog.registry import auditlog

        from rongjia.core import contributions

        from . import models, station, statistics, workbench

        for model in (models.CriteriaSet, models.CriteriaVersion, models.Criterion, models.Run, models.Score,
                      models.Mark, models.EvaluatorAssignment, models.Target, models.Designation, models.Pairing,
                      models.JointTask):
            auditlog.register(model)
        contributions.register_station(station.STATION)
        contributions.register_statistics(statistics.STATISTICS)
        for contribution in workbench.CONTRIBUTIONS:
            contributions.register_workbench(contribution)
