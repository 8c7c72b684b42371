"""The evaluation on the workbench (core's registry). A centre: its targets not yet met, its periods open for review,
its stations down a star in the latest closed period. An evaluator: the stations it still has to mark."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from rongjia.core.contributions import WorkbenchContribution, WorkItem
from rongjia.core.regions import COUNTY

from . import selectors
from .models import Run


def centre_items(viewer) -> list[WorkItem]:
    if viewer.org_unit is None or viewer.org_unit.level > COUNTY:  # the centres that run periods and own targets
        return []
    board = selectors.target_board(viewer)
    missed = sum(1 for target, own, below in board if selectors.target_missed(target, own, below))
    items = [WorkItem("targets_missed", _("Star targets not yet met"), missed, reverse("evaluation:targets"),
                      "warn", _("The gaps, region by region, are on the targets page."))] if board else []
    latest = selectors.runs(viewer).filter(state=Run.State.CLOSED).first()
    if latest is not None:
        down = selectors.distribution(viewer, latest)["down"]
        items.append(WorkItem("stations_down", _("Stations down a star"), down,
                              reverse("evaluation:run_detail", args=[latest.pk]) + "?change=down", "info"))
    items.append(WorkItem("periods_open", _("Evaluation periods open for review"),
                          selectors.open_for_review(viewer).count(), reverse("evaluation:index") + "?state=scored",
                          "info"))
    return items


def evaluator_items(viewer) -> list[WorkItem]:
    return [WorkItem("stations_to_mark", _("Stations to mark"), selectors.to_mark(viewer).count(),
                     reverse("evaluation:assigned"), "warn")]


CONTRIBUTIONS = [
    # A leader, who looks but does not act, sees the same counts as the centre's staff.
    WorkbenchContribution(key="evaluation", capability=("evaluation.manage", "evaluation.view"), items=centre_items,
                          order=40),
    WorkbenchContribution(key="evaluation_marks", capability="evaluation.assess", items=evaluator_items, order=41),
]
