"""Every write of 人民调解: opening a case, recording a session, and the steps of mediation/workflow.MEDIATION."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rongjia.core.audit import audit_actor
from rongjia.core.models import OrgUnit
from rongjia.core.scoping import get_visible_or_404
from rongjia.core.workflow import transition
from rongjia.people.models import Person

from ..models import Petition
from .models import Mediation, MediationSession
from .workflow import MEDIATION


def _writer(actor) -> None:
    if not actor.can("petitions.handle"):
        raise PermissionDenied


def mediation_open(*, actor, unit: OrgUnit, parties: str, mediator: str, matter: str, opened_on: date | None = None,
                   petition: Petition | None = None, person_id: int | None = None) -> Mediation:
    """Open a case at a 调解委员会 or 老兵调解室 (`unit`), about a petition or standing alone."""
    _writer(actor)
    today = timezone.localdate()
    opened_on = opened_on or today
    lines = [line.strip() for line in (parties or "").splitlines() if line.strip()]
    errors = {}
    if len(lines) < 2:
        errors["parties"] = _("Name the parties, one a line (at least two).")
    if not (mediator or "").strip():
        errors["mediator"] = _("Name the mediator.")
    if not (matter or "").strip():
        errors["matter"] = _("Say what the dispute is about.")
    if opened_on > today:
        errors["opened_on"] = _("The date cannot be in the future.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic(), audit_actor(actor):
        unit = get_visible_or_404(OrgUnit.objects.all(), actor, pk=unit.pk)
        if petition is not None:
            petition = get_visible_or_404(Petition.objects.all(), actor, pk=petition.pk)
            if person_id is None:
                person_id = petition.petitioners.exclude(person_id=None).values_list("person_id", flat=True).first()
        if person_id is not None and not Person.objects.visible_to(actor).filter(pk=person_id).exists():
            if petition is None:
                raise ValidationError({"person_id": _("Choose a dossier in your area.")})
            person_id = None  # the petitioner's dossier is outside the actor's area: the names are enough
        mediation = Mediation(unit=unit, region_code=unit.region_code, petition=petition, parties="\n".join(lines),
                              person_id=person_id, mediator=mediator.strip(), matter=matter.strip(),
                              opened_on=opened_on, opened_by=actor)
        mediation.full_clean()
        mediation.save()
    return mediation


def session_add(*, actor, mediation: Mediation, held_on: date, place: str, summary: str) -> MediationSession:
    """One sitting, while the case is being mediated: on or after the opening day, not in the future."""
    _writer(actor)
    place, summary = (place or "").strip(), (summary or "").strip()
    errors = {}
    if not place:
        errors["place"] = _("Say where the session was held.")
    if not summary:
        errors["summary"] = _("Summarise the session.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic(), audit_actor(actor):
        mediation = get_visible_or_404(Mediation.objects.select_for_update(), actor, pk=mediation.pk)
        if mediation.state != Mediation.State.OPENED:
            raise ValidationError(_("Sessions are recorded while the case is being mediated."))
        if not isinstance(held_on, date) or not mediation.opened_on <= held_on <= timezone.localdate():
            raise ValidationError({"held_on": _("A session is held between the opening (%(day)s) and today.") % {
                "day": mediation.opened_on.isoformat()}})
        session = MediationSession.objects.create(mediation=mediation, held_on=held_on, place=place,
                                                  summary=summary, recorded_by=actor)
    return session


def mediation_step(*, actor, mediation: Mediation, action: str, note: str = "", version: int | None = None,
                   **data) -> Mediation:
    """A step of mediation/workflow.MEDIATION (agreement, failure, the check of performance)."""
    _writer(actor)
    if MEDIATION.step(action) is None:
        raise ValidationError({"action": _("Unknown step.")})
    return transition(MEDIATION, actor=actor, queryset=Mediation.objects.all(), pk=mediation.pk, action=action,
                      note=note, version=version, data=data)
