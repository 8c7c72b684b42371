"""Every write of a petition: registration (with repeat, 越级 and collective detection) and each step."""

from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from rongjia.core.audit import audit_actor
from rongjia.core.crypto import blind_index
from rongjia.core.idnumber import parse_id_number
from rongjia.core.models import OrgUnit, Region
from rongjia.core.regions import CITY, PREFIX_LENGTH, subtree_prefix
from rongjia.core.scoping import code_in_subtree, get_visible_or_404
from rongjia.core.workflow import IllegalStep, transition  # noqa: F401  (IllegalStep: callers catch it from here)
from rongjia.people.models import Person

from . import workflow
from .models import Petition, Petitioner, PetitionEvent, PetitionNotice
from .services_files import attachment_add


def petitioner_hash(id_number: str) -> str:
    # The dossiers' purpose string: the same person is found across petitions and dossiers.
    return blind_index(id_number, purpose="person.id_number")


# Art. 18: 多人采用走访形式提出共同的信访事项的，应当推选代表，代表人数不超过5人.
REPRESENTATIVES_MAX = 5


def petition_register(*, actor, unit: OrgUnit, channel: str, type: str, category: str, subject: str,
                      petitioners: list[dict], content: str = "", registered_on: date | None = None,
                      materials=(), headcount: int | None = None, same_facts_as: int | None = None) -> Petition:
    """登记 (信访工作条例 Arts. 22–23). Flags 重复信访 (same person, or same subject at the same unit, within
    12 months), 越级走访 (Art. 18) and 集体访.

    `petitioners`: each {"person_id": <dossier>} for someone on file in the worker's scope, or {"name", "id_number",
    "home_region_code"} for someone who is not. `headcount`: the people present at a visit (走访), the named
    petitioners being their representatives. `same_facts_as`: the 复核-concluded petition this one repeats with the
    same facts and reasons (Art. 36): it is registered and at once answered 不予受理, never silently refused.
    `materials` are uploaded files (the letter, evidence): a bad one refuses the whole registration.
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
    people = petitioners_resolve(actor, petitioners)
    headcount = _headcount(channel, headcount, len(people))
    earlier = _same_facts_as(actor, same_facts_as, people)
    hashes = {p.id_hash for p in people if p.id_hash}
    with transaction.atomic(), audit_actor(actor):
        petition = Petition(unit=unit, region_code=unit.region_code, registered_at_unit=unit, channel=channel,
                            type=type, category=category, subject=subject.strip(), content=content.strip(),
                            registered_on=registered_on, registered_by=actor, headcount=headcount,
                            collective=_collective(channel, headcount, len(people)),
                            above_county=_above_county(unit, channel, people),
                            due_on=workflow.ACCEPT_NOTICE.due(registered_on))
        petition.full_clean(exclude=["repeat_of", "registered_by"])
        petition.save()
        for person in people:
            person.petition = petition
        Petitioner.objects.bulk_create(people)
        since = registered_on - timedelta(days=365)
        earlier_ones = Petition.objects.exclude(pk=petition.pk).filter(registered_on__gte=since)
        repeats = earlier_ones.filter(petitioners__id_hash__in=hashes) if hashes else earlier_ones.none()
        # The same matter without a known person: the same subject lodged at the same unit.
        repeats = set(repeats | earlier_ones.filter(subject=petition.subject, registered_at_unit=unit))
        # Detection stays system-wide (the 条例 needs it); pages show each viewer only what it may open.
        petition.repeat_of.set(repeats)
        _tell_holders_of(repeats, registered_on)
        # 敏感时段: the centre that declared a period covering this unit is told (outreach imports this module)
        from .outreach.services import notify_sensitive_registration

        notify_sensitive_registration(petition)
        PetitionEvent.objects.create(petition=petition, action="register", from_state="", to_state=petition.state,
                                     actor=actor, on=today)
        for upload in materials:
            attachment_add(actor=actor, petition=petition, kind="material", upload=upload)
        if earlier is not None:
            # Art. 36: 信访人对复核意见不服，仍然以同一事实和理由提出信访请求的，不再受理. It is registered (the
            # petitioner came) and answered at once: the 不予受理告知书 carries this reason.
            petition = petition_transition(actor=actor, petition=petition, action="reject", note=_(
                "Not accepted again: the same facts and reasons as petition %(number)s, concluded by 复核 (final "
                "review) (信访工作条例 Art. 36).") % {"number": petition_number(earlier)})
    return petition


def petition_number(petition: Petition) -> str:
    """The number the documents print (信访编号): the year of registration and the record's id."""
    return f"{petition.registered_on:%Y}-{petition.pk:06d}"


def petitioners_resolve(actor, petitioners: list[dict]) -> list[Petitioner]:
    """The petitioners as rows: those on file from their dossier (which must be in the worker's scope), the
    others from the name and ID number given, linked to a dossier in scope when the ID number finds one."""
    wanted = {int(p["person_id"]) for p in petitioners if p.get("person_id")}
    on_file = {person.pk: person for person in Person.objects.visible_to(actor).filter(pk__in=wanted)
               .select_related("address_region")}
    if wanted - on_file.keys():  # missing or outside the scope: the same answer, and nothing written
        raise ValidationError({"petitioners": _("A chosen petitioner has no dossier in your area.")})
    people = [_from_dossier(on_file[int(p["person_id"])]) if p.get("person_id") else _not_on_file(p)
              for p in petitioners]
    _link_dossiers(actor, people)
    return people


def rechecked_matters(actor, *, petitioners: list[dict], category: str = ""):
    """The 复核-concluded petitions of these petitioners that the worker may open (in `category` if given):
    a repeat of one of them with the same facts and reasons is not accepted again (Art. 36). One outside the
    scope is not named: that would tell the worker that this person petitioned elsewhere."""
    people = petitioners_resolve(actor, petitioners)
    return _rechecked(actor, people, category)


def _rechecked(actor, people: list[Petitioner], category: str = ""):
    persons, hashes = {p.person_id for p in people if p.person_id}, {p.id_hash for p in people if p.id_hash}
    if not persons and not hashes:
        return Petition.objects.none()
    found = Petition.objects.visible_to(actor).filter(
        Q(petitioners__person_id__in=persons) | Q(petitioners__id_hash__in=hashes), state="rechecked")
    return (found.filter(category=category) if category else found).distinct().order_by("-registered_on", "-id")


def _same_facts_as(actor, pk, people: list[Petitioner]) -> Petition | None:
    """The earlier petition the worker says this one repeats: one of these petitioners', concluded by 复核, and
    open to the worker; anything else is refused before anything is written."""
    if pk in (None, ""):
        return None
    earlier = _rechecked(actor, people).filter(pk=pk).first() if str(pk).isdigit() else None
    if earlier is None:
        raise ValidationError({"same_facts_as": _(
            "This is not a petition of this petitioner concluded by 复核 (final review) that you may open.")})
    return earlier


def _headcount(channel: str, headcount: int | None, named: int) -> int | None:
    """The people present at a visit; the named petitioners are their representatives (Art. 18)."""
    if channel != Petition.Channel.VISIT:
        if headcount is not None:  # refused, not dropped: the worker meant something by it
            raise ValidationError({"headcount": _("The people present are recorded for a visit (走访) only.")})
        return None
    headcount = named if headcount is None else headcount  # nobody but the named came
    if headcount < named:
        raise ValidationError({"headcount": _("The people present cannot be fewer than the petitioners named.")})
    if named > REPRESENTATIVES_MAX:
        raise ValidationError({"petitioners": _(
            "A visit by more than %(n)d people names at most %(n)d representatives (信访工作条例 Art. 18): name "
            "the representatives and enter everyone in the people present.") % {"n": REPRESENTATIVES_MAX}})
    return headcount


def _collective(channel: str, headcount: int | None, named: int) -> bool:
    """集体访: five or more people at a visit; in writing, online or by phone, five or more named (co-signed)."""
    people = headcount if channel == Petition.Channel.VISIT else named
    return people >= workflow.COLLECTIVE_SIZE


def _tell_holders_of(earlier, day: date) -> None:
    """Each earlier petition's unit is told that it was lodged again (one notice per petition and day)."""
    for petition in earlier:
        PetitionNotice.objects.get_or_create(petition=petition, kind=PetitionNotice.Kind.REPEATED, due_on=day,
                                             defaults={"unit": petition.unit, "region_code": petition.region_code})


def _from_dossier(person: Person) -> Petitioner:
    # The place is where the person lives: the dossier's address region (not where the ID number was issued).
    return Petitioner(name=person.name, id_hash=person.id_hash, person_id=person.pk,
                      home_region_code=person.address_region.code)


def _not_on_file(data: dict) -> Petitioner:
    name = (data.get("name") or "").strip()
    if not name:
        raise ValidationError({"petitioners": _("Each petitioner needs a name.")})
    number, digest = (data.get("id_number") or "").strip(), ""
    if number:
        try:
            facts = parse_id_number(number)
        except ValidationError as exc:
            raise ValidationError({"petitioners": [f"{name}：{exc.messages[0]}"]}) from None
        digest = petitioner_hash(facts.number)
    # The home is what the worker chose, or nothing: the ID number's first digits say where it was first
    # issued, not where the person lives now, so they decide no 越级.
    home = (data.get("home_region_code") or "").strip()
    if home and not Region.objects.filter(code=home).exists():
        raise ValidationError({"home_region": _("Choose the region where the petitioner lives.")})
    return Petitioner(name=name, id_hash=digest, home_region_code=home)


def _link_dossiers(actor, people: list[Petitioner]) -> None:
    """A petitioner named without a dossier whose ID number finds one in the worker's scope is linked to it
    (by the ID's hash), and lives where the dossier says."""
    hashes = {p.id_hash for p in people if p.id_hash and not p.person_id}
    if not hashes:
        return
    found = {digest: (pk, code) for digest, pk, code in Person.objects.visible_to(actor).filter(
        id_hash__in=hashes).values_list("id_hash", "pk", "address_region__code")}
    for petitioner in people:
        if not petitioner.person_id and petitioner.id_hash in found:
            petitioner.person_id, petitioner.home_region_code = found[petitioner.id_hash]


def _above_county(unit: OrgUnit, channel: str, people: list[Petitioner]) -> bool:
    """越级走访 (Art. 18: 信访人采用走访形式提出信访事项，应当到有权处理的本级或者上一级机关设立或者指定的接待场所提出).

    The competent level is the county of the petitioner's home (the county centre handles veterans' matters), the
    one above it that county's city: a visit lodged above that city (at the province) skips both. A letter, an
    online petition or a call to any level is not 越级, nor is a visit by someone whose home is unknown.
    """
    if channel != Petition.Channel.VISIT or unit.level >= CITY:
        return False
    unit_prefix = subtree_prefix(unit.region_code, unit.level)
    return any(_home_city(p.home_region_code) and code_in_subtree(p.home_region_code, unit_prefix) for p in people)


def _home_city(code: str) -> str:
    """The city prefix of a home region code, or "" when the home is not known down to its city."""
    city = subtree_prefix(code, CITY)
    return city if len(city) == PREFIX_LENGTH[CITY] and not city.endswith("00") else ""


def petition_transition(*, actor, petition: Petition, action: str, note: str = "", version: int | None = None,
                        **data) -> Petition:
    """Take one step of the lifecycle (workflow.PETITION), if the state, the role and the window allow it."""
    return transition(workflow.PETITION, actor=actor, queryset=Petition.objects.all(), pk=petition.pk, action=action,
                      note=note, version=version, data=data)
