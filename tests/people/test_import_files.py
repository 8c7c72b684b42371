"""Ledger files as new users make them: merged cells, text that looks like a formula, empty sheets; the audit
entry of an import; a job that fails half-way writes nothing."""

from io import BytesIO

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.test import override_settings
from openpyxl import Workbook

from rongjia.people.importing import import_commit, import_start
from rongjia.people.importing.columns import HEADERS
from rongjia.people.models import ImportJob, Person, StatusChange
from tests.people.ledgers import good_row, upload, workbook_bytes


@pytest.fixture(autouse=True)
def media(tmp_path):
    with override_settings(MEDIA_ROOT=tmp_path):
        yield


def start(user, content: bytes) -> ImportJob:
    job = import_start(actor=user, uploaded_file=upload(content))
    job.refresh_from_db()
    return job


def saved(workbook) -> bytes:
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def ledger(rows) -> Workbook:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADERS)
    for row in rows:
        sheet.append([row.get(header) for header in HEADERS])
    return workbook


def test_cells_hidden_under_a_merge_are_reported_row_by_row(cast):
    workbook = ledger([good_row(1), good_row(2, 住址区划代码=None), good_row(3, 住址区划代码=None, 人员类别=None)])
    workbook.active.merge_cells("D2:D4")  # one village's code merged over its three rows
    workbook.active.merge_cells("J3:J4")  # an optional column merged too: not silently left blank
    job = start(cast.village_worker, saved(workbook))
    report = list(job.errors.values_list("row", "column", "message"))
    assert job.state == "invalid" and job.error_count == 2
    assert [(row, column) for row, column, _m in report] == [(3, "住址区划代码"), (4, "住址区划代码"), (4, "人员类别")]
    assert "D2:D4" in report[0][2] and "J3:J4" in report[2][2]
    assert not Person.objects.exists()


def test_a_merged_title_above_the_header_is_fine(cast):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["江宁区退役军人台账"])
    sheet.merge_cells("A1:L1")
    sheet.append(HEADERS)
    sheet.append([good_row(1).get(header) for header in HEADERS])
    job = start(cast.village_worker, saved(workbook))
    assert job.state == "valid" and job.created_count == 1


def test_text_that_a_spreadsheet_would_run_is_refused_but_an_escaped_one_is_kept(cast):
    workbook = ledger([good_row(1), good_row(2)])
    cell = workbook.active["E2"]  # 详细地址, stored as text (not a formula) that starts with =
    cell.value, cell.data_type = "=HYPERLINK(\"http://x\")", "s"
    job = start(cast.village_worker, saved(workbook))
    assert list(job.errors.values_list("row", "column")) == [(2, "详细地址")] and not Person.objects.exists()
    workbook = ledger([good_row(1, 详细地址="'=1+1号")])  # as export_people writes such a value
    job = import_commit(actor=cast.village_worker, job=start(cast.village_worker, saved(workbook)))
    assert job.state == "done" and Person.objects.get().address_detail == "=1+1号"


def test_an_empty_workbook_and_a_sheet_with_only_its_header(cast):
    job = start(cast.village_worker, saved(Workbook()))
    assert job.state == "invalid" and "姓名" in job.message
    job = start(cast.village_worker, workbook_bytes([]))
    assert job.state == "invalid" and job.message and not Person.objects.exists()


def test_the_import_is_audited_once_on_the_job_with_its_uploader_and_counts(cast):
    job = import_commit(actor=cast.village_worker,
                        job=start(cast.village_worker, workbook_bytes([good_row(1), good_row(2)])))
    entries = LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(ImportJob),
                                      object_pk=str(job.pk))
    done = [entry for entry in entries if "done" in str(entry.changes)]
    assert len(done) == 1 and done[0].actor == cast.village_worker
    # it names the file and, in its message, how many people were registered
    assert done[0].object_repr == "台账.xlsx" and "2" in done[0].changes_dict["message"][1]
    # the people themselves carry no per-person audit entries (bulk insert), their first line names the file
    assert StatusChange.objects.filter(reason__contains="台账.xlsx").count() == 2


def test_a_commit_that_fails_half_way_writes_nothing_and_can_be_run_again(cast, monkeypatch):
    from rongjia.people.importing import run

    job = start(cast.village_worker, workbook_bytes([good_row(n) for n in range(1, 5)]))
    calls = []

    def failing_batch(values, actor, reason):
        calls.append(len(values))
        if len(calls) > 1:
            raise RuntimeError("disk full")
        return original(values, actor, reason)

    original = run._write_batch
    monkeypatch.setattr(run, "WRITE_BATCH", 2)
    monkeypatch.setattr(run, "_write_batch", failing_batch)
    try:
        import_commit(actor=cast.village_worker, job=job)
    except RuntimeError:
        pass  # whether the immediate backend re-raises is its business; the job's state is ours
    job.refresh_from_db()
    assert calls == [2, 2] and job.state == "valid" and "RuntimeError" in job.message
    assert not Person.objects.exists() and job.file  # the checked file stays for the second try
    monkeypatch.setattr(run, "_write_batch", original)
    import_commit(actor=cast.village_worker, job=job)
    job.refresh_from_db()
    assert job.state == "done" and Person.objects.count() == 4 and not job.file


def test_an_id_number_typed_with_full_width_digits_or_spaces_is_read(cast):
    number = good_row(1)["身份证号"]
    wide = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in good_row(2)["身份证号"])
    rows = [good_row(1, 身份证号=f" {number[:6]} {number[6:14]} {number[14:]} "), good_row(2, 身份证号=wide)]
    job = import_commit(actor=cast.village_worker, job=start(cast.village_worker, workbook_bytes(rows)))
    assert job.state == "done"
    assert {p.id_number for p in Person.objects.all()} == {number, good_row(2)["身份证号"]}


def test_a_merge_over_a_whole_column_refuses_the_file_with_a_message(cast):
    workbook = ledger([good_row(1)])
    workbook.active.merge_cells("D2:D30000")
    job = start(cast.village_worker, saved(workbook))
    assert job.state == "invalid" and ("合并" in job.message or "merged" in job.message)  # msgid awaits translation
    assert not Person.objects.exists()
