"""The benefits API: items with their figures, standard tables read and entered, a person's entitlements, and a
county batch created, stepped by its three people, sent to the bank and closed by the return file — each as the
role that uses it. The outsider county gets 404 on every record; bad input is 4xx and changes nothing; a stale
version is 409; account numbers are masked; the lists cost a fixed number of queries."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from rongjia.benefits.models import BatchEvent, Entitlement, PaymentBatch, Proposal, StandardTable
from rongjia.people.models import Category
from tests.api import conftest as api_fixtures
from tests.api.conftest import api
from tests.factories import VILLAGE2_CODE, VILLAGE_CODE

from .test_bank_files import bank_return
from .test_ledger import World, bank_format, confirm, veteran_at

pytestmark = pytest.mark.django_db
token_for = api_fixtures.token_for  # the API's fixture: a token issued as `manage.py create_api_token` does

ITEMS, STANDARDS, BATCHES = "/api/v1/benefits/items", "/api/v1/benefits/standards", "/api/v1/payment-batches"
MONTH = date(2026, 12, 1)


def get(token, url, **params):
    return api(Client(), "get", url, token, **params)


def post(token, url, **data):
    return api(Client(), "post", url, token, **data)


def multipart(token, url, data):
    return Client().post(url, data, HTTP_AUTHORIZATION=f"Bearer {token}")


# --- items and standards ---------------------------------------------------------------------------------------

def test_the_items_carry_the_figures_of_the_callers_area(cast, staff, standards, token_for):
    World(cast, staff, standards)
    county = {row["code"]: row for row in get(token_for(cast.county_director), ITEMS).json()}
    assert (county["test-pension"]["in_force"], county["test-pension"]["paid_amount"],
            county["test-pension"]["paid_month"]) == (3, "11000.00", "2026-12-01")
    village = {row["code"]: row for row in get(token_for(cast.village_worker), ITEMS).json()}
    assert (village["test-pension"]["in_force"], village["test-pension"]["paid_amount"]) == (1, "5000.00")
    narrowed = {row["code"]: row for row in get(token_for(cast.county_director), ITEMS,
                                                region=VILLAGE2_CODE).json()}
    assert narrowed["test-pension"]["paid_persons"] == 1
    assert get(token_for(cast.outsider), ITEMS, region="320115").status_code == 404
    assert get(token_for(cast.grid_worker), ITEMS).status_code == 403


def test_standard_tables_are_read_with_their_rates(cast, standards, token_for, django_assert_max_num_queries):
    token = token_for(cast.leader)
    with django_assert_max_num_queries(12):
        body = get(token, STANDARDS, item=standards.pk).json()
    (table,) = body["items"]
    assert (table["jurisdiction_code"], table["effective_from"]) == ("", "2024-01-01")
    assert sorted((rate["grade"], rate["amount"]) for rate in table["rates"]) == [(4, "60000.00"), (6, "36000.00")]
    everything = get(token, STANDARDS, page_size=500).json()
    assert everything["count"] > 1
    with django_assert_max_num_queries(12):  # the seeded tables: as many queries for them all
        get(token, STANDARDS, page_size=500)


def _table(item, **fields) -> dict:
    return {"item_id": item.pk, "title": "江宁区测试抚恤金地方补贴", "effective_from": "2026-01-01",
            "kind": "supplement", "rates": [{"grade": 6, "cause": "war", "amount": "1200"}], **fields}


def test_a_county_enters_its_own_supplement(cast, standards, token_for):
    created = post(token_for(cast.county_director), STANDARDS, **_table(standards))
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["jurisdiction_code"], body["kind"], body["rates"][0]["amount"]) == ("320115", "supplement",
                                                                                     "1200.00")
    assert get(token_for(cast.village_worker), STANDARDS, item=standards.pk).json()["count"] == 2  # it bears on it
    assert get(token_for(cast.outsider), STANDARDS, item=standards.pk).json()["count"] == 1  # not on the neighbour


def test_bad_standards_are_refused_and_nothing_is_stored(cast, standards, token_for):
    token = token_for(cast.county_director)
    assert post(token, STANDARDS, **_table(standards)).status_code == 201
    before = StandardTable.objects.count()
    overlapping = post(token, STANDARDS, **_table(standards, effective_from="2025-06-01"))
    assert overlapping.status_code == 422 and "effective_from" in overlapping.json()["errors"]
    assert post(token, STANDARDS, **_table(standards, item_id=999999)).status_code == 422
    bad_rates = [{"grade": 6, "cause": "bravery", "amount": "1"}], [{"category_id": 999999, "amount": "1"}], \
        [{"grade": 6, "amount": "-5"}], [{"grade": 6, "amount": "1.005"}], []
    for rates in bad_rates:
        refused = post(token, STANDARDS, **_table(standards, effective_from="2027-01-01", rates=rates))
        assert refused.status_code == 422 and "rates" in refused.json()["errors"], rates
    assert post(token, STANDARDS, **_table(standards, rates=[{"grade": 11, "amount": "1"}])).status_code == 422
    assert post(token, STANDARDS, **_table(standards, effective_until="2025-01-01")).status_code == 422
    assert post(token, STANDARDS, **_table(standards, jurisdiction_code="")).status_code == 403  # the nation's
    assert post(token_for(cast.outsider), STANDARDS, **_table(standards, jurisdiction_code="320115")).status_code \
        == 422  # another county's
    assert post(token_for(cast.village_worker), STANDARDS, **_table(standards)).status_code == 403
    assert StandardTable.objects.count() == before


# --- a person's entitlements -----------------------------------------------------------------------------------

def test_a_persons_entitlements_and_open_proposals(cast, standards, token_for):
    person = veteran_at(cast.village_worker, code=VILLAGE_CODE, seq=1, name="王建国")
    confirm(cast.village_worker, person, standards, date(2026, 9, 1))
    Proposal.objects.create(person=person, item=standards, change="change", month=date(2026, 12, 1), grade=4,
                            category=Category.objects.get(name="残疾军人"), cause="war", reason="重新评残",
                            entitlement=Entitlement.objects.get(person=person))
    response = get(token_for(cast.village_worker), f"/api/v1/people/{person.pk}/entitlements")
    assert response.status_code == 200
    body = response.json()
    assert [(e["item"], e["state"], e["start_month"], e["grade"]) for e in body["entitlements"]] == [
        ("测试抚恤金", "active", "2026-09-01", 6)]
    assert [(p["change"], p["grade"]) for p in body["proposals"]] == [("change", 4)]
    for outsider in (cast.village2_worker, cast.outsider):
        assert get(token_for(outsider), f"/api/v1/people/{person.pk}/entitlements").status_code == 404
    assert get(token_for(cast.leader), "/api/v1/people/999999/entitlements").status_code == 404


# --- payment batches -------------------------------------------------------------------------------------------

@pytest.fixture
def payees(cast, standards):
    """王建国 (the village) and 李卫东 (the sibling village), ¥3,000 a month each from November."""
    wang = veteran_at(cast.village_worker, code=VILLAGE_CODE, seq=1, name="王建国")
    li = veteran_at(cast.village2_worker, code=VILLAGE2_CODE, seq=2, name="李卫东")
    confirm(cast.village_worker, wang, standards, date(2026, 11, 1))
    confirm(cast.village2_worker, li, standards, date(2026, 11, 1))
    return wang, li


@pytest.fixture
def fmt(db):
    return bank_format()


@pytest.fixture
def tokens(cast, staff, token_for):
    preparer, checker, director = staff
    return {"preparer": token_for(preparer), "checker": token_for(checker), "director": token_for(director),
            "village": token_for(cast.village_worker), "outsider": token_for(cast.outsider),
            "leader": token_for(cast.leader)}


def create(tokens, fmt, capture, month=MONTH):
    with capture(execute=True):  # the generation job runs when the request's transaction commits
        response = post(tokens["preparer"], f"{BATCHES}/", month=month.isoformat(), bank_format_id=fmt.pk)
    assert response.status_code == 201, response.content
    return PaymentBatch.objects.get(pk=response.json()["id"])


def step(token, batch, action, note="", version=None):
    batch.refresh_from_db()
    return post(token, f"{BATCHES}/{batch.pk}/transitions", action=action, note=note,
                version=batch.version if version is None else version)


def snapshot(batch) -> tuple:
    batch.refresh_from_db()
    return batch.state, batch.version, batch.events.count()


def test_a_batch_from_creation_to_the_banks_return(cast, payees, fmt, tokens, django_capture_on_commit_callbacks):
    wang, li = payees
    batch = create(tokens, fmt, django_capture_on_commit_callbacks)
    detail = get(tokens["preparer"], f"{BATCHES}/{batch.pk}").json()
    assert (detail["running"], detail["state"], detail["payment_count"], detail["total"]) == (
        False, "draft", 2, "12000.00")  # November and December for each
    assert detail["allowed_actions"] == ["prepare"] and detail["may_regenerate"]
    assert (detail["visible_count"], detail["visible_total"]) == (2, "12000.00")
    assert step(tokens["preparer"], batch, "prepare").status_code == 200
    assert get(tokens["preparer"], f"{BATCHES}/{batch.pk}").json()["allowed_actions"] == ["send_back"]
    same_person = step(tokens["preparer"], batch, "check")
    assert same_person.status_code == 422 and batch.state == "prepared"
    assert get(tokens["checker"], f"{BATCHES}/{batch.pk}").json()["allowed_actions"] == ["check", "send_back"]
    assert step(tokens["checker"], batch, "check").status_code == 200
    approved = step(tokens["director"], batch, "approve")
    assert approved.status_code == 200, approved.content
    body = approved.json()
    assert body["state"] == "approved" and [e["action"] for e in body["events"]][-3:] == [
        "prepare", "check", "approve"]

    exported = Client().get(f"{BATCHES}/{batch.pk}/export", {"bank_format": fmt.pk},
                            HTTP_AUTHORIZATION=f"Bearer {tokens['preparer']}")
    assert exported.status_code == 200 and "filename*=UTF-8''" in exported["Content-Disposition"]
    li_seq = batch.payments.get(person=li).seq
    returned = SimpleUploadedFile("return.csv", bank_return(exported.content, fmt, {li_seq: "户名不符"}))
    batch.refresh_from_db()
    recorded = multipart(tokens["preparer"], f"{BATCHES}/{batch.pk}/return", {"file": returned,
                                                                              "version": batch.version})
    assert recorded.status_code == 200, recorded.content
    assert recorded.json()["state"] == "paid" and recorded.json()["events"][-1]["data"] == {"paid": 1, "failed": 1}
    payments = {p["person_name"]: p for p in get(tokens["director"], f"{BATCHES}/{batch.pk}/payments").json()["items"]}
    assert (payments["李卫东"]["result"], payments["李卫东"]["failure"]) == ("failed", "户名不符")
    assert payments["王建国"]["result"] == "paid"


def test_payments_are_masked_and_narrowed_to_the_callers_people(cast, staff, payees, fmt, tokens,
                                                                django_capture_on_commit_callbacks):
    wang, _li = payees
    batch = create(tokens, fmt, django_capture_on_commit_callbacks)
    body = get(tokens["director"], f"{BATCHES}/{batch.pk}/payments").json()
    assert body["count"] == 2
    account = wang.payment_accounts.get()
    first = next(p for p in body["items"] if p["person_id"] == wang.pk)
    assert first["account"] == f"**** **** **** {account.last_digits}"
    assert [(line["period"], line["amount"]) for line in first["lines"]] == [
        ("2026-11-01", "3000.00"), ("2026-12-01", "3000.00")]
    response = get(tokens["director"], f"{BATCHES}/{batch.pk}/payments")
    assert account.number not in response.content.decode()
    # the village's own people only, though the batch is the county's: a station filter inside the scope
    narrowed = get(tokens["director"], f"{BATCHES}/{batch.pk}/payments", region=VILLAGE_CODE).json()
    assert [p["person_name"] for p in narrowed["items"]] == ["王建国"]
    assert get(tokens["director"], f"{BATCHES}/{batch.pk}/payments", region="320114").status_code == 404


def test_the_outsider_and_the_village_meet_404_and_change_nothing(cast, payees, fmt, tokens,
                                                                  django_capture_on_commit_callbacks):
    batch = create(tokens, fmt, django_capture_on_commit_callbacks)
    before = snapshot(batch)
    for who in ("outsider", "village"):
        token = tokens[who]
        for url in ("", "/exceptions", "/payments", "/export"):
            assert get(token, f"{BATCHES}/{batch.pk}{url}").status_code == 404, (who, url)
        assert step(token, batch, "prepare").status_code == 404
        assert post(token, f"{BATCHES}/{batch.pk}/regenerate", version=batch.version).status_code == 404
        returned = SimpleUploadedFile("return.csv", b"x")
        assert multipart(token, f"{BATCHES}/{batch.pk}/return", {"file": returned}).status_code == 404
    assert get(tokens["outsider"], f"{BATCHES}/").json()["count"] == 0
    assert get(tokens["village"], f"{BATCHES}/").json()["count"] == 0
    assert snapshot(batch) == before


def test_bad_steps_are_refused_and_change_nothing(cast, payees, fmt, tokens, django_capture_on_commit_callbacks):
    batch = create(tokens, fmt, django_capture_on_commit_callbacks)
    before = snapshot(batch)
    illegal = step(tokens["director"], batch, "approve")
    assert illegal.status_code == 422 and illegal.json()["allowed"] == ["prepare"]
    assert step(tokens["director"], batch, "fly").status_code == 422
    stale = step(tokens["preparer"], batch, "prepare", version=batch.version - 1)
    assert stale.status_code == 409
    assert step(tokens["leader"], batch, "prepare").status_code == 403  # read-only
    no_file = step(tokens["preparer"], batch, "record_return")
    assert no_file.status_code == 422
    assert get(tokens["preparer"], f"{BATCHES}/{batch.pk}/export").status_code == 422  # not approved
    assert snapshot(batch) == before
    # a month with a batch already, and one beyond next month, create nothing
    count = PaymentBatch.objects.count()
    again = post(tokens["preparer"], f"{BATCHES}/", month=MONTH.isoformat())
    assert again.status_code == 422 and "month" in again.json()["errors"]
    assert post(tokens["preparer"], f"{BATCHES}/", month="2030-01-01").status_code == 422
    assert post(tokens["preparer"], f"{BATCHES}/", month="2026-13-01").status_code == 422
    assert post(tokens["preparer"], f"{BATCHES}/", month=0).status_code == 422  # not a Unix time
    assert post(tokens["village"], f"{BATCHES}/", month="2027-01-01").status_code == 403
    assert post(tokens["director"], f"{BATCHES}/", month="2027-01-01", bank_format_id=999999).status_code == 422
    assert PaymentBatch.objects.count() == count


def test_a_return_file_that_is_not_this_batchs_records_nothing(cast, staff, payees, fmt, tokens,
                                                               django_capture_on_commit_callbacks):
    batch = create(tokens, fmt, django_capture_on_commit_callbacks)
    for who, action in (("preparer", "prepare"), ("checker", "check"), ("director", "approve")):
        assert step(tokens[who], batch, action).status_code == 200
    before = snapshot(batch)
    bad = multipart(tokens["preparer"], f"{BATCHES}/{batch.pk}/return",
                    {"file": SimpleUploadedFile("return.csv", "序号,金额\r\n1,3000.00\r\n".encode("gbk"))})
    assert bad.status_code == 422
    assert snapshot(batch) == before and set(batch.payments.values_list("result", flat=True)) == {"pending"}


def test_regenerate_keeps_an_unchanged_batch_and_refuses_a_stale_version(cast, payees, fmt, tokens,
                                                                        django_capture_on_commit_callbacks):
    batch = create(tokens, fmt, django_capture_on_commit_callbacks)
    events = BatchEvent.objects.filter(batch=batch, action="regenerate").count()
    assert post(tokens["preparer"], f"{BATCHES}/{batch.pk}/regenerate", version=batch.version - 1).status_code \
        == 409
    with django_capture_on_commit_callbacks(execute=True):
        response = post(tokens["preparer"], f"{BATCHES}/{batch.pk}/regenerate", version=batch.version)
    assert response.status_code == 202
    batch.refresh_from_db()
    assert (batch.running, batch.payment_count) == (False, 2)
    assert BatchEvent.objects.filter(batch=batch, action="regenerate").count() == events + 1


def test_the_lists_cost_the_same_queries_whatever_their_length(cast, staff, standards, fmt, tokens,
                                                               django_capture_on_commit_callbacks,
                                                               django_assert_max_num_queries):
    for seq in range(1, 3):
        confirm(cast.village_worker, veteran_at(cast.village_worker, code=VILLAGE_CODE, seq=seq, name=f"甲{seq}"),
                standards, date(2026, 11, 1))
    small = create(tokens, fmt, django_capture_on_commit_callbacks, month=date(2026, 11, 1))
    counts = {}
    for url in ("/", f"/{small.pk}/payments", f"/{small.pk}/exceptions", f"/{small.pk}"):
        with django_assert_max_num_queries(20) as few:
            assert get(tokens["director"], f"{BATCHES}{url}").status_code == 200
        counts[url.replace(str(small.pk), "{id}")] = len(few.captured_queries)
    for who, action in (("preparer", "prepare"), ("checker", "check"), ("director", "approve")):
        assert step(tokens[who], small, action).status_code == 200
    for seq in range(3, 9):
        person = veteran_at(cast.village_worker, code=VILLAGE_CODE, seq=seq, name=f"乙{seq}", grade=6)
        confirm(cast.village_worker, person, standards, date(2026, 11, 1))
    large = create(tokens, fmt, django_capture_on_commit_callbacks)
    assert large.payment_count > small.payment_count
    for url, before in counts.items():
        with django_assert_max_num_queries(before):
            assert get(tokens["director"], f"{BATCHES}{url.replace('{id}', str(large.pk))}").status_code == 200
    assert Decimal(get(tokens["director"], f"{BATCHES}/{large.pk}").json()["total"]) > 0
