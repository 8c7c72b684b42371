"""The rectification items (整改) of the units in the viewer's scope, open ones first: what the workbench opens."""

from django.shortcuts import render

from rongjia.core.decorators import capability_required
from rongjia.core.pagination import paginate

from .models import Rectification
from .selectors import rectifications


@capability_required("org.view")
def rectification_list(request):
    status = request.GET.get("status", "")
    page, query = paginate(request, rectifications(request.user, status=status))
    return render(request, "network/rectification_list.html",
                  {"page": page, "query": query, "status": status, "statuses": Rectification.Status.choices})
