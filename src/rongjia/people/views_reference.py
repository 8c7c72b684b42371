"""The system administrator's page for the dossiers' reference lists: categories, needs and tags.

Every system administrator reads them; one at province level changes them (they are country-wide)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from rongjia.core.decorators import capability_required
from rongjia.core.forms import ServiceErrors, Styled
from rongjia.core.services import edits_country_wide_reference

from .models import Category, Tag
from .services_reference import REFERENCE_MODELS, reference_save


class CategoryForm(ServiceErrors, Styled, forms.ModelForm):
    class Meta:
        model = Category
        fields = ["name", "position", "active"]


class TagForm(ServiceErrors, Styled, forms.ModelForm):
    class Meta:
        model = Tag
        fields = ["kind", "name", "position", "active"]


FORMS = {"category": CategoryForm, "tag": TagForm}


@capability_required("reference.manage")
def reference_lists(request):
    return render(request, "people/reference_lists.html", {
        "categories": Category.objects.all(), "tags": Tag.objects.all(),
        "can_edit": edits_country_wide_reference(request.user)})


@capability_required("reference.manage")
def reference_edit(request, kind, entry_id=None):
    if kind not in FORMS:
        raise Http404
    if not edits_country_wide_reference(request.user):
        raise PermissionDenied
    instance = REFERENCE_MODELS[kind].objects.filter(pk=entry_id).first() if entry_id else None
    if entry_id and instance is None:
        raise Http404
    form = FORMS[kind](request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            reference_save(actor=request.user, kind=kind, fields=fields, entry_id=entry_id)
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("people:reference_lists")
    return render(request, "people/reference_edit.html", {"form": form, "kind": kind})
