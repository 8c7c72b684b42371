"""Steering from above: the parts waiting for my review, the overdue units below (督办), standing menus, and the
rectification items that are not yet tasks."""

from datetime import date, timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rongjia.core.decorators import capability_required
from rongjia.core.pagination import paginate
from rongjia.core.regions import LEVEL_CHOICES
from rongjia.core.scoping import get_visible_or_404
from rongjia.network.models import Rectification

from . import recurrence as recurrences
from . import selectors
from .forms import RecurrenceForm
from .models import Recurrence, Task
from .rectify import rectification_task, rectify_below_standard
from .views import _units_by_code

RECTIFY_DAYS = 30


@capability_required("worklist.view")
def review_list(request):
    page, query = paginate(request, selectors.waiting_for_review(request.user))
    return render(request, "worklist/review_list.html", {"page": page, "query": query,
                                                         "today": timezone.localdate()})


@capability_required("worklist.view")
def overdue_list(request):
    try:
        level = int(request.GET.get("level") or 0) or None
    except ValueError:
        level = None
    page, query = paginate(request, selectors.overdue_below(request.user, level=level))
    counts = selectors.overdue_by_level(request.user)
    levels = [(number, label, counts.get(number, 0)) for number, label in LEVEL_CHOICES if number in counts]
    return render(request, "worklist/overdue_list.html", {"page": page, "query": query, "level": level,
                                                          "levels": levels, "today": timezone.localdate()})


@capability_required("worklist.view")
def recurrence_list(request):
    items = Recurrence.objects.visible_to(request.user).select_related("issuer")
    page, query = paginate(request, items)
    return render(request, "worklist/recurrence_list.html", {"page": page, "query": query})


@capability_required("worklist.assign")
def recurrence_new(request):
    form = RecurrenceForm(request.POST or None, unit=request.user.org_unit)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            item = recurrences.recurrence_save(
                actor=request.user, title=data["title"], kind=data["kind"], frequency=data["frequency"],
                due_after_days=data["due_after_days"], instructions=data["instructions"],
                target=form.target(_units_by_code(request, form.unit_codes())), needs_files=data["needs_files"],
                needs_photos=data["needs_photos"], fields=data["fields_text"], review_level=data["review_level"])
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("Standing menu “%(title)s” set: this period's task is assigned.") % {
                "title": item.title})
            return redirect("worklist:recurrence_list")
    return render(request, "worklist/recurrence_new.html", {"form": form})


@require_POST
@capability_required("worklist.assign")
def recurrence_toggle(request, pk):
    item = recurrences.recurrence_toggle(actor=request.user, recurrence_id=pk,
                                         active=request.POST.get("active") == "1")
    messages.success(request, _("Resumed.") if item.active else _("Paused: no more instances are made."))
    return redirect("worklist:recurrence_list")


@capability_required("worklist.view")
def rectification_list(request):
    """Open items to put right in the viewer's area, each with its 整改 task once there is one."""
    items = Rectification.objects.visible_to(request.user).filter(status=Rectification.Status.OPEN).select_related(
        "unit")
    page, query = paginate(request, items)
    tasks = {task.rectification_id: task for task in Task.objects.visible_to(request.user).filter(
        rectification_id__in=[item.pk for item in page.object_list])}
    for item in page.object_list:
        item.task = tasks.get(item.pk)
    return render(request, "worklist/rectification_list.html", {
        "page": page, "query": query, "due_on": timezone.localdate() + timedelta(days=RECTIFY_DAYS)})


@require_POST
@capability_required("worklist.assign")
def rectification_make_task(request, pk):
    item = get_visible_or_404(Rectification.objects.select_related("unit"), request.user, pk=pk)
    try:
        task = rectification_task(actor=request.user, rectification=item, due_on=_due(request))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("worklist:rectifications")
    messages.success(request, _("Rectification task assigned to %(unit)s.") % {"unit": item.unit.name})
    return redirect("worklist:task_detail", pk=task.pk)


@require_POST
@capability_required("worklist.assign")
def rectify_below(request):
    try:
        tasks = rectify_below_standard(actor=request.user, due_on=_due(request))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("%(count)d stations below standard have a rectification task.") % {
            "count": len(tasks)})
    return redirect("worklist:rectifications")


def _due(request) -> date:
    try:
        day = date.fromisoformat(request.POST.get("due_on", ""))
    except ValueError:
        raise ValidationError(_("Give the due date as a day.")) from None
    return day
