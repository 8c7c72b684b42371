"""Assistance on the workbench (core's registry, registered in AssistanceConfig.ready): the applications waiting
for the viewer's level, the hardship reviews overdue, the referrals whose answer is late and the objections raised
during a 公示 that nobody has answered.

Each count is the list its link opens, read with the lists' own filters: `mine=1` on the applications
(`selectors.my_turn_q`), `overdue=1` on the hardship ledger and on the referrals, `objection=open` on the
applications. The API's list filters are the same querysets.
"""

from django.db.models import Count, Subquery, Value
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rongjia.core.contributions import WorkbenchContribution, WorkItem
from rongjia.core.models import OrgUnit
from rongjia.core.scoping import scope_prefix

from .models import AidApplication, HardshipEntry, Referral
from .selectors import my_turn_q, referral_overdue_q, review_overdue_q, with_objection_waiting

S = AidApplication.State


def my_turn(viewer):
    """`mine=1`: applications waiting for the viewer's own level (the applications list's definition)."""
    return AidApplication.objects.visible_to(viewer).filter(my_turn_q(viewer))


def objections_waiting(viewer):
    return with_objection_waiting(AidApplication.objects.visible_to(viewer))


def reviews_overdue(viewer, today=None):
    """`overdue=1` on the ledger: households still in hardship whose review date has passed."""
    today = today or timezone.localdate()
    return HardshipEntry.objects.visible_to(viewer).filter(review_overdue_q(today))


def referrals_overdue(viewer, today=None):
    """`overdue=1`: referrals sent and not answered by the day the answer was expected."""
    today = today or timezone.localdate()
    return Referral.objects.visible_to(viewer).filter(referral_overdue_q(today))


def _count(queryset):
    """A list's count as a scalar subquery (an aggregate without a group: one row, 0 for none)."""
    return Subquery(queryset.order_by().values(one=Value(1)).annotate(n=Count("pk")).values("n")[:1])


def counts(viewer, today=None) -> dict[str, int]:
    """The four lists' counts in one query: the workbench asks a fixed number of queries whatever the modules."""
    today = today or timezone.localdate()
    lists = {"aid_my_turn": my_turn(viewer), "aid_objections": objections_waiting(viewer),
             "hardship_reviews_overdue": reviews_overdue(viewer, today),
             "referrals_overdue": referrals_overdue(viewer, today)}
    if scope_prefix(viewer) is None:  # sees no records (and may have no unit to read the counts beside)
        return dict.fromkeys(lists, 0)
    row = OrgUnit.objects.filter(pk=viewer.org_unit_id).values(**{key: _count(rows) for key, rows in lists.items()})
    return {key: value or 0 for key, value in row.get().items()}


def assistance_items(viewer) -> list[WorkItem]:
    applications = reverse("assistance:applications")
    n = counts(viewer)
    return [
        WorkItem("aid_my_turn", _("Applications waiting for my level"), n["aid_my_turn"], f"{applications}?mine=1",
                 "warn", _("To review, post, approve or pay at your level.")),
        WorkItem("aid_objections", _("Objections waiting for an answer"), n["aid_objections"],
                 f"{applications}?objection=open", "warn", _("Approval waits until every objection is answered.")),
        WorkItem("hardship_reviews_overdue", _("Hardship reviews overdue"), n["hardship_reviews_overdue"],
                 reverse("assistance:index") + "?overdue=1", "danger"),
        WorkItem("referrals_overdue", _("Referrals overdue"), n["referrals_overdue"],
                 reverse("assistance:referrals") + "?overdue=1", "danger",
                 _("No answer by the day it was expected: chase the department.")),
    ]


CONTRIBUTIONS = [
    # A leader, who looks but does not act, sees the same counts as the stations and centres.
    WorkbenchContribution(key="assistance", capability=("assistance.handle", "assistance.view"),
                          items=assistance_items, order=35),
]
