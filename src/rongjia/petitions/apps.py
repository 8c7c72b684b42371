from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PetitionsConfig(AppConfig):
    name = "rongjia.petitions"
    label = "petitions"
    verbose_name = _("Petitions")

    def ready(self):
        from auditlog.registry import auditlog

        from .models import Feedback, Lawyer, LegalAidReferral, Petition, PetitionAttachment, Petitioner

        auditlog.register(Petition)
        auditlog.register(Petitioner, exclude_fields=["id_hash"])
        auditlog.register(PetitionAttachment, exclude_fields=["file"])
        auditlog.register(Lawyer)
        auditlog.register(LegalAidReferral)
        auditlog.register(Feedback, exclude_fields=["receipt_hash"])

        from rongjia.core import contributions

        from . import dossier, workbench

        contributions.register_dossier(dossier.DOSSIER)
        for contribution in workbench.CONTRIBUTIONS:
            contributions.register_workbench(contribution)
