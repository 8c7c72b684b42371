"""The payment batch pages: the list and its filters, a new batch generated in the background with its progress
polled, the check page (exceptions by kind, payments with masked accounts, totals that reconcile), the three
people's steps, regeneration, the bank's file and its return file.

Who may: benefits.view reads (the county and above: batches are the county's), benefits.prepare makes, prepares,
downloads and records the return, review checks, approve approves; the leader reads and is refused every write
(403); an outsider meets 404 on every page of our batch, a POST included."""

from datetime import date
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from rongjia.benefits import batches
from rongjia.benefits.models import BankFormat, BatchEvent, BatchException, Payment, PaymentBatch
from rongjia.core.history import actor_name
from tests.factories import VILLAGE2_CODE, VILLAGE_CODE, unit_at

from .conftest import COUNTY_UNIT, approve, entitle, generate, luhn_number, take, veteran
from .test_bank_files import bank_return

pytestmark = pytest.mark.django_db
S = PaymentBatch.State
OCTOBER, NOVEMBER = date(2026, 10, 1), date(2026, 11, 1)
COLUMNS = [{"field": "seq", "title": "序号"}, {"field": "reference", "title": "业务编号"},
           {"field": "account", "title": "账号"}, {"field": "holder", "title": "户名"},
           {"field": "amount", "title": "金额"}]


def url(name, batch=None, **query):
    address = reverse(f"benefits:{name}", args=[batch.pk] if batch is not None else [])
    return address + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def fresh(batch) -> PaymentBatch:
    return PaymentBatch.objects.get(pk=batch.pk)


@pytest.fixture
def fmt(db):
    return BankFormat.objects.create(name="测试CSV", bank="农业银行", kind="csv", encoding="gbk", columns=COLUMNS,
                                     header=True, totals="", success_values=["成功"])


@pytest.fixture
def pensioners(cast, standards):
    """Three pensioners entitled from October, one of them from September (a month of back-pay in October)."""
    people = [veteran(cast, seq=seq, name=name) for seq, name in ((1, "王建国"), (2, "李秀英"), (3, "赵卫东"))]
    for person in people:
        entitle(cast, person, standards, date(2026, 9, 1) if person.name == "王建国" else OCTOBER)
    return people


@pytest.fixture
def batch(staff, pensioners):
    return generate(staff[0], OCTOBER)


@pytest.fixture
def approved(staff, batch, fmt):
    batch.bank_format = fmt
    batch.save(update_fields=["bank_format"])
    return approve(staff, batch)


# --- the list ---------------------------------------------------------------------------------------------------

def test_the_list_shows_the_countys_batches_to_the_county_and_above(cast, client_for, staff, batch):
    director = client_for(cast.county_director)
    response = director.get(url("batches"))
    assert response.status_code == 200
    assert [b.pk for b in response.context["page"].object_list] == [batch.pk]
    assert f'data-batch="{batch.pk}"'.encode() in response.content
    assert b'data-testid="batch-new"' in response.content  # a county centre's preparer makes batches

    leader = client_for(cast.leader).get(url("batches"))
    assert [b.pk for b in leader.context["page"].object_list] == [batch.pk]
    assert b'data-testid="batch-new"' not in leader.content
    for viewer in (cast.outsider, cast.village_worker, cast.street_worker):  # batches are the county's
        response = client_for(viewer).get(url("batches"))
        assert response.status_code == 200 and not response.context["page"].object_list
    assert client_for(cast.grid_worker).get(url("batches")).status_code == 403


def test_the_list_filters_by_state_and_month(cast, client_for, staff, batch):
    take(staff[0], batch, "prepare")
    client = client_for(cast.county_director)

    def shown(**query):
        return [b.pk for b in client.get(url("batches", **query)).context["page"].object_list]

    assert shown(state="prepared") == [batch.pk]
    assert shown(state="draft") == [] and shown(state="approved") == []
    assert shown(month="2026-10") == [batch.pk] and shown(month="2026-09") == []
    assert shown(state="nonsense", month="bad") == [batch.pk]  # unknown filters are ignored


def test_the_list_takes_a_fixed_number_of_queries(cast, client_for, staff, django_assert_max_num_queries):
    centre = unit_at(COUNTY_UNIT)
    for month in range(1, 13):
        PaymentBatch.objects.create(unit=centre, region_code=centre.region_code, month=date(2025, month, 1),
                                    running=False)
    client = client_for(cast.county_director)
    with django_assert_max_num_queries(14):
        response = client.get(url("batches"))
    assert len(response.context["page"].object_list) == 12


# --- a new batch and its progress ---------------------------------------------------------------------------------

def test_a_new_batch_is_generated_in_the_background_and_its_page_polls_the_progress(cast, client_for, staff,
                                                                                    pensioners, fmt):
    client = client_for(staff[0])
    form = client.get(url("batch_new"))
    assert form.status_code == 200 and form.context["form"]["month"].value().day == 1
    response = client.post(url("batch_new"), {"month": "2026-10", "bank_format": fmt.pk})
    batch = PaymentBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == url("batch_detail", batch)
    assert (batch.month, batch.bank_format, batch.running) == (OCTOBER, fmt, True)  # the job runs on commit

    page = client.get(url("batch_detail", batch))
    assert b'hx-trigger="every 2s"' in page.content and b'data-testid="check-waits"' in page.content
    status = client.get(url("batch_status", batch), headers={"HX-Request": "true"})
    assert b'hx-trigger="every 2s"' in status.content and "HX-Refresh" not in status

    batches.run_generation(batch.pk)
    status = client.get(url("batch_status", batch), headers={"HX-Request": "true"})
    assert status["HX-Refresh"] == "true" and b"hx-trigger" not in status.content
    page = client.get(url("batch_detail", batch))
    assert b"hx-trigger" not in page.content and len(page.context["page"].object_list) == 3


def test_a_batch_is_refused_outside_a_county_centre_and_for_a_later_month(cast, client_for, staff, batch):
    client = client_for(staff[0])
    response = client.post(url("batch_new"), {"month": "2026-09"})  # October's exists: batches run forward
    assert response.status_code == 200 and response.context["form"].errors["month"]
    assert PaymentBatch.objects.count() == 1
    assert client_for(cast.village_worker).get(url("batch_new")).status_code == 403  # no benefits.prepare
    assert client_for(cast.leader).post(url("batch_new"), {"month": "2026-12"}).status_code == 403
    assert PaymentBatch.objects.count() == 1


# --- the check page -------------------------------------------------------------------------------------------------

def test_the_check_page_shows_totals_that_reconcile_and_masked_accounts(cast, client_for, staff, batch):
    response = client_for(cast.county_director).get(url("batch_detail", batch))
    assert response.status_code == 200
    assert response.context["totals"] == {"count": 3, "total": batch.total} and response.context["reconciles"]
    assert b'data-testid="reconcile" data-ok="1"' in response.content
    content = response.content.decode()
    for seq in (1, 2, 3):
        number = luhn_number(seq)
        assert number not in content and f"**** **** **** {number[-4:]}" in content
    assert 'data-line="back_pay"' in content  # 王建国's September


def test_the_payments_filter_by_line_kind_and_station(cast, client_for, staff, batch):
    client = client_for(cast.county_director)

    def names(**query):
        return [p.person.name for p in client.get(url("batch_detail", batch, **query)).context["page"].object_list]

    assert names() == ["王建国", "李秀英", "赵卫东"]
    assert names(line="back_pay") == ["王建国"] and names(line="recovery") == []
    assert names(region=VILLAGE_CODE) == ["王建国", "李秀英", "赵卫东"] and names(region=VILLAGE2_CODE) == []
    assert client.get(url("batch_detail", batch, region="320114")).status_code == 404  # outside the scope
    totals = client.get(url("batch_detail", batch, line="back_pay")).context["totals"]
    assert totals["count"] == 3  # the check adds up every payment, whatever the filter shows


def test_exceptions_are_grouped_by_kind_with_the_person(cast, client_for, staff, standards, pensioners):
    no_account = veteran(cast, seq=7, name="钱多多", account=False)
    entitle(cast, no_account, standards, OCTOBER)
    batch = generate(staff[0], OCTOBER)
    response = client_for(cast.county_director).get(url("batch_detail", batch))
    assert ("no_account", BatchException.Kind.NO_ACCOUNT.label, 1) in response.context["exception_counts"]
    content = response.content.decode()
    assert f'data-exception="no_account" data-person="{no_account.pk}"' in content
    assert reverse(response.context["person_link"], args=[no_account.pk]) in content


def test_the_payments_page_takes_a_fixed_number_of_queries(cast, client_for, staff, standards,
                                                           django_assert_max_num_queries):
    for seq in range(1, 31):
        entitle(cast, veteran(cast, seq=seq, name=f"老兵{seq}"), standards, OCTOBER)
    batch = generate(staff[0], OCTOBER)
    client = client_for(cast.county_director)
    with django_assert_max_num_queries(24):
        response = client.get(url("batch_detail", batch))
    assert len(response.context["page"].object_list) == 30 and response.context["reconciles"]


# --- who may ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("viewer", ["outsider", "village_worker", "street_worker"])
def test_a_batch_outside_the_scope_is_404_on_every_page(cast, client_for, staff, batch, viewer):
    client = client_for(getattr(cast, viewer))
    before = (fresh(batch).state, fresh(batch).version)
    expected = 404 if viewer == "outsider" else 403  # stations hold benefits.view but none of the batch steps
    assert client.get(url("batch_detail", batch)).status_code == 404
    assert client.get(url("batch_status", batch)).status_code == 404
    assert client.get(url("batch_download", batch)).status_code == expected
    assert client.post(url("batch_step", batch), {"action": "prepare", "version": batch.version}).status_code \
        == expected
    assert client.post(url("batch_regenerate", batch), {"version": batch.version}).status_code == expected
    assert client.post(url("batch_return", batch), {"version": batch.version}).status_code == expected
    assert (fresh(batch).state, fresh(batch).version) == before


def test_the_leader_reads_but_cannot_write(cast, client_for, staff, batch):
    client = client_for(cast.leader)
    page = client.get(url("batch_detail", batch))
    assert page.status_code == 200 and client.get(url("batch_status", batch)).status_code == 200
    assert page.context["step_form"] is None and not page.context["may_regenerate"]
    assert b'data-testid="step-form"' not in page.content and b'data-testid="regenerate-form"' not in page.content
    assert client.post(url("batch_step", batch), {"action": "prepare", "version": batch.version}).status_code == 403
    assert client.post(url("batch_regenerate", batch), {"version": batch.version}).status_code == 403
    assert client.post(url("batch_return", batch), {"version": batch.version}).status_code == 403
    assert client.get(url("batch_download", batch)).status_code == 403
    assert fresh(batch).state == S.DRAFT


# --- the three people ---------------------------------------------------------------------------------------------

def test_the_three_steps_are_three_peoples(cast, client_for, staff, batch):
    preparer, checker, director = staff
    mine = client_for(preparer)
    assert [s["action"] for s in mine.get(url("batch_detail", batch)).context["steps"]] == ["prepare"]
    assert mine.post(url("batch_step", batch), {"action": "prepare", "version": batch.version}).status_code == 302
    assert fresh(batch).state == S.PREPARED
    page = mine.get(url("batch_detail", batch))
    assert "check" not in [s["action"] for s in page.context["steps"]]  # not offered to the preparer

    version = fresh(batch).version
    refused = mine.post(url("batch_step", batch), {"action": "check", "version": version})
    assert refused.status_code == 200 and refused.context["step_form"].non_field_errors()
    assert b'data-testid="step-errors"' in refused.content
    assert (fresh(batch).state, fresh(batch).version) == (S.PREPARED, version)

    assert client_for(checker).post(url("batch_step", batch), {"action": "check", "version": version}).status_code \
        == 302
    checked = fresh(batch)
    assert checked.state == S.CHECKED
    refused = client_for(checker).post(url("batch_step", batch), {"action": "approve", "version": checked.version})
    assert refused.status_code == 403  # centre staff hold no benefits.approve
    assert client_for(director).post(url("batch_step", batch), {"action": "approve",
                                                                 "version": checked.version}).status_code == 302
    page = client_for(director).get(url("batch_detail", batch))
    assert fresh(batch).state == S.APPROVED
    assert [signature.name for _action, _label, signature in page.context["signed"]] == [
        actor_name(preparer), actor_name(checker), actor_name(director)]


def test_sending_back_needs_a_reason_and_a_stale_page_changes_nothing(cast, client_for, staff, batch):
    preparer, checker, _director = staff
    take(preparer, batch, "prepare")
    client = client_for(checker)
    version = fresh(batch).version
    refused = client.post(url("batch_step", batch), {"action": "send_back", "version": version, "note": ""})
    assert refused.status_code == 200 and refused.context["step_form"].errors["note"]
    stale = client.post(url("batch_step", batch), {"action": "send_back", "version": version - 1, "note": "核对"})
    assert stale.status_code == 200 and stale.context["step_form"].non_field_errors()
    assert fresh(batch).state == S.PREPARED
    sent = client.post(url("batch_step", batch), {"action": "send_back", "version": version, "note": "核对账号"})
    assert sent.status_code == 302 and fresh(batch).state == S.DRAFT


def test_regenerating_what_did_not_change_keeps_the_state(cast, client_for, staff, batch,
                                                          django_capture_on_commit_callbacks):
    preparer, checker, _director = staff
    take(preparer, batch, "prepare")
    take(checker, batch, "check")
    client = client_for(preparer)
    page = client.get(url("batch_detail", batch))
    assert page.context["may_regenerate"] and b"data-confirm=" in page.content
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("batch_regenerate", batch), {"version": fresh(batch).version})
    assert response.status_code == 302
    after = fresh(batch)
    assert (after.state, after.running, after.total) == (S.CHECKED, False, batch.total)
    event = BatchEvent.objects.filter(batch=batch, action="regenerate").last()
    assert event.data["changed"] is False
    signed = client.get(url("batch_detail", batch)).context["signed"]
    assert [bool(signature) for _action, _label, signature in signed] == [True, True, False]


# --- the bank's files --------------------------------------------------------------------------------------------

def test_the_bank_file_downloads_for_an_approved_batch(cast, client_for, staff, approved, fmt):
    response = client_for(staff[0]).get(url("batch_download", approved, bank_format=fmt.pk))
    assert response.status_code == 200 and response["Content-Type"] == "text/csv"
    disposition = response["Content-Disposition"]
    content, name = batches.bank_file(actor=staff[0], pk=approved.pk, bank_format=fmt)
    assert disposition.startswith('attachment; filename="benefits-320115-202610-')
    assert f"filename*=UTF-8''{quote(name, safe='')}" in disposition and "%E6%B1%9F%E5%AE%81" in disposition  # 江宁
    assert response.content == content and luhn_number(1).encode() in response.content
    assert response["Cache-Control"] == "private, no-store"


def test_the_bank_file_is_refused_for_a_draft(cast, client_for, staff, batch, fmt):
    client = client_for(staff[0])
    assert b'data-testid="bank-file-form"' not in client.get(url("batch_detail", batch)).content
    response = client.get(url("batch_download", batch, bank_format=fmt.pk), follow=True)
    assert response.redirect_chain == [(url("batch_detail", batch), 302)]
    assert "Content-Disposition" not in response
    assert [m.level_tag for m in response.context["messages"]] == ["error"]


def test_the_return_file_records_each_payments_result(cast, client_for, staff, approved, fmt):
    sent, _name = batches.bank_file(actor=staff[0], pk=approved.pk, bank_format=fmt)
    failed = Payment.objects.get(batch=approved, person__name="李秀英")
    client = client_for(staff[0])
    page = client.get(url("batch_detail", approved))
    assert b'data-testid="return-form"' in page.content and b'data-testid="bank-file-form"' in page.content

    wrong = SimpleUploadedFile("return.csv", b"garbage")
    refused = client.post(url("batch_return", approved), {"version": fresh(approved).version, "file": wrong})
    assert refused.status_code == 200 and refused.context["return_form"].errors
    assert fresh(approved).state == S.APPROVED

    upload = SimpleUploadedFile("return.csv", bank_return(sent, fmt, {failed.seq: "账户已销户"}))
    response = client.post(url("batch_return", approved), {"version": fresh(approved).version, "file": upload})
    assert response.status_code == 302 and fresh(approved).state == S.PAID
    results = dict(Payment.objects.filter(batch=approved).values_list("person__name", "result"))
    assert results == {"王建国": "paid", "李秀英": "failed", "赵卫东": "paid"}
    page = client.get(url("batch_detail", approved)).content.decode()
    assert "账户已销户" in page and 'data-result="failed"' in page
