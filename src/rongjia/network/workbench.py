"""The network's 待办 on the workbench (registered in NetworkConfig.ready through core's registry): units
below their standard and rectification items still open. Each count is the list its link opens."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rongjia.core.contributions import WorkbenchContribution, WorkItem

from .forms import StationFilterForm
from .models import Rectification
from .selectors import rectifications
from .training import untrained


def below_standard(viewer):
    return StationFilterForm({"below_standard": "yes"}).units(viewer)


def network_items(viewer) -> list[WorkItem]:
    year = timezone.localdate().year
    return [
        WorkItem("below_standard", _("Stations below standard"), below_standard(viewer).count(),
                 reverse("network:station_list") + "?below_standard=yes", "warn"),
        WorkItem("rectifications", _("Open rectification items"),
                 rectifications(viewer, status=Rectification.Status.OPEN).count(),
                 reverse("network:rectification_list") + f"?status={Rectification.Status.OPEN}", "warn"),
        WorkItem("untrained", _("Staff not yet trained this year"), untrained(viewer, year).count(),
                 reverse("network:training") + f"?year={year}", "info",
                 _("Every worker is trained once a year (seed 003).")),
    ]


CONTRIBUTIONS = [WorkbenchContribution(key="network", capability="org.view", items=network_items, order=40)]
