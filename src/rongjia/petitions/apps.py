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

        from rongjia.people.timeline import register

        from .timeline import petition_entries

        register(petition_entries)
