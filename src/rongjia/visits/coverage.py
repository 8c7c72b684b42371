"""Who is due a visit, who was missed, who was never visited: one predicate for the lists and their counts.

Each person on the books in the viewer's scope is measured against the rule of their station
(`regimes.effective_for`) as of a day:
- done: the rule is met in the running period (a priority person: the quarter's contacts and the year's
  home visits; anyone else: the year's contacts);
- due: not yet met;
- overdue: not met, and the period before was missed too;
- never: no visit on record at all;
- not_12m: no visit in the twelve months up to the day.
The coverage counts are the same querysets counted, so a count always equals the list it opens.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rongjia.core.measures import Measure, Reading, per_area, share
from rongjia.core.models import OrgUnit
from rongjia.core.regions import PREFIX_LENGTH
from rongjia.core.scoping import code_in_subtree, jurisdictions_bearing_on_q, scope_prefix, subtree_q
from rongjia.people.models import Person, PersonCategory

from . import regimes
from .models import Regime, Visit

# Groups contacted more often (seed 000–003: 功臣模范, 伤残军人, 参战参试, 烈属, 特困), besides the 一人一册 flag.
PRIORITY_CATEGORIES = ("残疾军人", "伤残民兵民工", "烈士遗属", "因公牺牲遗属", "病故军人遗属", "参战参试退役人员")
PRIORITY_TAGS = ("特困供养",)
STATUSES = ("done", "due", "overdue", "never", "not_12m")
STATION_FIELD = "station__region_code"


@dataclass(frozen=True)
class Periods:
    day: date
    quarter: date
    previous_quarter: date
    year: date
    previous_year: date
    twelve_months: date

    @classmethod
    def on(cls, day: date) -> "Periods":
        quarter = regimes.quarter_start(day)
        return cls(day, quarter, regimes.previous_quarter_start(day), regimes.year_start(day),
                   date(day.year - 1, 1, 1), day - timedelta(days=365))


def _visits(since: date, until: date, **extra):
    return Visit.objects.filter(person=OuterRef("pk"), visited_on__gte=since, visited_on__lte=until, **extra)


def _count(since: date, until: date, **extra):
    counted = _visits(since, until, **extra).order_by().values("person").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def priority_q() -> Q:
    current = PersonCategory.objects.filter(person=OuterRef("pk"), end_date__isnull=True,
                                            category__name__in=PRIORITY_CATEGORIES)
    tagged = Person.tags.through.objects.filter(person=OuterRef("pk"), tag__name__in=PRIORITY_TAGS)
    return Q(priority=True) | Exists(current) | Exists(tagged)


def people_measured(viewer, day: date):
    """The viewer's people on the books, each with the visit counts the statuses read."""
    p = Periods.on(day)
    return (Person.objects.visible_to(viewer).filter(status=Person.Status.ACTIVE)
            .annotate(quarter_contacts=_count(p.quarter, day),
                      previous_quarter_contacts=_count(p.previous_quarter, p.quarter - timedelta(days=1)),
                      year_contacts=_count(p.year, day),
                      year_home_visits=_count(p.year, day, place=Visit.Place.HOME),
                      previous_year_contacts=_count(p.previous_year, p.year - timedelta(days=1)),
                      last_visited_on=Subquery(_visits(date.min, day).order_by("-visited_on")
                                               .values("visited_on")[:1])))


def _rule_q(rule: regimes.Rule, status: str, priority: Q) -> Q:
    done = (priority & Q(quarter_contacts__gte=rule.priority_contacts_per_quarter,
                         year_home_visits__gte=rule.priority_home_visits_per_year)) | (
        ~priority & Q(year_contacts__gte=rule.other_contacts_per_year))
    if status == "done":
        return done
    if status == "due":
        return ~done
    missed_before = (priority & Q(previous_quarter_contacts__lt=rule.priority_contacts_per_quarter)) | (
        ~priority & Q(previous_year_contacts__lt=rule.other_contacts_per_year))
    return ~done & missed_before  # overdue


def rule_areas(prefix: str) -> list[tuple[Q, regimes.Rule]]:
    """The viewer's subtree cut into areas that follow one rule each: a regime set inside the subtree makes its
    own area, the rest follows the rule at the top. Few regimes, so few areas, whatever the subtree's size."""
    bearing = list(Regime.objects.filter(jurisdictions_bearing_on_q("jurisdiction_code", prefix)))
    inside = sorted({r.jurisdiction_code for r in bearing if len(r.jurisdiction_code) > len(prefix)}, key=len)
    areas = []
    for top in [prefix, *inside]:
        deeper = [code for code in inside if code != top and code_in_subtree(code, top)]
        area = subtree_q(STATION_FIELD, top)
        for code in deeper:
            area &= ~subtree_q(STATION_FIELD, code)
        areas.append((area, regimes.effective_for(top, bearing)))
    return areas


def status_qs(viewer, day: date) -> dict[str, Q]:
    """Each status's predicate for the viewer's people on a day (the regimes read once for all of them)."""
    never = Q(last_visited_on__isnull=True)
    qs = {"never": never, "not_12m": never | Q(last_visited_on__lt=Periods.on(day).twelve_months)}
    areas, priority = rule_areas(scope_prefix(viewer) or ""), priority_q()
    for status in ("done", "due", "overdue"):
        qs[status] = Q(pk__in=[])
        for area, rule in areas:
            qs[status] |= area & _rule_q(rule, status, priority)
    return qs


def _measured_in(viewer, day: date, region: str):
    people = people_measured(viewer, day)
    return people.filter(subtree_q(STATION_FIELD, region)) if region else people


def people_by_status(viewer, *, status: str, day: date, region: str = ""):
    """The list behind one coverage figure (region: a prefix inside the viewer's scope, already validated)."""
    people = _measured_in(viewer, day, region)
    return people.filter(status_qs(viewer, day)[status]) if status in STATUSES else people


def coverage_by_station(viewer, *, day: date, region: str = "") -> dict[int, dict[str, int]]:
    """Per station id: total and each status's count, from the same predicates as the lists."""
    counts = {status: Count("pk", filter=q) for status, q in status_qs(viewer, day).items()}
    rows = _measured_in(viewer, day, region).order_by().values("station_id").annotate(total=Count("pk"), **counts)
    return {row.pop("station_id"): row for row in rows}


@dataclass
class CoverageRow:
    code: str
    name: str
    level: int
    figures: dict


def coverage_rolled_up(viewer, *, day: date, region: str) -> tuple[dict, list[CoverageRow]]:
    """The figures of `region` (a prefix in scope) and of each unit one level below it, summed from the stations."""
    by_station = coverage_by_station(viewer, day=day, region=region)
    codes = dict(OrgUnit.objects.filter(pk__in=by_station).values_list("pk", "region_code"))
    child_length = next((length for length in sorted(PREFIX_LENGTH.values()) if length > len(region)), 12)
    children = {u.region_code[:child_length]: u for u in OrgUnit.objects.visible_to(viewer).filter(
        subtree_q("region_code", region), level=_level_of(child_length), kind__in=(OrgUnit.Kind.CENTRE,
                                                                                     OrgUnit.Kind.STATION))}
    total = _zero()
    rows = {prefix: CoverageRow(prefix, unit.name, unit.level, _zero()) for prefix, unit in children.items()}
    for station_id, figures in by_station.items():
        _add(total, figures)
        row = rows.get(codes[station_id][:child_length])
        if row is not None:
            _add(row.figures, figures)
    return total, sorted(rows.values(), key=lambda row: row.code)


def coverage_by_grid(viewer, *, day: date, region: str) -> list[CoverageRow]:
    """A village's figures per grid (named with its grid worker), and its households in no grid yet."""
    counts = {status: Count("pk", filter=q) for status, q in status_qs(viewer, day).items()}
    rows = (_measured_in(viewer, day, region).order_by().values("grid_id", "grid__name", "grid__worker__full_name")
            .annotate(total=Count("pk"), **counts))
    grids = []
    for row in rows:
        name = row.pop("grid__name") or _("In no grid yet")
        worker = row.pop("grid__worker__full_name")
        grids.append(CoverageRow(str(row.pop("grid_id") or ""), f"{name}（{worker}）" if worker else name, 6, row))
    return sorted(grids, key=lambda row: (row.code == "", row.name))


def _level_of(length: int) -> int:
    return next(level for level, size in PREFIX_LENGTH.items() if size == length)


def _zero() -> dict:
    return {"total": 0, **{status: 0 for status in STATUSES}}


def _add(into: dict, figures: dict) -> None:
    for key in into:
        into[key] += figures.get(key, 0)



def coverage_measure(viewer, units, since: date, until: date) -> dict:
    """The evaluation's measure (core.measures): of the people on the books in each unit's area, the share whose
    visits were done by their station's rule as of the period's last day: the coverage page's own predicate."""
    done = status_qs(viewer, until)["done"]
    rows = per_area(people_measured(viewer, until), STATION_FIELD, units, total=Count("pk"),
                    done=Count("pk", filter=done))
    return {pk: Reading(share(row["done"], row["total"]),
                        _("%(done)d of %(total)d people visited as their station's rule asks") % row, row)
            for pk, row in rows.items()}


MEASURE = Measure("visits.coverage", gettext_lazy("Visit coverage"), coverage_measure, order=20,
                  help=gettext_lazy("Share of the people on the books in the unit's area visited as their "
                                    "station's rule asks, on the period's last day."))
