"""The dashboard's figures: one region and its children, read from the precomputed tables only.

A fixed number of queries at every level and every size: the province of a million persons
reads a few thousand figure rows, the same as a village (DESIGN.md rule 7).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Sum
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from rongjia.core.models import Region
from rongjia.core.regions import PREFIX_LENGTH, VILLAGE, level_of_prefix, pad_code
from rongjia.core.scoping import code_in_subtree, region_prefix_or_404, scope_prefix
from rongjia.network.selectors import village_links
from rongjia.people.models import StatusChange

from .models import CurrentFigure, DailyFigure, MonthlyFigure, StatsRefresh

# What stands now, and what happened in the period: (metric, column heading). Petition columns
# show only to those who may read petitions.
STOCKS = [("people.active", _("On the books")), ("people.lost", _("Lost contact")),
          ("petitions.open", _("Petitions open")), ("petitions.overdue", _("Overdue"))]
# The flows are named as the ledgers of changes name them (新增, 迁入, 迁出, 自然减员), not as statuses.
NEW, MOVED_IN = pgettext_lazy("flow", "New"), pgettext_lazy("flow", "Moved in")
MOVED_OUT, DECEASED = pgettext_lazy("flow", "Moved out"), pgettext_lazy("flow", "Deceased")
FLOWS = [("people.new", NEW), ("people.move_in", MOVED_IN), ("people.move_out", MOVED_OUT),
         ("people.death", DECEASED), ("petitions.received", _("Petitions received"))]
TREND = [("people.new", NEW), ("people.move_out", MOVED_OUT), ("people.death", DECEASED),
         ("petitions.received", _("Petitions received"))]
PERIODS = {"30d": _("Last 30 days"), "year": _("This year"), "12m": _("Last 12 months")}
DEFAULT_PERIOD = "year"


def period_start(period: str, today: date) -> date:
    if period == "30d":
        return today - timedelta(days=29)
    if period == "12m":
        return today - timedelta(days=364)
    return today.replace(month=1, day=1)


@dataclass
class RegionLine:
    code: str
    name: str
    prefix: str
    stocks: dict = field(default_factory=dict)
    flows: dict = field(default_factory=dict)
    links: dict = field(default_factory=dict)  # metric -> the list of the rows it counts
    station_url: str = ""  # a village's line: its station's page and its people
    people_url: str = ""


def metric_links(prefix: str, start: date, end: date) -> dict[str, str]:
    """Each figure of a region opens the list whose rows it counts, in the same subtree (and period, for a flow).

    Stocks count persons by their station and status (the people list) and open petitions by the region they are
    handled in (the petition list's `region`); flows count the changes on the books (the list of changes) and the
    petitions by the unit that registered them and the day (the petition list's `registered_in` and dates)."""
    people, petitions = reverse("people:person_list"), reverse("petitions:petition_list")
    changes = reverse("insights:changes")
    period = {"since": start.isoformat(), "until": end.isoformat()}

    def url(base, **params):
        return f"{base}?{urlencode(params)}"

    links = {"people.active": url(people, region=prefix, status="active"),
             "people.lost": url(people, region=prefix, status="lost"),
             "petitions.open": url(petitions, region=prefix, state="open"),
             "petitions.overdue": url(petitions, region=prefix, due="overdue"),
             "petitions.received": url(petitions, registered_in=prefix, registered_from=period["since"],
                                       registered_to=period["until"])}
    for kind in ("new", "move_in", "move_out", "death"):
        links[f"people.{kind}"] = url(changes, region=prefix, kind=kind, **period)
    return links


@dataclass
class Dashboard:
    region: Region
    lineage: list  # (name, prefix) from the viewer's own region down to this one
    own: RegionLine
    children: list[RegionLine]
    period: str
    start: date
    end: date
    stocks: list
    flows: list
    trend: dict
    refreshed_at: object  # None before the first refresh

    def cells(self, line: RegionLine) -> list[int]:
        """The line's figures in column order: the stocks, then the period's flows."""
        return ([line.stocks.get(metric, 0) for metric, _label in self.stocks]
                + [line.flows.get(metric, 0) for metric, _label in self.flows])

    def linked_cells(self, line: RegionLine) -> list[tuple[int, str]]:
        """The line's figures in column order, each with the list it opens."""
        metrics = [metric for metric, _label in self.stocks + self.flows]
        return [(value, line.links[metric]) for value, metric in zip(self.cells(line), metrics, strict=True)]

    @property
    def headings(self) -> list:
        return [label for _metric, label in self.stocks + self.flows]

    @property
    def total(self) -> list[int]:
        return self.cells(self.own)

    @property
    def cards(self) -> list[tuple]:
        """(heading, figure, the list it opens) for the region shown."""
        return [(label, value, url) for label, (value, url)
                in zip(self.headings, self.linked_cells(self.own), strict=True)]

    @property
    def rows(self) -> list[tuple[RegionLine, list[tuple[int, str]]]]:
        return [(child, self.linked_cells(child)) for child in self.children]

    @property
    def linked_total(self) -> list[tuple[int, str]]:
        return self.linked_cells(self.own)


def dashboard(user, *, prefix: str | None = None, period: str = DEFAULT_PERIOD) -> Dashboard:
    own_prefix = scope_prefix(user)
    if own_prefix is None:
        raise Http404
    prefix = region_prefix_or_404(user, prefix) if prefix else own_prefix
    level = level_of_prefix(prefix)
    region = Region.objects.filter(code=pad_code(prefix)).first() if level else None
    if region is None or region.level != level:
        raise Http404
    period = period if period in PERIODS else DEFAULT_PERIOD
    today = timezone.localdate()
    start = period_start(period, today)
    stocks, flows = _columns(user, STOCKS), _columns(user, FLOWS)
    own = RegionLine(region.code, region.name, prefix)
    own.stocks = _current(code=region.code, level=level).get(region.code, {})
    own.flows = _flows(start, today, code=region.code, level=level).get(region.code, {})
    children = _children(region, start, today)
    for line in [own, *children]:
        line.links = metric_links(line.prefix, start, today)
    _link_village(user, [own, *children])
    lineage = [(r.name, r.prefix) for r in region.lineage() if code_in_subtree(r.prefix, own_prefix)]
    refresh = StatsRefresh.objects.filter(pk=1).values_list("finished_at", flat=True).first()
    return Dashboard(region=region, lineage=lineage, own=own, children=children, period=period, start=start,
                     end=today, stocks=stocks, flows=flows, trend=_trend(user, region, today), refreshed_at=refresh)


def _link_village(user, lines: list[RegionLine]) -> None:
    """A village's line opens its station's page and its people (one query, for the villages of a township)."""
    villages = [line for line in lines if len(line.prefix) == PREFIX_LENGTH[VILLAGE]]
    links = village_links(user, [line.code for line in villages])
    for line in villages:
        line.station_url, line.people_url = links[line.code]


def _columns(user, columns):
    return [(metric, label) for metric, label in columns
            if not metric.startswith("petitions.") or user.can("petitions.view")]


def _current(**where) -> dict:
    figures = defaultdict(dict)
    for code, metric, value in CurrentFigure.objects.filter(**where).values_list("code", "metric", "value"):
        figures[code][metric] = value
    return figures


def _flows(start: date, end: date, **where) -> dict:
    """Each region's flows from `start` to `end` (today): whole months from the monthly figures,
    the days before the first whole month from the daily ones. No fact is dated after today, so
    the current month's row holds exactly its days so far."""
    first_month = start if start.day == 1 else (start.replace(day=1) + timedelta(days=32)).replace(day=1)
    figures = defaultdict(lambda: defaultdict(int))
    parts = [MonthlyFigure.objects.filter(month__gte=first_month, month__lte=end, **where)]
    if first_month > start:
        parts.append(DailyFigure.objects.filter(day__gte=start, day__lt=first_month, day__lte=end, **where))
    for part in parts:
        for code, metric, total in part.order_by().values_list("code", "metric").annotate(total=Sum("value")):
            figures[code][metric] += total
    return figures


def _children(region: Region, start: date, end: date) -> list[RegionLine]:
    """One line per region below, named from the region table, the empty ones included."""
    if region.level == max(PREFIX_LENGTH):
        return []
    stocks, flows = _current(parent=region.code), _flows(start, end, parent=region.code)
    names = dict(Region.objects.current().filter(code__in=set(stocks) | set(flows)).values_list("code", "name"))
    names.update(region.children.filter(valid_to__isnull=True).values_list("code", "name"))
    lines = []
    for code in sorted(names):
        child_level = _level_of_code(code)
        lines.append(RegionLine(code, names[code], code[:PREFIX_LENGTH[child_level]],
                                stocks.get(code, {}), flows.get(code, {})))
    return lines


def _level_of_code(code: str) -> int:
    """The deepest level whose digits are not all zeros: 620102001000 is a township."""
    for level in sorted(PREFIX_LENGTH, reverse=True):
        start = PREFIX_LENGTH.get(level - 1, 0)
        if set(code[start:PREFIX_LENGTH[level]]) - {"0"}:
            return level
    return min(PREFIX_LENGTH)


def _trend(user, region: Region, today: date) -> dict:
    """Month by month over the last twelve months, for the chart."""
    first = (today.replace(day=1) - timedelta(days=335)).replace(day=1)
    series = _columns(user, TREND)
    rows = MonthlyFigure.objects.filter(code=region.code, level=region.level, month__gte=first,
                                        metric__in=[m for m, _label in series]).values_list("month", "metric", "value")
    totals = {(month.strftime("%Y-%m"), metric): total for month, metric, total in rows}
    months = []
    cursor = first
    while cursor <= today:
        months.append(cursor.strftime("%Y-%m"))
        cursor = (cursor + timedelta(days=32)).replace(day=1)
    return {"labels": months,
            "series": [{"name": str(label), "values": [totals.get((m, metric), 0) for m in months]}
                       for metric, label in series]}


# --- the changes on the books a flow counts ---------------------------------------------------

FLOW_KINDS = ("new", "move_in", "move_out", "death")  # the people's flows of the dashboard (`people.<kind>`)


def status_changes(user, *, region: str = "", kind: str = "", since: date | None = None, until: date | None = None):
    """The changes on the books of the viewer's stations (a `region` inside the area, else 404): the rows a
    dashboard flow counts, by the station's region at the time of the change, as `stats.flow_sources` does."""
    changes = StatusChange.objects.visible_to(user).select_related("person__station", "station")
    if region:
        changes = changes.in_subtree(region_prefix_or_404(user, region))
    if kind in StatusChange.Kind.values:
        changes = changes.filter(kind=kind)
    if since is not None:
        changes = changes.filter(date__gte=since)
    if until is not None:
        changes = changes.filter(date__lte=until)
    return changes.order_by("-date", "-id")
