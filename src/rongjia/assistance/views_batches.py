"""Batch approval pages (a festival 关爱 distribution): what is ready and how much it costs, the start, and the
job's progress, polled by the page until the job is done, then the applications it left with the reason."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from rongjia.core.decorators import capability_required
from rongjia.core.regions import PREFIX_LENGTH
from rongjia.core.scoping import get_visible_or_404

from . import batch, selectors
from .forms_applications import BatchForm
from .models import AidApplication, ApprovalBatch
from .workflow import APPROVE

VIEW = "assistance.view"


@capability_required(APPROVE)
def batch_new(request):
    """Choose a kind and a fund: the page says how many applications are ready and what they cost, per kind, and
    for the chosen pair; the batch approves those the chosen fund covers."""
    user = request.user
    form = BatchForm(request.POST or request.GET or None, user=user)
    chosen = None
    if form.is_bound and form.is_valid():
        kind, fund = form.cleaned_data["kind"], form.cleaned_data["fund"]
        if request.method == "POST":
            try:
                started = batch.batch_start(actor=user, kind=kind, fund=fund)
            except ValidationError as exc:
                form.add_service_error(exc)
            else:
                messages.success(request, _("Batch approval started."))
                return redirect("assistance:batch_detail", pk=started.pk)
        # the fund pays only within its holder's subtree: the same rule as batch_start's, as a range query
        covered = batch.ready_to_approve(user, kind).in_subtree(fund.region_code[:PREFIX_LENGTH[fund.unit.level]])
        chosen = {"kind": kind, "fund": fund, **selectors.ready_totals(covered)}
    totals = selectors.ready_by_kind(batch.ready_to_approve(user))
    by_kind = [{"kind": kind, **totals[kind.pk]} for kind in form.fields["kind"].queryset if kind.pk in totals]
    return render(request, "assistance/batch_new.html", {
        "form": form, "chosen": chosen, "by_kind": by_kind,
        "batches": ApprovalBatch.objects.visible_to(user).select_related("kind", "fund")[:10]})


def _batch(request, pk) -> ApprovalBatch:
    return get_visible_or_404(ApprovalBatch.objects.select_related("kind", "fund", "unit", "started_by"),
                              request.user, pk=pk)


@capability_required(VIEW)
def batch_detail(request, pk):
    found = _batch(request, pk)
    return render(request, "assistance/batch_detail.html", {"batch": found, **_progress(request, found)})


@capability_required(VIEW)
def batch_status(request, pk):
    """The fragment the batch's page polls every second while the job runs; once done, the page reloads itself to
    list what the batch left."""
    found = _batch(request, pk)
    response = render(request, "assistance/_batch_status.html", {"batch": found, **_progress(request, found)})
    if found.state == ApprovalBatch.State.DONE and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"
    return response


def _progress(request, found: ApprovalBatch) -> dict:
    progress = batch.batch_progress(found)
    refused = []
    if found.state == ApprovalBatch.State.DONE and found.refused:
        reasons = {row["id"]: row["reason"] for row in found.refused}
        applications = (AidApplication.objects.visible_to(request.user).filter(pk__in=reasons)
                        .select_related("person", "station").defer(*selectors.UNSHOWN_PERSON_FIELDS))
        refused = [{"application": a, "reason": reasons[a.pk]} for a in applications]
    return {"progress": progress, "refused": refused}
