"""Every read of the benefits module's person-side pages: the queue of proposals, the recipients, the life
certifications due, a person's benefits with the explanation of each payment, and the counts the workbench shows.

Each reader starts from `Model.objects.visible_to(viewer)`. The lists the workbench links to are read here once
(`open_proposals`, `certification_rows`, `batches_in_state`), and the workbench counts the same querysets, so a
count is always the number of rows its link opens. Payment lines and batch exceptions have no manager of their
own: they are reached through the viewer's payments, or filtered by the viewer's subtree, so a village worker
reading a county batch sees its own people's lines only.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Exists, OuterRef, Prefetch, Q, Subquery

from rongjia.core.models import OrgUnit
from rongjia.core.scoping import scope_prefix, subtree_q

from .models import (
    BatchException,
    Certification,
    Entitlement,
    Payment,
    PaymentAccount,
    PaymentBatch,
    PaymentLine,
    Proposal,
    Recipient,
)

DUE_WITHIN = timedelta(days=30)  # "due soon" on the certifications list
SHOWS = ("due", "overdue", "suspended")


# --- the queue -------------------------------------------------------------------------------------------------

def open_proposals(viewer):
    """The proposals waiting for a worker in the viewer's area, oldest first (the queue 待确认)."""
    return (Proposal.objects.visible_to(viewer).filter(state=Proposal.State.OPEN)
            .select_related("person__station", "item", "category", "entitlement")
            .order_by("proposed_at", "id"))


# --- recipients and certification ------------------------------------------------------------------------------

def in_force_q(**filters) -> Exists:
    """The recipient's person has an entitlement in force (to `item`, when given)."""
    return Exists(Entitlement.objects.filter(person=OuterRef("person"), state=Entitlement.State.ACTIVE, **filters))


def recipients(viewer):
    """People paid benefits in the viewer's area: those with an entitlement in force, with the account in use
    (its last digits only, for the mask) and the items in force (one query for a page)."""
    account = PaymentAccount.objects.filter(person=OuterRef("person"), active=True).values("last_digits")[:1]
    in_force = Entitlement.objects.filter(state=Entitlement.State.ACTIVE).select_related("item").order_by(
        "item__position", "item_id")
    return (Recipient.objects.visible_to(viewer).filter(in_force_q())
            .select_related("person__station").annotate(account_digits=Subquery(account))
            .prefetch_related(Prefetch("person__entitlements", queryset=in_force, to_attr="in_force")))


def overdue_q(today: date) -> Q:
    """Certification due before today and payment not (yet) suspended for it."""
    return Q(certification_due__lt=today, suspended_from__isnull=True)


def certification_rows(viewer, show: str, today: date):
    """The certifications list's tab `show`: due within 30 days, overdue, or suspended; people paid only."""
    rows = Recipient.objects.visible_to(viewer).filter(in_force_q()).select_related("person__station")
    if show == "overdue":
        return rows.filter(overdue_q(today)).order_by("certification_due", "id")
    if show == "suspended":
        return rows.filter(suspended_from__isnull=False).order_by("suspended_from", "id")
    return rows.filter(certification_due__gte=today, certification_due__lte=today + DUE_WITHIN,
                       suspended_from__isnull=True).order_by("certification_due", "id")


# --- batches (the batch pages are another part's; the workbench counts them) ----------------------------------

BATCH_STEPS = (("benefits.prepare", PaymentBatch.State.DRAFT), ("benefits.review", PaymentBatch.State.PREPARED),
               ("benefits.approve", PaymentBatch.State.CHECKED))


def batches_in_state(viewer, state: str):
    """The batches list under `?state=`: the viewer's batches in one state."""
    return PaymentBatch.objects.visible_to(viewer).filter(state=state)


# --- one person ------------------------------------------------------------------------------------------------

@dataclass
class BatchGroup:
    """What one batch paid a person (or why it left them out), line by line."""

    batch: PaymentBatch
    payment: Payment | None = None
    lines: list = field(default_factory=list)
    exceptions: list = field(default_factory=list)

    @property
    def approved(self) -> bool:
        return self.batch.state not in PaymentBatch.OPEN


def payment_history(viewer, person) -> list[BatchGroup]:
    """The back-pay explanation: every line of the person's payments in the viewer's area, newest batch first,
    those of a batch not yet approved marked so, and what each batch found about the person (left out: no
    account, suspended…). Three queries whatever the number of batches."""
    lines = PaymentLine.objects.select_related("item").order_by("item__position", "item_id", "period", "id")
    payments = (Payment.objects.visible_to(viewer).filter(person=person).select_related("batch__unit")
                .prefetch_related(Prefetch("lines", queryset=lines)))
    groups: dict[int, BatchGroup] = {}
    for payment in payments:
        groups[payment.batch_id] = BatchGroup(payment.batch, payment, list(payment.lines.all()))
    prefix = scope_prefix(viewer)
    if prefix is not None:
        found = (BatchException.objects.filter(person=person).filter(subtree_q("region_code", prefix))
                 .select_related("batch__unit").order_by("kind", "id"))
        for exception in found:
            group = groups.setdefault(exception.batch_id, BatchGroup(exception.batch))
            group.exceptions.append(exception)
    return sorted(groups.values(), key=lambda g: (g.batch.month, g.batch.pk), reverse=True)


def person_benefits(viewer, person) -> dict:
    """The person's benefits page: entitlements (in force first), open proposals, accounts, certifications."""
    entitlements = (Entitlement.objects.visible_to(viewer).filter(person=person)
                    .select_related("item", "category", "payee", "confirmed_by")
                    .order_by("state", "item__position", "item_id", "-start_month", "-id"))
    proposals = open_proposals(viewer).filter(person=person)
    return {
        "recipient": Recipient.objects.visible_to(viewer).filter(person=person).first(),
        "entitlements": list(entitlements),
        "proposals": list(proposals),
        "accounts": list(PaymentAccount.objects.visible_to(viewer).filter(person=person)
                         .select_related("household_member")),
        "certifications": list(Certification.objects.visible_to(viewer).filter(person=person)
                               .select_related("recorded_by")[:10]),
        "groups": payment_history(viewer, person),
        "left_out": BatchException.LEFT_OUT,
    }


# --- the workbench ---------------------------------------------------------------------------------------------

def viewer_unit_row(viewer):
    """The viewer's own unit as a one-row queryset to hang scalar subqueries on (one query for many counts)."""
    return OrgUnit.objects.filter(pk=viewer.org_unit_id)
