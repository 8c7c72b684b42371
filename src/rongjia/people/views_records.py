"""Pages of the parts of a dossier: household, service history, awards, categories, tags, photo.

Each form has its own small page (usable on a phone) with a way back to the dossier; removals
are POSTs behind a confirmation.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rongjia.core.decorators import capability_required
from rongjia.core.errors import StaleVersion
from rongjia.core.models import Region
from rongjia.core.scoping import code_search_q, get_visible_or_404

from . import services_records as services
from .forms_records import RECORD_FORMS, RECORD_TITLES, CategoryAddForm, CategoryEndForm, PhotoForm, TagsForm
from .models import Person


def _person(request, pk) -> Person:
    return get_visible_or_404(Person.objects.select_related("station"), request.user, pk=pk)


def _back(person):
    return redirect("people:person_detail", pk=person.pk)


def _form_page(request, person, form, title, save):
    """Show `form`; on a valid POST call `save(cleaned_data)` and go back to the dossier, or show its refusal."""
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except (StaleVersion, ValidationError) as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("Saved."))
            return _back(person)
    return render(request, "people/records_form.html", {"person": person, "form": form, "title": title})


@capability_required("people.edit")
def record_edit(request, pk, kind, record_id=None):
    if kind not in RECORD_FORMS:
        raise Http404
    person = _person(request, pk)
    instance = None
    if record_id is not None:
        instance = services.RECORD_MODELS[kind].objects.filter(person=person, pk=record_id).first()
        if instance is None:
            raise Http404
    form = RECORD_FORMS[kind](request.POST or None, instance=instance)
    return _form_page(request, person, form, RECORD_TITLES[kind], lambda data: services.record_save(
        actor=request.user, person=person, kind=kind, fields=form.values(), record_id=record_id,
        version=data.get("version")))


@require_POST
@capability_required("people.edit")
def record_remove(request, pk, kind, record_id):
    if kind not in RECORD_FORMS:
        raise Http404
    person = _person(request, pk)
    try:
        services.record_remove(actor=request.user, person=person, kind=kind, record_id=record_id)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("Removed."))
    return _back(person)


@capability_required("people.edit")
def category_add(request, pk):
    person = _person(request, pk)
    return _form_page(request, person, CategoryAddForm(request.POST or None), _("Add a category"),
                      lambda data: services.category_span_add(actor=request.user, person=person, **data))


@capability_required("people.edit")
def category_end(request, pk, span_id):
    person = _person(request, pk)
    return _form_page(request, person, CategoryEndForm(request.POST or None), _("End a category"),
                      lambda data: services.category_span_end(actor=request.user, person=person, span_id=span_id,
                                                              **data))


@capability_required("people.edit")
def tags_edit(request, pk):
    person = _person(request, pk)
    form = TagsForm(request.POST or None, initial={"tags": list(person.tags.all())})
    return _form_page(request, person, form, _("Needs and tags"),
                      lambda data: services.person_tags_set(actor=request.user, person=person, tags=data["tags"]))


@capability_required("people.edit")
def photo_upload(request, pk):
    person = _person(request, pk)
    return _form_page(request, person, PhotoForm(request.POST or None, request.FILES or None), _("Photo"),
                      lambda data: services.person_photo_set(actor=request.user, person=person, upload=data["photo"]))


@require_POST
@capability_required("people.edit")
def photo_remove(request, pk):
    person = _person(request, pk)
    services.person_photo_remove(actor=request.user, person=person)
    return _back(person)


@capability_required("people.view")
def photo(request, pk):
    """The photo, only through this scoped view (MEDIA_ROOT is never served directly)."""
    person = _person(request, pk)
    if not person.photo:
        raise Http404
    response = FileResponse(person.photo.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=300"
    return response


@capability_required("people.view")
def region_options(request):
    """Villages and communities of the viewer's own subtree matching the typed name or code."""
    q = request.GET.get("address_region", "").strip()
    regions = Region.objects.current().visible_to(request.user).filter(level=5)
    regions = regions.filter(code_search_q("code", q)) if q.isdigit() else regions.filter(name__contains=q)
    regions = regions.select_related("parent").order_by("code")[:30]
    return render(request, "people/_region_options.html", {"regions": regions})
