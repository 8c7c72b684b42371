"""The dossiers' 待办 on the workbench (registered in PeopleConfig.ready through core's registry).

Each item counts exactly the rows of the list its link opens: the count and the list call the
same selector with the same filter, and tests/core/test_workbench.py compares them for every
demo account.
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from rongjia.core.contributions import WorkbenchContribution, WorkItem
from rongjia.core.pagination import capped_count

from .books.selectors import incoming_transfers, outgoing_transfers
from .grids.services import households_of
from .models import ImportJob, Person, StatusProposal, Transfer
from .selectors import person_search


def transfers_to_decide(viewer):
    """Transfers proposed to the viewer's stations (a centre: to any station below it), awaiting a decision."""
    return incoming_transfers(viewer).filter(state=Transfer.State.PROPOSED)


def requests_to_decide(viewer):
    """转入申请 for dossiers the viewer's stations hold, awaiting their decision."""
    return outgoing_transfers(viewer).filter(state=Transfer.State.REQUESTED)


def import_jobs_waiting(viewer):
    """The viewer's own ledger imports waiting for them: columns to confirm, or checked and ready to import."""
    return ImportJob.objects.filter(uploaded_by=viewer, state__in=(ImportJob.State.MAPPING, ImportJob.State.VALID))


def proposals_waiting(viewer):
    return StatusProposal.objects.visible_to(viewer).filter(state=StatusProposal.State.PROPOSED)


def people_items(viewer) -> list[WorkItem]:
    lost = person_search(viewer, status=Person.Status.LOST)
    items = [
        WorkItem("transfers", _("Transfers to decide"), transfers_to_decide(viewer).count(),
                 reverse("people:transfer_list") + f"?direction=in&state={Transfer.State.PROPOSED}", "warn"),
        WorkItem("transfer_requests", _("Transfer requests to decide (转入申请)"), requests_to_decide(viewer).count(),
                 reverse("people:transfer_list") + f"?direction=out&state={Transfer.State.REQUESTED}", "warn"),
        WorkItem("lost", _("People lost to contact (失联)"), capped_count(lost),
                 reverse("people:person_list") + f"?status={Person.Status.LOST}", "warn",
                 _("Find them and record 恢复联系 on their dossier.")),
    ]
    if viewer.can("people.edit"):
        items.append(WorkItem("status_proposals", _("Status changes proposed by grid workers"),
                              proposals_waiting(viewer).count(), reverse("people:status_proposals"), "warn"))
    if viewer.can("people.grid_edit"):
        items.append(WorkItem("my_grid", _("Households in my grid"), households_of(viewer).count(),
                              reverse("people:my_grid")))
    if viewer.can("people.import"):
        items.append(WorkItem("imports", _("Ledger imports waiting to be imported"),
                              import_jobs_waiting(viewer).count(),
                              reverse("people:import_jobs") + "?state=waiting"))
    return items


CONTRIBUTIONS = [WorkbenchContribution(key="people", capability="people.view", items=people_items, order=20)]
