"""Legal aid: the lawyer pool of a 法律援助工作站, referring a petition to a lawyer, and the outcome.

A referral moves through its own machine on core's engine (workflow.REFERRAL): referred → taken on or
declined → concluded.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rongjia.core.audit import audit_actor
from rongjia.core.errors import StaleVersion
from rongjia.core.models import OrgUnit
from rongjia.core.scoping import at_or_above_q, get_visible_or_404
from rongjia.core.workflow import transition

from ..models import Lawyer, LegalAidReferral, Petition, PetitionEvent
from ..workflow import REFERRAL
from .models import WEEKDAYS

LAWYER_FIELDS = ("name", "firm", "phone", "specialities", "duty_days", "active")


def _clean_lawyer(values: dict) -> dict:
    values = {name: values[name] for name in LAWYER_FIELDS if name in values}
    for name in ("name", "firm", "phone"):
        if name in values:
            values[name] = (values[name] or "").strip()
    if "specialities" in values and not set(values["specialities"]) <= set(Petition.Category.values):
        raise ValidationError({"specialities": _("Choose specialities from the list.")})
    days = {number for number, _label in WEEKDAYS}
    if "duty_days" in values:
        values["duty_days"] = sorted({int(d) for d in values["duty_days"]})
        if not set(values["duty_days"]) <= days:
            raise ValidationError({"duty_days": _("Duty days are Monday to Sunday.")})
    return values


def lawyer_save(*, actor, station: OrgUnit, lawyer: Lawyer | None = None, version: int | None = None,
                **values) -> Lawyer:
    """Add a lawyer to a workstation's pool, or change one (`version` guards against lost updates)."""
    if not actor.can("petitions.approve"):
        raise PermissionDenied
    values = _clean_lawyer(values)
    with transaction.atomic(), audit_actor(actor):
        station = get_visible_or_404(OrgUnit.objects.all(), actor, pk=station.pk)
        if lawyer is None:
            lawyer = Lawyer(**values)
        else:
            lawyer = get_visible_or_404(Lawyer.objects.select_for_update(), actor, pk=lawyer.pk)
            if version is not None and lawyer.version != version:
                raise StaleVersion
            for name, value in values.items():
                setattr(lawyer, name, value)
            lawyer.version += 1
        lawyer.station, lawyer.region_code = station, station.region_code
        lawyer.full_clean()
        lawyer.save()
    return lawyer


def lawyers_for(actor):
    """The lawyers a worker may refer to: those of the workstations at the worker's unit, the units above it
    (a village station uses the county's 法律援助工作站) and the units below it."""
    unit = actor.org_unit
    if unit is None or not actor.can("petitions.view"):
        return Lawyer.objects.none()
    above = Lawyer.objects.filter(at_or_above_q("region_code", unit.region_code))
    return (Lawyer.objects.visible_to(actor) | above).filter(active=True).select_related("station").distinct()


def referral_create(*, actor, petition: Petition, lawyer: Lawyer, question: str) -> LegalAidReferral:
    if not actor.can("petitions.handle"):
        raise PermissionDenied
    question = (question or "").strip()
    if not question:
        raise ValidationError({"question": _("Say what the lawyer is asked to help with.")})
    with transaction.atomic(), audit_actor(actor):
        petition = get_visible_or_404(Petition.objects.select_for_update(), actor, pk=petition.pk)
        if not lawyers_for(actor).filter(pk=lawyer.pk).exists():
            raise ValidationError({"lawyer": _("Choose an active lawyer of a workstation at or above your unit.")})
        if petition.referrals.filter(state__in=["referred", "accepted"]).exists():
            raise ValidationError(_("The petition is already with a lawyer; record that referral's outcome first."))
        today = timezone.localdate()
        referral = LegalAidReferral.objects.create(petition=petition, lawyer=lawyer, question=question,
                                                   referred_on=today, referred_by=actor)
        PetitionEvent.objects.create(petition=petition, action="legal_aid", from_state=petition.state,
                                     to_state=petition.state, note=question, actor=actor, on=today,
                                     data={"lawyer": lawyer.pk, "referral": referral.pk})
    return referral


def referral_step(*, actor, referral: LegalAidReferral, action: str, outcome: str = "",
                  version: int | None = None) -> LegalAidReferral:
    """A step of workflow.REFERRAL, recorded on the petition (the outcome or reason is the step's note)."""
    if not actor.can("petitions.handle"):
        raise PermissionDenied
    if REFERRAL.step(action) is None:
        raise ValidationError({"action": _("Unknown step.")})
    if REFERRAL.step(action).needs_note and not (outcome or "").strip():
        raise ValidationError({"outcome": _("Record the outcome or the reason.")})
    referrals = LegalAidReferral.objects.select_related("petition")
    return transition(REFERRAL, actor=actor, queryset=referrals, pk=referral.pk, action=action, note=outcome,
                      version=version)
