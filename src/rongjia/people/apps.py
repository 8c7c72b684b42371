from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "rongjia.people"
    label = "people"
    verbose_name = _("Dossiers")

    def ready(self):
        from auditlog.registry import auditlog

        from .models import (
            Award,
            Category,
            HouseholdMember,
            ImportJob,
            Person,
            PersonCategory,
            PersonMerge,
            ServiceRecord,
            StatusChange,
            StatusProposal,
            Tag,
            Transfer,
        )

        # Never copy encrypted values into the audit log in clear: the ID number (never edited
        # after registration) and the indexes stay out, the phone is masked.
        auditlog.register(Person, mask_fields=["phone", "phone_alt"],
                          exclude_fields=["id_number", "id_hash", "phone_hash"], m2m_fields={"tags"})
        auditlog.register(HouseholdMember, mask_fields=["phone"], exclude_fields=["id_number", "id_hash"])
        for model in (PersonCategory, Category, Tag, ServiceRecord, Award, StatusChange, StatusProposal, Transfer,
                      PersonMerge, ImportJob):
            auditlog.register(model)

        from rongjia.core import contributions

        from . import timeline, workbench

        contributions.register_dossier(timeline.DOSSIER)
        from rongjia.core import files as core_files

        from . import files

        for maker in files.MAKERS:  # the batch of contact cards and the long export, made by the worker
            core_files.register(maker)
        for contribution in workbench.CONTRIBUTIONS:
            contributions.register_workbench(contribution)
