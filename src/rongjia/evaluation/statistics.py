"""The stars in the network statistics (core's registry): for the region shown, how many stations of each level
hold each number of stars in their latest closed period, and the titles held now. Counted over the stations the
viewer sees, in two grouped queries."""

from django.db.models import Count
from django.utils.translation import gettext_lazy

from rongjia.core.contributions import StationContribution, StationSection
from rongjia.core.models import OrgUnit
from rongjia.core.regions import LEVEL_CHOICES
from rongjia.network.selectors import MAIN_KINDS

from .models import Designation
from .selectors import latest_stars

TITLE = gettext_lazy("Stars and titles")
STAR_COLUMNS = (5, 4, 3, 2, 1, None)


def stars_by_level(viewer, prefix: str) -> list[dict]:
    rows = (OrgUnit.objects.visible_to(viewer).in_subtree(prefix).filter(kind__in=MAIN_KINDS)
            .annotate(stars=latest_stars()).order_by().values("level", "stars").annotate(n=Count("id")))
    table: dict[int, dict] = {}
    for row in rows:
        table.setdefault(row["level"], {})[row["stars"]] = row["n"]
    names = dict(LEVEL_CHOICES)
    return [{"level": names[level], "counts": [counts.get(stars, 0) for stars in STAR_COLUMNS],
             "stations": sum(counts.values())} for level, counts in sorted(table.items())
            if any(stars is not None for stars in counts)]


def statistics_section(viewer, prefix: str) -> StationSection | None:
    levels = stars_by_level(viewer, prefix)
    titles = (Designation.objects.visible_to(viewer).in_subtree(prefix).filter(ends_on__isnull=True)
              .order_by().values("kind").annotate(n=Count("id")))
    labels = dict(Designation.Kind.choices)
    held = [(labels[row["kind"]], row["n"]) for row in titles]
    if not levels and not held:
        return None
    return StationSection("stars", str(TITLE), "evaluation/_network_stars.html",
                          {"levels": levels, "columns": STAR_COLUMNS, "titles": held})


STATISTICS = StationContribution(key="stars", capability="evaluation.view", section=statistics_section, order=10)
