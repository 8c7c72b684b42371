"""Businesses veterans start, through `services_business` and their pages: the 统一社会信用代码 check, who records
what, the support (a loan needs its amount and term), the follow-ups (closing, the next one due in six months),
every bad input refused with a message and nothing changed, and the pages scoped (an outsider gets 404)."""

from datetime import date, timedelta
from io import BytesIO

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from openpyxl import load_workbook

from rongjia.core.errors import StaleVersion
from rongjia.employment import services_business as services
from rongjia.employment.models import Business, BusinessFollowUp, Seeker, Support
from rongjia.employment.values import credit_check_character, credit_code_ok, months_after
from tests.employment.conftest import sector
from tests.factories import VILLAGE2_CODE, person_at

pytestmark = pytest.mark.django_db

GOOD_CODE = "91350100M000100Y43"  # the example of GB 32100-2015


@pytest.fixture
def person(cast):
    return person_at(cast.village_worker, name="周杰", seq=601)


def make(actor, person, **changes) -> Business:
    args = {"name": "周记农家乐", "sector": sector("住宿和餐饮业"), "registered_on": date(2024, 3, 1),
            "credit_code": GOOD_CODE, "employees": 5, "veterans_employed": 2, "note": "返乡创业", **changes}
    return services.business_create(actor=actor, person=person, **args)


def counts() -> tuple[int, int, int]:
    return Business.objects.count(), Support.objects.count(), BusinessFollowUp.objects.count()


# --- the credit code -------------------------------------------------------------------------------------------

def test_credit_codes_are_checked_by_the_standards_check_character():
    # two real codes and the standard's own example
    for code in (GOOD_CODE, "91110000802100433B", "914403001922038216"):
        assert credit_code_ok(code), code
    # by hand: 9135010 0M000100Y4 → weights 1,3,9,… mod 31 give the check character 3
    assert credit_check_character(GOOD_CODE[:17]) == "3"
    assert not credit_code_ok(GOOD_CODE[:17] + "4")  # a wrong check character
    assert not credit_code_ok(GOOD_CODE[:17])  # 17 characters
    assert not credit_code_ok(GOOD_CODE.lower())
    assert not credit_code_ok("91350100I000100Y43")  # I is not among the standard's characters
    assert not credit_code_ok("")


def test_months_after_keeps_the_day_or_takes_the_months_last():
    assert months_after(date(2024, 8, 31), 6) == date(2025, 2, 28)
    assert months_after(date(2024, 1, 15), 6) == date(2024, 7, 15)
    assert months_after(date(2023, 11, 30), 3) == date(2024, 2, 29)


# --- the services ----------------------------------------------------------------------------------------------

def test_a_station_records_a_business_kept_by_the_persons_station(cast, person, today):
    business = make(cast.village_worker, person, credit_code=" 91350100m000100y43 ")
    assert business.station == person.station and business.region_code == person.station.region_code
    assert business.credit_code == GOOD_CODE  # as typed, upper-cased
    assert business.follow_up_due == months_after(today, 6) and business.state == Business.State.OPERATING
    assert LogEntry.objects.get_for_object(business).get().actor == cast.village_worker


def test_the_seeker_profile_turns_to_running_a_business(cast, seeker):
    make(cast.village_worker, seeker.person)
    seeker.refresh_from_db()
    assert seeker.status == Seeker.Status.SELF_EMPLOYED


@pytest.mark.parametrize(("changes", "field"), [
    ({"registered_on": date.today() + timedelta(days=2)}, "registered_on"),
    ({"employees": 1, "veterans_employed": 2}, "veterans_employed"),
    ({"credit_code": GOOD_CODE[:17] + "4"}, "credit_code"),
    ({"credit_code": "123"}, "credit_code"),
    ({"name": "  "}, "name"),
    ({"sector": None}, "sector"),
])
def test_bad_input_is_refused_and_nothing_is_recorded(cast, person, changes, field):
    before = counts()
    with pytest.raises(ValidationError) as refused:
        make(cast.village_worker, person, **changes)
    assert field in refused.value.message_dict and refused.value.message_dict[field][0]
    assert counts() == before


def test_a_person_of_another_station_or_a_role_without_handle_is_refused(cast, person):
    with pytest.raises(ValidationError) as refused:
        make(cast.village2_worker, person)  # the sibling village does not keep this person
    assert "person" in refused.value.message_dict
    with pytest.raises(PermissionDenied):
        make(cast.leader, person)
    with pytest.raises(PermissionDenied):
        make(cast.grid_worker, person)
    assert Business.objects.count() == 0


def test_an_update_checks_the_same_and_refuses_a_stale_version(cast, person):
    business = make(cast.village_worker, person)
    updated = services.business_update(actor=cast.village_worker, business=business, version=1, employees=8,
                                       veterans_employed=3)
    assert (updated.employees, updated.veterans_employed, updated.version) == (8, 3, 2)
    with pytest.raises(StaleVersion):
        services.business_update(actor=cast.village_worker, business=business, version=1, employees=9)
    with pytest.raises(ValidationError):
        services.business_update(actor=cast.village_worker, business=business, version=2, veterans_employed=9)
    with pytest.raises(Http404):
        services.business_update(actor=cast.village2_worker, business=business, version=2, employees=9)
    business.refresh_from_db()
    assert (business.employees, business.veterans_employed, business.version) == (8, 3, 2)


def test_a_loan_needs_its_amount_and_a_term_of_1_to_360_months(cast, person, today):
    business = make(cast.village_worker, person)
    add = {"actor": cast.village_worker, "business": business, "kind": Support.Kind.LOAN, "given_on": today}
    for wrong, field in (({"term_months": 36}, "amount"), ({"amount": 200000}, "term_months"),
                         ({"amount": 200000, "term_months": 0}, "term_months"),
                         ({"amount": 200000, "term_months": 361}, "term_months"),
                         ({"amount": 0, "term_months": 36}, "amount"), ({"amount": "abc", "term_months": 36}, "amount"),
                         ({"amount": 1000, "term_months": 36, "given_on": today + timedelta(days=1)}, "given_on")):
        with pytest.raises(ValidationError) as refused:
            services.support_add(**{**add, **wrong})
        assert field in refused.value.message_dict, wrong
    assert Support.objects.count() == 0
    loan = services.support_add(**add, amount="200000.00", term_months=36, provider="江宁农商行")
    assert (loan.amount, loan.term_months, loan.business.region_code) == (200000, 36, business.region_code)
    relief = services.support_add(actor=cast.village_worker, business=business, kind=Support.Kind.TAX, given_on=today)
    assert relief.amount is None
    with pytest.raises(ValidationError):
        services.support_add(**{**add, "kind": "grant"}, amount=1, term_months=1)
    with pytest.raises(Http404):
        services.support_add(**{**add, "actor": cast.village2_worker}, amount=1, term_months=1)


def test_a_follow_up_brings_the_business_up_to_date_or_closes_it(cast, person, today):
    business = make(cast.village_worker, person)
    visit = {"actor": cast.village_worker, "business": business, "on": today}
    with pytest.raises(ValidationError) as refused:
        services.business_follow_up(**visit, operating=True, employees=1, note="人手少了")
    assert "employees" in refused.value.message_dict  # below the 2 veterans it employs
    with pytest.raises(ValidationError):
        services.business_follow_up(**visit, operating=True, employees=6, note=" ")
    with pytest.raises(ValidationError):
        services.business_follow_up(**{**visit, "on": date(2024, 2, 1)}, operating=True, employees=6, note="早于登记")
    assert BusinessFollowUp.objects.count() == 0
    services.business_follow_up(**visit, operating=True, employees=7, note="经营良好")
    business.refresh_from_db()
    assert (business.employees, business.follow_up_due, business.version) == (7, months_after(today, 6), 2)
    services.business_follow_up(**visit, operating=False, employees=0, note="已注销")
    business.refresh_from_db()
    assert (business.state, business.closed_on, business.follow_up_due) == (Business.State.CLOSED, today, None)
    assert business.employees == 7  # the last known figure stays
    before = counts()
    with pytest.raises(ValidationError):
        services.business_follow_up(**visit, operating=True, employees=7, note="又来了")
    with pytest.raises(ValidationError):
        services.support_add(actor=cast.village_worker, business=business, kind=Support.Kind.MENTORING, given_on=today)
    assert counts() == before


# --- the pages -------------------------------------------------------------------------------------------------

@pytest.fixture
def businesses(cast, person, today):
    """Three in the home village (one closed, one with a loan and its follow-up due) and one in the sibling."""
    loaned = make(cast.village_worker, person, name="周记农家乐")
    services.support_add(actor=cast.village_worker, business=loaned, kind=Support.Kind.LOAN, given_on=today,
                         amount=100000, term_months=24)
    Business.objects.filter(pk=loaned.pk).update(follow_up_due=today - timedelta(days=1))
    other = make(cast.village_worker, person_at(cast.village_worker, name="吴昊", seq=602), name="吴氏物流",
                 sector=sector("交通运输、仓储和邮政业"), credit_code="")
    closed = make(cast.village_worker, person_at(cast.village_worker, name="郑凯", seq=603), name="郑家小吃",
                  credit_code="")
    services.business_follow_up(actor=cast.village_worker, business=closed, on=today, operating=False, employees=0,
                                note="已关门")
    sibling = make(cast.village2_worker, person_at(cast.village2_worker, code=VILLAGE2_CODE, name="王五", seq=604),
                   name="高庄超市", credit_code="")
    return {"loaned": loaned, "other": other, "closed": closed, "sibling": sibling}


def listed(client, query="") -> set[str]:
    response = client.get(f"/employment/businesses/?{query}")
    assert response.status_code == 200
    return {b.name for b in response.context["page"].object_list}


def test_the_list_is_the_viewers_and_filters_by_sector_state_support_and_due(cast, businesses, client_for):
    village, county = client_for(cast.village_worker), client_for(cast.county_director)
    assert listed(village) == {"周记农家乐", "吴氏物流", "郑家小吃"}
    assert listed(county) == {"周记农家乐", "吴氏物流", "郑家小吃", "高庄超市"}
    assert listed(client_for(cast.outsider)) == set()
    assert listed(village, "support=loan") == {"周记农家乐"}
    assert listed(village, "support=any") == {"周记农家乐"}
    assert listed(village, "due=follow_up") == {"周记农家乐"}
    assert listed(village, "state=closed") == {"郑家小吃"}
    assert listed(village, f"sector={sector('交通运输、仓储和邮政业').pk}") == {"吴氏物流"}
    assert listed(village, "q=吴") == {"吴氏物流"}
    assert listed(county, f"region={VILLAGE2_CODE}") == {"高庄超市"}
    assert listed(village, "state=bogus&support=x&year=abc") == {"周记农家乐", "吴氏物流", "郑家小吃"}  # ignored
    assert client_for(cast.village_worker).get(f"/employment/businesses/?region={VILLAGE2_CODE}").status_code == 404
    assert client_for(cast.grid_worker).get("/employment/businesses/").status_code == 403


def test_the_list_takes_a_bounded_number_of_queries(cast, businesses, client_for, django_assert_max_num_queries):
    client = client_for(cast.county_director)
    client.get("/employment/businesses/")
    with django_assert_max_num_queries(20):
        assert client.get("/employment/businesses/").status_code == 200


def test_the_export_is_the_lists_rows_and_audited(cast, businesses, client_for):
    response = client_for(cast.village_worker).get("/employment/businesses/export.xlsx?support=loan")
    sheet = load_workbook(BytesIO(response.content)).active
    values = list(sheet.values)
    assert len(values) == 2 and values[1][0] == "周记农家乐" and values[1][10] == 1
    entry = LogEntry.objects.filter(action=LogEntry.Action.ACCESS, additional_data__what="export").get()
    assert entry.actor == cast.village_worker and entry.additional_data["rows"] == 1
    assert "support=loan" in entry.additional_data["filters"]


def test_a_business_page_shows_supports_follow_ups_and_history_in_words(cast, businesses, client_for):
    loaned = businesses["loaned"]
    services.business_update(actor=cast.village_worker, business=loaned, version=1, employees=9)
    response = client_for(cast.village_worker).get(f"/employment/businesses/{loaned.pk}/")
    text = response.content.decode()
    assert response.status_code == 200 and "100000.00" in text.replace(",", "")
    assert len(response.context["history"]) == 2 and "5 → 9" in response.context["history"][0]["detail"]
    assert response.context["support_form"] is not None and response.context["due"]
    assert client_for(cast.outsider).get(f"/employment/businesses/{loaned.pk}/").status_code == 404
    assert client_for(cast.village2_worker).get(f"/employment/businesses/{loaned.pk}/").status_code == 404
    assert client_for(cast.leader).get(f"/employment/businesses/{loaned.pk}/").context["support_form"] is None
    assert client_for(cast.county_director).get(f"/employment/businesses/{loaned.pk}/").status_code == 200


def test_record_a_business_from_the_dossier_and_bad_input_changes_nothing(cast, person, client_for, today):
    client = client_for(cast.village_worker)
    page = client.get(f"/employment/businesses/new/?person={person.pk}")
    assert page.status_code == 200 and person.name in page.content.decode()
    form = {"person": person.pk, "name": "周记茶馆", "sector": sector().pk, "registered_on": "2024-05-01",
            "credit_code": "", "employees": 2, "veterans_employed": 3, "note": ""}
    refused = client.post("/employment/businesses/new/", form)
    assert refused.status_code == 400 and "veterans_employed" in refused.context["form"].errors
    assert Business.objects.count() == 0
    done = client.post("/employment/businesses/new/", {**form, "veterans_employed": 1})
    business = Business.objects.get()
    assert done.status_code == 302 and done["Location"] == f"/employment/businesses/{business.pk}/"
    # the sibling's worker cannot record one for this person: the service says so, nothing changes
    other = client_for(cast.village2_worker).post("/employment/businesses/new/", {**form, "veterans_employed": 1})
    assert other.status_code == 400 and Business.objects.count() == 1
    assert client_for(cast.leader).get("/employment/businesses/new/").status_code == 403
    found = client.get("/employment/businesses/new/?q=周")
    assert person in found.context["found"]


def test_support_follow_up_and_edit_forms(cast, businesses, client_for, today):
    client, loaned = client_for(cast.village_worker), businesses["loaned"]
    url = f"/employment/businesses/{loaned.pk}/"
    bad = client.post(f"{url}support/", {"support-kind": "loan", "support-given_on": today.isoformat(),
                                         "support-amount": "50000"})
    assert bad.status_code == 400 and "term_months" in bad.context["support_form"].errors
    assert Support.objects.filter(business=loaned).count() == 1
    good = client.post(f"{url}support/", {"support-kind": "incubator", "support-given_on": today.isoformat(),
                                          "support-provider": "江宁孵化基地"})
    assert good.status_code == 302 and Support.objects.filter(business=loaned).count() == 2
    visit = client.post(f"{url}follow-up/", {"follow-on": today.isoformat(), "follow-operating": "yes",
                                             "follow-employees": "6", "follow-note": "经营良好"})
    assert visit.status_code == 302
    loaned.refresh_from_db()
    assert loaned.employees == 6 and loaned.follow_up_due > today
    edit = client.post(f"{url}edit/", {"version": 1, "name": "周记农家乐", "sector": sector().pk,
                                       "registered_on": "2024-03-01", "credit_code": "", "employees": 6,
                                       "veterans_employed": 2})
    assert edit.status_code == 400  # the follow-up changed it: version 2 now
    assert "version" in str(edit.context["form"].errors) or edit.context["form"].non_field_errors()
    assert client_for(cast.village2_worker).post(f"{url}support/", {}).status_code == 404
