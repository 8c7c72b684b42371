"""Assistance statistics for the viewer's region or one inside it (?region=<code prefix>), broken down by the
regions one level down; the figures come from `statistics.py` in a fixed number of queries."""

from django.shortcuts import render

from rongjia.core.decorators import capability_required

from .statistics import assistance_statistics


@capability_required("assistance.view")
def statistics(request):
    return render(request, "assistance/statistics.html",
                  assistance_statistics(request.user, request.GET.get("region", "").strip()))
