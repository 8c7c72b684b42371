"""Pages for the service network: overview, station list, tree, detail, edit.

Each view checks the capability first, reads through a selector (which scopes) and writes
through a service. A list answered to HTMX returns the fragment from the same template.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from rongjia.core import contributions, services
from rongjia.core.decorators import capability_required
from rongjia.core.errors import StaleVersion
from rongjia.core.exports import export_place, form_filters, xlsx_response
from rongjia.core.models import OrgUnit
from rongjia.core.pagination import paginate
from rongjia.core.regions import LEVEL_CHOICES
from rongjia.core.scoping import get_visible_or_404

from . import facts, selectors
from .forms import OrgUnitForm, StationFilterForm


@capability_required("org.view")
def overview(request):
    """The network in the viewer's scope: units by level and kind (the workbench at / says what to do)."""
    if request.user.org_unit is None:
        return redirect("home")  # the workbench explains why an account without a unit sees nothing
    counts = selectors.station_counts(request.user)
    by_level, by_kind = counts["by_level"], counts["by_kind"]
    levels = [(str(label), by_level[level]) for level, label in LEVEL_CHOICES if level in by_level]
    extras = [(OrgUnit.Kind(kind).label, by_kind[kind]) for kind in selectors.EXTRA_KINDS if kind in by_kind]
    chart = {"labels": [label for label, _n in levels], "values": [n for _label, n in levels]}
    context = {"counts": counts, "cards": levels + extras, "chart": chart}
    return render(request, "network/overview.html", context)


@capability_required("org.view")
def station_list(request):
    form = StationFilterForm(request.GET)
    page, query = paginate(request, form.units(request.user))
    # Each row shows its 五有 and standard: the facts of one page, in a fixed number of queries.
    # The viewer's own unit rides along: its 五有 list words the filter's choices.
    rows, own = list(page.object_list), request.user.org_unit
    by_pk = facts.unit_facts(rows + [own] if own else rows)
    for unit in rows:
        unit.facts = by_pk[unit.pk]
    page.object_list = rows
    if own:
        form.name_five_have([item for item, _entry in by_pk[own.pk].five_have])
    context = {"form": form, "page": page, "filters": form.filters(), "query": query}
    template = "network/_station_table.html" if request.htmx else "network/station_list.html"
    return render(request, template, context)


@capability_required("org.view")
def station_export(request):
    """The same rows as the list under the same filters, every page, with each unit's facts."""
    form = StationFilterForm(request.GET)
    units = list(form.units(request.user))

    def rows():
        for start in range(0, len(units), 2000):  # facts per chunk: a fixed number of queries each
            chunk = units[start:start + 2000]
            by_pk = facts.unit_facts(chunk)
            for u in chunk:
                f = by_pk[u.pk]
                yield (u.region_code, u.name, u.get_level_display(), u.get_kind_display(), u.address, u.phone,
                       u.opening_hours, float(f.area) if f.area is not None else None, f.full_time, f.part_time,
                       f.veterans, f.five_have_met if f.five_have else None, "；".join(f.shortfalls))

    headers = [_("Region code"), _("Name"), _("Level"), _("Kind"), _("Address"), _("Phone"), _("Opening hours"),
               _("Area (m²)"), _("Full-time staff"), _("Part-time staff"), _("Veterans"), _("Five haves met"),
               _("Below standard: reasons")]
    return xlsx_response(filename="stations.xlsx", title=_("Stations"), headers=headers, rows=rows(),
                         filters=form_filters(form), place=export_place(request.user, request.GET.get("region", "")))


@capability_required("org.view")
def station_count(request):
    """A count badge for HTMX (and a JSON answer for scripts) over the same filters as the list."""
    total = StationFilterForm(request.GET).units(request.user).count()
    if request.htmx:
        return HttpResponse(str(total))
    return JsonResponse({"count": total})


@capability_required("org.view")
def station_autocomplete(request):
    units = selectors.station_autocomplete(request.user, request.GET.get("q", "")[:50])
    return render(request, "network/_station_options.html", {"units": units})


@capability_required("org.view")
def station_tree(request):
    return render(request, "network/station_tree.html", {"nodes": selectors.tree_roots(request.user)})


@capability_required("org.view")
def station_tree_children(request, pk):
    unit = get_visible_or_404(OrgUnit, request.user, pk=pk)
    return render(request, "network/_tree_nodes.html", {"nodes": selectors.tree_children(request.user, unit)})


@capability_required("org.view")
def station_detail(request, pk):
    unit = get_visible_or_404(OrgUnit.objects.select_related("region"), request.user, pk=pk)
    counts = selectors.station_counts(request.user, region=unit.region.prefix) if unit.is_main else None
    kinds = [(label, counts["by_kind"][kind]) for kind, label in OrgUnit.Kind.choices
             if counts and kind in counts["by_kind"]]
    context = {"unit": unit, "counts": counts, "kinds": kinds, "can_edit": request.user.can("org.edit"),
               "breadcrumb": unit.region.lineage(),
               # what modules show on a station's page (the honour wall…), through core's registry
               "sections": contributions.station_sections(request.user, unit)}
    return render(request, "network/station_detail.html", context)


@capability_required("org.edit")
def station_edit(request, pk):
    unit = get_visible_or_404(OrgUnit.objects.select_related("region"), request.user, pk=pk)
    form = OrgUnitForm(request.POST or None, instance=unit, initial={"version": unit.version})
    if request.method == "POST" and form.is_valid():
        data = {f: form.cleaned_data[f] for f in services.ORG_UNIT_EDITABLE_FIELDS}
        try:
            services.org_unit_update(actor=request.user, unit=unit, version=form.cleaned_data["version"], **data)
        except StaleVersion as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("network:station_detail", pk=unit.pk)
    return render(request, "network/station_edit.html", {"unit": unit, "form": form})
