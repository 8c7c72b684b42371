"""Approving many applications at once (a festival 关爱 distribution) as a background job with its progress.

The last level chooses a kind and a fund; every application of that kind in its scope whose 公示 is over with no
objection waiting is approved, in chunks of 500 each in its own transaction under the fund's lock, so the page
sees the count move and a county's 5,000 applications never hold one long transaction. An application the fund
can no longer pay, or that changed since the batch began, is left as it was and listed with the reason. Each
approval is the engine's `approve` step (the move is checked against the machine), recorded like one taken by
hand: an event, a ledger entry and an audit entry.
"""

from decimal import Decimal

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, F, OuterRef
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from rongjia.core.audit import audit_actor
from rongjia.core.workflow import step_between

from . import funds
from .models import AidApplication, AidEvent, AidObjection, ApprovalBatch, Fund, FundEntry
from .services import kinds_for
from .values import in_site_language
from .workflow import APPLICATION, APPLICATION_NOTE, APPROVE

CHUNK = 500
S = AidApplication.State


def ready_to_approve(actor, kind=None, today=None):
    """Applications the actor's level approves now: 公示 over, no objection waiting, its turn."""
    today = today or timezone.localdate()
    open_objection = AidObjection.objects.filter(application=OuterRef("pk"), resolved_on__isnull=True)
    applications = (AidApplication.objects.visible_to(actor)
                    .filter(state=S.PUBLICITY, publicity_until__lt=today, level=getattr(actor.org_unit, "level", 0))
                    .exclude(Exists(open_objection)))
    return applications.filter(kind=kind) if kind is not None else applications


def batch_start(*, actor, kind, fund, application_ids=None) -> ApprovalBatch:
    if not actor.can(APPROVE):
        raise PermissionDenied
    kind = kinds_for(actor).filter(pk=getattr(kind, "pk", kind)).first()
    if kind is None:
        raise ValidationError({"kind": _("Choose the kind of aid.")})
    fund = Fund.objects.visible_to(actor).select_related("unit").filter(pk=getattr(fund, "pk", fund)).first()
    if fund is None:
        raise ValidationError({"fund": _("Choose the fund that pays.")})
    ready = ready_to_approve(actor, kind)
    if application_ids is not None:
        ready = ready.filter(pk__in=list(application_ids))
    ids = [pk for pk, code in ready.order_by("registered_on", "id").values_list("pk", "region_code")
           if funds.holds_for(fund, code)]
    if not ids:
        raise ValidationError(_("No application of this kind is ready to approve: the 公示 must be over and every "
                                "objection answered."))
    with transaction.atomic(), audit_actor(actor):
        batch = ApprovalBatch.objects.create(unit=actor.org_unit, region_code=actor.org_unit.region_code, fund=fund,
                                             kind=kind, application_ids=ids, total=len(ids), started_by=actor)
        from . import jobs  # the job module imports this one

        transaction.on_commit(lambda: jobs.approve_batch.enqueue(batch.pk))
    return batch


def run_batch(batch_id: int) -> ApprovalBatch:
    batch = ApprovalBatch.objects.select_related("started_by__org_unit", "fund").get(pk=batch_id)
    if batch.state == ApprovalBatch.State.DONE:
        return batch
    ApprovalBatch.objects.filter(pk=batch.pk).update(state=ApprovalBatch.State.RUNNING)
    ids = batch.application_ids
    for start in range(batch.done, len(ids), CHUNK):  # a restarted job goes on from where it stopped
        _approve_chunk(batch, ids[start:start + CHUNK])
    batch.state, batch.finished_at = ApprovalBatch.State.DONE, timezone.now()
    batch.save(update_fields=["state", "finished_at"])
    return batch


def _approve_chunk(batch: ApprovalBatch, ids: list[int]) -> None:
    actor, today, step = batch.started_by, timezone.localdate(), step_between(APPLICATION, S.PUBLICITY, S.APPROVED)
    with transaction.atomic(), audit_actor(actor):
        fund = Fund.objects.select_for_update().get(pk=batch.fund_id)
        still_ready = set(ready_to_approve(actor, batch.kind_id, today).filter(pk__in=ids).values_list("pk", flat=True))
        applications = (AidApplication.objects.select_for_update(of=("self",)).select_related("person")
                        .filter(pk__in=ids).order_by("registered_on", "id"))
        balance, approved, events, entries, refused = fund.balance, [], [], [], []
        batch_note = in_site_language(gettext_noop("Approved in a batch"))
        for application in applications:
            amount = application.amount_proposed or application.amount_requested
            if application.pk not in still_ready:
                refused.append({"id": application.pk, "reason": _("changed since the batch began")})
                continue
            if amount > balance:
                refused.append({"id": application.pk, "reason": _("the fund's balance (¥%(balance)s) is short") % {
                    "balance": balance}})
                continue
            balance -= amount
            application.state, application.fund_id, application.amount_approved = step.target, fund.pk, amount
            application.approved_on, application.version = today, application.version + 1
            approved.append(application)
            events.append(AidEvent(application=application, action=step.action, from_state=S.PUBLICITY,
                                   to_state=step.target, level=application.level, amount=amount, actor=actor,
                                   unit=actor.org_unit, on=today, note=batch_note,
                                   data={"fund": fund.name, "batch": batch.pk}))
            entries.append(FundEntry(fund=fund, source=FundEntry.Source.AID, amount=-amount, balance_after=balance,
                                     on=today, application=application, recorded_by=actor,
                                     note=in_site_language(APPLICATION_NOTE, kind=batch.kind.name,
                                                           name=application.person.name)))
        # One UPDATE for the chunk (a bulk_update's CASE per row and field costs twice the whole batch's SQL);
        # the amount is the one proposed, as computed above for each row.
        AidApplication.objects.filter(pk__in=[a.pk for a in approved]).update(
            state=step.target, fund_id=fund.pk, approved_on=today, version=F("version") + 1,
            amount_approved=Coalesce("amount_proposed", "amount_requested"))
        AidEvent.objects.bulk_create(events)
        FundEntry.objects.bulk_create(entries)
        spent = fund.balance - balance
        Fund.objects.filter(pk=fund.pk).update(balance=balance, version=fund.version + 1)
        _audit(actor, approved, fund)
        batch.done += len(ids)
        batch.approved += len(approved)
        batch.amount += spent
        batch.refused = [*batch.refused, *refused]
        batch.save(update_fields=["done", "approved", "amount", "refused"])


def _audit(actor, approved: list[AidApplication], fund: Fund) -> None:
    """The audit entries a save would have written, one per application (bulk updates send no signals)."""
    content_type = ContentType.objects.get_for_model(AidApplication)
    LogEntry.objects.bulk_create([
        LogEntry(content_type=content_type, object_pk=str(a.pk), object_id=a.pk, object_repr=f"#{a.pk}",
                 action=LogEntry.Action.UPDATE, actor=actor, timestamp=timezone.now(),
                 changes={"state": [S.PUBLICITY, S.APPROVED], "fund": ["None", str(fund.pk)],
                          "amount_approved": ["None", str(a.amount_approved)]})
        for a in approved])


def batch_progress(batch: ApprovalBatch) -> dict:
    return {"state": batch.state, "done": batch.done, "total": batch.total, "approved": batch.approved,
            "refused": len(batch.refused), "amount": str(batch.amount or Decimal(0)),
            "percent": round(batch.done * 100 / batch.total) if batch.total else 100}
