"""Reference data pages for the system administrator (三员分立: only reference.manage)."""

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from . import selectors, services
from .decorators import capability_required
from .forms import RegionForm, ServiceErrors, Styled
from .models import CalendarDay, Region
from .pagination import paginate
from .regions import LEVEL_CHOICES, SLUG_BY_LEVEL


@capability_required("reference.manage")
def region_admin(request):
    q, level = request.GET.get("q", "")[:50], request.GET.get("level", "")
    regions = selectors.region_admin_list(q=q, level=level)
    page, query = paginate(request, regions)
    return render(request, "core/region_admin.html", {
        "page": page, "q": q, "level": level, "query": query,
        "level_choices": [(SLUG_BY_LEVEL[number], label) for number, label in LEVEL_CHOICES],
    })


@capability_required("reference.manage")
def region_edit(request, code):
    region = get_object_or_404(Region, code=code)
    form = RegionForm(request.POST or None, instance=Region.objects.get(pk=region.pk))
    if request.method == "POST" and form.is_valid():
        services.region_update(
            actor=request.user, region=region, name=form.cleaned_data["name"], valid_to=form.cleaned_data["valid_to"]
        )
        messages.success(request, _("Saved."))
        return redirect("core:region_admin")
    return render(request, "core/region_edit.html", {"region": region, "form": form})


class CalendarDayForm(ServiceErrors, Styled, forms.Form):
    day = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(label=_("Kind"), choices=CalendarDay.Kind.choices)
    name = forms.CharField(label=_("Name"), max_length=40, required=False)


@capability_required("reference.manage")
def holidays(request):
    """One year's holidays and 调休 working days; a day is entered, changed or removed here."""
    year = request.GET.get("year", "")
    year = int(year) if year.isdigit() and 2000 <= int(year) <= 2100 else timezone.localdate().year
    form = CalendarDayForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if request.POST.get("remove"):
            services.calendar_day_remove(actor=request.user, day=data["day"])
        else:
            services.calendar_day_save(actor=request.user, day=data["day"], kind=data["kind"], name=data["name"])
        messages.success(request, _("Saved."))
        return redirect(f"{request.path}?year={data['day'].year}")
    days = CalendarDay.objects.filter(date__year=year)
    return render(request, "core/holidays.html", {"days": days, "year": year, "form": form,
                                                  "years": [year - 1, year, year + 1]})
