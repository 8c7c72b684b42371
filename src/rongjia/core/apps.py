from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "rongjia.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self):
        from auditlog.registry import auditlog

        from .models import CalendarDay, FileJob, OrgUnit, Region

        auditlog.register(Region)
        auditlog.register(OrgUnit)
        auditlog.register(CalendarDay)
        auditlog.register(FileJob, include_fields=["kind", "parameters"])  # who asked for which file, once

        from . import contributions, workbench

        for contribution in workbench.CONTRIBUTIONS:
            contributions.register_workbench(contribution)
