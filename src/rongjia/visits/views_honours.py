"""Honours: the 光荣牌 of the area's households and the 立功喜报 to deliver, each with its steps."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rongjia.core.decorators import capability_required
from rongjia.core.errors import StaleVersion
from rongjia.core.models import Region
from rongjia.core.pagination import paginate
from rongjia.core.regions import VILLAGE
from rongjia.core.scoping import get_visible_or_404, scope_prefix, subtree_q
from rongjia.core.workflow import steps_open_to

from . import honours
from .forms import MeritForm, PlaqueIssueForm, StepForm
from .models import Merit, Plaque
from .selectors import merit_list, plaque_counts, plaque_counts_below, plaque_list
from .views import jpeg_response


@capability_required("visits.view")
def plaques(request):
    state = request.GET.get("state", "") if request.GET.get("state") in Plaque.State.values else ""
    page, query = paginate(request, plaque_list(request.user, state=state))
    for plaque in page.object_list:
        plaque.steps = [honours.PLAQUE.step(a) for a in steps_open_to(honours.PLAQUE, plaque, request.user)]
    form = PlaqueIssueForm(user=request.user) if request.user.can("visits.record") else None
    return render(request, "visits/plaques.html", {"page": page, "query": query, "state": state, "form": form,
                                                   "counts": plaque_counts(request.user), "states": Plaque.State,
                                                   "below": plaque_counts_below(request.user)})


@require_POST
@capability_required("visits.record")
def plaque_issue(request):
    form = PlaqueIssueForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            honours.plaque_issue(actor=request.user, person_id=form.cleaned_data["person"],
                                 issued_on=form.cleaned_data["issued_on"],
                                 on_application=form.cleaned_data["on_application"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Plaque issued."))
    else:
        messages.error(request, _("Choose the person and the day of issue."))
    return redirect("visits:plaques")


def _step(request, take, pk, back):
    form = StepForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The step could not be read; reload the page and try again."))
        return redirect(back)
    data = form.cleaned_data
    try:
        take(actor=request.user, pk=pk, action=data["action"], version=data["version"], note=data["note"],
             day=data["day"], ceremony=data["ceremony"], **({"photo": request.FILES["photo"]}
                                                            if "photo" in request.FILES else {}))
    except (ValidationError, StaleVersion, PermissionDenied) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc) or _("Not allowed.")])))
    else:
        messages.success(request, _("Step recorded."))
    return redirect(back)


@require_POST
@capability_required("visits.record")
def plaque_step(request, pk):
    def take(*, actor, pk, day, **step):
        return honours.plaque_step(actor=actor, plaque_id=pk, hung_on=day, **step)

    get_visible_or_404(Plaque.objects.all(), request.user, pk=pk)
    return _step(request, take, pk, "visits:plaques")


@capability_required("visits.view")
def plaque_photo(request, pk):
    """The ceremony's photo, only through this scoped view."""
    return jpeg_response(get_visible_or_404(Plaque.objects.all(), request.user, pk=pk).photo)


@capability_required("visits.view")
def merits(request):
    page, query = paginate(request, merit_list(request.user))
    for merit in page.object_list:
        merit.steps = [honours.MERIT.step(a) for a in steps_open_to(honours.MERIT, merit, request.user)]
    form = MeritForm(villages=_villages(request.user)) if request.user.can("visits.record") else None
    return render(request, "visits/merits.html", {"page": page, "query": query, "form": form,
                                                  "levels": honours.DELIVERING_LEVEL, "states": Merit.State})


def _villages(user):
    prefix = scope_prefix(user) or ""
    return Region.objects.filter(subtree_q("code", prefix), level=VILLAGE).values_list("code", "name")[:2000]


@require_POST
@capability_required("visits.record")
def merit_register(request):
    form = MeritForm(request.POST, villages=_villages(request.user))
    if form.is_valid():
        try:
            honours.merit_register(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Merit notice registered: it is delivered by the level the merit calls for."))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("visits:merits")


@require_POST
@capability_required("visits.record")
def merit_step(request, pk):
    def take(*, actor, pk, day, **step):
        return honours.merit_step(actor=actor, merit_id=pk, delivered_on=day, **step)

    get_visible_or_404(Merit.objects.all(), request.user, pk=pk)
    return _step(request, take, pk, "visits:merits")
