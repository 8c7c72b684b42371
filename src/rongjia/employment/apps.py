from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmploymentConfig(AppConfig):
    name = "rongjia.employment"
    label = "employment"
    verbose_name = _("Employment and training")

    def ready(self):
        from auditlog.registry import auditlog
        from django.db.models.signals import post_save

        from rongjia.core import contributions
        from rongjia.people.models import Person

        from . import dossier, models, services_seekers, workbench

        for model in (models.Sector, models.Skill, models.MilitarySpeciality, models.Seeker, models.Certificate,
                      models.Posting, models.Referral, models.Fair, models.FairGuest, models.Course,
                      models.Enrolment, models.Business, models.Support, models.BusinessFollowUp):
            auditlog.register(model)
        auditlog.register(models.Employer, mask_fields=["contact_phone"])
        # the profile's copy of the dossier (address, education, on the books) follows every dossier save
        post_save.connect(services_seekers.dossier_saved, sender=Person, dispatch_uid="employment.dossier_saved")
        contributions.register_dossier(dossier.DOSSIER)
        for contribution in workbench.CONTRIBUTIONS:
            contributions.register_workbench(contribution)
