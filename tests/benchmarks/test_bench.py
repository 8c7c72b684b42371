"""manage.py bench runs end to end on a small ledger and leaves the database as it found it."""

import io

import pytest
from django.core.management import CommandError, call_command

from rongjia.people.importing.placing import Placer
from rongjia.people.models import ColumnMemory, ImportJob, Person, ServiceRecord, StatusChange


def test_bench_commits_a_ledger_of_village_names_and_changes_nothing(cast, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    out = io.StringIO()
    call_command("bench", "--only", "import", "--rows", "60", "--as", "county_director", stdout=out)
    text = out.getvalue()
    # the bench refuses to print figures unless all 60 rows checked clean and the commit registered each
    commit = next(line for line in text.splitlines() if line.startswith("ledger commit, 60 rows"))
    assert "rows/s" in commit and ("executemany, 4 tables" in commit or "COPY, 4 tables" in commit)
    assert "ledger check, 60 rows" in text and "peak RSS during read, check and commit" in text
    assert not Person.objects.exists() and not StatusChange.objects.exists() and not ServiceRecord.objects.exists()
    assert not ImportJob.objects.exists() and not ColumnMemory.objects.exists()
    assert not list(tmp_path.rglob("*.xlsx"))  # the upload is deleted with its job


def test_the_benchs_villages_are_names_that_place_a_row_in_one_village(cast):
    from rongjia.benchmarks.people_import import village_names

    names = village_names(cast.county_director)
    placer = Placer(cast.county_director)
    assert names and all(len(placer.candidates(name)) == 1 for name in names)
    assert all(not name.isdigit() for name in names)  # names as ledgers write them, never region codes


def test_bench_needs_an_account(cast):
    with pytest.raises(CommandError):
        call_command("bench", "--only", "import", "--rows", "10", "--as", "nobody")


def test_a_bench_that_fails_midway_leaves_no_upload_behind(cast, tmp_path, settings, monkeypatch):
    settings.MEDIA_ROOT = tmp_path

    def interrupted(job):
        raise RuntimeError("the worker stopped")

    monkeypatch.setattr("rongjia.benchmarks.people_import.commit_job", interrupted)
    with pytest.raises(RuntimeError):
        call_command("bench", "--only", "import", "--rows", "20", "--as", "county_director", stdout=io.StringIO())
    assert [path for path in tmp_path.rglob("*") if path.is_file()] == []  # neither the ledger nor its progress
    assert not ImportJob.objects.exists()
