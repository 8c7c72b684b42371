"""manage.py bench runs end to end on a small ledger and leaves the database as it found it."""

import io

import pytest
from django.core.management import CommandError, call_command

from rongjia.people.models import ImportJob, Person, StatusChange


def test_bench_prints_the_ratio_table_and_changes_nothing(cast, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    out = io.StringIO()
    call_command("bench", "--only", "import", "--rows", "60", "--as", "county_director", stdout=out)
    text = out.getvalue()
    assert "people import, 60 rows" in text and "rows/s" in text and ("executemany" in text or "COPY" in text)
    assert not Person.objects.exists() and not StatusChange.objects.exists() and not ImportJob.objects.exists()


def test_bench_needs_an_account(cast):
    with pytest.raises(CommandError):
        call_command("bench", "--only", "import", "--rows", "10", "--as", "nobody")
