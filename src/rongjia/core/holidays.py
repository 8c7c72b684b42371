"""The holiday table's source: the chinesecalendar package, which carries each State Council notice.

Used by the data migration and by `manage.py load_holidays` when a new year's notice is out and
the package has it; the system administrator can also enter the days by hand.
"""

from collections.abc import Iterable, Iterator
from datetime import date

HOLIDAY_NAMES = {"New Year's Day": "元旦", "Spring Festival": "春节", "Tomb-sweeping Day": "清明节",
                 "Labour Day": "劳动节", "Dragon Boat Festival": "端午节", "National Day": "国庆节",
                 "Mid-autumn Festival": "中秋节"}


def days_from_package(years: Iterable[int]) -> Iterator[tuple[date, str, str]]:
    """(date, "rest" or "work", Chinese name) for every day the notices of `years` change."""
    from chinese_calendar import constants

    wanted = set(years)
    for table, kind in ((constants.holidays, "rest"), (constants.workdays, "work")):
        for day, english in sorted(table.items()):
            if day.year in wanted:
                name = HOLIDAY_NAMES.get(english, english)
                yield day, kind, name if kind == "rest" else f"{name}调休上班"


def package_years() -> set[int]:
    from chinese_calendar import constants

    return {day.year for day in constants.holidays}
