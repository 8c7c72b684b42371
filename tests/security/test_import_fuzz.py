"""Bad input, generated: ledgers whose cells are random text, numbers, dates, formulas, byte-order
marks and over-long strings. Every file ends in a clear state (checked, refused
with row-by-row reasons, or nothing new) and a refused one writes nothing."""

import pytest
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rongjia.people.importing import import_commit, import_start
from rongjia.people.importing.columns import HEADERS
from rongjia.people.models import ImportJob, Person
from tests.people.ledgers import good_row, upload, workbook_bytes

# Control characters are left out: an xlsx cannot hold them (openpyxl, like Excel, refuses to write them).
TEXT = st.characters(codec="utf-8", exclude_categories=("Cs", "Cc"))
NASTY = st.one_of(
    st.none(),
    st.text(alphabet=TEXT, max_size=40),
    st.sampled_from(["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1)", "\ufeff张三", "1.10115E+17", "NaN",
                     "320115003004 ", "—", "　", "2024-02-30", "9999-12-31", "19700101"]),
    st.integers(min_value=-(10**18), max_value=10**18),
    st.floats(allow_nan=False, allow_infinity=False),
    st.dates(),
    st.booleans(),
    st.builds(lambda n: "长" * n, st.integers(min_value=200, max_value=5000)),
)


@st.composite
def ledgers(draw):
    rows = []
    for n in range(draw(st.integers(min_value=1, max_value=4))):
        row = good_row(n + 1)
        for header in draw(st.sets(st.sampled_from(HEADERS), max_size=4)):
            row[header] = draw(NASTY)
        rows.append(row)
    return rows


@pytest.fixture(autouse=True)
def media(tmp_path):
    with override_settings(MEDIA_ROOT=tmp_path):
        yield


@given(rows=ledgers())
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_any_ledger_ends_in_a_clear_state_and_a_refused_one_writes_nothing(cast, rows):
    before = Person.objects.count()
    job = import_start(actor=cast.village_worker, uploaded_file=upload(workbook_bytes(rows)))
    job.refresh_from_db()
    assert job.state in (ImportJob.State.VALID, ImportJob.State.INVALID, ImportJob.State.UNCHANGED,
                         ImportJob.State.FAILED)
    if job.state == ImportJob.State.INVALID:
        errors = list(job.errors.values_list("row", "column", "message"))
        assert errors and all(row >= 2 and message for row, _column, message in errors)
    if job.state == ImportJob.State.FAILED:
        assert job.message  # said why
    assert Person.objects.count() == before  # nothing is written before the commit
    if job.state == ImportJob.State.VALID:
        job = import_commit(actor=cast.village_worker, job=job)
        assert job.state == ImportJob.State.DONE and Person.objects.count() == before + job.created_count
