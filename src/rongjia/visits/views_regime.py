"""The visit regime: the rule a unit follows (the strictest of those above it), and a centre's own."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from rongjia.core.decorators import capability_required
from rongjia.core.errors import StaleVersion
from rongjia.core.scoping import scope_prefix

from . import regimes, services
from .forms import RegimeForm
from .models import Regime


@capability_required("visits.view")
def regime(request):
    prefix = scope_prefix(request.user) or ""
    own = Regime.objects.filter(jurisdiction_code=prefix).first() or Regime(jurisdiction_code=prefix)
    form = None
    if request.user.can("visits.manage"):
        form = RegimeForm(request.POST or None, instance=own, templates=regimes.TEMPLATES)
        if request.method == "POST" and form.is_valid():
            try:
                services.regime_save(actor=request.user, **form.regime())
            except (ValidationError, StaleVersion) as exc:
                form.add_service_error(exc)
            else:
                messages.success(request, _("Regime saved: it applies to every station below."))
                return redirect("visits:regime")
    elif request.method == "POST":
        raise PermissionDenied
    return render(request, "visits/regime.html", {
        "form": form, "rule": regimes.effective_for(prefix), "inherited": regimes.inherited_rule(prefix),
        "above": regimes.rules_above(prefix), "own": own if own.pk else None})
