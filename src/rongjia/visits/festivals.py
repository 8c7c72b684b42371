"""The festivals of the visit campaigns: 春节 and 重阳 fall on lunar dates, computed with lunar-python;
八一 and 国庆 are fixed. A campaign runs by default from four weeks before its festival to a week after
(seeds 001–003: 节前走访慰问)."""

from datetime import date, timedelta

from lunar_python import Lunar

from .models import Campaign

LUNAR = {Campaign.Kind.SPRING: (1, 1), Campaign.Kind.DOUBLE_NINTH: (9, 9)}
SOLAR = {Campaign.Kind.ARMY_DAY: (8, 1), Campaign.Kind.NATIONAL: (10, 1)}
WEEKS_BEFORE, DAYS_AFTER = 4, 7
FIRST_YEAR, LAST_YEAR = 2000, 2100  # the years a campaign may be launched for


def festival_day(kind: str, year: int) -> date | None:
    """The Gregorian day of the festival in `year` (the lunar year that begins in it, for 春节); None for a
    special campaign, which has no festival."""
    if kind in LUNAR:
        month, day = LUNAR[kind]
        solar = Lunar.fromYmd(year, month, day).getSolar()
        return date(solar.getYear(), solar.getMonth(), solar.getDay())
    if kind in SOLAR:
        return date(year, *SOLAR[kind])
    return None


def default_window(day: date) -> tuple[date, date]:
    return day - timedelta(weeks=WEEKS_BEFORE), day + timedelta(days=DAYS_AFTER)


def next_festival(kind: str, today: date) -> date | None:
    """The festival's next day on or after today, or the one just past while its window is still open."""
    for year in (today.year - 1, today.year, today.year + 1):
        day = festival_day(kind, year)
        if day is not None and default_window(day)[1] >= today:
            return day
    return None
