"""Campaigns: a centre launches one for its subtree; every station sees its list and the progress rolled up."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from rongjia.core.decorators import capability_required
from rongjia.core.pagination import paginate
from rongjia.core.scoping import get_visible_or_404

from . import services
from .forms import CampaignForm
from .models import Campaign
from .selectors import campaign_list, campaign_progress, campaign_progress_below, campaign_targets


@capability_required("visits.view")
def campaign_list_page(request):
    campaigns = list(campaign_list(request.user)[:100])
    for campaign in campaigns:
        campaign.figures = campaign_progress(request.user, campaign)
    return render(request, "visits/campaign_list.html", {"campaigns": campaigns})


@capability_required("visits.manage")
def campaign_new(request):
    form = CampaignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.campaign_launch(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("Campaign launched: every station below sees its list."))
            return redirect("visits:campaign_detail", pk=campaign.pk)
    return render(request, "visits/campaign_new.html", {"form": form})


@capability_required("visits.view")
def campaign_detail(request, pk):
    campaign = get_visible_or_404(Campaign.objects.select_related("unit"), request.user, pk=pk)
    waiting = request.GET.get("show") != "visited"
    targets = campaign_targets(request.user, campaign).filter(visited=not waiting).select_related("station")
    page, query = paginate(request, targets.order_by("station__region_code", "name_initials", "id"))
    return render(request, "visits/campaign_detail.html", {
        "campaign": campaign, "figures": campaign_progress(request.user, campaign), "page": page, "query": query,
        "waiting": waiting, "below": campaign_progress_below(request.user, campaign)})
