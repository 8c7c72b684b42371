"""Training compliance: the staff in post trained this year per region below, and who is not yet trained."""

from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from rongjia.core.decorators import capability_required
from rongjia.core.exports import xlsx_response
from rongjia.core.pagination import paginate

from . import training


def _year(request) -> int:
    this_year = timezone.localdate().year
    try:
        year = int(request.GET.get("year") or this_year)
    except ValueError:
        return this_year
    return year if this_year - 10 <= year <= this_year else this_year


@capability_required("org.view")
def training_page(request):
    year, region = _year(request), request.GET.get("region", "")
    own, rows = training.compliance(request.user, year, region)
    page, query = paginate(request, training.untrained(request.user, year, region))
    this_year = timezone.localdate().year
    return render(request, "network/training.html", {
        "year": year, "years": range(this_year, this_year - 4, -1), "region": region, "own": own, "rows": rows,
        "page": page, "query": query})


@capability_required("org.view")
def training_export(request):
    year, region = _year(request), request.GET.get("region", "")
    rows = ([member.unit.name, member.unit.region_code, member.name, member.post, member.get_employment_display()]
            for member in training.untrained(request.user, year, region).iterator())
    return xlsx_response(filename=f"untrained-{year}.xlsx", title=_("Not trained"), rows=rows, headers=[
        _("Unit"), _("Region code"), pgettext("person name", "Name"), _("Post"), _("Employment")])
