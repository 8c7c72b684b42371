"""Evaluation periods: the list, a new period, its scoring followed on a progress bar, its stations' stars with
filters, sorting and export, starting and closing it, and giving stations to third-party evaluators."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from rongjia.accounts.models import Role
from rongjia.core.decorators import capability_required
from rongjia.core.errors import StaleVersion
from rongjia.core.exports import xlsx_response
from rongjia.core.pagination import paginate
from rongjia.core.regions import pad_code
from rongjia.core.scoping import get_visible_or_404
from rongjia.core.workflow import steps_open_to

from . import selectors, services
from .forms import AssignForm, RunForm
from .models import CriteriaVersion, Run
from .workflow import RUN


def _versions(viewer):
    return (CriteriaVersion.objects.filter(criteria_set__in=selectors.criteria_sets(viewer))
            .select_related("criteria_set").order_by("-criteria_set__year", "criteria_set__level", "-number"))


@capability_required("evaluation.view", "evaluation.assess")
def index(request):
    if not request.user.can("evaluation.view"):
        return redirect("evaluation:assigned")
    state = request.GET.get("state", "")
    runs = selectors.runs(request.user)
    if state in Run.State.values:
        runs = runs.filter(state=state)
    page, query = paginate(request, runs)
    form = RunForm(versions=_versions(request.user)) if request.user.can("evaluation.manage") else None
    return render(request, "evaluation/index.html", {
        "page": page, "query": query, "state": state, "states": Run.State.choices, "form": form,
        "criteria_sets": selectors.criteria_sets(request.user)[:20]})


@require_POST
@capability_required("evaluation.manage")
def run_new(request):
    form = RunForm(request.POST, versions=_versions(request.user))
    if form.is_valid():
        data = form.cleaned_data
        try:
            run = services.run_create(actor=request.user, version_id=data["criteria"], title=data["title"],
                                      since=data["since"], until=data["until"])
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("The period is set up; score the stations when the period's data is in."))
            return redirect("evaluation:run_detail", pk=run.pk)
    page, query = paginate(request, selectors.runs(request.user))
    return render(request, "evaluation/index.html", {
        "page": page, "query": query, "states": Run.State.choices, "form": form,
        "criteria_sets": selectors.criteria_sets(request.user)[:20]}, status=400)


def _run(request, pk) -> Run:
    return get_visible_or_404(selectors.runs(request.user), request.user, pk=pk)


@capability_required("evaluation.view")
def run_detail(request, pk):
    run = _run(request, pk)
    filters = {name: request.GET.get(name, "") for name in ("stars", "change", "q", "sort")}
    page, query = paginate(request, selectors.scores(request.user, run, **filters))
    mine = run.owner_id == request.user.org_unit_id
    evaluators = _evaluators(request.user) if mine and request.user.can("evaluation.manage") else []
    return render(request, "evaluation/run_detail.html", {
        "run": run, "page": page, "query": query, "filters": filters, "counts": selectors.distribution(
            request.user, run), "steps": steps_open_to(RUN, run, request.user) if mine else [],
        "assign_form": AssignForm(evaluators=evaluators) if evaluators else None})


def _evaluators(viewer):
    """Accounts registered in the viewer's area whose role marks stations without running periods (third-party
    evaluators); the service checks each one's capabilities again when stations are given."""
    roles = [role.pk for role in Role.objects.all()
             if "evaluation.assess" in role.capabilities and "evaluation.manage" not in role.capabilities]
    return list(get_user_model().objects.visible_to(viewer).filter(is_active=True, roles__in=roles).distinct()
                .order_by("username")[:200])


@capability_required("evaluation.view")
def run_status(request, pk):
    """The progress fragment the run's page polls while the job scores; once scored, the page reloads itself to
    show the stars."""
    run = _run(request, pk)
    response = render(request, "evaluation/_run_status.html", {"run": run})
    if run.state != Run.State.RUNNING and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"
    return response


@require_POST
@capability_required("evaluation.manage")
def run_step(request, pk):
    try:
        services.run_step(actor=request.user, run_id=pk, action=request.POST.get("action", ""),
                          version=int(request.POST.get("version") or 0) or None)
    except StaleVersion:
        messages.error(request, _("Someone changed this period meanwhile; here it is as it is now."))
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, "；".join(getattr(exc, "messages", [str(exc)])))
    return redirect("evaluation:run_detail", pk=pk)


@require_POST
@capability_required("evaluation.manage")
def run_assign(request, pk):
    run = _run(request, pk)
    form = AssignForm(request.POST, evaluators=_evaluators(request.user))
    if form.is_valid():
        codes = [pad_code(code) for code in form.codes()]
        ids = list(selectors.scores(request.user, run).filter(region_code__in=codes).values_list("unit_id", flat=True))
        try:
            if len(ids) != len(set(codes)):
                raise ValidationError(_("Give the region codes of stations scored in this period."))
            count = services.evaluators_assign(actor=request.user, run_id=run.pk,
                                               evaluator_id=form.cleaned_data["evaluator"], unit_ids=ids)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, _("%(count)d stations given to the evaluator.") % {"count": count})
    else:
        messages.error(request, "；".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("evaluation:run_detail", pk=pk)


@capability_required("evaluation.view")
def run_export(request, pk):
    run = _run(request, pk)
    filters = {name: request.GET.get(name, "") for name in ("stars", "change", "q", "sort")}
    rows = ([s.unit.name, s.region_code, s.points, s.stars, s.previous_stars, s.computed_stars, s.adjustment_reason]
            for s in selectors.scores(request.user, run, **filters).iterator(chunk_size=2000))
    return xlsx_response(filename=f"{run.title}.xlsx", title=run.title[:31], headers=[
        pgettext("evaluated station", "Station"), _("Region code"), _("Score"), _("Stars"),
        _("Stars in the last period"), _("Stars by the score"), _("Reason for the adjustment")], rows=rows)
