"""The workbench 工作台 at /: what the viewer has to do today, built only from core's registry.

Every module adds its 待办 by registering a WorkbenchContribution; this page never names a module.
Each item is a count that opens the filtered list holding exactly those rows.
"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from . import contributions


@login_required
def workbench(request):
    user = request.user
    items = contributions.workbench(user)
    context = {"items": items, "open_items": sum(1 for item in items if item.count),
               # a worker not yet placed in a unit sees nothing: say why rather than show empty lists
               "needs_unit": user.can("org.view") and user.org_unit is None}
    return render(request, "core/workbench.html", context)
