"""Every write of the benefits module outside the batches (DESIGN rule 2): standard tables and the payment
policy, recipients and their accounts, life certification and suspension. Scoped, audited, refused whole on bad
input. Entitlements are written from proposals (`proposals.py`), batches by `batches.py`.
"""

from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Coalesce, Least
from django.utils import timezone
from django.utils.translation import gettext as _

from rongjia.core import sightings
from rongjia.core.audit import audit_actor, log_access
from rongjia.core.errors import StaleVersion
from rongjia.core.scoping import get_visible_or_404, scope_prefix, subtree_q
from rongjia.people.models import Category, Person
from rongjia.people.reference import DISABILITY_CAUSE_CHOICES

from .accounts import account_hash, luhn_ok, normalised
from .models import (
    BankFormat,
    Certification,
    Entitlement,
    PaymentAccount,
    Policy,
    Recipient,
    Residence,
    StandardRate,
    StandardTable,
)
from .periods import add_months, month_of
from .policies import policy_for

HANDLE, STANDARDS = "benefits.handle", "benefits.standards"


def require(actor, capability: str) -> None:
    if not actor.can(capability):
        raise PermissionDenied


def person_in_scope(actor, person_pk) -> Person:
    person = Person.objects.visible_to(actor).select_related("station", "address_region").filter(
        pk=getattr(person_pk, "pk", person_pk)).first() if person_pk else None
    if person is None:
        raise ValidationError({"person": _("Choose a person from the dossiers of your area.")})
    return person


def check_version(record, version: int | None) -> None:
    if version is not None and record.version != version:
        raise StaleVersion


# --- standard tables -------------------------------------------------------------------------------------------

def _own_jurisdiction(actor, jurisdiction_code: str) -> str:
    """National tables are reference data (the system administrator's); a centre enters its own jurisdiction's."""
    if jurisdiction_code == "":
        require(actor, "reference.manage")
        return ""
    require(actor, STANDARDS)
    if jurisdiction_code != scope_prefix(actor):
        raise ValidationError({"jurisdiction_code": _("A centre enters the standards of its own area only.")})
    return jurisdiction_code


def _rates(rows) -> list[StandardRate]:
    """The table's amounts as the form or the API gives them: each condition once, amounts in yuan."""
    rates, seen = [], set()
    for number, row in enumerate(rows, start=1):
        try:
            amount = Decimal(str(row.get("amount", "")))
        except (InvalidOperation, ValueError):
            amount = None
        if amount is None or not amount.is_finite() or amount < 0 or amount != amount.quantize(Decimal("0.01")):
            raise ValidationError({"rates": _("Line %(line)d: give the amount in yuan, e.g. 43560 or 43560.50.") % {
                "line": number}})
        rate = StandardRate(category_id=row.get("category") or None, grade=row.get("grade") or None,
                            cause=row.get("cause") or "", residence=row.get("residence") or "", amount=amount)
        key = (rate.category_id, rate.grade, rate.cause, rate.residence)
        if key in seen:
            raise ValidationError({"rates": _("Line %(line)d repeats the conditions of an earlier line.") % {
                "line": number}})
        if rate.grade is not None and not 1 <= int(rate.grade) <= 10:
            raise ValidationError({"rates": _("Line %(line)d: a disability grade is 1 to 10.") % {"line": number}})
        if rate.residence not in ("", *Residence.values):
            raise ValidationError({"rates": _("Line %(line)d: choose urban or rural.") % {"line": number}})
        if rate.cause not in ("", *(code for code, _label in DISABILITY_CAUSE_CHOICES)):
            raise ValidationError({"rates": _("Line %(line)d: choose a disability cause.") % {"line": number}})
        if rate.category_id is not None and not Category.objects.filter(pk=rate.category_id).exists():
            raise ValidationError({"rates": _("Line %(line)d: choose a category.") % {"line": number}})
        seen.add(key)
        rates.append(rate)
    if not rates:
        raise ValidationError({"rates": _("Give at least one amount.")})
    return rates


def _overlapping(table: StandardTable):
    """Tables of the same item, jurisdiction and kind whose dates meet this one's."""
    others = StandardTable.objects.filter(item=table.item, jurisdiction_code=table.jurisdiction_code,
                                          kind=table.kind).exclude(pk=table.pk)
    others = others.filter(Q(effective_until__isnull=True) | Q(effective_until__gte=table.effective_from))
    return others.filter(effective_from__lte=table.effective_until) if table.effective_until else others


def standard_table_create(*, actor, item, jurisdiction_code: str, kind: str, title: str, effective_from: date,
                          effective_until: date | None = None, document: str = "", rates) -> StandardTable:
    """A new table of amounts. The open table before it is closed the day before this one starts; one whose dates
    overlap otherwise is refused. Every entitlement the table bears on is recomputed from its start by the next
    batch: a standard raised retroactively becomes back-pay, never an edit of a paid month."""
    jurisdiction_code = _own_jurisdiction(actor, jurisdiction_code)
    if effective_until and effective_until < effective_from:
        raise ValidationError({"effective_until": _("The end comes before the start.")})
    table = StandardTable(item=item, jurisdiction_code=jurisdiction_code, kind=kind, title=title.strip(),
                          document=document.strip(), effective_from=effective_from, effective_until=effective_until,
                          created_by=actor)
    table.full_clean(exclude=["item", "created_by"])
    rows = _rates(rates)
    with transaction.atomic(), audit_actor(actor):
        previous = _overlapping(table).filter(effective_until__isnull=True, effective_from__lt=effective_from)
        for open_table in previous.select_for_update():
            open_table.effective_until = effective_from - timedelta(days=1)
            open_table.version += 1
            open_table.save(update_fields=["effective_until", "version"])
        clash = _overlapping(table).first()
        if clash is not None:
            raise ValidationError({"effective_from": _("The dates overlap “%(title)s” (%(start)s to %(end)s).") % {
                "title": clash.title, "start": clash.effective_from, "end": clash.effective_until or "—"}})
        table.save()
        for rate in rows:
            rate.table = table
        StandardRate.objects.bulk_create(rows)
        mark_item(item=item, jurisdiction_code=jurisdiction_code, since=effective_from)
    return table


def mark_item(*, item, jurisdiction_code: str, since: date) -> int:
    """Recompute, in the next batches, the periods from `since` of every entitlement to `item` under a jurisdiction."""
    entitlements = Entitlement.objects.filter(item=item).filter(
        Q(end_month__isnull=True) | Q(end_month__gte=month_of(since)))
    if jurisdiction_code:
        entitlements = entitlements.filter(subtree_q("person__station__region_code", jurisdiction_code))
    return mark(entitlements, month_of(since))


def mark(entitlements, month: date) -> int:
    """Set the first period to recompute to `month`, unless an earlier one is already marked."""
    return Entitlement.objects.filter(pk__in=entitlements.values("pk")).update(
        recompute_from=Least(Coalesce("recompute_from", month), month))


def policy_set(*, actor, certification_months: int, grace_days: int, change_threshold: int,
               version: int | None = None) -> Policy:
    """The actor's own jurisdiction's payment policy (created at the first save)."""
    require(actor, STANDARDS)
    prefix = scope_prefix(actor)
    with transaction.atomic(), audit_actor(actor):
        policy, _created = Policy.objects.select_for_update().get_or_create(jurisdiction_code=prefix)
        if not _created:
            check_version(policy, version)
        policy.certification_months, policy.grace_days = certification_months, grace_days
        policy.change_threshold = change_threshold
        policy.full_clean()
        policy.version += 0 if _created else 1
        policy.save()
    return policy


# --- recipients and accounts -----------------------------------------------------------------------------------

def residence_guess(person: Person) -> str:
    """Urban for a 社区/居委会, rural for a 村: what the address's village-level unit says, until a worker says more."""
    name = person.address_region.name
    return Residence.URBAN if ("社区" in name or "居委会" in name) else Residence.RURAL


def recipient_for(person: Person, *, today: date | None = None) -> Recipient:
    """The person's payment standing, opened at the first entitlement: life certified a cycle from now."""
    recipient = Recipient.objects.filter(person=person).first()
    if recipient is not None:
        return recipient
    today = today or timezone.localdate()
    months = policy_for(person.station.region_code).certification_months
    return Recipient.objects.create(person=person, residence=residence_guess(person),
                                    certification_due=_months_after(today, months))


def _months_after(day: date, months: int) -> date:
    first = add_months(month_of(day), months)
    return first.replace(day=min(day.day, 28))


def residence_set(*, actor, person, residence: str, version: int | None = None) -> Recipient:
    """Urban or rural, as the household register says: the standards differ, so every open period is recomputed."""
    require(actor, HANDLE)
    person = person_in_scope(actor, person)
    if residence not in Residence.values:
        raise ValidationError({"residence": _("Choose urban or rural.")})
    with transaction.atomic(), audit_actor(actor):
        recipient = recipient_for(person)
        recipient = Recipient.objects.select_for_update().get(pk=recipient.pk)
        check_version(recipient, version)
        if recipient.residence != residence:
            recipient.residence = residence
            recipient.version += 1
            recipient.save(update_fields=["residence", "version"])
            mark(Entitlement.objects.filter(person=person, state=Entitlement.State.ACTIVE),
                 month_of(timezone.localdate()))
    return recipient


def _bank_checks(bank: str) -> bool:
    """Whether the bank's file format defines a check digit for its account numbers."""
    return BankFormat.objects.filter(bank=bank, active=True, account_check="luhn").exists()


def account_add(*, actor, person, bank: str, number: str, holder: str = PaymentAccount.Holder.SELF,
                holder_name: str = "", household_member=None, reason: str = "") -> PaymentAccount:
    """The account the person's money goes to from now; the one before stays on record, no longer in use."""
    require(actor, HANDLE)
    person = person_in_scope(actor, person)
    number, bank, reason = normalised(number), (bank or "").strip(), (reason or "").strip()
    errors = {}
    if not bank:
        errors["bank"] = _("Give the bank.")
    if not number.isdigit() or not 12 <= len(number) <= 30:
        errors["number"] = _("An account number is 12 to 30 digits.")
    elif _bank_checks(bank) and not luhn_ok(number):
        errors["number"] = _("This number fails %(bank)s's check digit: check it against the card.") % {"bank": bank}
    if holder not in PaymentAccount.Holder.values:
        errors["holder"] = _("Choose who holds the account.")
    elif holder != PaymentAccount.Holder.SELF and not reason:
        errors["reason"] = _("Say why the money goes to a guardian or agent.")
    if household_member is not None and not person.household.filter(pk=getattr(household_member, "pk",
                                                                              household_member)).exists():
        errors["household_member"] = _("Choose a member of the person's household.")
    if errors:
        raise ValidationError(errors)
    name = (holder_name or "").strip() or (person.name if holder == PaymentAccount.Holder.SELF else "")
    if not name:
        raise ValidationError({"holder_name": _("Give the holder's name.")})
    with transaction.atomic(), audit_actor(actor):
        PaymentAccount.objects.filter(person=person, active=True).update(active=False)
        return PaymentAccount.objects.create(
            person=person, bank=bank, number=number, number_hash=account_hash(number), last_digits=number[-4:],
            passes_luhn=luhn_ok(number),
            holder=holder, holder_name=name[:40], household_member_id=getattr(household_member, "pk",
                                                                               household_member),
            reason=reason[:200], created_by=actor)


def account_reveal(*, actor, pk, reason: str = "") -> str:
    """The full account number, for one account the actor may open: an audited read."""
    if not actor.can("people.reveal"):
        raise PermissionDenied
    account = get_visible_or_404(PaymentAccount, actor, pk=pk)
    log_access(actor=actor, obj=account, what="number", reason=reason)
    return account.number


# --- life certification ----------------------------------------------------------------------------------------

def certify(*, actor, person, on: date, method: str, note: str = "") -> Certification:
    """The person was seen alive on `on`: the next certification falls due a cycle later, and a payment suspended
    for want of it resumes, every month since the suspension paid as back-pay in the next batch."""
    require(actor, HANDLE)
    person = person_in_scope(actor, person)
    return record_certification(actor=actor, person=person, on=on, method=method, note=note)


def record_certification(*, actor, person: Person, on: date, method: str, note: str = "") -> Certification:
    """`certify` for a person already checked to be in scope (the sightings command passes its own)."""
    if method not in Certification.Method.values:
        raise ValidationError({"method": _("Choose how the person was seen.")})
    if on > timezone.localdate():
        raise ValidationError({"on": _("The date cannot be in the future.")})
    if person.status == Person.Status.DECEASED:
        raise ValidationError({"on": _("The dossier records this person's death.")})
    with transaction.atomic(), audit_actor(actor):
        certification, _created = Certification.objects.get_or_create(
            person=person, on=on, method=method, defaults={"note": note[:200], "recorded_by": actor})
        recipient = Recipient.objects.select_for_update().get(pk=recipient_for(person).pk)
        if recipient.certified_on and recipient.certified_on >= on:
            return certification
        months = policy_for(person.station.region_code).certification_months
        recipient.certified_on, recipient.certification_due = on, _months_after(on, months)
        fields = ["certified_on", "certification_due", "version"]
        if recipient.suspended_from:
            mark(Entitlement.objects.filter(person=person), recipient.suspended_from)
            recipient.suspended_from, recipient.suspension_reason = None, ""
            fields += ["suspended_from", "suspension_reason"]
        recipient.version += 1
        recipient.save(update_fields=fields)
    return certification


def certify_from_sightings(*, prefix: str, today: date | None = None) -> int:
    """Certify everyone of a subtree whom another module saw in person since their last certification (a home
    visit counts, a phone call does not). Idempotent: run nightly before `suspend_overdue`."""
    today = today or timezone.localdate()
    recipients = {r.person_id: r for r in Recipient.objects.filter(subtree_q("person__station__region_code", prefix))
                  .select_related("person__station")}
    if not recipients:
        return 0
    earliest = min((r.certified_on or date.min for r in recipients.values()), default=today)
    since = max(earliest, today - timedelta(days=366 * 3))
    certified = 0
    for person_id, (day, source) in sightings.last_seen(prefix=prefix, since=since).items():
        recipient = recipients.get(person_id)
        if recipient is None or (recipient.certified_on and recipient.certified_on >= day) or day > today:
            continue
        if recipient.person.status == Person.Status.DECEASED:
            continue
        record_certification(actor=None, person=recipient.person, on=day, method=Certification.Method.VISIT,
                             note=_("Seen in person (%(source)s).") % {"source": source})
        certified += 1
    return certified


def suspend_overdue(*, today: date | None = None) -> int:
    """Suspend the payment of everyone whose certification is overdue beyond their jurisdiction's grace days, from
    the month after the grace ends. Idempotent: run daily by `manage.py run_deadlines` or cron."""
    today = today or timezone.localdate()
    suspended = 0
    overdue = (Recipient.objects.filter(suspended_from__isnull=True, certification_due__lt=today)
               .select_related("person__station"))
    for recipient in overdue.iterator(chunk_size=500):
        grace = policy_for(recipient.person.station.region_code).grace_days
        ends = recipient.certification_due + timedelta(days=grace)
        if ends >= today:
            continue
        with transaction.atomic():
            recipient.suspended_from = add_months(month_of(ends), 1)
            recipient.suspension_reason = _("Life not certified since %(day)s.") % {
                "day": recipient.certified_on or "—"}
            recipient.version += 1
            recipient.save(update_fields=["suspended_from", "suspension_reason", "version"])
        suspended += 1
    return suspended
