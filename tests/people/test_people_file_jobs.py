"""The list's batch of contact cards and its long export as background jobs (issue 24): the buttons say what
they will make and the cap before the click; a refused start queues nothing; the job reads as its owner; the
files open (pypdf, openpyxl) and are recorded when made."""

import io
from urllib.parse import unquote

import pytest
from auditlog.models import LogEntry
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from rongjia.core.jobs import make_file
from rongjia.core.models import FileJob, Region
from rongjia.people import files
from rongjia.people.models import Person
from tests.core.file_jobs import made_file, started
from tests.factories import OUTSIDER_COUNTY, VILLAGE_CODE, person_at, unit_at, valid_id_number

OUTPUTS = "/people/outputs/"
ID_NUMBER = valid_id_number("19500505", sequence=88)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def eleven(cast):
    """Eleven people at the village station, one of them no longer on the books."""
    people = [person_at(cast.village_worker, name=f"王{n}", seq=n + 20) for n in range(10)]
    person_at(cast.village_worker, name="赵已故", seq=40, id_number=ID_NUMBER)
    Person.objects.filter(name="赵已故").update(status=Person.Status.DECEASED)
    return people


def exports():
    return LogEntry.objects.filter(action=LogEntry.Action.ACCESS, additional_data__what="export")


# --- the buttons ------------------------------------------------------------------------------------------

def test_the_list_draws_its_buttons_and_fetches_what_they_will_make(cast, client_for, eleven):
    page = client_for(cast.village_worker).get("/people/?status=active").content.decode()
    assert f'hx-get="{OUTPUTS}?status=active"' in page and 'hx-trigger="load"' in page
    assert 'action="/people/cards/?status=active"' in page  # without htmx the buttons still work


def test_the_buttons_say_how_many_cards_pages_and_rows(cast, client_for, eleven, django_assert_max_num_queries):
    client = client_for(cast.village_worker)
    with django_assert_max_num_queries(12):
        text = client.get(OUTPUTS).content.decode()
    assert "打印联系卡：10 张，约 2 页" in text  # those on the books only: 8 to a page
    assert "导出 Excel（11 行）" in text and 'href="/people/export.xlsx?"' in text


def test_over_the_cap_the_button_says_so_before_the_click(cast, client_for, eleven, monkeypatch):
    monkeypatch.setattr(files, "MAX_CARDS", 9)
    text = client_for(cast.village_worker).get(OUTPUTS).content.decode()
    assert "最多 9 人，请先缩小范围" in text and "disabled" in text and "打印联系卡：" not in text
    text = client_for(cast.village_worker).get(OUTPUTS + "?q=王1").content.decode()
    assert "打印联系卡：1 张，约 1 页" in text


def test_a_long_list_exports_in_the_background_and_the_button_says_so(cast, client_for, eleven, monkeypatch):
    monkeypatch.setattr(files, "EXPORT_IN_BACKGROUND", 5)
    text = client_for(cast.village_worker).get(OUTPUTS).content.decode()
    assert "导出 Excel（11 行，后台生成）" in text and 'method="post" action="/people/export.xlsx?"' in text


def test_the_buttons_are_scoped(cast, client_for, eleven):
    assert client_for(cast.outsider).get(OUTPUTS + "?region=320115").status_code == 404
    text = client_for(cast.outsider).get(OUTPUTS).content.decode()  # nobody of ours: nothing to print, 0 rows
    assert 'id="cards-refusal"' in text and "导出 Excel（0 行）" in text
    assert client_for(cast.auditor).get(OUTPUTS).status_code == 403


# --- the cards --------------------------------------------------------------------------------------------

def test_the_card_batch_is_a_job_whose_page_offers_a_real_pdf(cast, client_for, eleven, media,
                                                               django_capture_on_commit_callbacks):
    client = client_for(cast.village_worker)
    job, content = made_file(client, "/people/cards/?q=王", django_capture_on_commit_callbacks)
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(content)).pages]
    assert len(pages) == 2 and sum(f"王{n}" in "".join(pages) for n in range(10)) == 10
    village = Region.objects.get(code=VILLAGE_CODE).name
    assert job.filename.startswith(f"{village}_服务联系卡_") and job.filename.endswith(".pdf")
    assert (job.kind, job.done, job.parameters["source"], job.parameters["filters"]) == (
        files.CARDS, 10, "/people/cards/", "q=%E7%8E%8B")
    [entry] = exports()
    assert entry.additional_data["rows"] == 10 and entry.additional_data["source"] == "/people/cards/"
    page = client.get(reverse("core:file_job", args=[job.pk])).content.decode()
    assert "服务联系卡" in page and 'href="/people/?q=%E7%8E%8B"' in page  # back to the same list


def test_a_batch_over_the_cap_is_refused_with_the_reason_and_nothing_queued(cast, client_for, eleven, monkeypatch,
                                                                            django_capture_on_commit_callbacks):
    monkeypatch.setattr(files, "MAX_CARDS", 9)
    response = started(client_for(cast.village_worker), "/people/cards/?status=active",
                       django_capture_on_commit_callbacks)
    assert response.status_code == 302 and response["Location"] == "/people/?status=active"
    assert not FileJob.objects.exists() and not exports().exists()
    followed = client_for(cast.village_worker).post("/people/cards/?status=active", follow=True)
    assert "最多 9 人" in str(list(followed.context["messages"])[0])


def test_the_job_rechecks_the_cap_when_it_runs(cast, client_for, eleven, media, monkeypatch):
    client = client_for(cast.village_worker)
    response = client.post("/people/cards/")  # queued: the test's transaction never commits
    job = FileJob.objects.get()
    assert response["Location"] == reverse("core:file_job", args=[job.pk]) and job.state == FileJob.State.QUEUED
    monkeypatch.setattr(files, "MAX_CARDS", 3)  # the list grew past the cap since the click
    assert make_file.call(job.pk) == FileJob.State.FAILED
    job.refresh_from_db()
    assert "最多 3 人" in job.message and not exports().exists()


def test_the_job_reads_as_its_owner_when_it_runs(cast, client_for, eleven, media):
    """A person moved out of the owner's area after the click is not on the cards."""
    client_for(cast.village_worker).post("/people/cards/")
    job = FileJob.objects.get()
    outside = unit_at(OUTSIDER_COUNTY + "000000")
    moved = {"station": outside}
    if any(field.name == "region_code" for field in Person._meta.fields):  # the station's code kept on the row
        moved["region_code"] = outside.region_code
    Person.objects.filter(name="王0").update(**moved)
    assert make_file.call(job.pk) == FileJob.State.DONE
    job.refresh_from_db()
    text = "".join(page.extract_text() for page in PdfReader(job.file.open("rb")).pages)
    assert "王1" in text and "王0" not in text and job.done == 9


def test_a_search_by_full_id_number_never_reaches_the_job(cast, client_for, eleven, media,
                                                          django_capture_on_commit_callbacks):
    Person.objects.filter(name="赵已故").update(status=Person.Status.ACTIVE)
    job, content = made_file(client_for(cast.village_worker), f"/people/cards/?q={ID_NUMBER}",
                             django_capture_on_commit_callbacks)
    kept = str(job.parameters)
    assert ID_NUMBER not in kept and "qt=" not in kept and job.parameters["people"] == [
        Person.objects.get(name="赵已故").pk]
    assert "赵已故" in "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    assert ID_NUMBER not in str(exports().get().additional_data)


# --- the long export --------------------------------------------------------------------------------------

def test_a_long_export_is_a_job_whose_file_opens_with_its_note(cast, client_for, eleven, media, monkeypatch,
                                                               django_capture_on_commit_callbacks):
    monkeypatch.setattr(files, "EXPORT_IN_BACKGROUND", 5)
    client = client_for(cast.village_worker)
    job, content = made_file(client, "/people/export.xlsx?status=active", django_capture_on_commit_callbacks)
    book = load_workbook(io.BytesIO(content))
    table = book.active
    assert book.sheetnames[0] == "说明" and table.freeze_panes == "A2" and table["A1"].font.b
    assert table.max_row == 11 and {row[0] for row in table.iter_rows(min_row=2, values_only=True)} == {
        f"王{n}" for n in range(10)}
    assert ("筛选条件", "状态：在册") in list(book["说明"].iter_rows(values_only=True))
    assert job.filename == unquote(job.filename) and job.filename.endswith(".xlsx") and "_服务对象_" in job.filename
    [entry] = exports()
    assert (entry.additional_data["rows"], entry.additional_data["filters"], entry.additional_data["source"]) == (
        10, "status=active", "/people/export.xlsx")


def test_a_long_export_followed_as_a_link_points_to_the_button_and_records_nothing(cast, client_for, eleven,
                                                                                   monkeypatch):
    monkeypatch.setattr(files, "EXPORT_IN_BACKGROUND", 5)
    response = client_for(cast.village_worker).get("/people/export.xlsx?status=active", follow=True)
    assert response.redirect_chain[0][0] == "/people/?status=active"
    assert "共 10 行" in str(list(response.context["messages"])[0]) and not exports().exists()
    assert not FileJob.objects.exists()


def test_a_short_export_still_comes_at_once(cast, client_for, eleven):
    response = client_for(cast.village_worker).get("/people/export.xlsx")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert load_workbook(io.BytesIO(response.content)).active.max_row == 12 and exports().count() == 1
