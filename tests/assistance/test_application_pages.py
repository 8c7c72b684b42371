"""The aid application pages: the list and its filters, registration with the documents, the application's page and
its steps (a whole journey from registration to payment through the pages), files, the refusal letter, the 公示
sheet (names masked in the PDF's text), batch approval, and who may open what (outsiders 404, grid workers 403)."""

import re
from decimal import Decimal
from io import BytesIO

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pypdf import PdfReader

from rongjia.assistance import funds
from rongjia.assistance.forms_applications import required_documents
from rongjia.assistance.models import AidApplication, AidDocument, AidKind, ApprovalBatch, FundEntry
from tests.assistance.conftest import kind_named, past_publicity, pdf, register, step, to_publicity

LIST = "/assistance/applications/"
NEW = "/assistance/applications/new/"


@pytest.fixture(autouse=True)
def media(tmp_path):
    with override_settings(MEDIA_ROOT=tmp_path):
        yield tmp_path


def detail(application) -> str:
    return f"/assistance/applications/{application.pk}/"


def step_url(application) -> str:
    return f"/assistance/applications/{application.pk}/step/"


def pdf_text(response) -> str:
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    return "".join(page.extract_text() for page in PdfReader(BytesIO(response.content)).pages)


def snapshot(application) -> tuple:
    """What a refused step must leave as it was."""
    application = AidApplication.objects.get(pk=application.pk)
    return (application.state, application.level, application.version, application.amount_proposed,
            application.amount_approved, application.fund_id, application.events.count(),
            FundEntry.objects.filter(application=application).count())


def post_step(client, application, action, note="", **data):
    application.refresh_from_db()
    return client.post(step_url(application), {"action": action, "note": note, "version": application.version,
                                               **data})


def registration(user, person, kind_name="临时救助", amount="2000", skip=()) -> dict:
    """The registration form's fields, with a file for each document the kind requires (but those in `skip`)."""
    kind = kind_named(kind_name)
    files = {f"doc_{index}": pdf(f"{name}.pdf") for index, (name, _kinds) in enumerate(required_documents(user))
             if name in kind.documents and name not in skip}
    return {"person": person.pk, "kind": kind.pk, "amount": amount, "reason": "房屋受灾，生活暂时困难", **files}


# --- the list ---------------------------------------------------------------------------------------------------

def test_a_village_sees_its_own_the_county_all_below_a_sibling_none(cast, client_for, person, sibling_person):
    mine, theirs = register(cast.village_worker, person), register(cast.village2_worker, sibling_person)
    village = client_for(cast.village_worker).get(LIST).content.decode()
    assert f'data-application="{mine.pk}"' in village and f'data-application="{theirs.pk}"' not in village
    county = client_for(cast.county_director).get(LIST).content.decode()
    assert f'data-application="{mine.pk}"' in county and f'data-application="{theirs.pk}"' in county
    for user in (cast.village2_worker, cast.outsider):
        assert client_for(user).get(detail(mine)).status_code == 404
    assert client_for(cast.county_director).get(detail(mine)).status_code == 200
    assert client_for(cast.leader).get(detail(mine)).status_code == 200
    assert client_for(cast.grid_worker).get(LIST).status_code == 403


def test_list_filters_my_turn_search_and_empty_state(cast, client_for, person, sibling_person):
    first, second = register(cast.village_worker, person), register(cast.village2_worker, sibling_person)
    street = client_for(cast.street_worker)
    assert 'data-testid="empty"' in street.get(LIST, {"mine": "1"}).content.decode()  # both wait for the villages
    step(cast.village_worker, first, "recommend", "情况属实")
    page = street.get(LIST, {"mine": "1"}).content.decode()
    assert f'data-application="{first.pk}"' in page and f'data-application="{second.pk}"' not in page
    county = client_for(cast.county_director)
    page = county.get(LIST, {"q": "卫东"}).content.decode()
    assert f'data-application="{second.pk}"' in page and f'data-application="{first.pk}"' not in page
    assert 'data-testid="empty"' in county.get(LIST, {"state": "paid"}).content.decode()
    big = register(cast.village_worker, person, amount="4000")
    page = county.get(LIST, {"sort": "-amount"}).content.decode()
    assert page.index(f'data-application="{big.pk}"') < page.index(f'data-application="{first.pk}"')
    other_kind = kind_named("应急救助")
    assert 'data-testid="empty"' in county.get(LIST, {"kind": other_kind.pk}).content.decode()
    assert county.get(LIST, {"kind": "x", "state": "nonsense", "page": "9"}).status_code == 200  # ignored


def test_the_list_costs_the_same_queries_for_many_rows(cast, client_for, person, django_assert_max_num_queries):
    client = client_for(cast.county_director)
    register(cast.village_worker, person)
    client.get(LIST)  # the session and caches warmed
    with CaptureQueriesContext(connection) as few:
        assert client.get(LIST).status_code == 200
    for n in range(12):
        step(cast.village_worker, register(cast.village_worker, person, amount=str(100 + n)), "recommend", "属实")
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(LIST).content.decode()
    assert page.count("data-application=") == 13


# --- registration -----------------------------------------------------------------------------------------------

def test_register_with_the_documents_through_the_page(cast, client_for, person):
    client = client_for(cast.village_worker)
    page = client.get(NEW, {"person": person.pk}).content.decode()
    assert 'data-testid="chosen-person"' in page and person.name in page
    found = client.get(NEW, {"find": "王建"}).content.decode()
    assert f'data-person="{person.pk}"' in found
    response = client.post(NEW, registration(cast.village_worker, person))
    application = AidApplication.objects.get()
    assert response.status_code == 302 and response["Location"] == detail(application)
    assert (application.state, application.level, application.amount_requested) == ("reviewing", 5, Decimal("2000"))
    assert sorted(application.documents.values_list("requirement", flat=True)) == ["困难情况证明", "申请书"]
    assert list(application.events.values_list("action", flat=True)) == ["register"]


def test_bad_registrations_show_errors_and_save_nothing(cast, client_for, person, sibling_person):
    client = client_for(cast.village_worker)
    missing = client.post(NEW, registration(cast.village_worker, person, skip=("困难情况证明",)))
    above_cap = client.post(NEW, registration(cast.village_worker, person, amount="5000.01"))
    outside = client.post(NEW, registration(cast.village_worker, sibling_person))
    not_a_pdf = registration(cast.village_worker, person)
    not_a_pdf["doc_0"] = pdf("申请书.pdf")
    not_a_pdf["doc_0"].file = BytesIO(b"MZ not a pdf at all")
    bad_file = client.post(NEW, not_a_pdf)
    for response in (missing, above_cap, outside, bad_file):
        assert response.status_code == 200 and 'role="alert"' in response.content.decode()
    assert AidApplication.objects.count() == 0 and AidDocument.objects.count() == 0
    assert 'name="amount"' in above_cap.content.decode()
    assert client_for(cast.grid_worker).get(NEW).status_code == 403
    assert client_for(cast.leader).get(NEW).status_code == 403


# --- the application's page and its steps -----------------------------------------------------------------------

def test_the_whole_journey_through_the_pages(cast, client_for, person, care_fund):
    village, street, county = (client_for(cast.village_worker), client_for(cast.street_worker),
                               client_for(cast.county_director))
    village.post(NEW, registration(cast.village_worker, person, amount="3000"))
    application = AidApplication.objects.get()
    page = village.get(detail(application)).content.decode()
    assert 'data-testid="step-form"' in page and "<svg" in page and 'data-action="register"' in page

    assert post_step(village, application, "recommend", "情况属实", amount="2500").status_code == 302
    application.refresh_from_db()
    assert (application.level, application.amount_proposed) == (4, Decimal("2500"))
    assert 'data-testid="step-form"' not in village.get(detail(application)).content.decode()  # no longer its turn

    assert post_step(street, application, "recommend", "同意上报").status_code == 302
    assert post_step(county, application, "agree", "同意公示", publicity_days="5").status_code == 302
    application.refresh_from_db()
    assert application.state == "publicity" and application.level == 3 and application.publicity_until

    # an objection during the 公示 holds the approval until it is answered
    assert post_step(county, application, "object", "邻居反映其家庭收入较高", raised_by="村民").status_code == 302
    past_publicity(application)
    before = snapshot(application)
    refused = post_step(county, application, "approve", fund=care_fund.pk)
    assert refused.status_code == 200 and snapshot(application) == before
    assert 'data-open="1"' in refused.content.decode()
    assert post_step(county, application, "answer", "经核实收入符合条件", upheld="").status_code == 302

    assert post_step(county, application, "approve", "同意救助", fund=care_fund.pk).status_code == 302
    application.refresh_from_db()
    care_fund.refresh_from_db()
    assert (application.state, application.amount_approved, application.fund_id) == (
        "approved", Decimal("2500"), care_fund.pk)
    assert care_fund.balance == Decimal("47500")

    response = post_step(county, application, "pay", method="bank", reference="TX20250101001")
    assert response.status_code == 302
    application.refresh_from_db()
    assert (application.state, application.payment_method, application.payment_reference, application.paid_on) == (
        "paid", "bank", "TX20250101001", timezone.localdate())
    assert [e.action for e in application.events.all()] == [
        "register", "recommend", "recommend", "agree", "object", "answer", "approve", "pay"]

    # paying twice is refused and changes nothing
    before = snapshot(application)
    again = post_step(county, application, "pay", method="bank", reference="TX2")
    assert again.status_code == 200 and snapshot(application) == before
    care_fund.refresh_from_db()
    assert care_fund.balance == Decimal("47500") and FundEntry.objects.filter(application=application).count() == 1
    page = village.get(detail(application)).content.decode()
    assert 'data-testid="payment"' in page and 'data-testid="fund"' in page and "TX20250101001" in page


def test_a_level_cannot_be_skipped_from_the_page(cast, client_for, person):
    application = register(cast.village_worker, person)
    county = client_for(cast.county_director)
    page = county.get(detail(application)).content.decode()
    assert 'data-testid="step-form"' not in page and 'data-testid="not-your-turn"' in page
    before = snapshot(application)
    for action in ("agree", "recommend", "reject"):
        response = post_step(county, application, action, "越级")
        assert response.status_code == 200 and 'alert' in response.content.decode()
        assert snapshot(application) == before


def test_bad_steps_change_nothing(cast, client_for, person):
    application = register(cast.village_worker, person)
    village = client_for(cast.village_worker)
    before = snapshot(application)
    above_cap = post_step(village, application, "recommend", "属实", amount="999999")
    stale = village.post(step_url(application), {"action": "recommend", "note": "属实",
                                                 "version": application.version - 1})
    no_reason = post_step(village, application, "reject", "")
    unknown = post_step(village, application, "fly")
    for response in (above_cap, stale, no_reason, unknown):
        assert response.status_code == 200 and 'role="alert"' in response.content.decode()
    assert snapshot(application) == before
    assert client_for(cast.leader).post(step_url(application), {"action": "recommend", "version": 1}).status_code == 403


def test_outsiders_get_404_on_every_page_of_an_application_and_change_nothing(cast, client_for, person):
    application = register(cast.village_worker, person)
    step(cast.village_worker, application, "reject", "不符合条件")
    before = snapshot(application)
    document = application.documents.first()
    base = f"/assistance/applications/{application.pk}/"
    for user in (cast.outsider, cast.village2_worker):
        client = client_for(user)
        assert client.get(base).status_code == 404
        assert client.post(base + "step/", {"action": "recommend", "version": application.version}).status_code == 404
        assert client.post(base + "documents/", {"file": pdf("z.pdf")}).status_code == 404
        assert client.get(f"{base}documents/{document.pk}/").status_code == 404
        assert client.get(base + "refusal.pdf").status_code == 404
    grid = client_for(cast.grid_worker)
    for response in (grid.get(base), grid.post(base + "step/", {"action": "recommend"}), grid.get(base + "refusal.pdf"),
                     grid.post(base + "documents/", {"file": pdf("z.pdf")})):
        assert response.status_code == 403
    assert snapshot(application) == before and application.documents.count() == 2


def test_a_cash_payment_keeps_the_signed_receipt(cast, client_for, person, care_fund):
    application = past_publicity(to_publicity(cast, register(cast.village_worker, person)))
    county = client_for(cast.county_director)
    assert post_step(county, application, "approve", fund=care_fund.pk).status_code == 302
    before = snapshot(application)
    assert post_step(county, application, "pay", method="cash").status_code == 200  # no receipt: refused
    assert snapshot(application) == before
    assert post_step(county, application, "pay", method="cash", receipt=pdf("签收单.pdf")).status_code == 302
    application.refresh_from_db()
    assert application.state == "paid" and application.documents.filter(requirement="签收单").count() == 1


def test_documents_download_and_add_inside_the_scope_only(cast, client_for, person):
    application = register(cast.village_worker, person)
    document = application.documents.first()
    url = f"/assistance/applications/{application.pk}/documents/{document.pk}/"
    response = client_for(cast.street_worker).get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    assert response["Cache-Control"] == "private, no-store"
    add = f"/assistance/applications/{application.pk}/documents/"
    assert client_for(cast.village_worker).post(add, {"requirement": "", "file": pdf("户口本.pdf")}).status_code == 302
    assert application.documents.count() == 3
    assert client_for(cast.village_worker).post(add, {"file": _not_pdf()}).status_code == 302
    assert application.documents.count() == 3  # a file that is not a PDF or image is refused
    for user in (cast.outsider, cast.village2_worker):
        assert client_for(user).get(url).status_code == 404
        assert client_for(user).post(add, {"file": pdf("y.pdf")}).status_code == 404
    assert client_for(cast.grid_worker).get(url).status_code == 403
    assert application.documents.count() == 3


def _not_pdf():
    upload = pdf("伪装.pdf")
    upload.file = BytesIO(b"<html>not a document</html>")
    return upload


def test_the_refusal_letter_is_printed_from_the_refusal(cast, client_for, person):
    application = register(cast.village_worker, person)
    url = f"/assistance/applications/{application.pk}/refusal.pdf"
    assert client_for(cast.village_worker).get(url).status_code == 404  # not refused
    step(cast.village_worker, application, "reject", "家庭人均收入高于当地救助标准")
    page = client_for(cast.village_worker).get(detail(application)).content.decode()
    assert 'data-testid="refusal-letter"' in page
    text = pdf_text(client_for(cast.village_worker).get(url))
    assert "不予批准告知书" in text and "王建国" in text and "家庭人均收入高于当地救助标准" in text
    assert "行政复议" in text
    for user in (cast.outsider, cast.village2_worker):
        assert client_for(user).get(url).status_code == 404


# --- the 公示 sheet ---------------------------------------------------------------------------------------------

def test_the_publicity_sheet_masks_names_and_shows_no_identifiers(cast, client_for, person, sibling_person):
    application = to_publicity(cast, register(cast.village_worker, person, amount="2345"))
    register(cast.village_worker, person, kind="应急救助", amount="7777")  # still under review: not posted
    text = pdf_text(client_for(cast.county_director).get("/assistance/publicity.pdf"))
    assert "王建国" not in text and "王**" in text and "2345.00" in text and "7777" not in text
    assert person.id_number not in text and person.id_number[:14] not in text
    assert application.publicity_until.strftime("%Y") in text and "公示" in text
    assert "江宁" in text  # the county centre that hears objections

    AidKind.objects.filter(pk=application.kind_id).update(name_mask="ends")
    text = pdf_text(client_for(cast.village_worker).get("/assistance/publicity.pdf", {"kind": application.kind_id}))
    assert "王*国" in text and "王建国" not in text
    other = pdf_text(client_for(cast.village_worker).get("/assistance/publicity.pdf",
                                                         {"kind": kind_named("应急救助").pk}))
    assert "王" not in other.replace("王**", "")  # no row of another kind
    sibling = pdf_text(client_for(cast.village2_worker).get("/assistance/publicity.pdf"))
    assert "王*国" not in sibling and "2345" not in sibling
    county = client_for(cast.county_director)
    assert county.get("/assistance/publicity.pdf", {"region": "320114"}).status_code == 404  # another county
    assert county.get("/assistance/publicity.pdf", {"region": "320115003004"}).status_code == 200
    assert client_for(cast.grid_worker).get("/assistance/publicity.pdf").status_code == 403


# --- batch approval ---------------------------------------------------------------------------------------------

def test_batch_approval_pages(cast, client_for, person, django_capture_on_commit_callbacks):
    fund = funds.fund_create(actor=cast.county_director, name="春节慰问专项", kind="campaign")
    funds.fund_income(actor=cast.county_director, fund=fund, source="allocation", amount="3000",
                      on=timezone.localdate())
    first = past_publicity(to_publicity(cast, register(cast.village_worker, person, amount="2000")))
    second = past_publicity(to_publicity(cast, register(cast.village_worker, person, amount="1500")))
    county = client_for(cast.county_director)
    kind = first.kind_id
    page = county.get("/assistance/batches/new/", {"kind": kind, "fund": fund.pk}).content.decode()
    count, total = re.search(r'data-count="(\d+)" data-total="([\d.]+)"', page).groups()
    assert (int(count), Decimal(total)) == (2, Decimal("3500"))
    with django_capture_on_commit_callbacks(execute=True):
        response = county.post("/assistance/batches/new/", {"kind": kind, "fund": fund.pk})
    batch = ApprovalBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/assistance/batches/{batch.pk}/"
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.state, second.state) == ("approved", "publicity")  # the fund held 3,000: the second is left
    fund.refresh_from_db()
    assert fund.balance == Decimal("1000")
    page = county.get(f"/assistance/batches/{batch.pk}/").content.decode()
    assert 'data-state="done"' in page and f'data-application="{second.pk}"' in page and "hx-get" not in page
    status = county.get(f"/assistance/batches/{batch.pk}/status/", headers={"HX-Request": "true"})
    assert status.status_code == 200 and status["HX-Refresh"] == "true"

    # nothing ready: the start is refused with a message, no batch
    with django_capture_on_commit_callbacks(execute=True):
        again = county.post("/assistance/batches/new/", {"kind": kind_named("应急救助").pk, "fund": fund.pk})
    assert again.status_code == 200 and ApprovalBatch.objects.count() == 1
    assert client_for(cast.village_worker).get("/assistance/batches/new/").status_code == 403
    assert client_for(cast.grid_worker).get(f"/assistance/batches/{batch.pk}/").status_code == 403
    assert client_for(cast.outsider).get(f"/assistance/batches/{batch.pk}/").status_code == 404
    assert client_for(cast.outsider).get(f"/assistance/batches/{batch.pk}/status/").status_code == 404


def test_a_running_batch_page_polls(cast, client_for, person, care_fund):
    application = past_publicity(to_publicity(cast, register(cast.village_worker, person)))
    batch = ApprovalBatch.objects.create(unit=cast.county_director.org_unit, fund=care_fund, kind=application.kind,
                                         region_code=cast.county_director.org_unit.region_code,
                                         application_ids=[application.pk], total=1, started_by=cast.county_director)
    page = client_for(cast.county_director).get(f"/assistance/batches/{batch.pk}/").content.decode()
    assert f'hx-get="/assistance/batches/{batch.pk}/status/"' in page and 'hx-trigger="every 1s"' in page
    status = client_for(cast.county_director).get(f"/assistance/batches/{batch.pk}/status/",
                                                  headers={"HX-Request": "true"})
    assert "HX-Refresh" not in status


def test_tabs_on_the_pages(cast, client_for, person):
    application = register(cast.village_worker, person)
    page = client_for(cast.village_worker).get(detail(application)).content.decode()
    assert 'data-testid="assistance-tabs"' in page and 'href="/assistance/applications/" aria-current="page"' in page
