"""Pages of aid applications: the list, registration with the documents, the application with its levels, history,
workflow picture and next step, its files, the refusal letter and the 公示 sheet. (Batch approval: views_batches.)

Every page that names an application resolves it inside the viewer's scope first, so someone outside gets 404
before any form is read; every change goes through `services`, which refuse bad input whole.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rongjia.core.decorators import capability_required
from rongjia.core.pagination import paginate
from rongjia.core.scoping import covers_code, get_visible_or_404
from rongjia.core.workflow import steps_open_to
from rongjia.core.workflow_picture import draw
from rongjia.people.models import Person
from rongjia.people.printing import pdf_response, render_pdf
from rongjia.people.selectors import person_search

from . import selectors, services
from .forms_applications import ApplicationForm, DocumentForm, StepForm
from .models import AidApplication
from .workflow import APPLICATION, HANDLE, REJECTION_DOCUMENT, level_name

VIEW = "assistance.view"
S = AidApplication.State
CLOSED = (S.PAID, S.REJECTED, S.WITHDRAWN)
SUGGESTIONS = 8  # people found by the registration page's search: a short list that fits a phone
_UNSHOWN = ("id_number", "phone", "phone_alt")  # never shown by these pages: not decrypted for them either


def _application(request, pk) -> AidApplication:
    return get_visible_or_404(AidApplication.objects.select_related("person__station", "station", "kind", "fund"),
                              request.user, pk=pk)


@capability_required(VIEW)
def application_list(request):
    """The area's applications; "my turn" lists those waiting for the viewer's own level."""
    kind = request.GET.get("kind", "")
    filters = {"state": request.GET.get("state", ""), "kind": int(kind) if kind.isdigit() else None,
               "mine": request.GET.get("mine") == "1", "q": request.GET.get("q", "").strip()[:40],
               "sort": request.GET.get("sort", ""), "objection": request.GET.get("objection") == "open"}
    page, query = paginate(request, selectors.in_region(request, selectors.application_list(request.user, **filters)))
    for application in page.object_list:
        application.turn = selectors.whose_turn(application)
    return render(request, "assistance/application_list.html", {
        "page": page, "query": query, "filters": filters, "states": S.choices,
        "kinds": services.kinds_for(request.user), "sorts": _sort_choices()})


def _sort_choices():
    return [("-date", _("Newest first")), ("date", _("Oldest first")), ("-amount", _("Largest amount first")),
            ("amount", _("Smallest amount first"))]


@capability_required(HANDLE)
def application_new(request):
    """Registration: the person (from the dossier's link, ?person=, or found here), the kind, the amount, the reason
    and each document the kind requires. A refusal names the field; nothing is saved."""
    initial = {"person": request.GET.get("person", ""), "kind": request.GET.get("kind", "")}
    form = ApplicationForm(request.POST or None, request.FILES or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            application = services.application_register(
                actor=request.user, person=data["person"], kind=data["kind"], amount=data["amount"],
                reason=data["reason"], documents=form.uploads())
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("Application registered: it now waits for the %(level)s.") % {
                "level": level_name(application.level)})
            return redirect("assistance:application_detail", pk=application.pk)
    find = request.GET.get("find", "").strip()[:40]
    found = list(person_search(request.user, q=find).defer(*_UNSHOWN)[:SUGGESTIONS]) if find else []
    return render(request, "assistance/application_new.html", {
        "form": form, "chosen": _chosen(request.user, form["person"].value()), "find": find, "found": found})


def _chosen(user, value) -> Person | None:
    """The person the form names, if the viewer may open their dossier (never a hint about anyone else)."""
    value = str(value or "")
    if not value.isdigit():
        return None
    return Person.objects.visible_to(user).select_related("station").defer(*_UNSHOWN).filter(pk=int(value)).first()


@capability_required(VIEW)
def application_detail(request, pk):
    return _detail_page(request, _application(request, pk))


def _detail_page(request, application, form=None):
    """The application as this viewer reads it; `form` is a refused step coming back with its errors."""
    user = request.user
    open_steps = selectors.steps_offered(application, user)
    if form is None and open_steps:
        form = StepForm(application=application, user=user, open_steps=open_steps)
    may_add = user.can(HANDLE) and application.state not in CLOSED
    context = {
        "application": application, "form": form, "open_steps": open_steps,
        "turn": selectors.whose_turn(application), "path": selectors.levels_path(application),
        "events": selectors.history(application), "documents": application.documents.select_related("uploaded_by"),
        "objections": list(application.objections.all()), "today": timezone.localdate(),
        "document_form": DocumentForm(application=application) if may_add else None,
        "workflow_picture": draw(APPLICATION, current=application.state, allowed=open_steps),
        "rejection": REJECTION_DOCUMENT if application.state == S.REJECTED else None,
        # links only where they open: a dossier moved away, or a fund held above the viewer, would be 404
        "dossier_reachable": user.can("people.view") and covers_code(user, application.person.station.region_code),
        "fund_reachable": application.fund is not None and covers_code(user, application.fund.region_code),
    }
    return render(request, "assistance/application_detail.html", context)


@require_POST
@capability_required(HANDLE)
def application_step(request, pk):
    """One step from the application's page; a refusal comes back on the page with the reason, nothing changed."""
    application = _application(request, pk)
    open_steps = steps_open_to(APPLICATION, application, request.user)
    form = StepForm(request.POST, request.FILES, application=application, user=request.user, open_steps=open_steps)
    if form.is_valid():
        data = form.cleaned_data
        if form.ran(lambda: services.application_transition(
                actor=request.user, application=application, action=data["action"], note=data["note"],
                version=data["version"], data=form.step_data(), receipt=data.get("receipt"))):
            messages.success(request, _("Step recorded."))
            return redirect("assistance:application_detail", pk=application.pk)
    return _detail_page(request, application, form=form)


@require_POST
@capability_required(HANDLE)
def document_add(request, pk):
    application = _application(request, pk)
    form = DocumentForm(request.POST, request.FILES, application=application)
    if form.is_valid():
        try:
            services.document_add(actor=request.user, application=application,
                                  requirement=form.cleaned_data["requirement"], upload=form.cleaned_data["file"])
        except ValidationError as exc:
            form.add_service_error(exc)
    if form.errors:
        for error in (e for errors in form.errors.values() for e in errors):
            messages.error(request, error)
    else:
        messages.success(request, _("Document attached."))
    return redirect("assistance:application_detail", pk=application.pk)


@capability_required(VIEW)
def document_download(request, pk, document_pk):
    """Files only through this scoped view: MEDIA_ROOT is never served directly."""
    application = _application(request, pk)
    document = get_object_or_404(application.documents, pk=document_pk)
    try:
        handle = document.file.open("rb")
    except OSError:
        raise Http404 from None
    response = FileResponse(handle, content_type=document.content_type, as_attachment=True, filename=document.name)
    response["Cache-Control"] = "private, no-store"
    return response


@capability_required(VIEW)
def refusal_pdf(request, pk):
    """The 不予批准告知书, addressed to the applicant by full name, printed from the refusal's own record: its
    reason, its date and the unit that refused."""
    application = _application(request, pk)
    event = (application.events.filter(action="reject").select_related("unit", "actor").last()
             if application.state == S.REJECTED else None)
    if event is None:
        raise Http404
    pdf = render_pdf(request, "assistance/refusal_pdf.html", {
        "application": application, "event": event, "document": REJECTION_DOCUMENT})
    return pdf_response(pdf, f"{REJECTION_DOCUMENT.title}-{application.pk}.pdf",
                        ascii_name=f"aid-refusal-{application.pk}.pdf")


@capability_required(VIEW)
def publicity_pdf(request):
    """The 公示 sheet of every application posted now in the viewer's area (?kind=, ?region= narrow it): names
    masked as each kind sets, the station, the amount, the period and where to object; nothing else."""
    kind, region = request.GET.get("kind", ""), request.GET.get("region", "").strip()
    rows = selectors.publicity_rows(request.user, kind=kind, region=region)
    kind_name = services.kinds_for(request.user).filter(pk=kind).values_list("name", flat=True).first() \
        if kind.isdigit() else None
    pdf = render_pdf(request, "assistance/publicity_pdf.html", {
        "rows": rows, "kind_name": kind_name, "today": timezone.localdate(), "unit": request.user.org_unit})
    return pdf_response(pdf, "救助公示.pdf", ascii_name="aid-publicity.pdf")
