from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VisitsConfig(AppConfig):
    name = "rongjia.visits"
    label = "visits"
    verbose_name = _("Visits and care")

    def ready(self):
        from auditlog.registry import auditlog

        from rongjia.core import contributions, measures, sightings

        from . import coverage, dossier, wall, workbench
        from .models import Campaign, DueVisit, FollowUp, HonourEntry, Merit, Plaque, Regime, Visit
        from .sightings import SIGHTINGS

        for model in (Regime, Campaign, Visit, FollowUp, DueVisit, Plaque, Merit, HonourEntry):
            auditlog.register(model)
        contributions.register_station(wall.STATION)
        sightings.register_sightings(SIGHTINGS)  # life certification for benefits
        measures.register(coverage.MEASURE)
        contributions.register_dossier(dossier.DOSSIER)
        for contribution in workbench.CONTRIBUTIONS:
            contributions.register_workbench(contribution)
