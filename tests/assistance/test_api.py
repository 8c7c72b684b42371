"""The assistance API: the hardship ledger, aid applications (registered with their documents, stepped through the
levels like the petitions' transitions), the funds with their ledgers and the referrals. Each endpoint as the role
that uses it; the outsider county gets 404 on every record, the grid worker 403; bad input is 422 and changes
nothing; a stale version 409; the ledger's totals are the fund's balance; the lists cost a fixed number of
queries."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from rongjia.assistance import funds, services
from rongjia.assistance.models import (
    AidApplication,
    AidDocument,
    AidEvent,
    Fund,
    FundEntry,
    HardshipEntry,
    Pairing,
    Referral,
)
from tests.api import conftest as api_fixtures
from tests.api.conftest import api
from tests.factories import person_at

from .conftest import PDF, kind_named, past_publicity, register, step, to_publicity

pytestmark = pytest.mark.django_db
token_for = api_fixtures.token_for  # the API's fixture: a token issued as `manage.py create_api_token` does

HARDSHIP, APPLICATIONS, FUNDS, REFERRALS = ("/api/v1/hardship", "/api/v1/aid-applications", "/api/v1/funds",
                                            "/api/v1/referrals")


def get(token, url, **params):
    return api(Client(), "get", url, token, **params)


def post(token, url, **data):
    return api(Client(), "post", url, token, **data)


def multipart(token, url, data):
    return Client().post(url, data, HTTP_AUTHORIZATION=f"Bearer {token}")


def pdf_file(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(f"{name}.pdf", PDF, content_type="application/pdf")


def transition(token, application, action, note="", version=None, **data):
    application.refresh_from_db()
    return post(token, f"{APPLICATIONS}/{application.pk}/transitions", action=action, note=note,
                version=application.version if version is None else version, data=data)


def snapshot(application) -> tuple:
    application.refresh_from_db()
    return (application.state, application.level, application.version, application.amount_proposed,
            application.publicity_until, application.events.count())


# --- the hardship ledger ------------------------------------------------------------------------------------

def test_a_station_enters_a_household_and_reads_it_with_its_reviews_and_pairings(cast, token_for, person,
                                                                                  hardship_kind):
    token = token_for(cast.village_worker)
    created = post(token, f"{HARDSHIP}/", person_id=person.pk, kind_id=hardship_kind.pk, cause="本人患肺癌，化疗中",
                   level="extreme", since="2025-06-01", household_size=4, monthly_income="1200.50", key=True)
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["person_id"], body["kind"], body["level"], body["key"], body["monthly_income"]) == (
        person.pk, "因病", "extreme", True, "1200.50")
    entry = HardshipEntry.objects.get(pk=body["id"])
    veteran = person_at(cast.village_worker, name="优秀退役军人", seq=5)
    services.pairing_create(actor=cast.village_worker, entry=entry, helper_kind="veteran", helper_name="",
                            helper_person=veteran, plan="每月走访一次", since=date(2025, 7, 1))
    services.hardship_review(actor=cast.village_worker, entry=entry, version=entry.version, level="serious",
                             note="病情稳定", on=timezone.localdate(),
                             next_due=timezone.localdate() + timedelta(days=90))
    detail = get(token_for(cast.leader), f"{HARDSHIP}/{entry.pk}")  # the leader reads
    assert detail.status_code == 200
    detail = detail.json()
    assert [(r["level"], r["note"], r["closed"]) for r in detail["reviews"]] == [("serious", "病情稳定", False)]
    (pairing,) = detail["pairings"]
    assert (pairing["helper_kind"], pairing["helper_name"], pairing["helper_person_id"]) == (
        "veteran", "优秀退役军人", veteran.pk)
    assert detail["level"] == "serious" and detail["version"] == 2
    kinds = get(token, f"{HARDSHIP}/kinds").json()
    assert "因病" in [k["name"] for k in kinds]


def test_the_ledger_filters_by_kind_level_and_overdue_review(cast, token_for, entry, sibling_person):
    other_kind = services.hardship_create(actor=cast.village_worker, person=entry.person,
                                          kind=services.HardshipKind.objects.get(name="住房"), cause="危房",
                                          level="ordinary", since=date(2025, 1, 1))
    HardshipEntry.objects.filter(pk=entry.pk).update(review_due=timezone.localdate() - timedelta(days=1))
    services.hardship_create(actor=cast.village2_worker, person=sibling_person, kind=entry.kind, cause="邻村",
                             level="serious", since=date(2025, 1, 1))
    token = token_for(cast.village_worker)

    def ids(**params):
        response = get(token, f"{HARDSHIP}/", **params)
        assert response.status_code == 200
        return sorted(row["id"] for row in response.json()["items"])

    assert ids() == sorted([entry.pk, other_kind.pk])  # not the sibling village's
    assert ids(kind=entry.kind_id) == [entry.pk]
    assert ids(level="ordinary") == [other_kind.pk]
    assert ids(overdue=1) == [entry.pk]
    assert ids(state="closed") == []
    assert get(token, f"{HARDSHIP}/", state="soon").status_code == 422
    county = get(token_for(cast.county_director), f"{HARDSHIP}/").json()
    assert county["count"] == 3


def test_a_hardship_entry_for_a_person_outside_the_scope_is_422_and_nothing_is_written(cast, token_for,
                                                                                        sibling_person,
                                                                                        hardship_kind):
    token = token_for(cast.village_worker)
    response = post(token, f"{HARDSHIP}/", person_id=sibling_person.pk, kind_id=hardship_kind.pk, cause="x",
                    since="2025-01-01")
    assert response.status_code == 422 and "person" in response.json()["errors"]
    response = post(token_for(cast.leader), f"{HARDSHIP}/", person_id=sibling_person.pk, kind_id=hardship_kind.pk,
                    cause="x", since="2025-01-01")
    assert response.status_code == 403  # the leader reads only
    assert not HardshipEntry.objects.exists()


# --- aid applications ----------------------------------------------------------------------------------------

def _register_form(person, kind, amount="2000", **files):
    return {"person_id": person.pk, "kind_id": kind.pk, "amount_requested": amount, "reason": "房屋受灾", **files}


def test_a_station_registers_an_application_with_its_documents_as_multipart(cast, token_for, person):
    kind = kind_named("临时救助")
    token = token_for(cast.village_worker)
    response = multipart(token, f"{APPLICATIONS}/", _register_form(person, kind, **{
        name: pdf_file(name) for name in kind.documents}))
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["state"], body["level"], body["levels"], body["amount_requested"]) == (
        "reviewing", 5, [5, 4, 3], "2000.00")
    assert sorted(d["requirement"] for d in body["documents"]) == sorted(kind.documents)
    assert all(set(d) == {"id", "requirement", "name", "content_type", "size", "uploaded_at"}
               for d in body["documents"])  # described, never the content or a path
    assert [e["action"] for e in body["events"]] == ["register"]
    assert body["allowed_actions"] == ["recommend", "reject", "withdraw"]
    kinds = {k["name"]: k for k in get(token, f"{APPLICATIONS}/kinds").json()}
    assert kinds["大病医疗救助"]["documents"] == ["申请书", "诊断证明", "医疗费用票据"]


@pytest.mark.parametrize("case", ["missing document", "above the cap", "outside the scope", "no reason"])
def test_a_bad_registration_is_422_and_nothing_is_stored(cast, token_for, person, sibling_person, case):
    kind = kind_named("大病医疗救助")
    files = {name: pdf_file(name) for name in kind.documents}
    form = _register_form(person, kind, **files)
    field = "documents"
    if case == "missing document":
        form.pop("医疗费用票据")
    elif case == "above the cap":
        form["amount_requested"], field = "20000.01", "amount_requested"
    elif case == "outside the scope":
        form["person_id"], field = sibling_person.pk, "person"
    else:
        form["reason"], field = "  ", "reason"
    response = multipart(token_for(cast.village_worker), f"{APPLICATIONS}/", form)
    assert response.status_code == 422 and field in response.json()["errors"]
    if case == "missing document":
        assert "医疗费用票据" in response.json()["errors"]["documents"][0]  # says which
    assert not AidApplication.objects.exists() and not AidDocument.objects.exists()


def test_an_application_climbs_the_levels_through_the_api_to_payment(cast, token_for, person, care_fund):
    application = register(cast.village_worker, person)
    village, street, county = (token_for(cast.village_worker), token_for(cast.street_worker),
                               token_for(cast.county_director))
    assert transition(street, application, "recommend").status_code == 422  # the village's turn first
    response = transition(village, application, "recommend", "情况属实", amount="1800")
    assert response.status_code == 200 and response.json()["level"] == 4
    assert response.json()["allowed_actions"] == []  # the street's turn now
    assert transition(street, application, "recommend", "同意上报").json()["level"] == 3
    before = snapshot(application)
    short = transition(county, application, "agree", "同意公示", publicity_days=3)  # the kind says 5
    assert short.status_code == 422 and "publicity_days" in short.json()["errors"]
    assert snapshot(application) == before
    posted = transition(county, application, "agree", "同意公示", publicity_days=5).json()
    assert posted["state"] == "publicity" and posted["publicity_until"] > posted["publicity_from"]
    early = transition(county, application, "approve", fund=care_fund.pk)
    assert early.status_code == 422 and AidApplication.objects.get(pk=application.pk).state == "publicity"
    past_publicity(application)
    approved = transition(county, application, "approve", "同意救助", fund=care_fund.pk)
    assert approved.status_code == 200 and approved.json()["amount_approved"] == "1800.00"
    paid = transition(county, application, "pay", method="bank", reference="TX20260101", paid_on=str(
        timezone.localdate()))
    assert paid.status_code == 200 and paid.json()["state"] == "paid"
    assert [e["action"] for e in paid.json()["events"]] == ["register", "recommend", "recommend", "agree",
                                                             "approve", "pay"]
    again = transition(county, application, "pay", method="bank", reference="TX20260101")
    assert again.status_code == 422 and again.json()["allowed"] == []  # paid once: no step is left
    care_fund.refresh_from_db()
    assert care_fund.balance == Decimal("48200.00") and FundEntry.objects.filter(application=application).count() == 1


def test_an_approval_beyond_the_balance_is_refused_with_the_balance(cast, token_for, person, care_fund):
    small = funds.fund_create(actor=cast.county_director, name="应急资金", kind="emergency")
    funds.fund_income(actor=cast.county_director, fund=small, source="allocation", amount="1000",
                      on=timezone.localdate())
    application = past_publicity(to_publicity(cast, register(cast.village_worker, person)))
    before = snapshot(application)
    response = transition(token_for(cast.county_director), application, "approve", fund=small.pk)
    assert response.status_code == 422
    assert "1000.00" in response.json()["errors"]["amount"][0]  # the balance is shown
    assert snapshot(application) == before
    small.refresh_from_db()
    assert small.balance == Decimal("1000.00") and small.entries.count() == 1


def test_above_the_cap_at_a_step_is_422_and_nothing_changes(cast, token_for, person):
    application = register(cast.village_worker, person)  # 临时救助: at most 5,000
    before = snapshot(application)
    response = transition(token_for(cast.village_worker), application, "recommend", amount="5000.01")
    assert response.status_code == 422 and "amount" in response.json()["errors"]
    assert snapshot(application) == before


def test_a_stale_version_is_409_and_an_illegal_step_422_with_the_allowed_ones(cast, token_for, person):
    application = register(cast.village_worker, person)
    token = token_for(cast.village_worker)
    before = snapshot(application)
    stale = transition(token, application, "recommend", version=application.version - 1)
    assert stale.status_code == 409 and snapshot(application) == before
    illegal = transition(token, application, "pay", method="bank", reference="x")
    assert illegal.status_code == 422 and illegal.json()["allowed"] == ["recommend", "agree", "reject", "withdraw"]
    assert snapshot(application) == before


def test_a_cash_payment_needs_the_signed_receipt_posted_first(cast, token_for, person, care_fund):
    application = past_publicity(to_publicity(cast, register(cast.village_worker, person)))
    step(cast.county_director, application, "approve", fund=care_fund.pk)
    token = token_for(cast.county_director)
    refused = transition(token, application, "pay", method="cash")
    assert refused.status_code == 422 and "receipt" in refused.json()["errors"]
    url = f"{APPLICATIONS}/{application.pk}/documents"
    added = multipart(token, url, {"requirement": AidDocument.RECEIPT, "file": pdf_file("签收单")})
    assert added.status_code == 201 and added.json()["requirement"] == AidDocument.RECEIPT
    assert transition(token, application, "pay", method="cash").json()["state"] == "paid"


def test_the_roles_each_endpoint_answers(cast, token_for, person, care_fund):
    application = register(cast.village_worker, person)
    grid, leader = token_for(cast.grid_worker), token_for(cast.leader)
    for url in (f"{HARDSHIP}/", f"{APPLICATIONS}/", f"{FUNDS}/", f"{REFERRALS}/", f"{HARDSHIP}/kinds",
                f"{APPLICATIONS}/kinds", f"{APPLICATIONS}/{application.pk}", f"{FUNDS}/{care_fund.pk}/ledger"):
        assert get(grid, url).status_code == 403, url
        assert get(leader, url).status_code == 200, url
    assert transition(leader, application, "recommend").status_code == 403  # the leader looks, does not act
    assert transition(grid, application, "recommend").status_code == 403
    assert snapshot(application)[2] == 1
    assert get(token_for(cast.village_worker), f"{FUNDS}/{care_fund.pk}/ledger").status_code == 404  # the county's


def test_the_outsider_gets_404_on_every_record(cast, token_for, entry, person, care_fund):
    application = register(cast.village_worker, person)
    referral = services.referral_create(actor=cast.village_worker, person=person, department="civil", service="低保",
                                        request="申请低保", sent_on=timezone.localdate())
    for user in (cast.outsider, cast.village2_worker):
        token = token_for(user)
        for url in (f"{HARDSHIP}/{entry.pk}", f"{APPLICATIONS}/{application.pk}", f"{REFERRALS}/{referral.pk}"):
            assert get(token, url).status_code == 404, url
        if user == cast.outsider:
            assert get(token, f"{FUNDS}/{care_fund.pk}/ledger").status_code == 404
        assert transition(token, application, "recommend").status_code == 404
        assert post(token, f"{REFERRALS}/{referral.pk}/transitions", action="chase",
                    version=referral.version).status_code == 404
        assert multipart(token, f"{APPLICATIONS}/{application.pk}/documents",
                         {"file": pdf_file("补充材料")}).status_code == 404
        for url in (f"{HARDSHIP}/", f"{APPLICATIONS}/", f"{REFERRALS}/"):
            assert get(token, url).json()["count"] == 0, url
    assert get(token_for(cast.outsider), f"{FUNDS}/").json()["count"] == 0
    assert snapshot(application)[2] == 1 and AidDocument.objects.filter(application=application).count() == 2


def test_mine_lists_what_waits_for_the_callers_level(cast, token_for, person, care_fund):
    waiting = register(cast.village_worker, person)
    passed_up = register(cast.village_worker, person, kind="应急救助")
    step(cast.village_worker, passed_up, "recommend", "情况属实")
    posted = to_publicity(cast, register(cast.village_worker, person, kind="关爱基金帮扶"))
    over = past_publicity(to_publicity(cast, register(cast.village_worker, person, kind="大病医疗救助")))

    def mine(user):
        body = get(token_for(user), f"{APPLICATIONS}/", mine=1).json()
        return sorted(row["id"] for row in body["items"])

    assert mine(cast.village_worker) == [waiting.pk]
    assert mine(cast.street_worker) == [passed_up.pk]
    # the county's level posts, hears objections, approves and pays: the applications list's definition
    assert mine(cast.county_director) == sorted([posted.pk, over.pk])
    step(cast.county_director, over, "approve", fund=care_fund.pk)
    assert mine(cast.county_director) == sorted([posted.pk, over.pk])  # approved, not yet paid
    step(cast.county_director, over, "pay", method="bank", reference="TX1")
    assert mine(cast.county_director) == [posted.pk]
    assert mine(cast.leader) == [posted.pk]  # the same counts, read-only
    by_state = get(token_for(cast.county_director), f"{APPLICATIONS}/", state="publicity").json()
    assert [row["id"] for row in by_state["items"]] == [posted.pk]
    by_kind = get(token_for(cast.county_director), f"{APPLICATIONS}/", kind=waiting.kind_id).json()
    assert [row["id"] for row in by_kind["items"]] == [waiting.pk]


# --- funds ------------------------------------------------------------------------------------------------------

def test_the_ledger_totals_are_the_funds_balance(cast, token_for, person, care_fund):
    funds.fund_income(actor=cast.county_director, fund=care_fund, source="donation", amount="8888.88",
                      on=timezone.localdate(), donor="某爱心企业", restriction="用于大病救助")
    funds.fund_spend(actor=cast.county_director, fund=care_fund, source="visit", amount="1200",
                     on=timezone.localdate(), note="春节慰问金")
    application = past_publicity(to_publicity(cast, register(cast.village_worker, person, amount="3333.33")))
    step(cast.county_director, application, "approve", fund=care_fund.pk)
    token = token_for(cast.county_director)
    listed = get(token, f"{FUNDS}/").json()
    care_fund.refresh_from_db()
    assert [(f["id"], f["balance"]) for f in listed["items"]] == [(care_fund.pk, str(care_fund.balance))]
    ledger = get(token, f"{FUNDS}/{care_fund.pk}/ledger", page_size=2)
    assert ledger.status_code == 200
    body = ledger.json()
    assert (body["income"], body["outgoings"], body["balance"], body["reconciles"]) == (
        "58888.88", "4533.33", "54355.55", True)
    assert Decimal(body["income"]) - Decimal(body["outgoings"]) == care_fund.balance == Decimal(body["balance"])
    assert body["count"] == 4 and [e["balance_after"] for e in body["items"]] == ["50000.00", "58888.88"]
    assert (body["items"][1]["donor"], body["items"][1]["income"]) == ("某爱心企业", "8888.88")
    second = get(token, f"{FUNDS}/{care_fund.pk}/ledger", page_size=2, page=2).json()
    assert [(e["outgoing"], e["balance_after"]) for e in second["items"]] == [("1200.00", "57688.88"),
                                                                               ("3333.33", "54355.55")]
    assert (second["items"][1]["application_id"], second["items"][1]["aid_kind"]) == (application.pk, "临时救助")
    spent = get(token, f"{FUNDS}/{care_fund.pk}/ledger", kind="out", year=timezone.localdate().year).json()
    assert (spent["count"], spent["income"], spent["outgoings"]) == (2, "0.00", "4533.33")
    assert get(token, f"{FUNDS}/{care_fund.pk}/ledger", kind="gift").status_code == 422


# --- referrals ----------------------------------------------------------------------------------------------------

def test_a_referral_is_sent_chased_answered_and_closed(cast, token_for, person, sibling_person):
    token = token_for(cast.village_worker)
    created = post(token, f"{REFERRALS}/", person_id=person.pk, department="civil", service="低保",
                   request="家庭收入低于低保线，请民政部门审核", sent_on=str(timezone.localdate() - timedelta(days=20)))
    assert created.status_code == 201, created.content
    referral = Referral.objects.get(pk=created.json()["id"])
    assert created.json()["overdue"] and created.json()["allowed_actions"] == ["chase", "answer"]
    assert [r["id"] for r in get(token, f"{REFERRALS}/", overdue=1).json()["items"]] == [referral.pk]
    outside = post(token, f"{REFERRALS}/", person_id=sibling_person.pk, department="civil", service="低保",
                   request="x", sent_on=str(timezone.localdate()))
    assert outside.status_code == 422 and Referral.objects.count() == 1
    url = f"{REFERRALS}/{referral.pk}/transitions"
    assert post(token, url, action="chase", version=referral.version).status_code == 200
    stale = post(token, url, action="answer", note="已纳入低保", version=referral.version, data={"outcome": "granted"})
    assert stale.status_code == 409
    no_outcome = post(token, url, action="answer", note="已纳入低保", version=referral.version + 1)
    assert no_outcome.status_code == 422 and "outcome" in no_outcome.json()["errors"]
    answered = post(token, url, action="answer", note="已纳入低保", version=referral.version + 1,
                    data={"outcome": "granted"})
    assert answered.status_code == 200 and answered.json()["state"] == "answered"
    assert get(token, f"{REFERRALS}/", overdue=1).json()["count"] == 0
    illegal = post(token, url, action="chase")
    assert illegal.status_code == 422 and illegal.json()["allowed"] == ["close"]
    closed = post(token, url, action="close")
    assert [e["action"] for e in closed.json()["events"]] == ["send", "chase", "answer", "close"]
    assert get(token_for(cast.leader), f"{REFERRALS}/", state="closed").json()["count"] == 1
    assert post(token_for(cast.leader), url, action="close").status_code in (403, 422)


# --- the lists' cost ----------------------------------------------------------------------------------------------

def test_the_lists_cost_a_fixed_number_of_queries(cast, token_for, person, entry, care_fund,
                                                  django_assert_max_num_queries):
    for n in range(4):
        register(cast.village_worker, person, amount=str(1000 + n))
        services.referral_create(actor=cast.village_worker, person=person, department="civil", service="低保",
                                 request=f"转介{n}", sent_on=timezone.localdate())
    for veteran in range(3):
        services.pairing_create(actor=cast.village_worker, entry=entry, helper_kind="company",
                                helper_name=f"企业{veteran}", plan="结对", since=date(2025, 1, 1))
    token = token_for(cast.county_director)
    for url in (f"{HARDSHIP}/", f"{APPLICATIONS}/", f"{APPLICATIONS}/?mine=1", f"{REFERRALS}/", f"{FUNDS}/",
                f"{HARDSHIP}/{entry.pk}", f"{APPLICATIONS}/{AidApplication.objects.first().pk}",
                f"{FUNDS}/{care_fund.pk}/ledger"):
        with django_assert_max_num_queries(8):  # 5 for a list, 7 for a record, whatever the rows
            assert get(token, url).status_code == 200, url
    assert Pairing.objects.count() == 3 and AidEvent.objects.count() == 4 and Fund.objects.count() == 1
