"""Statutory deadlines: calendar days and working days, counted as the law counts them.

- A period in days starts counting the day after the event (民法典 Art. 201: the start day is
  not counted).
- Calendar days: if the last day falls on a rest day (a weekend or a statutory holiday, but not
  a 调休 working day), the deadline moves to the next working day (民法典 Art. 203).
- Working days: only working days count: Monday to Friday that are not holidays, plus the 调休
  weekend days declared working.

The one function is `deadline()`; the holiday table is `CalendarDay` (data, per year).
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils.translation import gettext as _

from .models import CalendarDay

CALENDAR, WORKING = "calendar", "working"
MAX_DAYS = 3660


@dataclass(frozen=True)
class WorkCalendar:
    """The exceptions of a span of years, read once: holidays and 调休 working days."""

    rest: frozenset = field(default_factory=frozenset)
    work: frozenset = field(default_factory=frozenset)
    years: frozenset = field(default_factory=frozenset)  # the years the table covers

    @classmethod
    def load(cls, first: date, last: date) -> "WorkCalendar":
        days = CalendarDay.objects.filter(date__year__gte=first.year, date__year__lte=last.year)
        rest, work = set(), set()
        for day, kind in days.values_list("date", "kind"):
            (rest if kind == CalendarDay.Kind.REST else work).add(day)
        return cls(frozenset(rest), frozenset(work), frozenset(d.year for d in rest | work))

    def is_working(self, day: date) -> bool:
        if day in self.work:
            return True
        return day.weekday() < 5 and day not in self.rest


@dataclass(frozen=True)
class Deadline:
    start: date
    days: int
    kind: str
    due: date
    moved_from: date | None  # the calendar-day end that fell on a rest day
    rule: str
    years_without_table: tuple[int, ...]


def years_with_table(years) -> set[int]:
    """Of these years, those the holiday table covers (one query)."""
    return {day.year for day in CalendarDay.objects.filter(date__year__in=list(years)).dates("date", "year")}


def deadline(start: date, days: int, kind: str = CALENDAR, calendar: WorkCalendar | None = None) -> Deadline:
    """The last day of a period of `days` calendar or working days after `start`."""
    if kind not in (CALENDAR, WORKING):
        raise ValueError(_("The kind of period is “calendar” or “working”."))
    if not 1 <= days <= MAX_DAYS:
        raise ValueError(_("The number of days is between 1 and %(max)d.") % {"max": MAX_DAYS})
    calendar = calendar or WorkCalendar.load(start, start + timedelta(days=days * 2 + 60))
    if kind == CALENDAR:
        end = start + timedelta(days=days)
        due = end
        while not calendar.is_working(due):
            due += timedelta(days=1)
        moved = end if due != end else None
        rule = _("%(days)d calendar days after %(start)s, the start day not counted, end on %(end)s") % {
            "days": days, "start": start.isoformat(), "end": end.isoformat()}
        if moved:
            rule += _("; that is a rest day, so the deadline moves to the next working day, %(due)s (民法典 Art. 203)"
                      ) % {"due": due.isoformat()}
    else:
        due, counted = start, 0
        while counted < days:
            due += timedelta(days=1)
            counted += calendar.is_working(due)
        moved = None
        rule = _("%(days)d working days after %(start)s (weekends and holidays skipped, 调休 working days "
                 "counted) end on %(due)s") % {"days": days, "start": start.isoformat(), "due": due.isoformat()}
    # A year with no holiday table is counted with weekends only: say so rather than guess.
    missing = tuple(year for year in range(start.year, due.year + 1) if year not in calendar.years)
    return Deadline(start, days, kind, due, moved, rule, missing)
