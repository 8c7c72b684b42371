"""Job fairs: planning within the organiser's area, invitations (idempotent), the door's check-in by ID number or
scanned code (idempotent: scanned twice, one attendance; only on the day; only people of the worker's area) and the
offers made there, which become referrals linked to the fair."""

from datetime import timedelta

import pytest
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError

from rongjia.core.errors import StaleVersion
from rongjia.employment import services_fairs as services
from rongjia.employment.models import Fair, FairGuest, Referral, Seeker
from tests.factories import person_at

from .conftest import seeker_for


@pytest.fixture
def fair(cast, today, employer, posting):
    """A county fair today, with the county employer and its driver's posting."""
    return services.fair_create(actor=cast.county_director, title="江宁区退役军人专场招聘会", date=today,
                                venue="江宁区人力资源市场", employers=[employer], postings=[posting])


def message(exc) -> str:
    return " ".join(exc.value.messages)


# --- planning ---------------------------------------------------------------------------------------------------

def test_a_centre_plans_a_fair_for_its_area(cast, fair, employer, posting):
    assert fair.jurisdiction_code == "320115" and fair.organiser == cast.county_director.org_unit
    assert list(fair.employers.all()) == [employer] and list(fair.postings.all()) == [posting]
    assert Fair.objects.visible_to(cast.village_worker).filter(pk=fair.pk).exists()  # its stations see it
    assert not Fair.objects.visible_to(cast.outsider).filter(pk=fair.pk).exists()


def test_a_posting_brings_its_employer_along(cast, today, employer, posting):
    fair = services.fair_create(actor=cast.county_director, title="招聘会", date=today, venue="大厅",
                                postings=[posting])
    assert list(fair.employers.all()) == [employer]


def test_a_station_does_not_plan_fairs_and_nobody_lists_another_countys_employer(cast, today, employer):
    with pytest.raises(PermissionDenied):
        services.fair_create(actor=cast.village_worker, title="招聘会", date=today, venue="村委会")
    with pytest.raises(ValidationError) as refused:
        services.fair_create(actor=cast.outsider, title="招聘会", date=today, venue="大厅", employers=[employer])
    assert "employers" in refused.value.error_dict and not Fair.objects.exists()


@pytest.mark.parametrize("field, values", [("title", {"title": " "}), ("venue", {"venue": ""}),
                                           ("date", {"date": None})])
def test_a_fair_without_title_venue_or_date_is_refused(cast, today, field, values):
    given = {"title": "招聘会", "date": today, "venue": "大厅", **values}
    with pytest.raises(ValidationError) as refused:
        services.fair_create(actor=cast.county_director, **given)
    assert field in refused.value.error_dict and not Fair.objects.exists()


def test_only_the_organisers_area_edits_a_fair_and_a_stale_edit_is_refused(cast, fair, today):
    with pytest.raises(PermissionDenied):
        services.fair_update(actor=cast.village_worker, fair=fair, version=fair.version, title="改名")
    updated = services.fair_update(actor=cast.county_director, fair=fair, version=1, venue="新场地",
                                   date=today + timedelta(days=1))
    assert (updated.venue, updated.version, updated.date) == ("新场地", 2, today + timedelta(days=1))
    with pytest.raises(StaleVersion):
        services.fair_update(actor=cast.county_director, fair=fair, version=1, venue="旧场地")
    assert Fair.objects.get(pk=fair.pk).venue == "新场地"


def test_a_fairs_date_stays_once_guests_came(cast, fair, seeker, today):
    services.fair_check_in(actor=cast.village_worker, fair=fair, id_number=seeker.person.id_number)
    with pytest.raises(ValidationError) as refused:
        services.fair_update(actor=cast.county_director, fair=fair, version=1, date=today + timedelta(days=7))
    assert "date" in refused.value.error_dict and Fair.objects.get(pk=fair.pk).date == today


# --- invitations ------------------------------------------------------------------------------------------------

def test_inviting_twice_invites_once(cast, fair, seeker):
    assert services.fair_invite(actor=cast.village_worker, fair=fair, seekers=[seeker]) == 1
    assert services.fair_invite(actor=cast.village_worker, fair=fair, seekers=[seeker]) == 0
    guest = FairGuest.objects.get(fair=fair)
    assert guest.seeker == seeker and guest.invited_at and guest.checked_in_at is None
    assert guest.region_code == seeker.region_code


def test_a_station_invites_only_its_own_seekers_who_seek_work(cast, fair, seeker, sibling_seeker):
    with pytest.raises(ValidationError) as refused:
        services.fair_invite(actor=cast.village_worker, fair=fair, seekers=[seeker, sibling_seeker])
    assert "seekers" in refused.value.error_dict and not FairGuest.objects.exists()
    Seeker.objects.filter(pk=seeker.pk).update(status=Seeker.Status.PLACED)
    with pytest.raises(ValidationError) as refused:
        services.fair_invite(actor=cast.village_worker, fair=fair, seekers=[seeker])
    assert seeker.person.name in message(refused) and not FairGuest.objects.exists()


def test_a_fair_held_takes_no_more_invitations(cast, fair, seeker, today):
    Fair.objects.filter(pk=fair.pk).update(date=today - timedelta(days=1))
    with pytest.raises(ValidationError) as refused:
        services.fair_invite(actor=cast.village_worker, fair=fair, seekers=[seeker])
    assert (today - timedelta(days=1)).isoformat() in message(refused) and not FairGuest.objects.exists()


# --- the door -------------------------------------------------------------------------------------------------

def test_scanned_twice_one_attendance(cast, fair, seeker):
    services.fair_invite(actor=cast.village_worker, fair=fair, seekers=[seeker])
    code = services.check_in_code(seeker)
    guest, fresh = services.fair_check_in(actor=cast.county_director, fair=fair, code=code)
    assert fresh and guest.checked_in_at and guest.checked_in_by == cast.county_director
    again, fresh_again = services.fair_check_in(actor=cast.village_worker, fair=fair, code=code)
    assert not fresh_again and again.pk == guest.pk
    assert FairGuest.objects.filter(fair=fair).count() == 1
    kept = FairGuest.objects.get(pk=guest.pk)
    assert kept.checked_in_at == guest.checked_in_at and kept.checked_in_by == cast.county_director


def test_by_id_number_then_by_code_is_the_same_attendance(cast, fair, seeker):
    number = seeker.person.id_number
    guest, fresh = services.fair_check_in(actor=cast.village_worker, fair=fair,
                                          id_number=f" {number[:6]} {number[6:]} ".lower())  # as typed
    assert fresh and guest.seeker == seeker
    again, fresh = services.fair_check_in(actor=cast.village_worker, fair=fair, code=services.check_in_code(seeker))
    assert not fresh and again.pk == guest.pk and FairGuest.objects.count() == 1


def test_a_walk_in_without_invitation_is_checked_in(cast, fair, seeker):
    guest, fresh = services.fair_check_in(actor=cast.village_worker, fair=fair, id_number=seeker.person.id_number)
    assert fresh and guest.invited_at is None and guest.checked_in_at is not None
    assert guest.region_code == seeker.region_code


def test_an_invited_guest_is_checked_in_on_the_same_row(cast, fair, seeker):
    services.fair_invite(actor=cast.village_worker, fair=fair, seekers=[seeker])
    invited = FairGuest.objects.get()
    guest, fresh = services.fair_check_in(actor=cast.village_worker, fair=fair, id_number=seeker.person.id_number)
    assert fresh and guest.pk == invited.pk and guest.invited_at == invited.invited_at


@pytest.mark.parametrize("days", [1, -1])
def test_check_in_only_on_the_day_of_the_fair(cast, fair, seeker, today, days):
    Fair.objects.filter(pk=fair.pk).update(date=today + timedelta(days=days))
    with pytest.raises(ValidationError) as refused:
        services.fair_check_in(actor=cast.village_worker, fair=fair, id_number=seeker.person.id_number)
    assert (today + timedelta(days=days)).isoformat() in message(refused)
    assert not FairGuest.objects.exists()


def test_a_person_outside_the_workers_area_is_not_found(cast, fair, sibling_seeker, outsider_seeker):
    with pytest.raises(ValidationError) as refused:
        services.fair_check_in(actor=cast.village_worker, fair=fair, id_number=sibling_seeker.person.id_number)
    assert refused.value.message_dict["id_number"] == ["本辖区没有此身份证号码的档案。"]
    assert sibling_seeker.person.name not in message(refused)
    with pytest.raises(ValidationError) as refused:
        services.fair_check_in(actor=cast.county_director, fair=fair, code=services.check_in_code(outsider_seeker))
    assert "code" in refused.value.error_dict and outsider_seeker.person.name not in message(refused)
    assert not FairGuest.objects.exists()


def test_the_county_checks_in_anyone_of_the_county(cast, fair, seeker, sibling_seeker):
    for each in (seeker, sibling_seeker):
        services.fair_check_in(actor=cast.county_director, fair=fair, id_number=each.person.id_number)
    assert FairGuest.objects.filter(fair=fair, checked_in_at__isnull=False).count() == 2


def test_a_person_without_a_seeker_profile_is_told_so(cast, fair):
    person = person_at(cast.village_worker, name="周平", seq=520)
    with pytest.raises(ValidationError) as refused:
        services.fair_check_in(actor=cast.village_worker, fair=fair, id_number=person.id_number)
    assert "周平" in message(refused) and not FairGuest.objects.exists()


@pytest.mark.parametrize("given", [{"id_number": "12345"}, {"id_number": ""}, {"code": "not-a-code"},
                                   {"code": signing.dumps(1, salt="another.purpose")}])
def test_a_bad_number_or_code_gets_a_message(cast, fair, seeker, given):
    with pytest.raises(ValidationError):
        services.fair_check_in(actor=cast.village_worker, fair=fair, **given)
    assert not FairGuest.objects.exists()


def test_a_fair_outside_the_area_is_not_found(cast, fair, outsider_seeker):
    from django.http import Http404

    with pytest.raises(Http404):
        services.fair_check_in(actor=cast.outsider, fair=fair, id_number=outsider_seeker.person.id_number)


def test_the_code_names_the_seeker_and_no_id_number(seeker):
    code = services.check_in_code(seeker)
    assert seeker.person.id_number not in code and len(code) < 60


# --- offers -----------------------------------------------------------------------------------------------------

def test_an_offer_at_the_fair_is_a_referral_linked_to_it(cast, fair, seeker, posting):
    services.fair_check_in(actor=cast.village_worker, fair=fair, id_number=seeker.person.id_number)
    referral = services.fair_offer(actor=cast.village_worker, fair=fair, seeker=seeker, posting=posting)
    assert (referral.fair, referral.seeker, referral.posting) == (fair, seeker, posting)
    assert list(fair.offers.all()) == [referral]


def test_an_offer_needs_a_posting_of_the_fair_and_a_guest_who_came(cast, fair, seeker, employer, today):
    from rongjia.core.models import Region
    from rongjia.employment import services_postings

    elsewhere = services_postings.posting_create(
        actor=cast.county_director, employer=employer, title="仓管员", place=Region.objects.get(pk=employer.place_id),
        pay_min=4000, pay_max=5000, places=1, opens_on=today, closes_on=today + timedelta(days=10))
    with pytest.raises(ValidationError) as refused:
        services.fair_offer(actor=cast.village_worker, fair=fair, seeker=seeker, posting=fair.postings.get())
    assert "seeker" in refused.value.error_dict
    services.fair_check_in(actor=cast.village_worker, fair=fair, id_number=seeker.person.id_number)
    with pytest.raises(ValidationError) as refused:
        services.fair_offer(actor=cast.village_worker, fair=fair, seeker=seeker, posting=elsewhere)
    assert "posting" in refused.value.error_dict and not Referral.objects.exists()


def test_an_outsider_county_seeker_is_not_offered(cast, fair, outsider_seeker):
    from django.http import Http404

    with pytest.raises(Http404):
        services.fair_offer(actor=cast.county_director, fair=fair, seeker=outsider_seeker,
                            posting=fair.postings.get())
    assert not Referral.objects.exists()


def test_a_second_seeker_of_the_same_station_is_found_by_number(cast, fair):
    other = seeker_for(cast.village_worker, name="钱多", seq=530)
    guest, fresh = services.fair_check_in(actor=cast.village_worker, fair=fair, id_number=other.person.id_number)
    assert fresh and guest.seeker == other
