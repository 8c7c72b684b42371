"""A payment batch's states on core's engine: prepared by 经办, checked by 复核, approved by 负责人 — three
different people — then paid from the bank's return file.

Until approval a batch is regenerated freely (`batches.batch_regenerate`): a regeneration that changes its lines
sends it back to be prepared again; one that changes nothing keeps the steps taken. Approval recomputes the batch
and refuses when anything changed since it was generated, so the batch approved is the batch checked; after it
the batch is never changed, and a correction is a line of a later batch.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from rongjia.core.workflow import Machine, Step

from .models import BatchEvent, PaymentBatch

S = PaymentBatch.State
PREPARE, REVIEW, APPROVE = "benefits.prepare", "benefits.review", "benefits.approve"


def _not_running(batch, actor, today, data):
    if batch.running:
        raise ValidationError(_("The batch is still being generated: wait for it to finish."))
    return {}


def _prepare(batch, actor, today, data):
    _not_running(batch, actor, today, data)
    if not batch.payment_count and not batch.exception_count:
        raise ValidationError(_("The batch pays nobody: there is nothing to prepare."))
    return {"total": str(batch.total), "payments": batch.payment_count}


def _approve(batch, actor, today, data):
    from .batches import settle

    _not_running(batch, actor, today, data)
    settle(batch)
    return {"total": str(batch.total), "payments": batch.payment_count}


def _record_return(batch, actor, today, data):
    from .batches import apply_return

    return apply_return(batch, data.get("file"))


def restarts(action: str, data: dict | None) -> bool:
    """Whether an event clears the three steps: a send-back, or a regeneration that changed the lines."""
    return action == "send_back" or (action == "regenerate" and (data or {}).get("changed", True))


def takers(batch) -> dict[str, int]:
    """Who took each of the three steps since the batch was sent back or regenerated with other lines (a
    regeneration that changed nothing keeps the steps, and so keeps who took them)."""
    taken: dict[str, int] = {}
    for action, actor_id, data in batch.events.order_by("at", "id").values_list("action", "actor_id", "data"):
        if restarts(action, data):
            taken = {}
        elif action in ("prepare", "check", "approve"):
            taken[action] = actor_id
    return taken


def check_three_people(batch, step, actor) -> None:
    """The checker is not the preparer; the approver is neither (the two-person rule, three times over)."""
    taken = takers(batch)
    earlier = {"check": ("prepare",), "approve": ("prepare", "check")}.get(step.action, ())
    if any(taken.get(action) == actor.pk for action in earlier):
        raise ValidationError(_("Preparing, checking and approving a batch are three different people's steps: "
                                "someone else must take this one."))


def record_event(batch, actor, step, from_state, note, data, today) -> BatchEvent:
    return BatchEvent.objects.create(batch=batch, action=step.action, from_state=from_state, to_state=batch.state,
                                     note=note, data=data, actor=actor)


BATCH = Machine(
    name="payment_batch", label=gettext_lazy("Payment batch"), states=S, initial=S.DRAFT,
    check_above=check_three_people, record_event=record_event,
    saved_fields=("running", "returned_at", "message"),
    extra_actions={"regenerate": pgettext_lazy("batch step", "Regenerated")},
    steps=(
        Step("prepare", pgettext_lazy("batch step", "Prepare (经办)"), (S.DRAFT,), S.PREPARED, PREPARE,
             effect=_prepare),
        Step("check", pgettext_lazy("batch step", "Check (复核)"), (S.PREPARED,), S.CHECKED, REVIEW,
             above="three", effect=_not_running),
        Step("approve", pgettext_lazy("batch step", "Approve (负责人)"), (S.CHECKED,), S.APPROVED, APPROVE,
             above="three", effect=_approve),
        Step("send_back", pgettext_lazy("batch step", "Send back"), (S.PREPARED, S.CHECKED), S.DRAFT, REVIEW,
             needs_note=True),
        Step("record_return", pgettext_lazy("batch step", "Record the bank's return file"), (S.APPROVED,), S.PAID,
             PREPARE, fields=("file",), effect=_record_return),
    ),
)
