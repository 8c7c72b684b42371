"""The petitions' 待办 on the workbench (registered in PetitionsConfig.ready through core's registry):
deadlines passed and coming in the viewer's area, and mailbox feedback nobody has answered.

Each count is the list its link opens, through the same selector and filter.
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from rongjia.core.contributions import WorkbenchContribution, WorkItem

from .selectors import feedback_list, petition_list


def petition_items(viewer) -> list[WorkItem]:
    petitions = reverse("petitions:petition_list")
    return [
        WorkItem("petitions_overdue", _("Overdue petitions"), petition_list(viewer, due="overdue").count(),
                 f"{petitions}?due=overdue", "danger", _("Past the deadline of their current step.")),
        WorkItem("petitions_soon", _("Petitions due within 5 days"), petition_list(viewer, due="soon").count(),
                 f"{petitions}?due=soon", "warn"),
        WorkItem("mailbox", _("Unanswered mailbox feedback"), feedback_list(viewer, answered="no").count(),
                 reverse("mailbox:inbox") + "?answered=no", "warn"),
    ]


CONTRIBUTIONS = [WorkbenchContribution(key="petitions", capability="petitions.view", items=petition_items,
                                       order=30)]
