from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PetitionsConfig(AppConfig):
    name = "rongjia.petitions"
    label = "petitions"
    verbose_name = _("Petitions")

    def ready(self):
        from auditlog.registry import auditlog

        from .models import Petition, Petitioner

        auditlog.register(Petition)
        auditlog.register(Petitioner, exclude_fields=["id_hash"])

        from rongjia.people.timeline import register

        from .timeline import petition_entries

        register(petition_entries)
