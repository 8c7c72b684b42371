"""Bad input, generated: ledgers whose cells are random text, numbers, dates, formulas, byte-order
marks and over-long strings. Every file ends in a clear state (its columns read, then checked with
every held row's reasons, or nothing new, or failed with why), nothing is written before the
commit, and the commit registers exactly the rows the check counted as new."""

import pytest
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rongjia.people.importing.columns import HEADERS
from rongjia.people.models import ImportJob, ImportRow, Person
from tests.people.ledgers import commit, confirm, good_row, read, workbook_bytes

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
    job = read(cast.village_worker, workbook_bytes(rows))
    assert job.state in (ImportJob.State.MAPPING, ImportJob.State.FAILED), job.state
    if job.state == ImportJob.State.FAILED:
        assert job.message  # said why
        return
    job = confirm(cast.village_worker, job)  # the template's headers: the proposal is always confirmable
    assert job.state in (ImportJob.State.VALID, ImportJob.State.INVALID, ImportJob.State.UNCHANGED), job.message
    held = list(job.rows.filter(kind=ImportRow.Kind.HELD))
    errors = list(job.errors.values_list("row", "column", "message"))
    assert len(held) == job.held_count == job.error_count  # every held row kept, with its reasons
    assert all(row.reasons and all(message for _field, message in row.reasons) for row in held)
    assert {row.row for row in held} == {row for row, _column, _message in errors}
    assert all(row >= 2 and column and message for row, column, message in errors)
    assert job.created_count + job.held_count + job.unchanged_count + job.update_count == len(rows)
    if job.state == ImportJob.State.INVALID:
        assert job.held_count and not job.created_count
    assert Person.objects.count() == before  # nothing is written before the commit
    if job.state == ImportJob.State.VALID:
        new = job.created_count
        job = commit(cast.village_worker, job)
        assert job.state == ImportJob.State.DONE and job.created_count == new
        assert Person.objects.count() == before + new
