"""Training compliance: the staff in post trained this year per region below, and who is not yet trained."""

from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from rongjia.core.decorators import capability_required
from rongjia.core.exports import xlsx_response
from rongjia.core.pagination import paginate
from rongjia.core.scoping import covers_code, get_visible_or_404

from . import services_training, training
from .forms_training import CourseForm, PlacementForm
from .models import Course, Enrolment, Placement


def _year(request) -> int:
    this_year = timezone.localdate().year
    try:
        year = int(request.GET.get("year") or this_year)
    except ValueError:
        return this_year
    return year if this_year - 10 <= year <= this_year else this_year


@capability_required("org.view")
def training_page(request):
    year, region = _year(request), request.GET.get("region", "")
    own, rows = training.compliance(request.user, year, region)
    page, query = paginate(request, training.untrained(request.user, year, region))
    this_year = timezone.localdate().year
    return render(request, "network/training.html", {
        "year": year, "years": range(this_year, this_year - 4, -1), "region": region, "own": own, "rows": rows,
        "page": page, "query": query, "gaps": training.placement_gaps(request.user).count()})


@capability_required("org.view")
def training_export(request):
    year, region = _year(request), request.GET.get("region", "")
    rows = ([member.unit.name, member.unit.region_code, member.name, member.post, member.get_employment_display()]
            for member in training.untrained(request.user, year, region).iterator())
    return xlsx_response(filename=f"untrained-{year}.xlsx", title=_("Not trained"), rows=rows, headers=[
        _("Unit"), _("Region code"), pgettext("person name", "Name"), _("Post"), _("Employment")])


# --- courses and 随岗锻炼 ------------------------------------------------------------------------------------

CANDIDATES = 500  # the staff a course's organiser picks from at once


@capability_required("org.view")
def course_list(request):
    year = _year(request)
    form = CourseForm(request.POST or None)
    if request.method == "POST":
        if not request.user.can("org.edit"):
            raise PermissionDenied
        if form.is_valid():
            try:
                course = services_training.course_create(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                form.add_service_error(exc)
            else:
                messages.success(request, _("Course set up: now put its participants on it."))
                return redirect("network:course_detail", pk=course.pk)
    page, query = paginate(request, training.courses_of(request.user, year))
    this_year = timezone.localdate().year
    return render(request, "network/training_courses.html", {
        "year": year, "years": range(this_year, this_year - 4, -1), "page": page, "query": query, "form": form,
        "organisers": training.organisers(request.user, year)}, status=422 if form.errors else 200)


@capability_required("org.view")
def course_detail(request, pk):
    course = get_visible_or_404(Course.objects.select_related("organiser"), request.user, pk=pk)
    enrolments = Enrolment.objects.visible_to(request.user).filter(course=course).select_related("staff", "staff__unit")
    page, query = paginate(request, enrolments)
    runs = request.user.can("org.edit") and covers_code(request.user, course.organiser_code)
    candidates = training.enrolment_candidates(request.user, course)[:CANDIDATES] if runs else []
    return render(request, "network/training_course.html", {
        "course": course, "page": page, "query": query, "runs": runs, "today": timezone.localdate(),
        "candidates": candidates})


@require_POST
@capability_required("org.edit")
def course_enrol(request, pk):
    services_training.organised_course(request.user, pk)  # 404 outside, 403 for a unit that only attends
    try:
        ids = [int(value) for value in request.POST.getlist("staff")]
        added = services_training.enrol(actor=request.user, course_id=pk, staff_ids=ids)
    except ValueError:
        messages.error(request, _("Choose the participants from the list."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("%(n)d put on the course.") % {"n": added})
    return redirect("network:course_detail", pk=pk)


@require_POST
@capability_required("org.edit")
def course_complete(request, pk):
    services_training.organised_course(request.user, pk)
    try:
        ids = [int(value) for value in request.POST.getlist("enrolment")]
        day = date.fromisoformat(request.POST.get("completed_on", ""))
        done = services_training.complete(actor=request.user, course_id=pk, enrolment_ids=ids, completed_on=day)
    except ValueError:
        messages.error(request, _("Give the day of completion."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("%(n)d completed: their training records are written.") % {"n": done})
    return redirect("network:course_detail", pk=pk)


@capability_required("org.view")
def placements(request):
    form = PlacementForm(request.POST or None, viewer=request.user)
    if request.method == "POST":
        if not request.user.can("org.edit"):
            raise PermissionDenied
        if form.is_valid():
            try:
                services_training.placement_record(actor=request.user, **{
                    "staff_id": form.cleaned_data["staff"], "starts_on": form.cleaned_data["starts_on"],
                    "ends_on": form.cleaned_data["ends_on"], "note": form.cleaned_data["note"]})
            except ValidationError as exc:
                form.add_service_error(exc)
            else:
                messages.success(request, _("随岗锻炼 recorded."))
                return redirect("network:placements")
    page, query = paginate(request, training.placement_gaps(request.user))
    recent = Placement.objects.visible_to(request.user).select_related("staff", "host")[:20]
    return render(request, "network/training_placements.html", {
        "page": page, "query": query, "form": form, "recent": recent}, status=422 if form.errors else 200)
