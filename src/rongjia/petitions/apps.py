from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PetitionsConfig(AppConfig):
    name = "rongjia.petitions"
    label = "petitions"
    verbose_name = _("Petitions")

    def ready(self):
        from auditlog.registry import auditlog

        from .models import Feedback, Lawyer, LegalAidReferral, Petition, PetitionAttachment, Petitioner, PetitionReply

        auditlog.register(Petition)
        auditlog.register(PetitionReply)
        auditlog.register(Petitioner, exclude_fields=["id_hash"])
        auditlog.register(PetitionAttachment, exclude_fields=["file"])
        auditlog.register(Lawyer)
        auditlog.register(LegalAidReferral)
        auditlog.register(Feedback, exclude_fields=["receipt_hash"])
        from rongjia.core import history

        from .legal_aid.models import WEEKDAYS
        from .workflow import State

        # The state is kept by the workflow machine, a lawyer's lists hold codes: history shows their labels.
        history.register_words(Petition, "state", State.choices)
        history.register_words(Lawyer, "specialities", Petition.Category.choices)
        history.register_words(Lawyer, "duty_days", WEEKDAYS)
        from .mediation.models import Mediation, MediationSession
        from .outreach.models import Meeting, ReceptionDay, SensitivePeriod

        for model in (Meeting, ReceptionDay, SensitivePeriod, Mediation, MediationSession):
            auditlog.register(model)
        from rongjia.core import contributions
        from rongjia.core import measures as core_measures
        from rongjia.core.signals import holidays_changed

        from . import dossier, measures, workbench
        from .recompute import recompute_deadlines

        contributions.register_dossier(dossier.DOSSIER)
        for measure in measures.MEASURES:
            core_measures.register(measure)
        for contribution in workbench.CONTRIBUTIONS:
            contributions.register_workbench(contribution)
        # Deadlines counted before their year's holidays were loaded are counted again when they are.
        holidays_changed.connect(recompute_deadlines, dispatch_uid="petitions.recompute_deadlines")
