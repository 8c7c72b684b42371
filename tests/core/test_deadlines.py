"""Statutory deadlines over real dates, each computed by hand from the State Council notices.

The hand computations are written out in docs/deadlines.md; the holiday table is the one the
migrations load (2024–2026).
"""

from datetime import date, timedelta

import pytest

from rongjia.core.deadlines import deadline
from rongjia.core.models import CalendarDay
from tests.factories import UserFactory, unit_at

D = date.fromisoformat

CALENDAR_CASES = [
    # (start, days, due, why)
    ("2025-09-20", 15, "2025-10-09", "ends 10-05 inside National Day 10-01..08"),
    ("2025-12-20", 60, "2026-02-24", "ends 02-18 inside 春节 2026 02-15..23"),
    ("2024-01-20", 15, "2024-02-04", "ends on Sunday 02-04, a 调休 working day: no move"),
    ("2024-01-27", 15, "2024-02-18", "ends 02-11 inside 春节 2024; 02-18 is a 调休 working Sunday"),
    ("2024-03-20", 15, "2024-04-07", "ends 04-04 清明; 04-07 is a 调休 working Sunday"),
    ("2024-04-16", 15, "2024-05-06", "ends 05-01 劳动节 05-01..05"),
    ("2024-05-26", 15, "2024-06-11", "ends 06-10 端午 (Monday)"),
    ("2024-08-31", 15, "2024-09-18", "ends 09-15 中秋 09-15..17"),
    ("2024-08-30", 15, "2024-09-14", "ends on Saturday 09-14, a 调休 working day"),
    ("2024-09-14", 15, "2024-09-29", "ends on Sunday 09-29, a 调休 working day"),
    ("2024-09-20", 15, "2024-10-08", "ends 10-05 inside National Day 10-01..07"),
    ("2024-12-17", 15, "2025-01-02", "ends 01-01 元旦 2025 (Wednesday)"),
    ("2025-01-14", 15, "2025-02-05", "ends 01-29 inside 春节 2025 01-28..02-04"),
    ("2025-01-11", 15, "2025-01-26", "ends on Sunday 01-26, a 调休 working day"),
    ("2025-04-16", 15, "2025-05-06", "ends 05-01 劳动节 05-01..05"),
    ("2025-05-16", 15, "2025-06-03", "ends 05-31 端午 05-31..06-02"),
    ("2025-03-07", 30, "2025-04-07", "ends 04-06 清明 04-04..06"),
    ("2025-11-22", 15, "2025-12-08", "ends on an ordinary Sunday 12-07"),
    ("2025-12-17", 15, "2026-01-04", "ends 01-01 元旦 2026 01-01..03; 01-04 is a 调休 working Sunday"),
    ("2026-01-30", 15, "2026-02-14", "ends on Saturday 02-14, a 调休 working day"),
    ("2026-09-15", 15, "2026-09-30", "ends on an ordinary Wednesday"),
    ("2026-09-16", 15, "2026-10-08", "ends 10-01 inside National Day 10-01..07"),
    ("2026-04-16", 15, "2026-05-06", "ends 05-01 劳动节 05-01..05"),
    ("2026-06-04", 15, "2026-06-22", "ends 06-19 端午 06-19..21"),
    ("2026-09-10", 15, "2026-09-28", "ends 09-25 中秋 09-25..27"),
    ("2024-12-05", 60, "2025-02-05", "60 days end 02-03 inside 春节 2025"),
    ("2026-01-01", 60, "2026-03-02", "60 days end on an ordinary Monday"),
]

WORKING_CASES = [
    ("2025-09-26", 5, "2025-10-10", "09-28 (调休 Sunday), 09-29, 09-30, then 10-09, 10-10"),
    ("2024-02-08", 5, "2024-02-21", "02-09, 02-18 (调休 Sunday), 02-19, 02-20, 02-21"),
    ("2024-04-30", 5, "2024-05-10", "05-06..05-10 after 劳动节"),
    ("2024-05-08", 3, "2024-05-11", "05-09, 05-10, 05-11 (调休 Saturday)"),
    ("2025-01-24", 5, "2025-02-07", "01-26 (调休 Sunday), 01-27, then 02-05, 02-06, 02-07"),
    ("2026-02-12", 5, "2026-02-26", "02-13, 02-14 (调休 Saturday), then 02-24, 02-25, 02-26"),
    ("2026-09-30", 5, "2026-10-13", "10-08, 10-09, 10-10 (调休 Saturday), 10-12, 10-13"),
    ("2024-12-30", 3, "2025-01-03", "12-31, then 01-02, 01-03 after 元旦"),
]


@pytest.mark.django_db
@pytest.mark.parametrize("start, days, due, why", CALENDAR_CASES)
def test_calendar_day_periods(start, days, due, why):
    result = deadline(D(start), days, "calendar")
    assert result.due == D(due), why
    plain_end = D(start) + timedelta(days=days)
    assert result.moved_from == (plain_end if D(due) != plain_end else None), why
    assert result.years_without_table == ()


@pytest.mark.django_db
@pytest.mark.parametrize("start, days, due, why", WORKING_CASES)
def test_working_day_periods(start, days, due, why):
    assert deadline(D(start), days, "working").due == D(due), why


@pytest.mark.django_db
def test_the_rule_applied_is_explained():
    result = deadline(D("2025-09-20"), 15)
    assert result.moved_from == D("2025-10-05")
    assert "2025-10-05" in result.rule and "2025-10-09" in result.rule and "民法典" in result.rule


@pytest.mark.django_db
def test_next_years_notice_is_data():
    """A holiday entered for a year the package does not know changes the count at once."""
    assert deadline(D("2027-09-16"), 15).due == D("2027-10-01")  # a Friday: nothing known yet
    assert deadline(D("2027-09-16"), 15).years_without_table == (2027,)
    CalendarDay.objects.create(date=D("2027-10-01"), kind="rest", name="国庆节")
    assert deadline(D("2027-09-16"), 15).due == D("2027-10-04")  # weekend 10-02, 10-03 follow


@pytest.mark.django_db
@pytest.mark.parametrize("days, kind", [(0, "calendar"), (-3, "working"), (5, "lunar")])
def test_bad_periods_are_refused(days, kind):
    with pytest.raises(ValueError):
        deadline(D("2025-01-01"), days, kind)


def test_the_system_administrator_enters_next_years_notice(cast, client_for):
    # the table is country-wide: a province-level administrator enters it (issue 15, finding 6)
    client = client_for(UserFactory(org_unit=unit_at("320000000000"), roles=["sys_admin"]))
    assert "2026-10-01" in client.get("/reference/holidays/?year=2026").content.decode()
    client.post("/reference/holidays/", {"day": "2027-10-01", "kind": "rest", "name": "国庆节"})
    assert deadline(D("2027-09-16"), 15).due == D("2027-10-04")
    client.post("/reference/holidays/", {"day": "2027-10-01", "kind": "rest", "remove": "1"})
    assert deadline(D("2027-09-16"), 15).due == D("2027-10-01")
    for who in (cast.county_director, cast.security_admin, cast.auditor, cast.system_admin):
        assert client_for(who).post("/reference/holidays/", {"day": "2027-10-01", "kind": "rest"}).status_code == 403
    assert not CalendarDay.objects.filter(date__year=2027).exists()


def test_load_holidays_replaces_a_years_days_from_the_package(db):
    from io import StringIO

    from django.core.management import CommandError, call_command

    CalendarDay.objects.filter(date__year=2025).delete()
    call_command("load_holidays", "2025", stdout=StringIO())
    assert CalendarDay.objects.filter(date=D("2025-09-28"), kind="work").exists()
    assert deadline(D("2025-09-20"), 15).due == D("2025-10-09")
    with pytest.raises(CommandError):
        call_command("load_holidays", "2031", stdout=StringIO())
