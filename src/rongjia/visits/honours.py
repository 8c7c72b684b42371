"""Honours: 光荣牌 (one per household) and 立功喜报 (delivered by the level the merit calls for), their states on
core's workflow engine.

光荣牌 (《光荣牌悬挂工作实施办法》, in force 2018-07-29): issued to the households of veterans and of the
families of serving members, martyrs and those who died in service; none for a person who died before the
rule began; withdrawn for a criminal penalty and the like, and restored; kept, not replaced, after death.

立功喜报 (seed 003): 八一勋章 and honorary titles are delivered by the province, 一等功 by the city, 二等功 by the
county, 三等功 by the county, which may leave it to the street.
"""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from rongjia.core.audit import audit_actor
from rongjia.core.models import OrgUnit, Region
from rongjia.core.regions import CITY, COUNTY, PREFIX_LENGTH, PROVINCE, STREET, pad_code
from rongjia.core.scoping import code_in_subtree, covers_code
from rongjia.core.uploads import image_as_small_jpeg
from rongjia.core.workflow import Machine, Step, transition
from rongjia.people.models import HouseholdMember, Person

from . import regimes
from .models import Merit, Plaque, PlaqueEvent

RULE_BEGAN = date(2018, 7, 29)
PHOTO_MAX_SIDE = 1600


# --- 光荣牌 -------------------------------------------------------------------------------------------

def _hang(plaque, actor, today, data):
    hung_on = data.get("hung_on") or today
    if hung_on > today or hung_on < plaque.issued_on:
        raise ValidationError({"hung_on": _("The day it was hung must lie between its issue and today.")})
    plaque.hung_on, plaque.ceremony = hung_on, (data.get("ceremony") or "").strip()
    if data.get("photo"):  # the ceremony's photo, checked and made small like a visit's
        jpeg, _width, _height = image_as_small_jpeg(data["photo"], max_side=PHOTO_MAX_SIDE, field="photo",
                                                    unreadable=_("Upload a JPEG or PNG photo."))
        plaque.photo.save("ceremony.jpg", ContentFile(jpeg), save=False)
    return {}


def _withdraw(plaque, actor, today, data):
    plaque.withdrawn_on, plaque.withdraw_reason = today, data["note"]
    return {}


def _restore(plaque, actor, today, data):
    plaque.withdrawn_on, plaque.withdraw_reason, plaque.hung_on = None, "", None  # hung again, with a new ceremony
    return {}


def _plaque_event(plaque, actor, step, from_state, note, data, today):
    PlaqueEvent.objects.create(plaque=plaque, action=step.action, from_state=from_state, to_state=plaque.state,
                               note=note or plaque.ceremony, actor=actor, on=today)


P = Plaque.State
PLAQUE = Machine(
    name="plaque", label=gettext_lazy("Honour plaque (光荣牌)"), states=Plaque.State, initial=P.ISSUED,
    record_event=_plaque_event, saved_fields=("hung_on", "ceremony", "photo", "withdrawn_on", "withdraw_reason"),
    steps=(
        Step("hang", pgettext_lazy("plaque step", "Hang with a ceremony"), (P.ISSUED,), P.HUNG, "visits.record",
             fields=("hung_on", "ceremony", "photo"), effect=_hang),
        Step("withdraw", pgettext_lazy("plaque step", "Withdraw"), (P.ISSUED, P.HUNG), P.WITHDRAWN, "visits.record",
             needs_note=True, effect=_withdraw, rule="《光荣牌悬挂工作实施办法》第十条"),
        Step("restore", pgettext_lazy("plaque step", "Restore"), (P.WITHDRAWN,), P.ISSUED, "visits.record",
             needs_note=True, effect=_restore),
    ))


def _household_plaque(person: Person) -> Plaque | None:
    """A plaque already given to this household: to a person on file who lives with this one (either way round)."""
    members = [h for h in person.household.values_list("id_hash", flat=True) if h]
    housemates = Person.objects.filter(Q(id_hash__in=members) | Q(
        pk__in=HouseholdMember.objects.filter(id_hash=person.id_hash).values("person_id"))).exclude(pk=person.pk)
    return Plaque.objects.filter(person__in=housemates).select_related("person").first()


def plaque_issue(*, actor, person_id: int, issued_on: date | None = None, on_application: bool = False) -> Plaque:
    if not actor.can("visits.record"):
        raise PermissionDenied
    person = Person.objects.visible_to(actor).select_related("station").filter(pk=person_id).first()
    if person is None:
        raise ValidationError({"person": _("This person has no dossier in your area.")})
    issued_on = issued_on or timezone.localdate()
    if issued_on > timezone.localdate():
        raise ValidationError({"issued_on": _("The date cannot be in the future.")})
    if person.deceased_on and person.deceased_on < RULE_BEGAN:
        raise ValidationError({"person": _("No plaque is issued for a person who died before 29 July 2018, when the "
                                           "plaque rule began.")})
    if Plaque.objects.filter(person=person).exists():
        raise ValidationError({"person": _("This household already has its plaque.")})
    if (other := _household_plaque(person)) is not None:
        raise ValidationError({"person": _("This household already has its plaque, through %(name)s.") % {
            "name": other.person.name if covers_code(actor, other.region_code) else _("a household member")}})
    with transaction.atomic(), audit_actor(actor):
        plaque = Plaque.objects.create(person=person, region_code=person.station.region_code, issued_on=issued_on,
                                       on_application=on_application)
        PlaqueEvent.objects.create(plaque=plaque, action="issue", to_state=plaque.state, actor=actor, on=issued_on,
                                   note=_("on application") if on_application else "")
    return plaque


def plaque_step(*, actor, plaque_id: int, action: str, version: int, note: str = "", **data) -> Plaque:
    return transition(PLAQUE, actor=actor, queryset=Plaque.objects.all(), pk=plaque_id, action=action, note=note,
                      version=version, data=data)


# --- 立功喜报 -----------------------------------------------------------------------------------------

DELIVERING_LEVEL = {Merit.Level.MEDAL: PROVINCE, Merit.Level.FIRST: CITY, Merit.Level.SECOND: COUNTY,
                    Merit.Level.THIRD: COUNTY}


def delivering_level(level: str, family_code: str) -> int:
    """The level that delivers a merit notice to a family living at `family_code`."""
    if level == Merit.Level.THIRD and any(r.street_delivers_third_class for r in regimes.rules_above(family_code)
                                          if len(r.jurisdiction_code) <= PREFIX_LENGTH[COUNTY]):
        return STREET
    return DELIVERING_LEVEL[level]


def delivering_unit(level: str, family_code: str) -> OrgUnit:
    at = delivering_level(level, family_code)
    return OrgUnit.objects.get(region_code=pad_code(family_code[:PREFIX_LENGTH[at]]),
                               kind__in=(OrgUnit.Kind.CENTRE, OrgUnit.Kind.STATION))


def merit_register(*, actor, soldier_name: str, level: str, awarded_on: date, family_name: str,
                   family_region_code: str, military_unit: str = "") -> Merit:
    if not actor.can("visits.record"):
        raise PermissionDenied
    region = Region.objects.filter(code=family_region_code).first()
    if region is None or not covers_code(actor, region.code):
        raise ValidationError({"family_region": _("Choose where the family lives, inside your area.")})
    if awarded_on > timezone.localdate():
        raise ValidationError({"awarded_on": _("The date cannot be in the future.")})
    if level not in Merit.Level.values:
        raise ValidationError({"level": _("Choose a merit from the list.")})
    merit = Merit(soldier_name=soldier_name.strip(), military_unit=military_unit.strip(), level=level,
                  awarded_on=awarded_on, family_name=family_name.strip(), family_region=region,
                  region_code=region.code, delivering_unit=delivering_unit(level, region.code), registered_by=actor)
    merit.full_clean(exclude=["registered_by"])
    with transaction.atomic(), audit_actor(actor):
        merit.save()
    return merit


def _check_deliverer(merit, step, actor) -> None:
    """Only the delivering unit, or a centre above it, records the delivery."""
    unit, own = merit.delivering_unit, actor.org_unit
    if own is None or own.level > unit.level or not code_in_subtree(unit.region_code,
                                                                    own.region_code[:PREFIX_LENGTH[own.level]]):
        raise ValidationError(_("This merit notice is delivered by %(unit)s.") % {"unit": unit.name})


def _deliver(merit, actor, today, data):
    delivered_on = data.get("delivered_on") or today
    if delivered_on > today or delivered_on < merit.awarded_on:
        raise ValidationError({"delivered_on": _("The day of delivery must lie between the award and today.")})
    merit.delivered_on, merit.ceremony = delivered_on, (data.get("ceremony") or "").strip()
    return {}


M = Merit.State
MERIT = Machine(
    name="merit", label=gettext_lazy("Merit notice (立功喜报)"), states=Merit.State, initial=M.REGISTERED,
    check_above=_check_deliverer, saved_fields=("delivered_on", "ceremony"),
    steps=(Step("deliver", pgettext_lazy("merit step", "Deliver with a ceremony"), (M.REGISTERED,), M.DELIVERED,
                "visits.record", fields=("delivered_on", "ceremony"), above="deliverer", effect=_deliver),))


def merit_step(*, actor, merit_id: int, action: str, version: int, note: str = "", **data) -> Merit:
    return transition(MERIT, actor=actor, queryset=Merit.objects.all(), pk=merit_id, action=action, note=note,
                      version=version, data=data)
