"""What the payment batch pages read: the visible batches, a batch's exceptions and payments as the viewer may see
them, the sum that reconciles with the batch's total, and who took its three steps.

Every read starts from the viewer's scope. Batches are a county's, so only the county and above see them; the
payments and exceptions reached through a batch are narrowed by the viewer again (DESIGN rule 1), so a page never
shows more people than the viewer may see, whatever the batch holds.
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, Exists, OuterRef, Prefetch, Sum

from rongjia.core.history import actor_name
from rongjia.core.models import OrgUnit, Region
from rongjia.core.scoping import scope_prefix, subtree_q

from .models import BatchException, Payment, PaymentBatch, PaymentLine
from .rules import cents
from .workflow import BATCH, restarts

SIGNED_STEPS = ("prepare", "check", "approve")
PERSON_ONLY = ("person__name", "person__station__name")  # never the encrypted ID number or phone
LINE_FILTERS = (PaymentLine.Kind.BACK_PAY, PaymentLine.Kind.RECOVERY, PaymentLine.Kind.REISSUE)


def batch_list(user, *, state: str = "", month: date | None = None):
    """The batches the viewer sees, newest month first; `state` and `month` narrow them (unknown values ignored)."""
    batches = PaymentBatch.objects.visible_to(user).select_related("unit")
    if state in PaymentBatch.State.values:
        batches = batches.filter(state=state)
    if month is not None:
        batches = batches.filter(month=month)
    return batches.order_by("-month", "region_code", "-id")


def exceptions_of(batch: PaymentBatch, user):
    """The batch's exceptions among the viewer's own people, by kind."""
    prefix = scope_prefix(user)
    if prefix is None:
        return BatchException.objects.none()
    return (BatchException.objects.filter(batch=batch).filter(subtree_q("region_code", prefix))
            .select_related("person__station").only("kind", "detail", "amount", "region_code", "batch_id",
                                                    *PERSON_ONLY).order_by("kind", "id"))


def exception_counts(exceptions) -> list[tuple[str, str, int]]:
    """(kind, label, count) for each kind found, in the kinds' order."""
    counts = dict(exceptions.order_by().values_list("kind").annotate(n=Count("id")))
    return [(kind, label, counts[kind]) for kind, label in BatchException.Kind.choices if kind in counts]


def payments_of(batch: PaymentBatch, user, *, line_kind: str = "", region: str = ""):
    """The batch's payments to the viewer's people, in sequence; `line_kind` keeps those with a line of that kind
    (a back-pay, a recovery, a re-issue), `region` those of a station's subtree (checked by the caller)."""
    payments = Payment.objects.visible_to(user).filter(batch=batch)
    if line_kind in LINE_FILTERS:
        payments = payments.filter(Exists(PaymentLine.objects.filter(payment=OuterRef("pk"), kind=line_kind)))
    if region:
        payments = payments.in_subtree(region)
    lines = PaymentLine.objects.select_related("item").only(
        "payment_id", "period", "kind", "amount", "explanation", "item__name").order_by("period", "item", "id")
    return (payments.select_related("person__station", "account")
            .only("seq", "amount", "result", "failure", "region_code", "batch_id", *PERSON_ONLY,
                  "account__last_digits", "account__bank", "account__holder", "account__holder_name")
            .prefetch_related(Prefetch("lines", queryset=lines)).order_by("seq"))


def payment_totals(batch: PaymentBatch, user) -> dict:
    """The count and sum of every payment of the batch the viewer sees (not one page's), to set beside the batch's
    own total: for a viewer who sees the whole county the two must be equal."""
    totals = Payment.objects.visible_to(user).filter(batch=batch).aggregate(count=Count("id"), total=Sum("amount"))
    return {"count": totals["count"], "total": cents(totals["total"])}


def stations_of(batch: PaymentBatch, user) -> list[tuple[str, str]]:
    """(region code, name) of the places the viewer's payments of the batch go to: the `?region=` choices."""
    codes = sorted(Payment.objects.visible_to(user).filter(batch=batch).order_by()
                   .values_list("region_code", flat=True).distinct())
    names = dict(Region.objects.filter(code__in=codes).values_list("code", "name"))
    names.update(OrgUnit.objects.filter(region_code__in=codes, kind__in=[OrgUnit.Kind.CENTRE, OrgUnit.Kind.STATION])
                 .values_list("region_code", "name"))  # the station's own name where it has one
    return [(code, names.get(code, code)) for code in codes]


@dataclass(frozen=True)
class Signature:
    action: str
    name: str
    at: datetime


def signatures(events) -> dict[str, Signature]:
    """Who prepared, checked and approved the batch as it stands: the steps since it was last regenerated or sent
    back (the same reading as the workflow's three-people rule). `events` in order, with their actors."""
    taken: dict[str, Signature] = {}
    for event in events:
        if restarts(event.action, event.data):
            taken = {}
        elif event.action in SIGNED_STEPS:
            taken[event.action] = Signature(event.action, actor_name(event.actor), event.at)
    return taken


def signed(events) -> list[tuple[str, str, Signature | None]]:
    """(action, label, signature or None) of the three steps, in their order."""
    taken, labels = signatures(events), BATCH.action_labels()
    return [(action, labels[action], taken.get(action)) for action in SIGNED_STEPS]


def history(batch: PaymentBatch) -> list:
    """The batch's events in order, each with its label and the actor's name."""
    labels = BATCH.action_labels()
    events = list(batch.events.select_related("actor").order_by("at", "id"))
    for event in events:
        event.label, event.actor_label = labels.get(event.action, event.action), actor_name(event.actor)
    return events
