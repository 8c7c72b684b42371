"""What the dossier calls for, proposed to a worker, and the entitlements written when it is confirmed.

The dossier holds the facts (categories with their dates, the disability grade and cause, a death); the items
say who qualifies. `proposals_for` compares the two with the entitlements in force and proposes a new
entitlement, a change of its facts or its end; the worker confirms it with the month it takes effect. A month in
the past is allowed: the entitlements then say what each month was owed, and the next batch pays the difference
(back-pay) or recovers it, so a paid month is never edited. A refused proposal is not proposed again for the same
facts.
"""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from rongjia.core.audit import audit_actor
from rongjia.core.scoping import get_visible_or_404, subtree_q
from rongjia.people.models import Person, PersonCategory

from . import rules
from .models import BenefitItem, Entitlement, Proposal
from .periods import add_months, month_of
from .services import check_version, recipient_for, residence_guess

HANDLE = "benefits.handle"
C = Proposal.Change


@dataclass(frozen=True)
class Facts:
    """What the dossier says today, as the items read it."""

    categories: dict[int, date]  # category -> the day it began (those held today, or at death)
    grade: int | None
    cause: str
    residence: str
    age: int
    deceased_on: date | None


@dataclass(frozen=True)
class Draft:
    item: BenefitItem
    change: str
    month: date
    category_id: int | None
    grade: int | None
    cause: str
    entitlement: Entitlement | None
    reason: str


def facts_of(person: Person, today: date) -> Facts:
    day = person.deceased_on or today
    spans = PersonCategory.objects.filter(person=person, start_date__lte=day).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=day))
    recipient = getattr(person, "benefit_recipient", None)
    birth = person.birth_date
    age = day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))
    return Facts({span.category_id: span.start_date for span in spans}, person.disability_grade,
                 person.disability_cause, recipient.residence if recipient else residence_guess(person), age,
                 person.deceased_on)


def qualifying_categories(item: BenefitItem, facts: Facts, item_categories: set[int]) -> list[int]:
    """The person's categories through which the item is owed (none when another condition fails)."""
    if item.grade_min is not None and (facts.grade is None or facts.grade < item.grade_min):
        return []
    if item.grade_max is not None and (facts.grade is None or facts.grade > item.grade_max):
        return []
    if item.causes and facts.cause not in item.causes:
        return []
    if item.residence and facts.residence != item.residence:
        return []
    if item.min_age is not None and facts.age < item.min_age:
        return []
    return sorted(set(facts.categories) & item_categories)


def _best_category(item, categories, facts, standards, code, month) -> int:
    """Of two categories that both qualify, the one whose standard is higher (each item is paid once)."""
    def amount(category_id):
        basis = rules.Basis(category_id, facts.grade, facts.cause, facts.residence)
        return standards.amount(item.pk, code, month, basis) or 0
    return max(categories, key=lambda category_id: (amount(category_id), -category_id))


def proposals_for(person: Person, *, items=None, standards=None, today: date | None = None) -> list[Draft]:
    """The changes the dossier calls for now, against the person's entitlements in force."""
    today = today or timezone.localdate()
    items = items if items is not None else _items()
    code = person.station.region_code
    standards = standards or rules.Standards.bearing_on(code[:6])
    facts = facts_of(person, today)
    month = month_of(today)
    current = {e.item_id: e for e in Entitlement.objects.filter(person=person, state=Entitlement.State.ACTIVE)}
    drafts = []
    for item, item_categories in items:
        entitlement = current.get(item.pk)
        if facts.deceased_on:
            drafts += _after_death(item, item_categories, facts, entitlement, person)
            continue
        if item.trigger != BenefitItem.Trigger.STANDING:
            continue
        categories = qualifying_categories(item, facts, item_categories)
        if categories:
            category = _best_category(item, categories, facts, standards, code, month)
            if entitlement is None:
                drafts.append(Draft(item, C.NEW, month, category, facts.grade, facts.cause, None,
                                    _("Qualifies as %(category)s.") % {"category": _category_name(category)}))
            elif (entitlement.category_id, entitlement.grade, entitlement.cause) != (category, facts.grade,
                                                                                       facts.cause):
                drafts.append(Draft(item, C.CHANGE, month, category, facts.grade, facts.cause, entitlement,
                                    _describe_change(entitlement, category, facts)))
        elif entitlement is not None and (entitlement.end_month is None or entitlement.end_month >= month):
            drafts.append(Draft(item, C.END, add_months(month, -1), entitlement.category_id, entitlement.grade,
                                entitlement.cause, entitlement, _("No longer qualifies according to the dossier.")))
    return drafts


def _after_death(item, item_categories, facts, entitlement, person) -> list[Draft]:
    """A death ends the monthly items after the month of death and calls for the one-off death benefits."""
    death_month = month_of(facts.deceased_on)
    if item.recurring and entitlement is not None and (entitlement.end_month is None
                                                       or entitlement.end_month > death_month):
        return [Draft(item, C.END, death_month, entitlement.category_id, entitlement.grade, entitlement.cause,
                      entitlement, _("Died on %(day)s: owed through the month of death.") % {
                          "day": facts.deceased_on})]
    if item.trigger == BenefitItem.Trigger.DEATH and not Entitlement.objects.filter(person=person, item=item).exists():
        categories = qualifying_categories(item, facts, item_categories)
        if categories:
            return [Draft(item, C.NEW, death_month, categories[0], facts.grade, facts.cause, None,
                          _("Died on %(day)s: a death benefit for the survivors.") % {"day": facts.deceased_on})]
    return []


def _describe_change(entitlement, category, facts) -> str:
    if entitlement.grade != facts.grade:
        return _("Disability grade %(was)s → %(now)s in the dossier.") % {"was": entitlement.grade or "—",
                                                                         "now": facts.grade or "—"}
    if entitlement.cause != facts.cause:
        return _("Disability cause changed in the dossier.")
    return _("Category changed to %(category)s.") % {"category": _category_name(category)}


def _category_name(category_id) -> str:
    from rongjia.people.models import Category

    return str(Category.objects.filter(pk=category_id).values_list("name", flat=True).first() or "—")


def _items():
    items = list(BenefitItem.objects.filter(active=True).prefetch_related("categories"))
    return [(item, {category.pk for category in item.categories.all()}) for item in items]


# --- the queue -------------------------------------------------------------------------------------------------

def proposals_refresh(*, prefix: str, today: date | None = None) -> dict[str, int]:
    """Bring the open proposals of a subtree in line with the dossiers: new ones added, those the dossier no longer
    calls for withdrawn. Idempotent: `manage.py benefits_review` runs it nightly, a worker from the queue page."""
    today = today or timezone.localdate()
    items = _items()
    standards = rules.Standards.bearing_on(prefix[:6])
    counts = {"added": 0, "withdrawn": 0}
    people = (Person.objects.filter(subtree_q("station__region_code", prefix))
              .filter(Q(category_spans__category__in=[c for _item, cats in items for c in cats]) |
                      Q(entitlements__isnull=False)).distinct().select_related("station", "address_region",
                                                                              "benefit_recipient"))
    for person in people.iterator(chunk_size=500):
        drafts = proposals_for(person, items=items, standards=standards, today=today)
        with transaction.atomic():
            added, withdrawn = _sync(person, drafts)
        counts["added"] += added
        counts["withdrawn"] += withdrawn
    return counts


def _sync(person: Person, drafts: list[Draft]) -> tuple[int, int]:
    wanted = {draft.item.pk: draft for draft in drafts}
    open_ones = {p.item_id: p for p in Proposal.objects.filter(person=person, state=Proposal.State.OPEN)}
    refused = {(p.item_id, p.change, p.category_id, p.grade, p.cause)
               for p in Proposal.objects.filter(person=person, state=Proposal.State.REFUSED)}
    stale = [p.pk for item, p in open_ones.items() if item not in wanted or not _same(p, wanted[item])]
    Proposal.objects.filter(pk__in=stale).delete()
    added = 0
    for item_pk, draft in wanted.items():
        if item_pk in open_ones and open_ones[item_pk].pk not in stale:
            continue
        if (item_pk, draft.change, draft.category_id, draft.grade, draft.cause) in refused:
            continue
        Proposal.objects.create(person=person, item=draft.item, change=draft.change, month=draft.month,
                                category_id=draft.category_id, grade=draft.grade, cause=draft.cause,
                                entitlement=draft.entitlement, reason=draft.reason[:300])
        added += 1
    return added, len(stale)


def _same(proposal: Proposal, draft: Draft) -> bool:
    return (proposal.change, proposal.category_id, proposal.grade, proposal.cause, proposal.entitlement_id) == (
        draft.change, draft.category_id, draft.grade, draft.cause, getattr(draft.entitlement, "pk", None))


# --- deciding --------------------------------------------------------------------------------------------------

def proposal_confirm(*, actor, pk, month: date | None = None, payee=None, note: str = "",
                     version: int | None = None) -> Entitlement:
    """Write what the proposal says, taking effect in `month` (a first month owed, or for an end the last)."""
    if not actor.can(HANDLE):
        raise PermissionDenied
    with transaction.atomic(), audit_actor(actor):
        proposal = get_visible_or_404(Proposal.objects.select_for_update(of=("self",)).select_related(
            "item", "person__station"), actor, pk=pk)
        check_version(proposal, version)
        if proposal.state != Proposal.State.OPEN:
            raise ValidationError(_("This proposal has already been decided."))
        month = month_of(month or proposal.month)
        entitlement = _apply(proposal, month, payee, actor)
        proposal.state, proposal.month, proposal.note = Proposal.State.CONFIRMED, month, (note or "")[:300]
        proposal.decided_by, proposal.decided_at = actor, timezone.now()
        proposal.version += 1
        proposal.save(update_fields=["state", "month", "note", "decided_by", "decided_at", "version"])
    return entitlement


def proposal_refuse(*, actor, pk, note: str, version: int | None = None) -> Proposal:
    if not actor.can(HANDLE):
        raise PermissionDenied
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Give the reason.")})
    with transaction.atomic(), audit_actor(actor):
        proposal = get_visible_or_404(Proposal.objects.select_for_update(of=("self",)), actor, pk=pk)
        check_version(proposal, version)
        if proposal.state != Proposal.State.OPEN:
            raise ValidationError(_("This proposal has already been decided."))
        proposal.state, proposal.note, proposal.decided_by, proposal.decided_at = (
            Proposal.State.REFUSED, note[:300], actor, timezone.now())
        proposal.version += 1
        proposal.save(update_fields=["state", "note", "decided_by", "decided_at", "version"])
    return proposal


def _apply(proposal: Proposal, month: date, payee, actor) -> Entitlement:
    person, item = proposal.person, proposal.item
    today_month = month_of(timezone.localdate())
    if month > add_months(today_month, 12):
        raise ValidationError({"month": _("A change takes effect within the next twelve months.")})
    if payee is not None and not person.household.filter(pk=getattr(payee, "pk", payee)).exists():
        raise ValidationError({"payee": _("Choose a member of the person's household.")})
    recipient_for(person)
    old = proposal.entitlement
    if old is not None:
        old = Entitlement.objects.select_for_update().get(pk=old.pk)
        if old.state != Entitlement.State.ACTIVE:
            raise ValidationError(_("The entitlement this proposal changes has ended since: check the dossier again."))
    if proposal.change == C.END:
        return _end(old, month, actor)
    if proposal.change == C.CHANGE:
        if month <= old.start_month:
            raise ValidationError({"month": _("The change takes effect after %(month)s, when the entitlement began.")
                                   % {"month": f"{old.start_month:%Y-%m}"}})
        _end(old, add_months(month, -1), actor)
    elif Entitlement.objects.filter(person=person, item=item).filter(
            Q(end_month__isnull=True) | Q(end_month__gte=month)).exists():
        raise ValidationError({"month": _("%(item)s is already owed in or after %(month)s.") % {
            "item": item.name, "month": f"{month:%Y-%m}"}})
    return Entitlement.objects.create(
        person=person, item=item, start_month=month, category_id=proposal.category_id, grade=proposal.grade,
        cause=proposal.cause, payee_id=getattr(payee, "pk", payee), reason=proposal.reason, recompute_from=month,
        confirmed_by=actor)


def _end(entitlement: Entitlement, last_month: date, actor) -> Entitlement:
    if last_month < entitlement.start_month:
        raise ValidationError({"month": _("The last month owed cannot come before %(month)s, the first.") % {
            "month": f"{entitlement.start_month:%Y-%m}"}})
    following = add_months(last_month, 1)
    entitlement.end_month, entitlement.state = last_month, Entitlement.State.ENDED
    entitlement.recompute_from = min(entitlement.recompute_from or following, following)
    entitlement.version += 1
    entitlement.save(update_fields=["end_month", "state", "recompute_from", "version"])
    return entitlement
