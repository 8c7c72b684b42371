"""The two-person rule's page: changes of who may do what, awaiting a second security administrator.

The security administrators decide them here; the audit administrator reads the same list (its own
subtree's), to see who proposed and who approved each change.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rongjia.core.decorators import capability_required
from rongjia.core.errors import StaleVersion
from rongjia.core.pagination import paginate

from . import approvals
from .approvals import AWAITING_ME
from .models import AccountChange


@login_required
def change_list(request):
    if not (request.user.can("accounts.manage") or request.user.can("audit.view")):
        raise PermissionDenied
    state = request.GET.get("state", "")
    if state == AWAITING_ME:
        changes = approvals.awaiting(request.user)
    else:
        changes = AccountChange.objects.visible_to(request.user)
        if state in AccountChange.State.values:
            changes = changes.filter(state=state)
    changes = changes.select_related("account", "role", "proposed_by", "decided_by").order_by("-proposed_at", "-id")
    page, query = paginate(request, changes)
    approvals.words_for(page.object_list)
    for change in page.object_list:
        change.open_steps = approvals.steps_for(change, request.user)
    mine = [(AWAITING_ME, _("Awaiting my approval"))] if request.user.can("accounts.manage") else []
    return render(request, "accounts/change_list.html", {
        "page": page, "query": query, "state": state, "states": mine + AccountChange.State.choices})


@require_POST
@capability_required("accounts.manage")
def change_decide(request, pk, action):
    version = request.POST.get("version", "")
    try:
        change = approvals.decide(actor=request.user, pk=pk, action=action, note=request.POST.get("note", ""),
                                  version=int(version) if version.isdigit() else None)
    except StaleVersion as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("Account change: %(state)s.") % {"state": change.get_state_display()})
    return redirect(reverse("accounts:change_list"))
