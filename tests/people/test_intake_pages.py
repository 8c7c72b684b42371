"""The ledger intake pages (issue 17): who may open them, the mapping form's round trip, the status poll,
the checked job's report, the held-rows grid and the updates page."""

import json
import re
from urllib.parse import unquote

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from rongjia.people import jobs
from rongjia.people.importing import progress, services_intake
from rongjia.people.models import ImportJob, ImportRow
from tests.factories import VILLAGE2_CODE, VILLAGE_CODE, person_at, unit_at, valid_id_number
from tests.people.ledgers import selects, upload

S = ImportJob.State
K = ImportRow.Kind


@pytest.fixture(autouse=True)
def media(tmp_path):
    with override_settings(MEDIA_ROOT=tmp_path):
        yield


@pytest.fixture
def queued(monkeypatch):
    """The passes a service queues, recorded instead of run: these tests are about the pages."""
    calls = []

    class Recorded:  # the services import jobs.run_import when they queue, so the module's name is replaced
        @staticmethod
        def enqueue(*args, **kwargs):
            calls.append((args, kwargs))

    monkeypatch.setattr(jobs, "run_import", Recorded)
    return calls


def column(index, header, field="", *, hidden=False, samples=("张三", "李四", "王五", "赵六")):
    return {"index": index, "header": header, "key": header, "hidden": hidden, "field": field,
            "samples": list(samples)}


LAYOUT = [
    {"index": 0, "name": "一组", "hidden": False, "header_rows": [3, 4], "first_data_row": 5, "hidden_rows": 2,
     "rows": 12, "no_header": False, "skipped": [{"row": 40, "why": "合计行"}],
     "columns": [column(0, "姓名", "name"), column(1, "公民身份号码", "id_number", samples=["320115198001011234"]),
                 column(2, "联系电话(旧)", "phone", hidden=True, samples=["13800000000"]),
                 column(3, "现住址", "address_detail", samples=["古泉社区3号"])]},
    {"index": 1, "name": "说明", "hidden": False, "header_rows": [], "first_data_row": 0, "hidden_rows": 0,
     "rows": 0, "no_header": True, "skipped": [], "columns": []},
    {"index": 2, "name": "二组", "hidden": True, "header_rows": [1], "first_data_row": 2, "hidden_rows": 0,
     "rows": 3, "no_header": False, "skipped": [],
     "columns": [column(0, "姓名", "name"), column(1, "身份证号", "id_number", samples=[])]},
]
MAPPING = {"0": {"0": "name", "1": "id_number", "2": "", "3": "address_detail"}}


def make_job(user, state=S.VALID, **fields) -> ImportJob:
    defaults = {"layout": LAYOUT, "mapping": MAPPING if state != S.MAPPING else {}, "options": {},
                "total_rows": 12, "processed_rows": 12}
    return ImportJob.objects.create(uploaded_by=user, original_name="采集表.xlsx", sha256="0" * 64, state=state,
                                    **(defaults | fields))


def held_row(job, row=5, *, data=None, reasons=(), kind=K.HELD) -> ImportRow:
    data = data if data is not None else {"name": "张三", "id_number": "320115198001010000", "address_detail": ""}
    return ImportRow.objects.create(job=job, sheet=0, row=row, kind=kind, data=json.dumps(data, ensure_ascii=False),
                                    reasons=[list(reason) for reason in reasons])


def page(client, url, **headers) -> str:
    response = client.get(url, **headers)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


# --- who may ------------------------------------------------------------------------------------------------

def test_every_page_is_the_uploaders_alone(cast, client_for):
    job = make_job(cast.village_worker, held_count=1, update_count=1)
    row = held_row(job)
    person = person_at(cast.village_worker, name="周平")
    update = ImportRow.objects.create(job=job, sheet=0, row=6, kind=K.UPDATE, person=person,
                                      differences=[["phone", "", "13900000000"]])
    pages = [f"/people/import/{job.pk}/", f"/people/import/{job.pk}/columns", f"/people/import/{job.pk}/held/",
             f"/people/import/{job.pk}/held.xlsx", f"/people/import/{job.pk}/updates/"]
    posts = [f"/people/import/{job.pk}/columns", f"/people/import/{job.pk}/places",
             f"/people/import/{job.pk}/changes/accept", f"/people/import/{job.pk}/commit",
             f"/people/import/{job.pk}/held/{row.pk}/fix", f"/people/import/{job.pk}/held/{row.pk}/skip",
             f"/people/import/{job.pk}/held/{row.pk}/unskip", f"/people/import/{job.pk}/updates/{update.pk}/accept"]
    uploader = client_for(cast.village_worker)
    for url in pages:
        assert uploader.get(url).status_code == 200, url
    # another worker who may import (same county, same rights) and an outsider: as if the job did not exist
    for who in (cast.county_director, cast.street_worker, cast.outsider):
        other = client_for(who)
        for url in pages:
            assert other.get(url).status_code == 404, (who.username, url)
        for url in posts:
            assert other.post(url).status_code == 404, (who.username, url)
    assert client_for(cast.leader).get(f"/people/import/{job.pk}/held/").status_code == 403
    row.refresh_from_db()
    job.refresh_from_db()
    assert row.kind == K.HELD and job.state == S.VALID and not job.changes_accepted


def test_actions_take_posts_only(cast, client_for):
    job = make_job(cast.village_worker)
    row = held_row(job)
    client = client_for(cast.village_worker)
    for url in (f"/people/import/{job.pk}/commit", f"/people/import/{job.pk}/changes/accept",
                f"/people/import/{job.pk}/held/{row.pk}/skip"):
        assert client.get(url).status_code == 405


def test_a_row_of_another_job_is_not_found(cast, client_for):
    mine, other = make_job(cast.village_worker), make_job(cast.village_worker)
    foreign = held_row(other)
    response = client_for(cast.village_worker).post(f"/people/import/{mine.pk}/held/{foreign.pk}/skip")
    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.kind == K.HELD


# --- upload --------------------------------------------------------------------------------------------------

def test_upload_page_shows_the_station_and_its_code_and_takes_three_kinds(cast, client_for):
    html = page(client_for(cast.village_worker), "/people/import/")
    unit = unit_at(VILLAGE_CODE)
    block = re.search(r'data-testid="uploader-unit">(.*?)</dl>', html, re.S).group(1)
    assert unit.name in block and VILLAGE_CODE in block
    assert 'accept=".xlsx,.xls,.csv"' in html and "/people/import/template.xlsx" in html


def test_a_csv_ledger_goes_through_the_pages(cast, client_for):
    """Upload → columns proposed → confirmed → checked (the passes run at once in tests) → the report."""
    client = client_for(cast.village_worker)
    csv = f"姓名,身份证号,民族\n张三,{valid_id_number()},汉\n李四,{valid_id_number(sequence=124)},汉族\n".encode()
    response = client.post("/people/import/", {"file": upload(csv, "台账.csv")})
    job = ImportJob.objects.get()
    assert response.status_code == 302 and job.state == S.MAPPING
    html = page(client, f"/people/import/{job.pk}/")
    assert 'data-testid="mapping-form"' in html
    assert selects(html) == {"s0_c0": "name", "s0_c1": "id_number", "s0_c2": "ethnicity"}
    assert client.post(f"/people/import/{job.pk}/columns", selects(html)).status_code == 302
    job.refresh_from_db()
    assert job.state == S.VALID and job.created_count == 2
    html = page(client, f"/people/import/{job.pk}/")
    assert 'data-testid="count-new">2<' in html and "汉族" in re.search(
        r'data-testid="changes".*?</section>', html, re.S).group(0)


# --- the mapping -----------------------------------------------------------------------------------------------

def test_mapping_page_shows_every_sheet_with_its_columns(cast, client_for):
    job = make_job(cast.village_worker, state=S.MAPPING)
    html = page(client_for(cast.village_worker), f"/people/import/{job.pk}/")
    chosen = selects(html)
    # proposed fields preselected; the hidden "联系电话(旧)" column starts as "don't import" whatever was proposed
    assert chosen == {"s0_c0": "name", "s0_c1": "id_number", "s0_c2": "", "s0_c3": "address_detail",
                      "s2_c0": "name", "s2_c1": "id_number"}
    assert "<optgroup" in html and "身份证号" in html
    assert "合计行" in html and "<details" in html  # the skipped rows, folded
    sheet = re.search(r'data-testid="sheet-1".*?</section>', html, re.S).group(0)
    assert "说明" in sheet and "<select" not in sheet  # no header: listed as skipped, nothing to map
    # one switch for the hidden rows of 一组, one for the hidden sheet 二组; both off; all-or-nothing off
    for name in ("s0_include", "s2_include", "all_or_nothing"):
        box = re.search(rf'<input type="checkbox" name="{name}"[^>]*>', html).group(0)
        assert "checked" not in box
    assert "王五" in html and "赵六" not in html  # three samples


def test_mapping_form_round_trip(cast, client_for, queued):
    job = make_job(cast.village_worker, state=S.MAPPING)
    client = client_for(cast.village_worker)
    form = selects(page(client, f"/people/import/{job.pk}/"))
    form |= {"s0_c3": "notes", "s2_include": "on", "all_or_nothing": "on"}
    response = client.post(f"/people/import/{job.pk}/columns", form)
    assert response.status_code == 302 and response["Location"].endswith(f"/people/import/{job.pk}/")
    job.refresh_from_db()
    assert job.mapping == {"0": {"0": "name", "1": "id_number", "2": "", "3": "notes"},
                           "2": {"0": "name", "1": "id_number"}}
    assert job.options == {"include_hidden": [2], "all_or_nothing": True}
    assert job.state == S.QUEUED and queued == [((job.pk,), {"commit": False})]
    # the job page now polls the check
    assert 'hx-trigger="every 1s"' in page(client, f"/people/import/{job.pk}/")


def test_a_refused_mapping_shows_why_and_changes_nothing(cast, client_for, queued):
    job = make_job(cast.village_worker, state=S.MAPPING)
    client = client_for(cast.village_worker)
    form = selects(page(client, f"/people/import/{job.pk}/")) | {"s0_c3": "name"}  # two columns for 姓名
    response = client.post(f"/people/import/{job.pk}/columns", form)
    html = response.content.decode()
    assert response.status_code == 200 and 'data-testid="mapping-errors"' in html and "一组" in html
    assert selects(html)["s0_c3"] == "name"  # the uploader's choices stay on the form
    job.refresh_from_db()
    assert job.mapping == {} and job.options == {} and job.state == S.MAPPING and not queued


def test_a_value_outside_the_catalogue_is_a_form_error(cast, client_for, queued):
    job = make_job(cast.village_worker, state=S.MAPPING)
    client = client_for(cast.village_worker)
    form = selects(page(client, f"/people/import/{job.pk}/")) | {"s0_c0": "salary"}
    assert client.post(f"/people/import/{job.pk}/columns", form).status_code == 200
    job.refresh_from_db()
    assert job.mapping == {} and not queued


def test_remapping_a_checked_job_offers_its_confirmed_columns(cast, client_for, queued):
    job = make_job(cast.village_worker, mapping={"0": {"0": "name", "1": "id_number", "2": "", "3": "notes"}},
                   options={"include_hidden": [0], "all_or_nothing": False})
    client = client_for(cast.village_worker)
    html = page(client, f"/people/import/{job.pk}/columns")
    assert selects(html)["s0_c3"] == "notes"
    assert "checked" in re.search(r'<input type="checkbox" name="s0_include"[^>]*>', html).group(0)
    assert f'href="/people/import/{job.pk}/columns"' in page(client, f"/people/import/{job.pk}/")
    done = make_job(cast.village_worker, state=S.DONE)
    assert client.get(f"/people/import/{done.pk}/columns").status_code == 302


# --- the status poll ---------------------------------------------------------------------------------------------

def test_the_poll_reads_the_progress_file_and_writes_nothing(cast, client_for):
    job = make_job(cast.village_worker, state=S.COMMITTING)
    progress.report(job.pk, done=1500, total=6000, sheet="二组", stage="commit")
    client = client_for(cast.village_worker)
    client.get(f"/people/import/{job.pk}/")  # the session is warm
    with CaptureQueriesContext(connection) as queries:
        fragment = page(client, f"/people/import/{job.pk}/", HTTP_HX_REQUEST="true")
    assert fragment.startswith('<div id="import-status"') and "<html" not in fragment
    assert 'hx-trigger="every 1s"' in fragment and 'aria-valuenow="25"' in fragment and "width: 25%" in fragment
    assert "1500" in fragment and "6000" in fragment and "二组" in fragment
    # not even the session's sliding expiry: on SQLite that write would wait behind the commit
    writes = [q["sql"] for q in queries.captured_queries if re.match(r"\s*(INSERT|UPDATE|DELETE)", q["sql"], re.I)]
    assert writes == []


def test_the_poll_reloads_the_page_once_the_pass_is_over(cast, client_for):
    job = make_job(cast.village_worker, state=S.VALID)
    response = client_for(cast.village_worker).get(f"/people/import/{job.pk}/", HTTP_HX_REQUEST="true")
    assert response.status_code == 204 and response["HX-Refresh"] == "true"


def test_a_pass_without_figures_yet_shows_a_moving_bar(cast, client_for):
    job = make_job(cast.village_worker, state=S.QUEUED)
    html = page(client_for(cast.village_worker), f"/people/import/{job.pk}/")
    assert "progress-bar-indeterminate" in html and "aria-valuenow" not in html


# --- the checked job ------------------------------------------------------------------------------------------------

def test_changes_must_be_accepted_before_the_import(cast, client_for, queued):
    changes = {"ethnicity": [["汉", "汉族", 7]],
               "education": [[f"写法{n}", "高中/中专", 1] for n in range(25)]}
    job = make_job(cast.village_worker, changes=changes, created_count=30, update_count=2, held_count=1,
                   unchanged_count=4)
    client = client_for(cast.village_worker)
    html = page(client, f"/people/import/{job.pk}/")
    counts = re.search(r'data-testid="import-counts".*?</dl>', html, re.S).group(0)
    assert f"/people/import/{job.pk}/updates/" in counts and f"/people/import/{job.pk}/held/" in counts
    preview = re.search(r'data-testid="changes".*?</section>', html, re.S).group(0)
    assert "汉族" in preview and "写法19" in preview and "写法20" not in preview and ">7<" in preview
    assert 'data-testid="commit-blocked"' in html
    assert re.search(r'<button class="btn btn-primary" type="submit" disabled', html)
    assert client.post(f"/people/import/{job.pk}/commit").status_code == 302  # refused by the service
    job.refresh_from_db()
    assert job.state == S.VALID and not queued

    assert client.post(f"/people/import/{job.pk}/changes/accept").status_code == 302
    job.refresh_from_db()
    assert job.changes_accepted
    html = page(client, f"/people/import/{job.pk}/")
    assert 'data-testid="changes-accepted"' in html and 'data-testid="commit-blocked"' not in html
    assert f'action="/people/import/{job.pk}/changes/accept"' not in html
    client.post(f"/people/import/{job.pk}/commit")
    job.refresh_from_db()
    assert job.state == S.QUEUED and queued == [((job.pk,), {"commit": True})]


def test_places_are_asked_once_each(cast, client_for, queued, monkeypatch):
    # the street's worker: both villages are in their area
    job = make_job(cast.street_worker, places={"新庄": "", "火星村": "", "古泉": VILLAGE_CODE})
    village, village2 = unit_at(VILLAGE_CODE), unit_at(VILLAGE2_CODE)
    questions = [("新庄", 3, [(VILLAGE_CODE, village.name), (VILLAGE2_CODE, village2.name)]), ("火星村", 2, [])]
    monkeypatch.setattr(services_intake, "place_questions", lambda job, actor: questions)
    client = client_for(cast.street_worker)
    html = page(client, f"/people/import/{job.pk}/")
    form = re.search(r'data-testid="places-form".*?</form>', html, re.S).group(0)
    assert "新庄" in form and VILLAGE2_CODE in form and "火星村" not in form
    assert "火星村" in re.search(r'data-testid="places-unknown".*?</div>', html, re.S).group(0)
    field = re.search(r'<select name="(place_[0-9a-f]+)"', form).group(1)
    assert client.post(f"/people/import/{job.pk}/places", {field: VILLAGE2_CODE}).status_code == 302
    job.refresh_from_db()
    assert job.places["新庄"] == VILLAGE2_CODE and job.places["火星村"] == "" and job.state == S.QUEUED
    assert queued


def test_a_place_outside_the_choices_changes_nothing(cast, client_for, queued, monkeypatch):
    job = make_job(cast.village_worker, places={"新庄": ""})
    monkeypatch.setattr(services_intake, "place_questions",
                        lambda job, actor: [("新庄", 3, [(VILLAGE_CODE, "古泉"), (VILLAGE2_CODE, "湖山")])])
    client = client_for(cast.village_worker)
    field = re.search(r'<select name="(place_[0-9a-f]+)"', page(client, f"/people/import/{job.pk}/")).group(1)
    client.post(f"/people/import/{job.pk}/places", {field: "320114000000"})
    job.refresh_from_db()
    assert job.places == {"新庄": ""} and job.state == S.VALID and not queued


def test_done_and_failed_show_the_outcome(cast, client_for):
    client = client_for(cast.village_worker)
    done = make_job(cast.village_worker, state=S.DONE, message="30 people registered, 2 updated.", created_count=30)
    html = page(client, f"/people/import/{done.pk}/")
    assert "30 people registered" in html and 'class="btn btn-primary" href="/people/"' in html
    assert f"/people/import/{done.pk}/commit" not in html and "hx-trigger" not in html
    failed = make_job(cast.village_worker, state=S.FAILED, message="文件已加密")
    assert "文件已加密" in page(client, f"/people/import/{failed.pk}/")


# --- held rows --------------------------------------------------------------------------------------------------------

def test_held_grid_shows_each_reason_under_its_cell(cast, client_for):
    job = make_job(cast.village_worker, held_count=2)
    held_row(job, 5, reasons=[("id_number", "可能被 Excel 截断"), ("village", "不在您的辖区")])
    held_row(job, 6, data={"name": "李四", "id_number": valid_id_number(), "address_detail": "x"},
             reasons=[("name", "姓名为空")])
    held_row(job, 7, kind=K.SKIPPED)
    html = page(client_for(cast.village_worker), f"/people/import/{job.pk}/held/")
    rows = re.findall(r'<tr id="held-row-(\d+)".*?</tr>', html, re.S)
    assert len(rows) == 2  # the skipped row is under its own tab
    first = re.search(r'<tr id="held-row-\d+".*?</tr>', html, re.S).group(0)
    id_cell = re.search(r'name="id_number".*?</td>', first, re.S).group(0)
    assert "可能被 Excel 截断" in id_cell and 'name="confirmed"' in id_cell  # the 000 check box, by the number
    assert "不在您的辖区" in first.split('name="name"')[0]  # a reason about an unmapped field: under the row's label
    second = html.split(f'id="held-row-{rows[1]}"')[1]
    assert 'name="confirmed"' not in second.split("</tr>")[0]
    skipped = page(client_for(cast.village_worker), f"/people/import/{job.pk}/held/?show=skipped")
    assert "/unskip" in skipped and "/fix" not in skipped


def test_a_held_row_is_saved_in_place(cast, client_for):
    job = make_job(cast.village_worker, held_count=1)
    row = held_row(job, reasons=[("id_number", "可能被 Excel 截断")])
    client = client_for(cast.village_worker)
    number = valid_id_number("19800101", sequence=321)
    data = {"name": "张 三", "id_number": number, "address_detail": "", "show": "held", "page": "1"}
    response = client.post(f"/people/import/{job.pk}/held/{row.pk}/fix", data, HTTP_HX_REQUEST="true")
    fragment = response.content.decode()
    assert response.status_code == 200 and fragment.startswith(f'<tr id="held-row-{row.pk}"')
    row.refresh_from_db()
    assert row.kind == K.FIXED and row.reasons == [] and json.loads(row.data)["id_number"] == number
    assert 'role="status"' in fragment

    # without htmx: back to the grid, on the row's tab and page
    data["id_number"] = "1234"
    response = client.post(f"/people/import/{job.pk}/held/{row.pk}/fix", data)
    assert response.status_code == 302
    assert response["Location"] == f"/people/import/{job.pk}/held/?show=held&page=1#held-row-{row.pk}"
    row.refresh_from_db()
    assert row.kind == K.HELD and any(field == "id_number" for field, _m in row.reasons)


def test_a_truncated_number_can_be_confirmed(cast, client_for):
    job = make_job(cast.village_worker, held_count=1)
    row = held_row(job, reasons=[("id_number", "可能被 Excel 截断")])
    client = client_for(cast.village_worker)
    data = {"name": "张三", "id_number": "320115198001010000", "address_detail": "", "confirmed": "on"}
    client.post(f"/people/import/{job.pk}/held/{row.pk}/fix", data, HTTP_HX_REQUEST="true")
    row.refresh_from_db()
    assert row.confirmed


def test_a_too_long_cell_is_refused_with_nothing_changed(cast, client_for):
    job = make_job(cast.village_worker, held_count=1)
    row = held_row(job, reasons=[("name", "姓名为空")])
    before = row.data
    response = client_for(cast.village_worker).post(
        f"/people/import/{job.pk}/held/{row.pk}/fix", {"name": "长" * 300}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and 'role="alert"' in response.content.decode()
    row.refresh_from_db()
    assert row.data == before and row.kind == K.HELD


def test_a_held_row_left_out_and_taken_back(cast, client_for):
    job = make_job(cast.village_worker, held_count=1)
    row = held_row(job, reasons=[("name", "姓名为空")])
    client = client_for(cast.village_worker)
    fragment = client.post(f"/people/import/{job.pk}/held/{row.pk}/skip", HTTP_HX_REQUEST="true").content.decode()
    row.refresh_from_db()
    job.refresh_from_db()
    assert row.kind == K.SKIPPED and job.held_count == 0 and "/unskip" in fragment
    assert client.post(f"/people/import/{job.pk}/held/{row.pk}/unskip").status_code == 302
    row.refresh_from_db()
    assert row.kind == K.HELD
    # once the job is imported, the rows no longer change
    ImportJob.objects.filter(pk=job.pk).update(state=S.DONE)
    client.post(f"/people/import/{job.pk}/held/{row.pk}/skip")
    row.refresh_from_db()
    assert row.kind == K.HELD
    assert "/skip" not in page(client, f"/people/import/{job.pk}/held/")


def test_held_grid_queries_do_not_grow_with_its_rows(cast, client_for, django_assert_max_num_queries):
    job = make_job(cast.village_worker, held_count=60)
    ImportRow.objects.bulk_create([
        ImportRow(job=job, sheet=0, row=5 + n, kind=K.HELD, reasons=[["id_number", "可能被 Excel 截断"]],
                  data=json.dumps({"name": f"测试{n}", "id_number": "320115198001010000"}, ensure_ascii=False))
        for n in range(60)])
    client = client_for(cast.village_worker)
    client.get(f"/people/import/{job.pk}/held/")  # the session is warm
    # session, user, unit, roles, region breadcrumb (2), the session's save (3 with its savepoint), and the
    # page's own four: the job, the page's count, the tab counts, the 50 rows
    with django_assert_max_num_queries(14):
        html = page(client, f"/people/import/{job.pk}/held/")
    assert len(re.findall(r'<tr id="held-row-', html)) == 50 and "page=2" in html


def test_the_held_rows_download_as_the_uploaders_own_file(cast, client_for):
    job = make_job(cast.village_worker, held_count=1)
    held_row(job, reasons=[("id_number", "可能被 Excel 截断")])
    response = client_for(cast.village_worker).get(f"/people/import/{job.pk}/held.xlsx")
    assert response.status_code == 200 and response.content[:2] == b"PK"
    assert unquote(response["Content-Disposition"]).endswith("采集表_待处理行.xlsx")


# --- updates -----------------------------------------------------------------------------------------------------

def test_updates_are_accepted_per_field_or_per_row(cast, client_for):
    job = make_job(cast.village_worker, update_count=1)
    person = person_at(cast.village_worker, name="周平", phone="13800000000")
    row = ImportRow.objects.create(job=job, sheet=0, row=8, kind=K.UPDATE, person=person, differences=[
        ["phone", "13800000000", "13900000000"], ["address_detail", "古泉社区1号", "古泉社区2号"]])
    client = client_for(cast.village_worker)
    html = page(client, f"/people/import/{job.pk}/updates/")
    assert "周平" in html and "13900000000" in html and "古泉社区2号" in html
    assert person.id_number not in html

    fragment = client.post(f"/people/import/{job.pk}/updates/{row.pk}/accept", {"fields": ["phone"]},
                           HTTP_HX_REQUEST="true").content.decode()
    row.refresh_from_db()
    assert row.accepted == ["phone"] and fragment.startswith(f'<form id="update-{row.pk}"')
    assert re.search(r'value="phone" checked', fragment) and not re.search(r'value="address_detail" checked', fragment)

    response = client.post(f"/people/import/{job.pk}/updates/{row.pk}/accept", {"all": "on", "page": "1"})
    assert response.status_code == 302 and response["Location"].endswith(f"?page=1#update-{row.pk}")
    row.refresh_from_db()
    assert row.accepted == ["phone", "address_detail"]

    client.post(f"/people/import/{job.pk}/updates/{row.pk}/accept", {"fields": ["name"]})
    row.refresh_from_db()
    assert row.accepted == ["phone", "address_detail"]  # not a difference of the row: nothing changed
