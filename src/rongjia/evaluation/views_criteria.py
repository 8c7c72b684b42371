"""Criteria sets: a new set with its items and star thresholds; a set's versions, and a change that edits the
latest version while no period has used it, else makes the next one."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from rongjia.core import measures
from rongjia.core.decorators import capability_required
from rongjia.core.scoping import get_visible_or_404

from . import selectors, services
from .forms import METHOD_CHOICES, CriteriaForm, item_rows, item_table, measure_choices


def _editor(form, rows, **context):
    return {"form": form, "rows": rows, "methods": METHOD_CHOICES, "measure_choices": measure_choices(),
            "measures": measures.measures(),
            "item_errors": context.pop("item_errors", []), **context}


def _service_errors(form, exc: ValidationError) -> list[str]:
    """The item table's errors (shown above it); the rest go on the form's fields."""
    if not hasattr(exc, "error_dict"):
        form.add_service_error(exc)
        return []
    errors = exc.error_dict.pop("items", [])
    if exc.error_dict:
        form.add_service_error(exc)
    return [message for error in errors for message in error.messages]


@capability_required("evaluation.manage")
def criteria_new(request):
    form = CriteriaForm(request.POST or None, unit=request.user.org_unit)
    posted = item_rows(request.POST) if request.method == "POST" else None
    errors = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            criteria_set = services.criteria_set_create(actor=request.user, name=data["name"], level=data["level"],
                                                        year=data["year"], thresholds=form.thresholds, items=posted)
        except ValidationError as exc:
            errors = _service_errors(form, exc)
        else:
            messages.success(request, _("The criteria are saved as version 1."))
            return redirect("evaluation:criteria_detail", pk=criteria_set.pk)
    initial_rows = item_table(None, posted)
    return render(request, "evaluation/criteria_edit.html", _editor(form, initial_rows, item_errors=errors),
                  status=400 if request.method == "POST" else 200)


@capability_required("evaluation.view")
def criteria_detail(request, pk):
    criteria_set = get_visible_or_404(selectors.criteria_sets(request.user), request.user, pk=pk)
    versions = list(criteria_set.versions.prefetch_related("items").select_related("created_by"))
    shown = next((v for v in versions if str(v.number) == request.GET.get("v")), versions[0] if versions else None)
    own = criteria_set.jurisdiction_code == (services.own_prefix(request.user) if request.user.org_unit else None)
    form, errors, posted = None, [], None
    if own and request.user.can("evaluation.manage"):
        latest = versions[0]
        form = CriteriaForm(request.POST or None, editing=True, initial=dict(zip(
            ("two", "three", "four", "five"), latest.thresholds, strict=False)))
        if request.method == "POST":
            posted = item_rows(request.POST)
            if form.is_valid():
                try:
                    version = services.version_save(actor=request.user, set_id=criteria_set.pk,
                                                    thresholds=form.thresholds, items=posted,
                                                    note=form.cleaned_data["note"])
                except ValidationError as exc:
                    errors = _service_errors(form, exc)
                else:
                    messages.success(request, _("Saved as version %(n)d.") % {"n": version.number})
                    return redirect("evaluation:criteria_detail", pk=pk)
    elif request.method == "POST":
        raise PermissionDenied
    return render(request, "evaluation/criteria_detail.html", _editor(
        form, item_table(versions[0] if versions else None, posted), item_errors=errors, criteria_set=criteria_set,
        versions=versions, shown=shown), status=400 if request.method == "POST" else 200)
