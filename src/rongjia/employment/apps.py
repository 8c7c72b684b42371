from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmploymentConfig(AppConfig):
    name = "rongjia.employment"
    label = "employment"
    verbose_name = _("Employment and training")

    def ready(self):
        from auditlog.registry import auditlog

        from . import models

        for model in (models.Sector, models.Skill, models.MilitarySpeciality, models.Seeker, models.Certificate,
                      models.Posting, models.Referral, models.Fair, models.Course, models.Enrolment,
                      models.Business, models.Support, models.BusinessFollowUp):
            auditlog.register(model)
        auditlog.register(models.Employer, exclude_fields=["contact_phone"])
        # registered by the dossier, workbench and statistics contributions as they arrive (see dossier.py,
        # workbench.py)
