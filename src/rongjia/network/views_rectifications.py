"""The rectification items (整改) of the units in the viewer's scope, open ones first: what the workbench opens."""

from django.db.models import Case, Value, When
from django.shortcuts import render

from rongjia.core.decorators import capability_required
from rongjia.core.pagination import paginate

from .models import Rectification


def rectifications(viewer, *, status: str = ""):
    items = Rectification.objects.visible_to(viewer).select_related("unit", "created_by")
    if status in Rectification.Status.values:
        items = items.filter(status=status)
    open_first = Case(When(status=Rectification.Status.OPEN, then=Value(0)), default=Value(1))
    return items.order_by(open_first, "-created_at", "-id")


@capability_required("org.view")
def rectification_list(request):
    status = request.GET.get("status", "")
    page, query = paginate(request, rectifications(request.user, status=status))
    return render(request, "network/rectification_list.html",
                  {"page": page, "query": query, "status": status, "statuses": Rectification.Status.choices})
