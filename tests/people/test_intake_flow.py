"""The ledger intake end to end on the messy ledgers: every silent corruption the issue found is now impossible.

Each test names the corruption it guards against; before the rebuild each of these files was refused
whole or went in wrong without a word.
"""

import pytest
from django.test import override_settings

from rongjia.people.importing import import_commit, import_start
from rongjia.people.importing.services_intake import (
    accept_changes,
    confirm_columns,
    fix_row,
    proposed_mapping,
)
from rongjia.people.models import ImportJob, ImportRow, Person
from tests.people import messy_ledgers
from tests.people.ledgers import upload


@pytest.fixture(autouse=True)
def media(tmp_path):
    with override_settings(MEDIA_ROOT=tmp_path):
        yield


def checked(user, built, *, include_hidden=()) -> tuple[ImportJob, object]:
    content, name, expected = built
    job = import_start(actor=user, uploaded_file=upload(content, name))
    job.refresh_from_db()
    assert job.state == ImportJob.State.MAPPING, job.message
    confirm_columns(actor=user, job=job, mapping=proposed_mapping(job), include_hidden=list(include_hidden),
                    all_or_nothing=False)
    job.refresh_from_db()
    return job, expected


def committed(user, job) -> ImportJob:
    if job.changes:
        accept_changes(actor=user, job=job)
    import_commit(actor=user, job=job)
    job.refresh_from_db()
    assert job.state == ImportJob.State.DONE, job.message
    return job


def registrable(expected) -> list[dict]:
    """The rows that must go in: visible, not held, and on the books (a 已故 row is held, never 在册)."""
    return [p for p in expected.importable() if p["status"] == "active"]


def held_keys(job) -> dict[tuple[str, int], list[str]]:
    names = {entry["index"]: entry["name"] for entry in job.layout}
    return {(names[r.sheet], r.row): [field for field, _reason in r.reasons]
            for r in job.rows.filter(kind=ImportRow.Kind.HELD)}


def test_the_caijibiao_goes_in_from_every_sheet_with_nothing_silently_wrong(cast):
    job, expected = checked(cast.village_worker, messy_ledgers.caijibiao())
    assert job.state == ImportJob.State.VALID, job.message
    layout = {entry["name"]: entry for entry in job.layout}
    assert layout["说明"]["no_header"] and not layout["一组"]["no_header"] and not layout["二组"]["no_header"]
    held = held_keys(job)
    assert set(held) == set(expected.held()), (held, expected.held())
    assert all(p["hidden"] and (p["sheet"], p["row"]) not in held for p in expected.deceased())  # left out
    job = committed(cast.village_worker, job)
    importable = registrable(expected)
    assert job.created_count == len(importable)  # both 小组 sheets, not only the first
    on_file = {p.id_number: p for p in Person.objects.all()}
    assert set(on_file) == {p["id_number"] for p in importable}
    for truth in importable:
        person = on_file[truth["id_number"]]
        assert person.name == truth["name"]  # no alignment spaces left
        assert person.sex == truth["sex"]
        if "phone" in truth:
            assert person.phone == truth["phone"]  # the visible column, never the hidden 联系电话（旧）
        if truth.get("phone_alt"):
            assert person.phone_alt == truth["phone_alt"]
        if "ethnicity" not in truth:
            assert person.ethnicity == ""
    for dead in expected.deceased():  # the hidden 已故 row is neither registered nor held
        assert dead["id_number"] not in on_file


def test_a_hidden_row_included_by_the_uploader_is_still_never_registered_when_it_says_deceased(cast):
    content, name, expected = messy_ledgers.caijibiao()
    job = import_start(actor=cast.village_worker, uploaded_file=upload(content, name))
    job.refresh_from_db()
    sheets = [entry["index"] for entry in job.layout if entry["hidden_rows"]]
    confirm_columns(actor=cast.village_worker, job=job, mapping=proposed_mapping(job), include_hidden=sheets,
                    all_or_nothing=False)
    job.refresh_from_db()
    held = held_keys(job)
    assert all(held[p["sheet"], p["row"]] == ["notes"] for p in expected.deceased())


def test_the_huamingce_with_other_names_and_order_goes_in(cast):
    job, expected = checked(cast.street_worker, messy_ledgers.huamingce())
    assert set(held_keys(job)) == set(expected.held())
    job = committed(cast.street_worker, job)
    assert job.created_count == len(registrable(expected))
    for truth in registrable(expected):
        person = Person.objects.get(id_hash__isnull=False, name=truth["name"])
        assert person.address_region.code == truth["region_code"]


def test_each_problem_row_is_held_with_its_reason_and_the_good_rows_go_in(cast):
    job, expected = checked(cast.village_worker, messy_ledgers.problem_rows())
    held = held_keys(job)
    dead = {(p["sheet"], p["row"]) for p in expected.deceased()}  # a visible 已故 row is held, never 在册
    assert dead and all(held[key] == ["status"] for key in dead)
    assert set(held) == set(expected.held()) | dead, sorted(set(held) ^ set(expected.held()))
    job = committed(cast.village_worker, job)
    assert job.created_count == len(registrable(expected))


def test_a_held_row_fixed_in_the_grid_goes_in_once(cast):
    job, expected = checked(cast.village_worker, messy_ledgers.problem_rows())
    row = next(r for r in job.rows.filter(kind=ImportRow.Kind.HELD) if [f for f, _ in r.reasons] == ["phone"])
    row = fix_row(actor=cast.village_worker, job=job, row=row, data={"phone": "13812345678"}, confirmed=False)
    assert row.kind == ImportRow.Kind.FIXED, row.reasons
    job = committed(cast.village_worker, job)
    assert job.created_count == len(registrable(expected)) + 1


def test_an_update_to_a_person_moved_out_of_the_area_since_the_check_is_neither_shown_nor_applied(cast, client_for):
    """Reached through a record: the job's update rows name people; the viewer's scope filters them."""
    from django.urls import reverse

    from tests.factories import VILLAGE2_CODE, unit_at
    from tests.people.ledgers import good_row, workbook_bytes

    user = cast.village_worker
    job, _ = checked(user, (workbook_bytes([good_row(1, 姓名="测试甲")]), "台账.xlsx", None))
    committed(user, job)
    person = Person.objects.get(name="测试甲")
    job, _ = checked(user, (workbook_bytes([good_row(1, 姓名="测试甲", 联系电话="13900001111")]), "台账2.xlsx", None))
    row = job.rows.get(kind=ImportRow.Kind.UPDATE)
    assert [d[0] for d in row.differences] == ["phone"] and "13900001111" not in str(row.differences)  # masked
    Person.objects.filter(pk=person.pk).update(station=unit_at(VILLAGE2_CODE))  # transferred away
    page = client_for(user).get(reverse("people:import_updates", args=[job.pk]))
    assert page.status_code == 200 and "测试甲" not in page.content.decode()
    from rongjia.people.importing.services_intake import accept_update

    accept_update(actor=user, job=job, row=row, fields=["phone"])
    job.refresh_from_db()
    committed(user, job)
    person.refresh_from_db()
    assert person.phone == "13800000000" and person.version == 1


def test_a_month_formatted_birth_cell_survives_a_fix_in_the_grid(cast):
    """出生年月 cells formatted to show 1973.09 hold the 1st of the month: fixing the row's phone must not
    turn that into a day that disagrees with the ID number."""
    job, _expected = checked(cast.village_worker, messy_ledgers.caijibiao())
    row = next(r for r in job.rows.filter(kind=ImportRow.Kind.HELD) if [f for f, _ in r.reasons] == ["phone"])
    row = fix_row(actor=cast.village_worker, job=job, row=row, data={"phone": "13912345678"}, confirmed=False)
    assert row.kind == ImportRow.Kind.FIXED, row.reasons
