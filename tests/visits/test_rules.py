"""The rules of visits: quarter boundaries, the regime that a lower level may tighten but not loosen, the visits
owed (必访) and their due days, and the lunar festivals of the campaigns."""

from datetime import date, timedelta

import chinese_calendar
import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from rongjia.visits import coverage, festivals, regimes, services
from rongjia.visits.models import Campaign, DueVisit, Regime, Visit
from tests.factories import HOME_COUNTY, STREET_CODE, person_at

pytestmark = pytest.mark.django_db


def _visit(actor, person, day, place=Visit.Place.HOME):
    return services.visit_record(actor=actor, person_id=person.pk, visited_on=day, place=place)[0]


def _status_of(viewer, person, day):
    return {status for status in coverage.STATUSES
            if coverage.people_by_status(viewer, status=status, day=day).filter(pk=person.pk).exists()}


def test_a_visit_on_the_last_day_of_a_quarter_counts_for_that_quarter_not_the_next(cast):
    person = person_at(cast.village_worker, priority=True)
    _visit(cast.village_worker, person, date(2026, 3, 31))
    assert "done" in _status_of(cast.village_worker, person, date(2026, 3, 31))
    on_first_of_april = _status_of(cast.village_worker, person, date(2026, 4, 1))
    assert "due" in on_first_of_april and "overdue" not in on_first_of_april  # Q1 was met: due, not missed
    assert "overdue" in _status_of(cast.village_worker, person, date(2026, 7, 1))  # Q2 passed without a contact


def test_a_priority_person_needs_the_home_visit_of_the_year_besides_the_quarters_contact(cast):
    person = person_at(cast.village_worker, priority=True)
    _visit(cast.village_worker, person, date(2026, 5, 6), place=Visit.Place.PHONE)
    assert "due" in _status_of(cast.village_worker, person, date(2026, 5, 7))
    _visit(cast.village_worker, person, date(2026, 5, 7))
    assert "done" in _status_of(cast.village_worker, person, date(2026, 5, 7))


def test_someone_not_in_a_priority_group_is_done_for_the_year_with_one_contact(cast):
    person = person_at(cast.village_worker)
    assert _status_of(cast.village_worker, person, date(2026, 2, 1)) == {"due", "overdue", "never", "not_12m"}
    _visit(cast.village_worker, person, date(2026, 2, 1), place=Visit.Place.PHONE)
    assert _status_of(cast.village_worker, person, date(2026, 11, 30)) == {"done"}
    assert "overdue" not in _status_of(cast.village_worker, person, date(2027, 3, 1))  # 2026 was met


def test_a_current_category_of_a_priority_group_makes_a_priority_person(cast):
    person = person_at(cast.village_worker, categories=("烈士遗属",))
    _visit(cast.village_worker, person, date(2026, 1, 5), place=Visit.Place.PHONE)
    assert "due" in _status_of(cast.village_worker, person, date(2026, 4, 2))  # a new quarter asks again


def test_a_lower_level_may_tighten_the_regime_but_not_loosen_it(cast):
    services.regime_save(actor=cast.county_director, name="江宁区常态化联系", priority_contacts_per_quarter=2,
                         priority_home_visits_per_year=1, other_contacts_per_year=1, trigger_days=5)
    with pytest.raises(ValidationError) as refused:
        regimes_below = dict(priority_contacts_per_quarter=1, priority_home_visits_per_year=2,
                             other_contacts_per_year=1, trigger_days=10)
        services.regime_save(actor=_street_director(cast), name="汤山街道", **regimes_below)
    assert set(refused.value.message_dict) == {"priority_contacts_per_quarter", "trigger_days"}
    assert not Regime.objects.filter(jurisdiction_code=STREET_CODE[:9]).exists()
    services.regime_save(actor=_street_director(cast), name="汤山街道", priority_contacts_per_quarter=3,
                         priority_home_visits_per_year=2, other_contacts_per_year=1, trigger_days=3)
    rule = regimes.effective_for(STREET_CODE)
    assert (rule.priority_contacts_per_quarter, rule.priority_home_visits_per_year, rule.trigger_days) == (3, 2, 3)
    assert regimes.effective_for(HOME_COUNTY + "001000").priority_contacts_per_quarter == 2  # another street


def test_a_later_tightening_above_binds_a_regime_set_below_before_it(cast):
    services.regime_save(actor=_street_director(cast), name="汤山街道", priority_contacts_per_quarter=2,
                         priority_home_visits_per_year=1, other_contacts_per_year=1, trigger_days=7)
    services.regime_save(actor=cast.county_director, name="江宁区", priority_contacts_per_quarter=1,
                         priority_home_visits_per_year=1, other_contacts_per_year=2, trigger_days=7)
    rule = regimes.effective_for(STREET_CODE)
    assert (rule.priority_contacts_per_quarter, rule.other_contacts_per_year) == (2, 2)


def test_coverage_follows_the_regime_of_each_area(cast):
    services.regime_save(actor=_street_director(cast), name="汤山街道", priority_contacts_per_quarter=2,
                         priority_home_visits_per_year=1, other_contacts_per_year=1, trigger_days=7)
    person = person_at(cast.village_worker, priority=True)
    _visit(cast.village_worker, person, date(2026, 10, 8))
    assert "due" in _status_of(cast.county_director, person, date(2026, 10, 9))  # the street asks two a quarter
    _visit(cast.village_worker, person, date(2026, 10, 9), place=Visit.Place.PHONE)
    assert "done" in _status_of(cast.county_director, person, date(2026, 10, 9))


def _street_director(cast):
    from tests.factories import UserFactory, unit_at

    return UserFactory(org_unit=unit_at(STREET_CODE), roles=["centre_staff"])


def test_a_visit_owed_falls_due_within_the_regimes_days_and_the_next_visit_meets_it(cast):
    person = person_at(cast.village_worker)
    due = services.due_visit_raise(actor=cast.grid_worker, person_id=person.pk,
                                   occasion=DueVisit.Occasion.HOSPITALISED, occurred_on=date(2026, 11, 20))
    assert due.due_on == date(2026, 11, 27)
    again = services.due_visit_raise(actor=cast.grid_worker, person_id=person.pk,
                                     occasion=DueVisit.Occasion.HOSPITALISED, occurred_on=date(2026, 11, 20))
    assert again.pk == due.pk  # the same occasion told twice is owed once
    visit = _visit(cast.grid_worker, person, date(2026, 11, 22))
    due.refresh_from_db()
    assert due.visit_id == visit.pk


def test_round_birthdays_raise_visits_owed_once(cast):
    today = date(2026, 12, 4)
    person_at(cast.village_worker, birth="19461210", seq=11)  # 80 on 2026-12-10
    person_at(cast.village_worker, birth="19461230", seq=12)  # 80 beyond the two weeks
    assert services.birthday_visits_raise(today=today, prefix=HOME_COUNTY) == 1
    assert services.birthday_visits_raise(today=today, prefix=HOME_COUNTY) == 0
    owed = DueVisit.objects.get(occasion=DueVisit.Occasion.BIRTHDAY)
    assert owed.occurred_on == date(2026, 12, 10) and owed.due_on == date(2026, 12, 17)


# 春节 and 重阳 from 2025 to 2030 as the national almanac publishes them.
SPRING_FESTIVAL = {2025: date(2025, 1, 29), 2026: date(2026, 2, 17), 2027: date(2027, 2, 6), 2028: date(2028, 1, 26),
                   2029: date(2029, 2, 13), 2030: date(2030, 2, 3)}
DOUBLE_NINTH = {2025: date(2025, 10, 29), 2026: date(2026, 10, 18), 2027: date(2027, 10, 8), 2028: date(2028, 10, 26),
                2029: date(2029, 10, 16), 2030: date(2030, 10, 5)}


@pytest.mark.parametrize("year", range(2025, 2031))
def test_lunar_festivals_fall_on_their_published_days(year):
    assert festivals.festival_day(Campaign.Kind.SPRING, year) == SPRING_FESTIVAL[year]
    assert festivals.festival_day(Campaign.Kind.DOUBLE_NINTH, year) == DOUBLE_NINTH[year]
    assert festivals.festival_day(Campaign.Kind.ARMY_DAY, year) == date(year, 8, 1)


@pytest.mark.parametrize("year", [2025, 2026])
def test_the_spring_festival_is_the_holiday_the_state_council_calendar_names(year):
    """chinese-calendar holds the State Council's holiday notices for the years they are published."""
    on_holiday, name = chinese_calendar.get_holiday_detail(festivals.festival_day(Campaign.Kind.SPRING, year))
    assert on_holiday and name == chinese_calendar.Holiday.spring_festival.value


def test_a_festival_campaign_runs_four_weeks_before_to_a_week_after(cast):
    campaign = services.campaign_launch(actor=cast.county_director, name="2027年春节走访慰问", kind="spring",
                                        year=2027, budget_per_person=500)
    assert campaign.festival_on == date(2027, 2, 6)
    assert (campaign.starts_on, campaign.ends_on) == (date(2027, 1, 9), date(2027, 2, 13))
    assert campaign.jurisdiction_code == HOME_COUNTY


def test_the_birthday_command_runs_twice_safely(cast):
    from io import StringIO

    from django.core.management import call_command

    today = timezone.localdate()
    born = today.replace(year=today.year - 90) + timedelta(days=3)
    person_at(cast.village_worker, birth=born.strftime("%Y%m%d"), seq=21)
    for expected in ("1", "0"):
        out = StringIO()
        call_command("raise_due_visits", "--region", HOME_COUNTY, stdout=out)
        assert f"新增生日必访 {expected} 条" in out.getvalue()
