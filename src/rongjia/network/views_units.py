"""Opening a 派驻站 (hosted by a hospital, school, park…) or a 流动服务站 (mobile) in one's subtree."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rongjia.core import services
from rongjia.core.decorators import capability_required
from rongjia.core.models import OrgUnit, Region
from rongjia.core.scoping import get_visible_or_404


class ExtraUnitForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=[
        (OrgUnit.Kind.RESIDENT, OrgUnit.Kind.RESIDENT.label), (OrgUnit.Kind.MOBILE, OrgUnit.Kind.MOBILE.label)])
    region = forms.RegexField(
        label=gettext_lazy("Region code of the host region"), regex=r"^\d{12}$",
        help_text=gettext_lazy("The 12-digit code of the township or village where it serves."),
        error_messages={"invalid": gettext_lazy("Enter a 12-digit region code.")},
    )
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100)
    address = forms.CharField(label=gettext_lazy("Address"), max_length=200, required=False)
    phone = forms.CharField(label=gettext_lazy("Phone"), max_length=40, required=False)
    opening_hours = forms.CharField(label=gettext_lazy("Opening hours"), max_length=100, required=False)


@capability_required("org.edit")
def extra_unit_create(request):
    form = ExtraUnitForm(request.POST or None, initial={"region": request.user.org_unit.region_code
                                                        if request.user.org_unit else ""})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        # A region outside the viewer's subtree is answered like one that does not exist.
        region = get_visible_or_404(Region.objects.all(), request.user, code=data.pop("region"))
        try:
            unit = services.org_unit_create_extra(actor=request.user, region=region, **data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("%(name)s opened.") % {"name": unit.name})
            return redirect("network:station_detail", pk=unit.pk)
    return render(request, "network/extra_unit_form.html", {"form": form})
