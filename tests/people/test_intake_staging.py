"""The commit writes the new rows as the check staged them: what it must still notice, and what it falls back to.

Between the check and the commit the books can change (a number registered by someone else), the
uploader can fix held rows, and the code or the day can change under a staged file. Each case
ends as a commit that sorted every row again would end.
"""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from rongjia.people.importing import staging
from rongjia.people.importing.services_intake import confirm_columns, fix_row
from rongjia.people.models import ImportJob, ImportRow, Person, StatusChange
from tests.factories import person_at
from tests.people.ledgers import check, commit, good_row, id_for, name_for, workbook_bytes

State = ImportJob.State


def staged_file(job: ImportJob):
    return staging.path_for(job)


def test_the_check_stages_each_new_row_with_its_numbers_encrypted(cast):
    job = check(cast.village_worker, workbook_bytes([good_row(n) for n in range(1, 4)]))
    path = staged_file(job)
    text = path.read_text(encoding="utf-8")
    lines = [json.loads(line) for line in text.splitlines()]
    assert lines[0] == {"format": staging.FORMAT, "day": timezone.localdate().isoformat()}
    assert [line["at"][1] for line in lines[1:]] == [2, 3, 4]
    assert all(id_for(n) not in text for n in range(1, 4))  # only tokens, never the number in clear
    assert "13800000000" not in text
    assert name_for(1) in text  # the name is kept as the upload beside it keeps it

    job = commit(cast.village_worker, job)
    assert job.state == State.DONE and job.created_count == 3
    assert not path.exists() and not job.file  # gone with the upload


def test_a_number_registered_between_the_check_and_the_commit_is_left_out(cast):
    job = check(cast.village_worker, workbook_bytes([good_row(n) for n in range(1, 4)]))
    assert job.created_count == 3
    someone = person_at(cast.village_worker, id_number=id_for(2), name="另登记")

    job = commit(cast.village_worker, job)
    assert job.state == State.DONE and job.created_count == 2
    assert "1 行在检查后发生变化，未导入" in job.message, job.message
    assert Person.objects.filter(id_hash=someone.id_hash).count() == 1  # never registered twice
    assert set(Person.objects.values_list("name", flat=True)) == {name_for(1), name_for(3), "另登记"}


def test_all_or_nothing_refuses_the_commit_when_a_number_was_registered_since(cast):
    job = check(cast.village_worker, workbook_bytes([good_row(n) for n in range(1, 4)]), all_or_nothing=True)
    person_at(cast.village_worker, id_number=id_for(3), name="另登记")

    job = commit(cast.village_worker, job)
    assert job.state != State.DONE  # checked again instead: the report now names the row
    assert Person.objects.count() == 1


def test_a_row_fixed_after_the_check_goes_in_as_fixed_and_once(cast):
    rows = [good_row(1), good_row(2, 联系电话="1381234567"), good_row(3)]
    job = check(cast.village_worker, workbook_bytes(rows))
    assert (job.created_count, job.held_count) == (2, 1)
    held_row = job.rows.get(kind=ImportRow.Kind.HELD)
    fix_row(actor=cast.village_worker, job=job, row=held_row, data={"phone": "13812345678"}, confirmed=False)
    job.refresh_from_db()

    job = commit(cast.village_worker, job)
    assert job.state == State.DONE and job.created_count == 3
    fixed = Person.objects.get(name=name_for(2))
    assert fixed.phone == "13812345678"
    assert StatusChange.objects.filter(person__in=Person.objects.all()).count() == 3  # one first line each


@pytest.mark.parametrize("stale", ["another day", "another format", "missing"])
def test_without_usable_staged_rows_the_commit_sorts_the_file_again(cast, stale):
    """A check run yesterday (its default dates are yesterday's), by an earlier version, or whose staged rows
    are gone: the commit reads and sorts the whole file, with the same outcome."""
    job = check(cast.village_worker, workbook_bytes([good_row(n, 登记日期=None) for n in range(1, 4)]))
    path = staged_file(job)
    lines = path.read_text(encoding="utf-8").splitlines()
    header = json.loads(lines[0])
    if stale == "another day":
        header["day"] = (timezone.localdate() - timedelta(days=1)).isoformat()
    elif stale == "another format":
        header["format"] = staging.FORMAT + 1
    path.write_text("\n".join([json.dumps(header), *lines[1:]]) + "\n", encoding="utf-8")
    if stale == "missing":
        path.unlink()
    assert staging.staged_rows(job) is None

    job = commit(cast.village_worker, job)
    assert job.state == State.DONE and job.created_count == 3
    dates = set(StatusChange.objects.values_list("date", flat=True))
    assert dates == {timezone.localdate()}  # today's, not the staged day's


def test_a_check_run_again_replaces_the_staged_rows(cast):
    job = check(cast.village_worker, workbook_bytes([good_row(1), good_row(2, 联系电话="1381234567")]))
    first = staged_file(job).read_text(encoding="utf-8").splitlines()
    assert len(first) == 2  # the header and the one new row
    held_row = job.rows.get(kind=ImportRow.Kind.HELD)
    fix_row(actor=cast.village_worker, job=job, row=held_row, data={"phone": "13812345678"}, confirmed=False)
    job = ImportJob.objects.get(pk=job.pk)
    confirm_columns(actor=cast.village_worker, job=job, mapping=job.mapping, include_hidden=[],
                    all_or_nothing=False)  # the columns confirmed again: every row checked again
    job.refresh_from_db()
    again = staged_file(job).read_text(encoding="utf-8").splitlines()
    assert len(again) == 2  # the fixed row is sorted at the commit from the grid, not staged
    assert not staged_file(job).with_name(staged_file(job).name + ".partial").exists()
    job = commit(cast.village_worker, job)
    assert job.created_count == 2 and Person.objects.count() == 2
