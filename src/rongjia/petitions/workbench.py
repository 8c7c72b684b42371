"""The petitions' 待办 on the workbench (registered in PetitionsConfig.ready through core's registry):
deadlines passed and coming in the viewer's area, 积案 without a 包案 leader or without this month's progress,
and mailbox feedback nobody has answered.

Each count is the list its link opens, through the same selector and filter. Everything is read live from the
stored deadlines and cases: nothing here waits for `run_deadlines`.
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from rongjia.core.contributions import WorkbenchContribution, WorkItem

from .backlog.selectors import case_list
from .mailbox.selectors import mailbox_overdue_count
from .selectors import feedback_list, petition_list


def petition_items(viewer) -> list[WorkItem]:
    petitions, cases = reverse("petitions:petition_list"), reverse("petitions:backlog_list")
    return [
        WorkItem("petitions_overdue", _("Overdue petitions"), petition_list(viewer, due="overdue").count(),
                 f"{petitions}?due=overdue", "danger", _("Past the deadline of their current step.")),
        WorkItem("petitions_soon", _("Petitions due within 5 days"), petition_list(viewer, due="soon").count(),
                 f"{petitions}?due=soon", "warn"),
        WorkItem("backlog_unassigned", _("Backlog cases without a leader in charge"),
                 petition_list(viewer, backlog="unassigned").count(), f"{petitions}?backlog=unassigned", "danger",
                 _("Open past the deadline or lodged three times: name a 包案 leader and a plan.")),
        WorkItem("backlog_no_progress", _("Backlog cases without this month's progress"),
                 case_list(viewer, progress="missing").count(), f"{cases}?progress=missing", "warn"),
        WorkItem("mailbox_overdue", _("Overdue mailbox answers"), mailbox_overdue_count(viewer),
                 reverse("mailbox:inbox") + "?due=overdue", "danger"),
        WorkItem("mailbox", _("Unanswered mailbox feedback"), feedback_list(viewer, answered="no").count(),
                 reverse("mailbox:inbox") + "?answered=no", "warn"),
    ]


CONTRIBUTIONS = [WorkbenchContribution(key="petitions", capability="petitions.view", items=petition_items,
                                       order=30)]
