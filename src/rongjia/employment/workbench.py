"""Employment on the workbench (core's registry, registered in EmploymentConfig.ready): the seeker profiles
offered to newly discharged people and to those with an employment need, waiting for a worker to confirm them; the
referrals without an outcome two weeks on; the six-month follow-ups of the people hired; the businesses whose
follow-up is due.

Each count is the list its link opens, read through the same conditions (`lists`): the seekers ?status=offered,
the referrals ?overdue=1 and ?follow_up=1 (the referral list's own conditions, `selectors_postings`), the businesses
?due=follow_up. All of them are counted in one query,
as scalar subqueries beside the viewer's own unit.
"""


from django.db.models import Count, Subquery, Value
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rongjia.core.contributions import WorkbenchContribution, WorkItem
from rongjia.core.models import OrgUnit
from rongjia.core.scoping import scope_prefix

from .models import Business, Referral, Seeker
from .selectors_postings import follow_up_due_q, overdue_q


def offered_seekers(viewer):
    """Profiles offered by the nightly review (or the button), not yet confirmed: the seekers list ?status=offered."""
    return Seeker.objects.visible_to(viewer).filter(status=Seeker.Status.OFFERED)


def referrals_without_outcome(viewer, today):
    """Referrals still referred or at interview two weeks after they were made: the referrals ?overdue=1."""
    return Referral.objects.visible_to(viewer).filter(overdue_q(today))


def follow_ups_due(viewer, today):
    """People hired whose six-month follow-up is due and not yet done: the referrals ?follow_up=1."""
    return Referral.objects.visible_to(viewer).filter(follow_up_due_q(today))


def business_follow_ups_due(viewer, today):
    """Operating businesses whose follow-up is due: the businesses ?due=follow_up."""
    return Business.objects.visible_to(viewer).filter(state=Business.State.OPERATING, follow_up_due__lte=today)


def lists(viewer, today=None) -> dict:
    """The lists the items open, by key: the workbench counts exactly these rows."""
    today = today or timezone.localdate()
    return {"employment_offered": offered_seekers(viewer),
            "employment_outcome_due": referrals_without_outcome(viewer, today),
            "employment_follow_up_due": follow_ups_due(viewer, today),
            "employment_business_follow_up_due": business_follow_ups_due(viewer, today)}


def _count(queryset):
    """A list's count as a scalar subquery (an aggregate without a group: one row, 0 for none)."""
    return Subquery(queryset.order_by().values(one=Value(1)).annotate(n=Count("pk")).values("n")[:1])


def counts(viewer, today=None) -> dict[str, int]:
    """Every count in one query (none for a viewer who sees no records)."""
    rows = lists(viewer, today)
    if scope_prefix(viewer) is None or not getattr(viewer, "org_unit_id", None):
        return dict.fromkeys(rows, 0)
    row = OrgUnit.objects.filter(pk=viewer.org_unit_id).values(**{key: _count(qs) for key, qs in rows.items()})
    found = row.first() or {}
    return {key: found.get(key) or 0 for key in rows}


ITEMS = (
    ("employment_offered", "employment:seekers", "status=offered", _("Job-seeker profiles to confirm"), "warn",
     _("Offered to the newly discharged and to those with an employment need: confirm or set aside.")),
    ("employment_outcome_due", "employment:referrals", "overdue=1", _("Referrals without an outcome"), "warn",
     _("Referred two weeks ago or more: record the interview, the hire or why not.")),
    ("employment_follow_up_due", "employment:referrals", "follow_up=1", _("Six-month follow-ups of people hired"),
     "danger", _("Ask whether they are still in the job.")),
    ("employment_business_follow_up_due", "employment:businesses", "due=follow_up", _("Business follow-ups due"),
     "warn", _("Visit the business: still operating, how many employees.")),
)


def employment_items(viewer) -> list[WorkItem]:
    n = counts(viewer)
    return [WorkItem(key, label, n[key], f"{reverse(url_name)}?{query}", tone, hint)
            for key, url_name, query, label, tone, hint in ITEMS]


CONTRIBUTIONS = [
    # A leader, who looks but does not act, sees the same counts as the stations and centres.
    WorkbenchContribution(key="employment", capability=("employment.handle", "employment.view"),
                          items=employment_items, order=45),
]
