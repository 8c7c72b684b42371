"""Network statistics (seeds 000 and 004) and the standards stations are measured by.

The statistics page shows one region's totals and a row per child region, each row a link
one level down; the numbers come from network.facts, which computes every unit's facts in a
fixed number of queries. Standards are set and withdrawn through the services.
"""

from dataclasses import dataclass, field

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from rongjia.core import contributions
from rongjia.core.decorators import capability_required
from rongjia.core.exports import xlsx_response
from rongjia.core.models import OrgUnit, Region
from rongjia.core.pagination import paginate
from rongjia.core.regions import LEVEL_CHOICES, PREFIX_LENGTH, SLUG_BY_LEVEL, VILLAGE, pad_code
from rongjia.core.scoping import code_in_subtree, covers_code

from . import facts, selectors, services
from .forms_stats import StandardForm
from .models import ChecklistItem, StaffMember, Standard

# --- network statistics -------------------------------------------------------------------


def _share(part: int, whole: int) -> int | None:
    """A whole per cent, or None when there is nothing to divide by."""
    return round(100 * part / whole) if whole else None


@dataclass
class StatsLine:
    """One row of the table as shown and exported: the facts' NetworkRow plus its shares."""

    row: facts.NetworkRow
    prefix: str
    levels: list[int]
    five_have: list[tuple[int, int | None]]  # per item: (units meeting it, per cent)
    five_have_all: tuple[int, int | None]
    veteran_share: int | None
    veterans_low: bool  # seed 003: at least a third of the staff should be veterans
    links: dict[str, str] = field(default_factory=dict)  # each count's list: the rows it counts
    level_links: list[str] = field(default_factory=list)
    five_have_links: list[str] = field(default_factory=list)
    station_url: str = ""  # a village's row: its station's page and its people
    people_url: str = ""

    @property
    def level_cells(self) -> list[tuple[int, str]]:
        return list(zip(self.levels, self.level_links, strict=True))

    @property
    def five_have_cells(self) -> list[tuple[int, int | None, str]]:
        return [(n, pct, url) for (n, pct), url in zip(self.five_have, self.five_have_links, strict=True)]


def _line(row: facts.NetworkRow, levels: list[int], positions: list[int]) -> StatsLine:
    listed = row.with_five_have_list
    line = StatsLine(
        row=row, prefix=row.code[: PREFIX_LENGTH[row.level]],
        levels=[row.by_level.get(level, 0) for level in levels],
        five_have=[(row.five_have_each.get(p, 0), _share(row.five_have_each.get(p, 0), listed)) for p in positions],
        five_have_all=(row.five_have_all, _share(row.five_have_all, listed)),
        veteran_share=_share(row.veterans, row.staff),
        veterans_low=bool(row.staff) and row.veterans * 3 < row.staff,
    )
    _link(line, levels, positions)
    return line


def _link(line: StatsLine, levels: list[int], positions: list[int]) -> None:
    """Each count opens the list whose rows it counts, in the same region: units on the station list (its
    `kind=main` for the centres and stations counted by level, its fact filters for 五有 and the standard), staff
    on the list of staff in post."""
    units, staff = reverse("network:station_list"), reverse("network:staff_in_post")

    def url(base, **params):
        return f"{base}?{urlencode({'region': line.prefix, **params})}"

    line.links = {"units": url(units), "resident": url(units, kind=OrgUnit.Kind.RESIDENT),
                  "mobile": url(units, kind=OrgUnit.Kind.MOBILE), "five_have_all": url(units, five_have="complete"),
                  "below_standard": url(units, below_standard="yes"), "full_time": url(staff, employment="full_time"),
                  "part_time": url(staff, employment="part_time"), "veterans": url(staff, veteran=1),
                  "staff": url(staff)}
    line.level_links = [url(units, level=SLUG_BY_LEVEL[level], kind=selectors.MAIN) for level in levels]
    line.five_have_links = [url(units, five_have=f"met-{p}") for p in positions]


def _link_villages(user, lines: list[StatsLine]) -> None:
    """A village's row opens its station's page and its people (one query for all the rows)."""
    villages = [line for line in lines if line.row.level == VILLAGE]
    links = selectors.village_links(user, [line.row.code for line in villages])
    for line in villages:
        line.station_url, line.people_url = links[line.row.code]


def _five_have_items(code: str, prefix: str) -> list[tuple[int, str]]:
    """The 五有 columns: the region's own list, else the one list used inside it, else numbers."""
    book = facts.ChecklistBook(ChecklistItem.Kind.FIVE_HAVE)
    items = book.items_for(code)
    if items:
        return [(item.position, item.name) for item in items]
    inside = [items for jurisdiction, items in book.by_jurisdiction.items() if code_in_subtree(jurisdiction, prefix)]
    wordings = {tuple((item.position, item.name) for item in items) for items in inside}
    if len(wordings) == 1:
        return list(wordings.pop())
    positions = sorted({item.position for items in inside for item in items})
    return [(p, _("Item %(n)d") % {"n": p}) for p in positions]


def _stats_table(user, region: str) -> dict:
    total, children = facts.network_stats(user, region=region)
    prefix = total.code[: PREFIX_LENGTH[total.level]]
    levels = [level for level, _label in LEVEL_CHOICES if level >= total.level]
    items = _five_have_items(total.code, prefix)
    positions = [p for p, _name in items]
    return {
        "total": _line(total, levels, positions),
        "lines": [_line(row, levels, positions) for row in children],
        "levels": [(level, label) for level, label in LEVEL_CHOICES if level in levels],
        "five_have_items": items,
    }


def _stats_headers(table: dict) -> list[str]:
    return ([_("Region code"), _("Region"), _("Units")] + [str(label) for _level, label in table["levels"]]
            + [str(OrgUnit.Kind.RESIDENT.label), str(OrgUnit.Kind.MOBILE.label), _("Units with a five-haves list")]
            + [name for _p, name in table["five_have_items"]]
            + [_("All five haves"), _("Full-time staff"), _("Part-time staff"), _("Veterans"),
               _("Veteran share (%)"), _("Established posts"), _("Area (m²)"), _("Funding (yuan)"),
               _("Below standard")])


def _stats_cells(line: StatsLine) -> list:
    row = line.row
    return ([row.code, row.name, row.units, *line.levels, row.by_kind.get(OrgUnit.Kind.RESIDENT, 0),
             row.by_kind.get(OrgUnit.Kind.MOBILE, 0), row.with_five_have_list]
            + [n for n, _pct in line.five_have]
            + [row.five_have_all, row.full_time, row.part_time, row.veterans, line.veteran_share,
               row.established_posts, float(row.area_m2), float(row.funding), row.below_standard])


@capability_required("org.view")
def network_stats(request):
    """?region=CODE (a 12-digit code or its prefix; default: the viewer's own region)."""
    region = request.GET.get("region", "")
    table = _stats_table(request.user, region)
    _link_villages(request.user, [table["total"], *table["lines"]])
    total = table["total"].row
    # Up the tree only as far as the viewer's own region: above it is outside the scope.
    crumbs = [r for r in Region(code=total.code, level=total.level).ancestors() if covers_code(request.user, r.code)]
    charted = [line for line in table["lines"] if line.row.with_five_have_list]
    chart = {"labels": [line.row.name for line in charted], "values": [line.five_have_all[1] for line in charted]}
    context = {**table, "breadcrumb": crumbs, "chart": chart, "chart_height": 60 + 28 * len(charted),
               "region": table["total"].prefix,
               "sections": contributions.statistics_sections(request.user, table["total"].prefix)}
    return render(request, "network/stats/network_stats.html", context)


@capability_required("org.view")
def network_stats_export(request):
    table = _stats_table(request.user, request.GET.get("region", ""))
    rows = [_stats_cells(line) for line in [table["total"], *table["lines"]]]
    return xlsx_response(filename=f"network-{table['total'].prefix}.xlsx", title=_("Network statistics"),
                         headers=_stats_headers(table), rows=rows)


@capability_required("org.view")
def staff_in_post(request):
    """The staff in post the statistics count: ?region=PREFIX (inside the viewer's area, else 404), employment=
    full_time or part_time, veteran=1. Phones stay on each unit's own staff page, masked there."""
    region, employment = request.GET.get("region", ""), request.GET.get("employment", "")
    veteran = request.GET.get("veteran") == "1"
    staff = selectors.staff_in_post(request.user, region=region, employment=employment, veteran=veteran)
    page, query = paginate(request, staff)
    heading = (_("Veterans on the staff") if veteran else dict(StaffMember.Employment.choices).get(employment)
               or pgettext("list heading", "Staff in post"))
    own = request.user.org_unit
    place = Region.objects.filter(code=pad_code(region)).first() if region else getattr(own, "region", None)
    return render(request, "network/stats/staff_in_post.html", {"page": page, "query": query, "heading": heading,
                                                                "place": place})


# --- standards ----------------------------------------------------------------------------

IN_FORCE, FUTURE, SUPERSEDED = "in_force", "future", "superseded"


def _with_status(user, standards: list[Standard]) -> list[Standard]:
    """Mark each standard in force, future, or superseded by a later one of its jurisdiction and level."""
    today = timezone.localdate()
    latest: dict[tuple[str, int], object] = {}
    for s in standards:
        if s.effective_from <= today:
            key = (s.jurisdiction_code, s.level)
            latest[key] = max(latest.get(key, s.effective_from), s.effective_from)
    names = dict(Region.objects.filter(code__in={s.jurisdiction_code.ljust(12, "0") for s in standards})
                 .values_list("code", "name"))
    for s in standards:
        if s.effective_from > today:
            s.status = FUTURE
        else:
            s.status = IN_FORCE if latest[(s.jurisdiction_code, s.level)] == s.effective_from else SUPERSEDED
        s.jurisdiction_name = names.get(s.jurisdiction_code.ljust(12, "0")) or (
            s.jurisdiction_code if s.jurisdiction_code else _("Nationwide"))
        s.can_withdraw = s.status == FUTURE and covers_code(user, s.jurisdiction_code.ljust(12, "0"))
    return standards


@capability_required("network.standards")
def standard_list(request):
    form = StandardForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.standard_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The standard is saved."))
            return redirect("network:standard_list")
    standards = _with_status(request.user, list(selectors.standards_bearing_on(request.user).order_by(
        "jurisdiction_code", "level", "-effective_from")))
    return render(request, "network/stats/standard_list.html", {"form": form, "standards": standards})


@capability_required("network.standards")
@require_POST
def standard_withdraw(request, pk):
    standard = selectors.standards_bearing_on(request.user).filter(pk=pk).first()
    if standard is None:
        raise Http404
    try:
        services.standard_withdraw(actor=request.user, standard=standard)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The standard is withdrawn."))
    return redirect("network:standard_list")
