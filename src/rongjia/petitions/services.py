"""Every write of a petition: registration (with repeat, 越级 and collective detection) and each step."""

from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rongjia.core.audit import audit_actor
from rongjia.core.crypto import blind_index
from rongjia.core.idnumber import parse_id_number
from rongjia.core.models import OrgUnit
from rongjia.core.regions import COUNTY
from rongjia.core.scoping import get_visible_or_404
from rongjia.core.workflow import IllegalStep, transition  # noqa: F401  (IllegalStep: callers catch it from here)
from rongjia.people.models import Person

from . import workflow
from .models import Petition, Petitioner, PetitionEvent, PetitionNotice
from .services_files import attachment_add


def petitioner_hash(id_number: str) -> str:
    # The dossiers' purpose string: the same person is found across petitions and dossiers.
    return blind_index(id_number, purpose="person.id_number")


def petition_register(*, actor, unit: OrgUnit, channel: str, type: str, category: str, subject: str,
                      petitioners: list[dict], content: str = "", registered_on: date | None = None,
                      materials=()) -> Petition:
    """登记. Flags 重复信访 (same person, or same subject at the same unit, within 12 months), 越级 and 集体访.

    After 复核 the same matter (same person, same category) is not accepted again. `materials` are
    uploaded files (the letter, evidence): a bad one refuses the whole registration.
    """
    if not actor.can("petitions.handle"):
        raise PermissionDenied
    get_visible_or_404(OrgUnit.objects.all(), actor, pk=unit.pk)
    if not petitioners:
        raise ValidationError({"petitioners": _("Name at least one petitioner.")})
    today = timezone.localdate()
    registered_on = registered_on or today
    if registered_on > today:
        raise ValidationError({"registered_on": _("The date cannot be in the future.")})
    people = [_petitioner(p) for p in petitioners]
    _link_dossiers(actor, people)
    hashes = {p.id_hash for p in people if p.id_hash}
    # Only a 复核 the worker may open refuses the registration: refusing on one outside the scope would
    # tell the worker that this person petitioned elsewhere. Those are registered and flagged as repeats.
    if hashes and Petition.objects.visible_to(actor).filter(petitioners__id_hash__in=hashes, category=category,
                                                            state="rechecked").exists():
        raise ValidationError(_("This matter has been through 复核 (final review): it is not accepted again "
                                "(信访工作条例 Art. 36)."))
    with transaction.atomic(), audit_actor(actor):
        petition = Petition(unit=unit, region_code=unit.region_code, registered_at_unit=unit, channel=channel,
                            type=type, category=category, subject=subject.strip(), content=content.strip(),
                            registered_on=registered_on, registered_by=actor,
                            collective=len(people) >= workflow.COLLECTIVE_SIZE,
                            above_county=_above_county(unit, people),
                            due_on=workflow.ACCEPT_NOTICE.due(registered_on))
        petition.full_clean(exclude=["repeat_of", "registered_by"])
        petition.save()
        for person in people:
            person.petition = petition
        Petitioner.objects.bulk_create(people)
        since = registered_on - timedelta(days=365)
        earlier = Petition.objects.exclude(pk=petition.pk).filter(registered_on__gte=since)
        repeats = earlier.filter(petitioners__id_hash__in=hashes) if hashes else earlier.none()
        # The same matter without a known person: the same subject lodged at the same unit.
        repeats = set(repeats | earlier.filter(subject=petition.subject, registered_at_unit=unit))
        # Detection stays system-wide (the 条例 needs it); pages show each viewer only what it may open.
        petition.repeat_of.set(repeats)
        _tell_holders_of(repeats, registered_on)
        PetitionEvent.objects.create(petition=petition, action="register", from_state="", to_state=petition.state,
                                     actor=actor, on=today)
        for upload in materials:
            attachment_add(actor=actor, petition=petition, kind="material", upload=upload)
    return petition


def _tell_holders_of(earlier, day: date) -> None:
    """Each earlier petition's unit is told that it was lodged again (one notice per petition and day)."""
    for petition in earlier:
        PetitionNotice.objects.get_or_create(petition=petition, kind=PetitionNotice.Kind.REPEATED, due_on=day,
                                             defaults={"unit": petition.unit, "region_code": petition.region_code})


def _petitioner(data: dict) -> Petitioner:
    name = (data.get("name") or "").strip()
    if not name:
        raise ValidationError({"petitioners": _("Each petitioner needs a name.")})
    number, home = (data.get("id_number") or "").strip(), ""
    digest = ""
    if number:
        try:
            facts = parse_id_number(number)
        except ValidationError as exc:
            raise ValidationError({"petitioners": [f"{name}：{exc.messages[0]}"]}) from None
        digest, home = petitioner_hash(facts.number), facts.region_code.ljust(12, "0")
    return Petitioner(name=name, id_hash=digest, person_id=data.get("person_id"),
                      home_region_code=data.get("home_region_code") or home)


def _link_dossiers(actor, people: list[Petitioner]) -> None:
    """A petitioner with a dossier in the registering worker's scope is linked to it (by the ID's hash)."""
    hashes = {p.id_hash for p in people if p.id_hash and not p.person_id}
    found = dict(Person.objects.visible_to(actor).filter(id_hash__in=hashes).values_list("id_hash", "pk"))
    for petitioner in people:
        petitioner.person_id = petitioner.person_id or found.get(petitioner.id_hash)


def _above_county(unit: OrgUnit, people: list[Petitioner]) -> bool:
    """越级: lodged at a city or province while the petitioner's own county is below it."""
    return unit.level < COUNTY and any(p.home_region_code for p in people)


def petition_transition(*, actor, petition: Petition, action: str, note: str = "", version: int | None = None,
                        **data) -> Petition:
    """Take one step of the lifecycle (workflow.PETITION), if the state, the role and the window allow it."""
    return transition(workflow.PETITION, actor=actor, queryset=Petition.objects.all(), pk=petition.pk, action=action,
                      note=note, version=version, data=data)
