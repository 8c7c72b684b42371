"""A station's score sheet: each item's points with the numbers behind them, the move in stars explained, the
owner's adjustment with its reason, the evaluators' marks, and the gaps sent to the rectification list. A
third-party evaluator opens only the sheets of the stations it was given (404 elsewhere)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rongjia.core.decorators import capability_required
from rongjia.core.errors import StaleVersion
from rongjia.core.pagination import paginate
from rongjia.core.scoping import get_visible_or_404

from . import selectors, services
from .forms import AdjustForm, MarkForm
from .models import EvaluatorAssignment, Mark, Run, Score
from .sheet import change_in_words, sheet_groups


def _score(request, pk) -> Score:
    return get_visible_or_404(Score.objects.select_related("run__criteria__criteria_set", "run__owner", "unit"),
                              request.user, pk=pk)


@capability_required("evaluation.view", "evaluation.assess")
def score_detail(request, pk, adjust_form=None, mark_errors=None, status=200):
    score = _score(request, pk)
    run, user = score.run, request.user
    owner = run.owner_id == user.org_unit_id and user.can("evaluation.manage")
    assigned = EvaluatorAssignment.objects.filter(run=run, unit_id=score.unit_id, evaluator=user).exists()
    marks = {m.criterion_id: m for m in Mark.objects.filter(run=run, unit_id=score.unit_id).select_related(
        "marked_by")}
    may_mark = run.state == Run.State.SCORED and (owner or assigned)
    manual = [(item, marks.get(item.pk)) for item in selectors.manual_items(score)] if may_mark else []
    previous = selectors.previous_score(user, score) if score.change else None
    return render(request, "evaluation/score_detail.html", {
        "score": score, "run": run, "groups": sheet_groups(score), "change_words": change_in_words(score, previous),
        "previous": previous, "owner": owner, "manual": manual, "mark_errors": mark_errors or {},
        "adjust_form": adjust_form or (AdjustForm(initial={"stars": score.stars, "version": score.version})
                                       if owner and run.state == Run.State.SCORED else None)}, status=status)


@require_POST
@capability_required("evaluation.manage")
def score_adjust(request, pk):
    form = AdjustForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.score_adjust(actor=request.user, score_id=pk, stars=data["stars"], reason=data["reason"],
                                  version=data["version"])
        except StaleVersion:
            form.add_error(None, _("Someone changed this sheet meanwhile; reload it and adjust again."))
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("The stars are adjusted and the reason recorded."))
            return redirect("evaluation:score_detail", pk=pk)
    return score_detail(request, pk, adjust_form=form, status=400)


@require_POST
@capability_required("evaluation.assess", "evaluation.manage")
def score_mark(request, pk):
    form = MarkForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.mark_record(actor=request.user, score_id=pk, criterion_id=data["criterion"],
                                 points=data["points"], note=data["note"])
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("The mark is recorded and the station's total follows it."))
            return redirect("evaluation:score_detail", pk=pk)
    criterion = request.POST.get("criterion", "")
    errors = [str(e) for errors in form.errors.values() for e in errors]
    return score_detail(request, pk, mark_errors={int(criterion) if criterion.isdigit() else 0: errors}, status=400)


@require_POST
@capability_required("evaluation.manage")
def score_rectify(request, pk):
    try:
        item = services.gaps_to_rectification(actor=request.user, score_id=pk)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, "；".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(request, _("Recorded for rectification: %(reason)s") % {"reason": item.reason})
    return redirect("evaluation:score_detail", pk=pk)


@capability_required("evaluation.assess")
def assigned(request):
    """An evaluator's stations: those still to mark first, then all it was given."""
    show = request.GET.get("show", "todo")
    rows = selectors.to_mark(request.user) if show == "todo" else selectors.assigned_scores(request.user)
    page, query = paginate(request, rows)
    return render(request, "evaluation/assigned.html", {"page": page, "query": query, "show": show})
