"""Reference data pages for the system administrator (三员分立: only reference.manage)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from . import selectors, services
from .decorators import capability_required
from .forms import RegionForm, ServiceErrors, Styled
from .models import CalendarDay, Region
from .pagination import paginate
from .regions import COUNTY, LEVEL_CHOICES, PROVINCE, SLUG_BY_LEVEL


@capability_required("reference.manage")
def region_admin(request):
    q, level = request.GET.get("q", "")[:50], request.GET.get("level", "")
    regions = selectors.region_admin_list(request.user, q=q, level=level)
    page, query = paginate(request, regions)
    return render(request, "core/region_admin.html", {
        "page": page, "q": q, "level": level, "query": query,
        "level_choices": [(SLUG_BY_LEVEL[number], label) for number, label in LEVEL_CHOICES],
        # the regions above the county are country-wide (services.may_edit_region): below province level,
        # Edit links from the county down
        "editable_from_level": PROVINCE if services.edits_country_wide_reference(request.user) else COUNTY,
    })


@capability_required("reference.manage")
def region_edit(request, code):
    region = get_object_or_404(selectors.region_admin_list(request.user), code=code)  # outside the subtree: 404
    if not services.may_edit_region(request.user, region):
        raise PermissionDenied
    form = RegionForm(request.POST or None, instance=Region.objects.get(pk=region.pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.region_update(actor=request.user, region=region, name=form.cleaned_data["name"],
                                   valid_to=form.cleaned_data["valid_to"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("core:region_admin")
    return render(request, "core/region_edit.html", {"region": region, "form": form})


class CalendarDayForm(ServiceErrors, Styled, forms.Form):
    day = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(label=_("Kind"), choices=CalendarDay.Kind.choices)
    name = forms.CharField(label=_("Name"), max_length=40, required=False)


@capability_required("reference.manage")
def holidays(request):
    """One year's holidays and 调休 working days; a day is entered, changed or removed here.

    Every county reads the table; only a province-level administrator changes it (country-wide data)."""
    year = request.GET.get("year", "")
    year = int(year) if year.isdigit() and 2000 <= int(year) <= 2100 else timezone.localdate().year
    can_edit = services.edits_country_wide_reference(request.user)
    if request.method == "POST" and not can_edit:
        raise PermissionDenied
    form = CalendarDayForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if request.POST.get("remove"):
                services.calendar_day_remove(actor=request.user, day=data["day"])
            else:
                services.calendar_day_save(actor=request.user, day=data["day"], kind=data["kind"], name=data["name"])
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("Saved."))
            return redirect(f"{request.path}?year={data['day'].year}")
    days = CalendarDay.objects.filter(date__year=year)
    return render(request, "core/holidays.html", {"days": days, "year": year, "form": form, "can_edit": can_edit,
                                                  "years": [year - 1, year, year + 1]})
