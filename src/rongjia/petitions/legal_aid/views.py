"""Legal aid pages: the lawyer pool, referring a petition to a lawyer, and the referral's outcome."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rongjia.core.decorators import capability_required
from rongjia.core.errors import StaleVersion
from rongjia.core.pagination import paginate
from rongjia.core.scoping import get_visible_or_404

from ..forms import LawyerForm, ReferralForm, ReferralStepForm
from ..models import Lawyer, LegalAidReferral, Petition
from ..views_files import report
from . import services
from .models import WEEKDAYS


@capability_required("petitions.view")
def lawyer_list(request):
    """The pool the viewer may refer to, those on duty today first."""
    today = timezone.localdate()
    days, categories = dict(WEEKDAYS), dict(Petition.Category.choices)
    lawyers = sorted(services.lawyers_for(request.user), key=lambda lawyer: not lawyer.on_duty(today))
    for lawyer in lawyers:
        lawyer.on_duty_today = lawyer.on_duty(today)
        lawyer.duty_labels = [days[d] for d in lawyer.duty_days if d in days]
        lawyer.speciality_labels = [categories[c] for c in lawyer.specialities if c in categories]
    managed = Lawyer.objects.visible_to(request.user).filter(active=False).select_related("station")
    page, query = paginate(request, lawyers)
    return render(request, "petitions/lawyer_list.html", {"page": page, "query": query, "today": today,
                                                          "inactive": managed})


@capability_required("petitions.approve")
def lawyer_edit(request, pk=None):
    lawyer = get_visible_or_404(Lawyer.objects.all(), request.user, pk=pk) if pk else None
    initial = {name: getattr(lawyer, name) for name in (*services.LAWYER_FIELDS, "version")} if lawyer else {}
    if lawyer:
        initial["station"] = lawyer.station_id
    form = LawyerForm(request.POST or None, initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        station = values.pop("station")
        try:
            services.lawyer_save(actor=request.user, station=station, lawyer=lawyer, **values)
        except (StaleVersion, ValidationError) as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("Lawyer saved."))
            return redirect("petitions:lawyer_list")
    return render(request, "petitions/lawyer_edit.html", {"form": form, "lawyer": lawyer})


@require_POST
@capability_required("petitions.handle")
def referral_create(request, pk):
    petition = get_visible_or_404(Petition.objects.all(), request.user, pk=pk)
    form = ReferralForm(request.POST, lawyers=services.lawyers_for(request.user))
    if form.is_valid():
        try:
            services.referral_create(actor=request.user, petition=petition, **form.cleaned_data)
        except ValidationError as exc:
            form.add_service_error(exc)
    report(request, form, _("Referred to legal aid."))
    return redirect("petitions:petition_detail", pk=petition.pk)


@require_POST
@capability_required("petitions.handle")
def referral_step(request, pk, referral_pk):
    petition = get_visible_or_404(Petition.objects.all(), request.user, pk=pk)
    referral = get_visible_or_404(LegalAidReferral.objects.all(), request.user, pk=referral_pk, petition=petition)
    form = ReferralStepForm(request.POST, prefix=f"r{referral.pk}")
    if form.is_valid():
        try:
            services.referral_step(actor=request.user, referral=referral, **form.cleaned_data)
        except (StaleVersion, ValidationError) as exc:
            form.add_service_error(exc)
    report(request, form, _("Legal aid updated."))
    return redirect("petitions:petition_detail", pk=petition.pk)

