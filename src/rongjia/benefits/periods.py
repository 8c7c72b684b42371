"""Months and payment periods. A period is named by the first day of its first month: a monthly item's periods
are the months, a quarterly item's start in January, April, July and October, a yearly item's in January, and a
one-off item has one period, the month it became due. Each period is paid in the batch of its first month."""

from datetime import date

MONTHS_IN = {"monthly": 1, "quarterly": 3, "yearly": 12, "once": 1}


def month_of(day: date) -> date:
    return day.replace(day=1)


def add_months(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def months_between(first: date, last: date) -> int:
    """How many months from `first` to `last`, both counted (0 when `last` is before `first`)."""
    return max(0, (last.year - first.year) * 12 + last.month - first.month + 1)


def period_of(period_kind: str, month: date) -> date:
    """The period that holds `month`."""
    length = MONTHS_IN[period_kind]
    return date(month.year, (month.month - 1) // length * length + 1, 1)


def months_of(period_kind: str, period: date) -> list[date]:
    return [add_months(period, offset) for offset in range(MONTHS_IN[period_kind])]


def periods_from(period_kind: str, first: date, last: date) -> list[date]:
    """The periods from the one holding month `first` to the one holding month `last`."""
    step = MONTHS_IN[period_kind]
    period, end = period_of(period_kind, first), period_of(period_kind, last)
    periods = []
    while period <= end:
        periods.append(period)
        period = add_months(period, step)
    return periods


def pays_in(period_kind: str, month: date) -> bool:
    """Whether a batch of `month` pays a period of this kind that starts in it (a one-off pays when confirmed)."""
    return period_kind != "once" and period_of(period_kind, month) == month
