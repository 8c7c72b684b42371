"""A station's stars and score sheet on its page (core's registry): its latest period's stars, the change since the
period before and each item's points with the numbers behind them, plus the titles it holds."""

from django.utils.translation import gettext_lazy

from rongjia.core.contributions import StationContribution, StationSection

from .models import Designation
from .selectors import latest_score
from .sheet import sheet_groups

TITLE = gettext_lazy("Star evaluation")


def stars_section(viewer, unit) -> StationSection | None:
    score = latest_score(viewer, unit)
    titles = list(Designation.objects.visible_to(viewer).filter(unit=unit, ends_on__isnull=True))
    if score is None and not titles:
        return None
    return StationSection("stars", str(TITLE), "evaluation/_station_stars.html",
                          {"score": score, "groups": sheet_groups(score) if score else [], "titles": titles})


STATION = StationContribution(key="stars", capability="evaluation.view", section=stars_section, order=5)
