"""A county's batch for a month, computed: what each person is owed less what was paid, line by line.

Reading only (the batch job writes the result, the approval recomputes it to prove nothing changed since): the
county's entitlements, recipients and accounts are read in a few queries, the amounts paid before in one GROUP
BY, and each person's items are worked out in memory with `rules.period_due`. A period is computed when it is
paid this month (its first month is the batch's) or when an entitlement marks it to recompute (`recompute_from`:
a past start or end, a standard changed, a failed transfer, a person left out of an earlier batch).
"""

import hashlib
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db.models import Sum
from django.utils import translation
from django.utils.translation import gettext as _

from rongjia.core.scoping import subtree_q
from rongjia.people.models import Person

from . import rules
from .models import BatchException, BenefitItem, Entitlement, PaymentAccount, PaymentBatch, PaymentLine, Recipient
from .periods import months_of, pays_in, period_of, periods_from
from .policies import policy_for

K = PaymentLine.Kind
E = BatchException.Kind
PAID_STATES = (PaymentBatch.State.APPROVED, PaymentBatch.State.PAID)


@dataclass(frozen=True)
class Line:
    person_id: int
    item_id: int
    period: date
    kind: str
    amount: Decimal
    explanation: str = ""


@dataclass
class PaymentDraft:
    person_id: int
    region_code: str
    account_id: int
    lines: list[Line]

    @property
    def amount(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal(0))


@dataclass(frozen=True)
class ExceptionDraft:
    person_id: int
    region_code: str
    kind: str
    detail: str = ""
    amount: Decimal | None = None


@dataclass
class Computed:
    month: date
    payments: list[PaymentDraft] = field(default_factory=list)
    exceptions: list[ExceptionDraft] = field(default_factory=list)
    settled: set[int] = field(default_factory=set)  # persons whose marked periods this batch settles
    # person -> [(their entitlements to one item, the period to recompute from next time)]
    left_out: dict[int, list[tuple[list[int], date]]] = field(default_factory=dict)

    @property
    def total(self) -> Decimal:
        return sum((payment.amount for payment in self.payments), Decimal(0))

    def digest(self) -> str:
        """The batch's content in one hash: a regeneration that changes nothing keeps the steps already taken."""
        text = "\n".join(
            [f"P{p.person_id}:{p.account_id}:" + ";".join(f"{x.item_id},{x.period},{x.kind},{x.amount}"
                                                         for x in p.lines) for p in self.payments]
            + [f"E{x.person_id}:{x.kind}:{x.amount}" for x in self.exceptions])
        return hashlib.sha256(text.encode()).hexdigest()


@dataclass
class _Group:
    """One person's entitlements to one item."""

    item: BenefitItem
    spans: list[rules.Span] = field(default_factory=list)
    entitlement_ids: list[int] = field(default_factory=list)
    active_ids: list[int] = field(default_factory=list)
    marked_from: date | None = None


def compute(*, prefix: str, month: date, check_luhn: bool = False,
            progress: Callable[[int, int], None] | None = None) -> Computed:
    """The batch of `month` for the persons now kept in the subtree `prefix` (a county)."""
    items = {item.pk: item for item in BenefitItem.objects.all()}
    groups = _groups(prefix, month, items)
    # the county's whole books, not an IN list of tens of thousands of ids (SQLite caps a statement's parameters)
    owed_to = {person for person, _item in groups}
    people = {row["pk"]: row for row in Person.objects.filter(subtree_q("station__region_code", prefix))
              .values("pk", "status", "deceased_on", "station__region_code") if row["pk"] in owed_to}
    recipients = Recipient.objects.filter(subtree_q("person__station__region_code", prefix))
    residence = dict(recipients.values_list("person_id", "residence"))
    suspended = dict(recipients.filter(suspended_from__isnull=False).values_list("person_id", "suspended_from"))
    standards = rules.Standards.bearing_on(prefix)
    paid, failed = _paid(prefix, groups, month)
    result = Computed(month=month)
    lines: dict[int, list[Line]] = defaultdict(list)
    missing: set[int] = set()
    with translation.override(settings.LANGUAGE_CODE):  # the lines' explanations, in the ledger's one language
        for done, ((person_id, item_id), group) in enumerate(sorted(groups.items()), start=1):
            code = people[person_id]["station__region_code"] if person_id in people else ""
            if not code:
                continue
            spans = [rules.Span(span.start, span.end, rules.Basis(span.basis.category_id, span.basis.grade,
                                                                 span.basis.cause, residence.get(person_id, "")))
                     for span in group.spans]
            for period in _periods(group, month):
                due = rules.period_due(period_kind=group.item.period, period=period, spans=spans,
                                       standards=standards, item_id=item_id, code=code)
                if due.missing_standard:
                    missing.add(person_id)
                already = paid.get((person_id, item_id, period), Decimal(0))
                if due.amount != already:
                    kind = _kind(period, month, group.item, already, due.amount,
                                 (person_id, item_id, period) in failed)
                    lines[person_id].append(Line(person_id, item_id, period, kind, due.amount - already,
                                                 _explain(group.item, due, already)))
            if progress and done % 2000 == 0:
                progress(done, len(groups))
    _assemble(result, groups, people, lines, missing, suspended, prefix, check_luhn)
    return result


def _groups(prefix: str, month: date, items: dict[int, BenefitItem]) -> dict[tuple[int, int], _Group]:
    """Every person-item pair with a period to compute this month, and all its entitlements (a replaced one
    still owes the months before its replacement)."""
    rows = (Entitlement.objects.filter(subtree_q("person__station__region_code", prefix), start_month__lte=month)
            .values_list("pk", "person_id", "item_id", "state", "start_month", "end_month", "category_id", "grade",
                         "cause", "recompute_from"))
    groups: dict[tuple[int, int], _Group] = {}
    for pk, person_id, item_id, state, start, end, category_id, grade, cause, marked in rows:
        group = groups.setdefault((person_id, item_id), _Group(items[item_id]))
        group.spans.append(rules.Span(start, end, rules.Basis(category_id, grade, cause)))
        group.entitlement_ids.append(pk)
        if state == Entitlement.State.ACTIVE:
            group.active_ids.append(pk)
        if marked is not None and marked <= month:
            group.marked_from = min(group.marked_from or marked, marked)
    return {key: group for key, group in groups.items() if _periods(group, month)}


def _periods(group: _Group, month: date) -> list[date]:
    """The periods of one person-item to compute in the batch of `month`."""
    kind = group.item.period
    if kind == BenefitItem.Period.ONCE:  # owed in the month it became due; computed while marked, until settled
        marked = group.marked_from
        return sorted({span.start for span in group.spans if marked is not None and marked <= span.start <= month})
    periods = set(periods_from(kind, group.marked_from, month)) if group.marked_from else set()
    current = period_of(kind, month)
    if pays_in(kind, month) and any(span.covers(m) for span in group.spans for m in months_of(kind, current)):
        periods.add(current)
    return sorted(periods)


def _kind(period: date, month: date, item: BenefitItem, already: Decimal, due: Decimal, had_failed: bool) -> str:
    if due < already:
        return K.RECOVERY
    if had_failed:
        return K.REISSUE
    # the period of this month, or a one-off's first payment, is regular; an earlier period paid now is back-pay
    current = period == period_of(item.period, month) if item.recurring else True
    return K.REGULAR if current and already == 0 else K.BACK_PAY


def _paid(prefix: str, groups: dict, month: date):
    """What approved batches paid each person-item-period (failed transfers not counted), and which failed: the
    periods of this month for everyone, and back to their marks for the few persons marked to recompute."""
    lines = PaymentLine.objects.filter(subtree_q("payment__person__station__region_code", prefix),
                                       payment__batch__state__in=PAID_STATES)
    current = {period_of(group.item.period, month) for group in groups.values() if group.item.recurring}
    marked: dict[int, date] = {}
    for (person_id, _item), group in groups.items():
        if group.marked_from is not None:
            first = period_of(group.item.period, group.marked_from) if group.item.recurring else group.marked_from
            marked[person_id] = min(marked.get(person_id, first), first)
    paid: dict[tuple[int, int, date], Decimal] = {}
    failed: set[tuple[int, int, date]] = set()
    _read_paid(lines.filter(period__in=current), paid, failed)
    people = sorted(marked)
    for start in range(0, len(people), 500):
        chunk = people[start:start + 500]
        earliest = min(marked[person] for person in chunk)
        _read_paid(lines.filter(payment__person_id__in=chunk, period__gte=earliest).exclude(period__in=current),
                   paid, failed)
    return paid, failed


def _read_paid(lines, paid, failed) -> None:
    rows = (lines.values_list("payment__person_id", "item_id", "period", "payment__result")
            .annotate(amount=Sum("amount")).order_by())
    for person, item, period, result, amount in rows:
        key = (person, item, period)
        if result == "failed":
            failed.add(key)
        else:
            paid[key] = paid.get(key, Decimal(0)) + rules.cents(amount)



def _explain(item: BenefitItem, due: rules.Due, already: Decimal) -> str:
    owed = rules.explain(due.parts, once=not item.recurring) or _("nothing owed")
    return (_("owed %(owed)s (%(how)s), paid before %(paid)s") % {
        "owed": f"¥{due.amount:,}", "how": owed, "paid": f"¥{already:,}"})[:300]


def _assemble(result: Computed, groups, people, lines, missing, suspended, prefix, check_luhn) -> None:
    """Each person's lines as one payment, or the reason they are left out; then the checks on the whole."""
    accounts = {row["person_id"]: row for row in PaymentAccount.objects.filter(
        subtree_q("person__station__region_code", prefix), active=True).values("pk", "person_id", "number_hash",
                                                                               "passes_luhn")}
    by_person: dict[int, list[_Group]] = defaultdict(list)
    for (person_id, _item), group in groups.items():
        by_person[person_id].append(group)
    month = result.month
    for person_id in sorted(by_person):
        row = people.get(person_id)
        if row is None:
            continue
        code, owed = row["station__region_code"], lines.get(person_id, [])
        net = sum((line.amount for line in owed), Decimal(0))
        reason = _left_out(row, by_person[person_id], month, suspended, accounts, check_luhn, missing, net, owed)
        if reason:
            result.exceptions.append(ExceptionDraft(person_id, code, reason[0], reason[1], net))
            result.left_out[person_id] = [(group.entitlement_ids, _first_unsettled(group, month))
                                          for group in by_person[person_id]]
            continue
        result.settled.add(person_id)
        if owed:
            result.payments.append(PaymentDraft(person_id, code, accounts[person_id]["pk"], owed))
    result.payments.sort(key=lambda payment: (payment.region_code, payment.person_id))
    _flag_shared_accounts(result, accounts)
    _flag_changes(result, prefix)


def _left_out(row, groups, month, suspended, accounts, check_luhn, missing, net, owed) -> tuple[str, str] | None:
    person_id = row["pk"]
    if row["status"] in (Person.Status.MOVED_OUT, Person.Status.LOST):
        return E.MOVED_OUT, _("%(status)s: payment held until the dossier says otherwise.") % {
            "status": Person.Status(row["status"]).label}
    if person_id in missing:
        return E.NO_STANDARD, _("No standard table has an amount for this person's facts in a month owed.")
    if not owed:
        return None
    if row["status"] == Person.Status.DECEASED and any(
            group.item.recurring and any(span.end is None or span.end > month_of_death(row) for span in group.spans)
            for group in groups):
        return E.DECEASED, _("Died on %(day)s: confirm the end of the monthly items first.") % {
            "day": row["deceased_on"] or "—"}
    if person_id in suspended and suspended[person_id] <= month:
        return E.SUSPENDED, _("Suspended from %(month)s: life not certified.") % {
            "month": f"{suspended[person_id]:%Y-%m}"}
    if person_id not in accounts:
        return E.NO_ACCOUNT, _("Record the account the money goes to.")
    if check_luhn and not accounts[person_id]["passes_luhn"]:
        return E.BAD_ACCOUNT, _("The account number fails the bank's check digit: correct it.")
    if net <= 0:
        return E.OWES, _("Owes ¥%(amount)s from earlier payments: recovered from later ones or collected.") % {
            "amount": f"{-net:,}"}
    return None


def _first_unsettled(group: _Group, month: date) -> date:
    periods = _periods(group, month)
    return min([*periods, *([group.marked_from] if group.marked_from else [])], default=month)


def month_of_death(row) -> date:
    return (row["deceased_on"] or date.max).replace(day=1) if row["deceased_on"] else date.max


def _flag_shared_accounts(result: Computed, accounts) -> None:
    holders: dict[str, list[PaymentDraft]] = defaultdict(list)
    for payment in result.payments:
        holders[accounts[payment.person_id]["number_hash"]].append(payment)
    for shared in (payments for payments in holders.values() if len(payments) > 1):
        for payment in shared:
            result.exceptions.append(ExceptionDraft(
                payment.person_id, payment.region_code, E.DUPLICATE_ACCOUNT,
                _("The same account receives %(count)d persons' payments.") % {"count": len(shared)}, payment.amount))


def _flag_changes(result: Computed, prefix: str) -> None:
    """A person's regular amount this month against the last approved batch's, beyond the policy's threshold."""
    last = (PaymentBatch.objects.filter(subtree_q("region_code", prefix), state__in=PAID_STATES,
                                        month__lt=result.month).order_by("-month").first())
    if last is None:
        return
    regular = PaymentLine.objects.filter(payment__batch=last, kind=K.REGULAR).values_list("payment__person_id")
    before = {person: rules.cents(amount) for person, amount in
              regular.annotate(Sum("amount")).values_list("payment__person_id", "amount__sum")}
    threshold = Decimal(policy_for(prefix).change_threshold) / 100
    for payment in result.payments:
        regular = sum((line.amount for line in payment.lines if line.kind == K.REGULAR), Decimal(0))
        was = before.get(payment.person_id)
        if was and regular and abs(regular - was) > was * threshold:
            result.exceptions.append(ExceptionDraft(
                payment.person_id, payment.region_code, E.CHANGED,
                _("Regular amount ¥%(now)s, last month ¥%(was)s.") % {"now": f"{regular:,}", "was": f"{was:,}"},
                regular))


