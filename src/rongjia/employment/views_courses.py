"""Pages of training 培训: the courses (by kind; upcoming, running or past), a course with the places taken and the
enrolments of the viewer's area (the others a count) with attendance and completion, planning and editing one,
enrolling seekers, and the steps of one enrolment on the engine."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from rongjia.core.decorators import capability_required
from rongjia.core.pagination import paginate
from rongjia.core.scoping import get_visible_or_404, scope_prefix, subtree_q
from rongjia.core.workflow import steps_open_to

from . import services_courses as services
from .forms_courses import CourseForm, EnrolmentStepForm
from .forms_fairs import SeekerFilterForm, SeekersChosenForm
from .models import Course, Enrolment, Seeker
from .services_courses import ENROLMENT, TAKING_PLACES
from .services_fairs import HANDLE, MANAGE, VIEW, may_edit

SORTS = {"starts": ("starts_on", "id"), "-starts": ("-starts_on", "-id"), "title": ("title", "id")}


def _enrolled(viewer) -> dict:
    """Places taken (everyone: a number) and the enrolments of the viewer's area, per course."""
    def count(queryset):
        return Coalesce(Subquery(queryset.order_by().values("course").annotate(n=Count("pk")).values("n"),
                                 output_field=IntegerField()), 0)

    taking = Enrolment.objects.filter(course=OuterRef("pk"), state__in=TAKING_PLACES)
    seen = Enrolment.objects.filter(subtree_q("region_code", scope_prefix(viewer) or "-"), course=OuterRef("pk"))
    return {"taken": count(taking), "seen": count(seen),
            "completed_seen": count(seen.filter(state=Enrolment.State.COMPLETED))}


@capability_required(VIEW)
def course_list(request):
    today = timezone.localdate()
    courses = Course.objects.visible_to(request.user).select_related("organiser", "skill").annotate(
        **_enrolled(request.user))
    kind = request.GET.get("kind", "")
    if kind in Course.Kind.values:
        courses = courses.filter(kind=kind)
    when = request.GET.get("when", "")
    if when == "upcoming":
        courses = courses.filter(starts_on__gt=today)
    elif when == "current":
        courses = courses.filter(starts_on__lte=today, ends_on__gte=today)
    elif when == "past":
        courses = courses.filter(ends_on__lt=today)
    sort = request.GET.get("sort", "")
    page, query = paginate(request, courses.order_by(*SORTS.get(sort, SORTS["-starts"])))
    return render(request, "employment/course_list.html", {
        "page": page, "query": query, "kind": kind if kind in Course.Kind.values else "",
        "when": when, "sort": sort if sort in SORTS else "-starts", "kinds": Course.Kind.choices, "today": today,
        "may_plan": request.user.can(MANAGE)})


def _course(request, pk) -> Course:
    return get_visible_or_404(Course.objects.select_related("organiser", "skill"), request.user, pk=pk)


@capability_required(VIEW)
def course_detail(request, pk):
    course = _course(request, pk)
    viewer = request.user
    everyone = Enrolment.objects.filter(course=course)
    seen = Enrolment.objects.visible_to(viewer).filter(course=course)
    counts = seen.aggregate(all=Count("pk"), completed=Count("pk", filter=Q(state=Enrolment.State.COMPLETED)),
                            dropped=Count("pk", filter=Q(state=Enrolment.State.DROPPED)))
    state = request.GET.get("state", "")
    listed = seen.select_related("seeker__person", "seeker__station").order_by("seeker__person__name", "id")
    if state in Enrolment.State.values:
        listed = listed.filter(state=state)
    page, query = paginate(request, listed)
    return render(request, "employment/course_detail.html", {
        "course": course, "counts": counts, "others": everyone.count() - counts["all"], "page": page,
        "query": query, "state": state, "states": Enrolment.State.choices,
        "taken": everyone.filter(state__in=TAKING_PLACES).count(), "today": timezone.localdate(),
        "may_edit": may_edit(viewer, course), "may_handle": viewer.can(HANDLE)})


@capability_required(MANAGE)
def course_new(request):
    form = CourseForm(request.POST or None)
    created = []
    if request.method == "POST" and form.is_valid() and form.ran(
            lambda: created.append(services.course_create(actor=request.user, **form.values()))):
        messages.success(request, _("The course is planned: enrol the job seekers next."))
        return redirect("employment:course_detail", pk=created[0].pk)
    return render(request, "employment/course_form.html", {"form": form, "course": None},
                  status=400 if form.errors else 200)


@capability_required(MANAGE)
def course_edit(request, pk):
    course = _course(request, pk)
    if not may_edit(request.user, course):
        raise PermissionDenied
    form = CourseForm(request.POST or None, course=course)
    if request.method == "POST" and form.is_valid() and form.ran(lambda: services.course_update(
            actor=request.user, course=course, version=form.cleaned_data["version"] or 0, **form.values())):
        messages.success(request, _("The course is saved."))
        return redirect("employment:course_detail", pk=course.pk)
    return render(request, "employment/course_form.html", {"form": form, "course": course},
                  status=400 if form.errors else 200)


@capability_required(HANDLE)
def course_enrol(request, pk):
    """Tick the area's seekers (by station, skill or name) and enrol them, all or none."""
    course = _course(request, pk)
    filters = SeekerFilterForm(request.GET, user=request.user)
    chosen = SeekersChosenForm(request.POST if request.method == "POST" else None, user=request.user)
    if request.method == "POST" and chosen.is_valid():
        done = []
        if chosen.ran(lambda: done.extend(services.enrol_many(actor=request.user, course=course,
                                                              seekers=list(chosen.cleaned_data["seekers"])))):
            messages.success(request, ngettext("%(n)d job seeker enrolled.", "%(n)d job seekers enrolled.",
                                               len(done)) % {"n": len(done)})
            return redirect("employment:course_detail", pk=course.pk)
    on_course = Enrolment.objects.filter(course=course, seeker=OuterRef("pk"))
    seekers = filters.seekers(statuses=Seeker.Status.values).annotate(
        on_course=Coalesce(Subquery(on_course.values("pk")[:1]), 0))
    page, query = paginate(request, seekers)
    taken = Enrolment.objects.filter(course=course, state__in=TAKING_PLACES).count()
    return render(request, "employment/course_enrol.html", {
        "course": course, "filters": filters, "form": chosen, "page": page, "query": query,
        "free": max(course.places - taken, 0), "ended": course.ends_on < timezone.localdate()},
        status=400 if chosen.errors else 200)


def _step_values(form) -> dict:
    data = form.cleaned_data
    if data["action"] == "attend":
        return {"sessions_attended": data["sessions_attended"]}
    if data["action"] == "complete":
        return {"completed_on": data["completed_on"], "certificate_number": data["certificate_number"]}
    return {"note": data["note"]}


STEP_SERVICES = {"attend": services.attendance_record, "complete": services.enrolment_complete,
                 "drop": services.enrolment_drop}


@require_http_methods(["GET", "POST"])
@capability_required(VIEW)
def enrolment_step(request, pk):
    """One enrolment with its steps (record attendance, completed, dropped out); a refusal stays on the page."""
    enrolment = get_visible_or_404(Enrolment.objects.select_related("course", "seeker__person", "seeker__station"),
                                   request.user, pk=pk)
    actions = steps_open_to(ENROLMENT, enrolment, request.user)
    if request.method == "POST" and not actions:
        raise PermissionDenied
    posted = request.POST if request.method == "POST" else None
    form = EnrolmentStepForm(posted, enrolment=enrolment, actions=actions) if actions else None
    if request.method == "POST" and form.is_valid():
        action = form.cleaned_data["action"]
        if form.ran(lambda: STEP_SERVICES[action](actor=request.user, enrolment=enrolment,
                                                  version=form.cleaned_data["version"], **_step_values(form))):
            messages.success(request, _("The step is recorded."))
            return redirect("employment:course_detail", pk=enrolment.course_id)
    return render(request, "employment/enrolment_step.html", {
        "enrolment": enrolment, "course": enrolment.course, "form": form,
        "state_label": ENROLMENT.state_label(enrolment.state)}, status=400 if form and form.errors else 200)
