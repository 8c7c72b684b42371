"""Benefits on the workbench (core's registry, registered in BenefitsConfig.ready): the proposals waiting to be
confirmed, the life certifications overdue, the people whose payment is suspended, and the payment batches waiting
for the viewer's step (prepare 经办, check 复核, approve 负责人: each for those who hold its capability, all three for a
leader who only reads).

Each count is the list its link opens, read through the lists' own querysets (`selectors`): the queue unfiltered,
`?show=overdue` and `?show=suspended` on the certifications, `?state=` on the batches. All of them are counted in
one query, as scalar subqueries beside the viewer's own unit.
"""

from django.db.models import Count, Subquery, Value
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rongjia.core.contributions import WorkbenchContribution, WorkItem
from rongjia.core.scoping import scope_prefix

from .models import PaymentBatch
from .selectors import BATCH_STEPS, batches_in_state, certification_rows, open_proposals, viewer_unit_row

S = PaymentBatch.State
BATCH_LABELS = {S.DRAFT: (_("Payment batches to prepare (经办)"), _("Check the exceptions, then prepare.")),
                S.PREPARED: (_("Payment batches to check (复核)"), _("Someone other than the preparer checks.")),
                S.CHECKED: (_("Payment batches to approve"), _("Approval sends the batch to the bank."))}


def _count(queryset):
    """A list's count as a scalar subquery (an aggregate without a group: one row, 0 for none)."""
    return Subquery(queryset.order_by().values(one=Value(1)).annotate(n=Count("pk")).values("n")[:1])


def lists(viewer, today=None) -> dict:
    """The lists the items open, by key: the workbench counts exactly these rows."""
    today = today or timezone.localdate()
    found = {"benefits_proposals": open_proposals(viewer),
             "benefits_certification_overdue": certification_rows(viewer, "overdue", today),
             "benefits_suspended": certification_rows(viewer, "suspended", today)}
    looks_only = not viewer.can("benefits.handle")  # a leader: every step's count, as the workers see them
    for capability, state in BATCH_STEPS:
        if viewer.can(capability) or looks_only:
            found[f"benefits_batches_{state}"] = batches_in_state(viewer, state)
    return found


def counts(viewer, today=None) -> dict[str, int]:
    rows = lists(viewer, today)
    if scope_prefix(viewer) is None:  # sees no records (and may have no unit to read the counts beside)
        return dict.fromkeys(rows, 0)
    row = viewer_unit_row(viewer).values(**{key: _count(queryset) for key, queryset in rows.items()})
    return {key: value or 0 for key, value in row.get().items()}


def benefit_items(viewer) -> list[WorkItem]:
    n = counts(viewer)
    certifications = reverse("benefits:certifications")
    items = [
        WorkItem("benefits_proposals", _("Benefit changes to confirm"), n["benefits_proposals"],
                 reverse("benefits:proposals"), "warn",
                 _("New entitlements, changed facts and ends the dossiers call for.")),
        WorkItem("benefits_certification_overdue", _("Life certifications overdue"),
                 n["benefits_certification_overdue"], f"{certifications}?show=overdue", "danger",
                 _("Payment is suspended when the grace days pass.")),
        WorkItem("benefits_suspended", _("Benefit payments suspended"), n["benefits_suspended"],
                 f"{certifications}?show=suspended", "danger", _("Certify life to resume, with back-pay.")),
    ]
    batches = reverse("benefits:batches")
    for _capability, state in BATCH_STEPS:
        key = f"benefits_batches_{state}"
        if key in n:
            label, hint = BATCH_LABELS[state]
            items.append(WorkItem(key, label, n[key], f"{batches}?state={state}", "warn", hint))
    return items


CONTRIBUTIONS = [
    # A leader, who looks but does not act, sees the same counts as the stations and centres, the batches' too.
    WorkbenchContribution(key="benefits", capability=("benefits.handle", "benefits.view"), items=benefit_items,
                          order=40),
]
