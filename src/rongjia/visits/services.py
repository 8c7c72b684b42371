"""Every write of visits and care: a visit (with its photos and follow-ups), a 必访 owed, a regime, a campaign.

A visit made on a phone without signal is sent later, perhaps twice: its `client_id` (made on the phone)
makes the second sending return the first visit instead of storing another.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from rongjia.accounts.models import User
from rongjia.core.audit import audit_actor
from rongjia.core.errors import StaleVersion
from rongjia.core.models import OrgUnit
from rongjia.core.payments import spend_from_fund
from rongjia.core.regions import PREFIX_LENGTH
from rongjia.core.scoping import code_in_subtree, scope_prefix, subtree_q
from rongjia.core.uploads import image_as_small_jpeg
from rongjia.people.models import Person

from . import festivals, regimes
from .models import Campaign, DueVisit, FollowUp, Regime, Visit, VisitPhoto

PHOTO_MAX_SIDE = 1600
PHOTOS_MAX = 6
SIGNATURE_MAX_SIDE = 800


@dataclass(frozen=True)
class NeedIn:
    need: str
    owner_id: int
    due_on: date


def _person_in_scope(actor, person_id) -> Person:
    person = Person.objects.visible_to(actor).select_related("station").filter(pk=person_id).first()
    if person is None:  # missing or outside the scope: the same answer, nothing written
        raise ValidationError({"person": _("This person has no dossier in your area.")})
    return person


def _check_day(person: Person, visited_on: date, today: date) -> None:
    if visited_on > today:
        raise ValidationError({"visited_on": _("A visit cannot be dated in the future.")})
    if visited_on < person.birth_date:
        raise ValidationError({"visited_on": _("The date is before the person was born.")})
    if person.deceased_on and visited_on > person.deceased_on:
        raise ValidationError({"visited_on": _("The date is after the person died.")})


def _photos_checked(photos) -> list[tuple[bytes, int, int]]:
    """Every photo checked and made small before anything is written: one bad photo refuses the visit."""
    if len(photos) > PHOTOS_MAX:
        raise ValidationError({"photos": _("At most %(count)d photos a visit.") % {"count": PHOTOS_MAX}})
    return [image_as_small_jpeg(photo, max_side=PHOTO_MAX_SIDE, field="photos",
                                unreadable=_("“%(name)s” is not a JPEG or PNG photo.") % {"name": photo.name})
            for photo in photos]


def _owners_in_scope(actor, needs: list[NeedIn], today: date) -> dict[int, User]:
    owners = {u.pk: u for u in User.objects.visible_to(actor).filter(pk__in={n.owner_id for n in needs},
                                                                   is_active=True)}
    for need in needs:
        if not need.need.strip():
            raise ValidationError({"needs": _("Say what is needed.")})
        if need.owner_id not in owners:
            raise ValidationError({"needs": _("Choose someone in your area to see to each need.")})
        if need.due_on < today:
            raise ValidationError({"needs": _("A follow-up cannot be due in the past.")})
    return owners


def _campaign_checked(actor, person: Person, campaign_id, money: Decimal | None, visited_on: date):
    if not campaign_id:
        return None
    campaign = Campaign.objects.visible_to(actor).filter(pk=campaign_id).first()
    if campaign is None or not code_in_subtree(person.station.region_code, campaign.jurisdiction_code):
        raise ValidationError({"campaign": _("This campaign does not reach this person's station.")})
    if not campaign.starts_on <= visited_on <= campaign.ends_on:
        raise ValidationError({"campaign": _("The visit is outside the campaign's days (%(start)s – %(end)s).") % {
            "start": campaign.starts_on.isoformat(), "end": campaign.ends_on.isoformat()}})
    if campaign.budget_per_person is not None and money:
        given = campaign.visits.filter(person=person).aggregate(total=Sum("money"))["total"] or Decimal(0)
        if given + money > campaign.budget_per_person:
            raise ValidationError({"money": _(
                "Over the campaign's budget: %(budget)s yuan a person, %(given)s already given to this person.") % {
                "budget": campaign.budget_per_person, "given": given}})
    return campaign


def visit_record(*, actor, person_id: int, visited_on: date, kind: str = Visit.Kind.REGULAR,
                 place: str = Visit.Place.HOME, companions: str = "", findings: str = "", money: Decimal | None = None,
                 fund: str = "", goods: str = "", campaign_id: int | None = None, client_id=None, photos=(),
                 needs: list[NeedIn] = (), signature=None, fund_account: int | None = None) -> tuple[Visit, bool]:
    """Record a visit; returns it and whether it is new (False: this `client_id` was stored before).

    `fund_account`: the visit money is paid out of that fund and written in its ledger (core.payments), in the
    same transaction; a fund that cannot cover it refuses the visit whole."""
    if not actor.can("visits.record"):
        raise PermissionDenied
    if client_id is not None:
        earlier = Visit.objects.visible_to(actor).filter(client_id=client_id).first()
        if earlier is not None:
            return earlier, False
    today = timezone.localdate()
    person = _person_in_scope(actor, person_id)
    _check_day(person, visited_on, today)
    if money is not None and money < 0:
        raise ValidationError({"money": _("The amount cannot be negative.")})
    if money and not fund.strip() and not fund_account:
        raise ValidationError({"fund": _("Say which fund the money came from.")})
    campaign = _campaign_checked(actor, person, campaign_id, money, visited_on)
    owners = _owners_in_scope(actor, list(needs), today)
    small_photos = _photos_checked(list(photos))
    signed = image_as_small_jpeg(signature, max_side=SIGNATURE_MAX_SIDE, field="signature",
                                 unreadable=_("The signature is not a JPEG or PNG image."))[0] if signature else None
    visit = Visit(person=person, station=person.station, region_code=person.station.region_code, kind=kind,
                  visited_on=visited_on, place=place, companions=companions.strip(), findings=findings.strip(),
                  money=money, fund=fund.strip(), goods=goods.strip(), campaign=campaign, recorded_by=actor,
                  **({"client_id": client_id} if client_id is not None else {}))
    visit.full_clean(exclude=["recorded_by", "client_id"])
    try:
        with transaction.atomic(), audit_actor(actor):
            if money and fund_account:
                visit.fund = spend_from_fund(actor=actor, fund_id=fund_account, amount=money, on=visited_on,
                                             note=_("Visit money: %(name)s, %(day)s") % {
                                                 "name": person.name, "day": visited_on.isoformat()})[:60]
            if signed:
                visit.signature.save("signature.jpg", ContentFile(signed), save=False)
            visit.save()
            for jpeg, width, height in small_photos:
                photo = VisitPhoto(visit=visit, width=width, height=height)
                photo.image.save("photo.jpg", ContentFile(jpeg), save=False)
                photo.save()
            FollowUp.objects.bulk_create(FollowUp(visit=visit, need=n.need.strip(), owner=owners[n.owner_id],
                                                  due_on=n.due_on) for n in needs)
            # The visits owed (必访) that this one meets: those that arose on or before its day.
            DueVisit.objects.filter(person=person, visit__isnull=True, occurred_on__lte=visited_on).update(visit=visit)
    except IntegrityError:  # the same client_id arrived twice at once: the other request stored it
        if client_id is None:
            raise
        earlier = Visit.objects.visible_to(actor).filter(client_id=client_id).first()
        if earlier is None:
            raise ValidationError({"client_id": _("This visit was already sent from another account.")}) from None
        return earlier, False
    return visit, True


def due_visit_raise(*, actor, person_id: int, occasion: str, occurred_on: date, note: str = "") -> DueVisit:
    """Something happened (illness, bereavement, a disaster…): a visit is owed within the regime's days."""
    if not actor.can("visits.record"):
        raise PermissionDenied
    person = _person_in_scope(actor, person_id)
    if occurred_on > timezone.localdate():
        raise ValidationError({"occurred_on": _("The date cannot be in the future.")})
    if occasion not in DueVisit.Occasion.values:
        raise ValidationError({"occasion": _("Choose an occasion from the list.")})
    return due_visit_add(person, occasion, occurred_on, note=note.strip(), actor=actor)


def due_visit_add(person: Person, occasion: str, occurred_on: date, *, note: str = "", actor=None,
                  rule: regimes.Rule | None = None) -> DueVisit:
    """The visit owed on an occasion, once (the checks are the caller's: a worker's request, or a job)."""
    rule = rule or regimes.effective_for(person.station.region_code)
    with transaction.atomic(), audit_actor(actor):
        due, _created = DueVisit.objects.get_or_create(
            person=person, occasion=occasion, occurred_on=occurred_on,
            defaults={"region_code": person.station.region_code, "note": note, "raised_by": actor,
                      "due_on": occurred_on + timedelta(days=rule.trigger_days)})
    return due


ROUND_BIRTHDAYS = (80, 90, 100)
BIRTHDAY_NOTICE_DAYS = 14


def birthday_visits_raise(*, today: date, prefix: str = "") -> int:
    """Visits owed for the 80th, 90th and 100th birthdays of the next two weeks (idempotent: a second run of the
    same day adds nothing). Run daily by `raise_due_visits`."""
    created = 0
    for age in ROUND_BIRTHDAYS:
        born_from = _years_before(today, age)
        born_until = _years_before(today + timedelta(days=BIRTHDAY_NOTICE_DAYS), age)
        people = (Person.objects.filter(subtree_q("station__region_code", prefix), status=Person.Status.ACTIVE,
                                        birth_date__range=(born_from, born_until)).select_related("station"))
        for person in people:
            birthday = _birthday(person.birth_date, age)
            if not DueVisit.objects.filter(person=person, occasion=DueVisit.Occasion.BIRTHDAY,
                                           occurred_on=birthday).exists():
                due_visit_add(person, DueVisit.Occasion.BIRTHDAY, birthday)
                created += 1
    return created


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year without one
        return day.replace(year=day.year - years, day=28)


def _birthday(born: date, age: int) -> date:
    try:
        return born.replace(year=born.year + age)
    except ValueError:
        return born.replace(year=born.year + age, day=28)


def regime_save(*, actor, version: int | None = None, **fields) -> Regime:
    """The regime of the actor's own jurisdiction: refused where it would loosen the rule set above."""
    if not actor.can("visits.manage"):
        raise PermissionDenied
    jurisdiction = scope_prefix(actor)
    if jurisdiction is None:
        raise PermissionDenied
    proposed = regimes.Rule(**{name: fields[name] for name in regimes.STRICTER_IS_MORE})
    looser = proposed.looser_than(regimes.inherited_rule(jurisdiction))
    if looser:
        raise ValidationError(regimes.loosening_message(looser))
    with transaction.atomic(), audit_actor(actor):
        regime = Regime.objects.select_for_update().filter(jurisdiction_code=jurisdiction).first()
        if regime is None:
            regime = Regime(jurisdiction_code=jurisdiction)
        elif version is not None and regime.version != version:
            raise StaleVersion
        else:
            regime.version += 1
        for name, value in fields.items():
            setattr(regime, name, value)
        regime.updated_by = actor
        regime.full_clean()
        regime.save()
    return regime


def campaign_launch(*, actor, name: str, kind: str, year: int | None = None, target: str = Campaign.Target.PRIORITY,
                    budget_per_person: Decimal | None = None, starts_on: date | None = None,
                    ends_on: date | None = None) -> Campaign:
    """A centre's campaign for its subtree; a festival's days follow from its date (春节 and 重阳: lunar)."""
    if not actor.can("visits.manage"):
        raise PermissionDenied
    unit: OrgUnit = actor.org_unit
    today = timezone.localdate()
    if year is not None and not festivals.FIRST_YEAR <= year <= festivals.LAST_YEAR:
        raise ValidationError({"year": _("Give a year between %(first)d and %(last)d.") % {
            "first": festivals.FIRST_YEAR, "last": festivals.LAST_YEAR}})
    festival_on = festivals.festival_day(kind, year or today.year) if kind != Campaign.Kind.SPECIAL else None
    if kind != Campaign.Kind.SPECIAL and festival_on is None:
        raise ValidationError({"kind": _("Choose a campaign kind from the list.")})
    if festival_on is not None:
        window = festivals.default_window(festival_on)
        starts_on, ends_on = starts_on or window[0], ends_on or window[1]
    if starts_on is None or ends_on is None:
        raise ValidationError({"starts_on": _("Give the campaign's first and last day.")})
    if ends_on < starts_on:
        raise ValidationError({"ends_on": _("The last day is before the first.")})
    if budget_per_person is not None and budget_per_person < 0:
        raise ValidationError({"budget_per_person": _("The budget cannot be negative.")})
    campaign = Campaign(unit=unit, jurisdiction_code=unit.region_code[:PREFIX_LENGTH[unit.level]], name=name.strip(),
                        kind=kind, target=target, festival_on=festival_on, starts_on=starts_on, ends_on=ends_on,
                        budget_per_person=budget_per_person, created_by=actor)
    campaign.full_clean(exclude=["created_by"])
    with transaction.atomic(), audit_actor(actor):
        campaign.save()
    return campaign


def follow_up_close(*, actor, follow_up_id: int, outcome: str, version: int) -> FollowUp:
    if not actor.can("visits.record"):
        raise PermissionDenied
    if not outcome.strip():
        raise ValidationError({"outcome": _("Say what was done.")})
    with transaction.atomic(), audit_actor(actor):
        follow_up = FollowUp.objects.visible_to(actor).select_for_update(of=("self",)).filter(pk=follow_up_id).first()
        if follow_up is None:
            raise ValidationError({"follow_up": _("No such follow-up in your area.")})
        if follow_up.version != version:
            raise StaleVersion
        follow_up.done_on, follow_up.outcome = timezone.localdate(), outcome.strip()
        follow_up.version += 1
        follow_up.save(update_fields=["done_on", "outcome", "version"])
    return follow_up
