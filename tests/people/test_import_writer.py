"""The ledger commit's write path gives the rows the services give: COPY on PostgreSQL, executemany on SQLite.

That path builds no model instance, so nothing but these tests holds it to what the services
derive (ID hash, birth date, sex, initials, phone hash, creator, defaults). The first test compares
the columns; the second writes through both the bulk path and bulk_create and compares what the
database stored, on each database CI runs
(`RONGJIA_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test` runs them on PostgreSQL)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from rongjia.people.importing import writer
from rongjia.people.importing.verdicts import LedgerRow, RowSorter
from rongjia.people.models import Award, HouseholdMember, Person, PersonCategory, ServiceRecord, StatusChange
from rongjia.people.services import first_line_on_the_books, person_build
from tests.factories import valid_id_number

REASON = "Imported from 采集表.xlsx"
# One row with every field the writer stores: two phones, codes written as ledgers write them, service,
# disability, awards, household, notes.
FULL_ROW = {
    "name": "黎　平", "sex": "男", "phone": "138 1234 5678/13987654321", "village": "古泉社区",
    "address_detail": "古泉社区3组12号", "ethnicity": "汉", "political_status": "党员", "education": "高中",
    "health": "良好", "categories": "退役士兵", "category_start": "2020.01", "registered_on": "2021-03-04",
    "enlisted_on": "1998.12", "discharged_on": "2002.12", "military_unit": "32145部队", "branch": "陆军",
    "rank": "班长", "discharge_mode": "自主就业", "disability_grade": "六级（因战）",
    "awards": "三等功2次、优秀士兵", "household": "配偶:王芳；儿子:李明", "notes": "党龄20年",
}
PLAIN_ROW = {"name": "张伟", "village": "古泉社区"}  # nothing but the name and the place: every default


def verdict_for(actor, raw: dict, *, sequence: int):
    (verdict,) = RowSorter(actor, places={}).sort([LedgerRow(0, "一组", 3, {
        **raw, "id_number": valid_id_number("19780512", sequence=sequence)})])
    assert verdict.kind == "new", verdict.holds
    return verdict


def instance_values(instance) -> dict:
    """What a save() of the instance stores, field by field (id and automatic timestamps aside)."""
    return {field.attname: getattr(instance, field.attname) for field in type(instance)._meta.concrete_fields
            if not field.primary_key and not writer._is_automatic(field)}


def with_defaults(model, columns: dict) -> dict:
    """Columns as the COPY path completes them: each field it was not given takes the model's default."""
    return {field.attname: columns[field.attname] if field.attname in columns else field.get_default()
            for field in model._meta.concrete_fields if not field.primary_key and not writer._is_automatic(field)}


@pytest.mark.parametrize("raw", [FULL_ROW, PLAIN_ROW], ids=["every field", "defaults"])
def test_the_copy_paths_columns_are_the_services_instances(cast, raw):
    actor = cast.village_worker
    verdict = verdict_for(actor, raw, sequence=31)
    values = verdict.clean.values
    built = person_build(actor=actor, station=verdict.station, id_number=values["id_number"],
                         address_region_id=verdict.place.region_id, **writer._given(values))
    columns = with_defaults(Person, writer.person_columns(verdict, actor=actor))
    assert columns == instance_values(built)
    assert columns["name_initials"] == ("lp" if raw is FULL_ROW else "zw")  # derived, not left blank
    built.pk = 4242
    line = first_line_on_the_books(built, day=values.get("registered_on"), reason=REASON, actor=actor)
    assert with_defaults(StatusChange, writer.first_line_columns(
        4242, verdict.station, values, actor=actor, reason=REASON, today=timezone.localdate())
    ) == instance_values(line)


def stored(model, person_id: int) -> list[dict]:
    """The rows of a person in the table as stored, without their own ids; encrypted values come back
    decrypted through the field (a token Fernet could not read would raise)."""
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    key = "id" if model is Person else "person_id"
    rows = model.objects.filter(**{key: person_id}).order_by("pk").values_list(*[f.attname for f in fields])
    return [dict(zip((f.attname for f in fields), row, strict=True)) for row in rows]


@pytest.mark.parametrize("raw", [FULL_ROW, PLAIN_ROW], ids=["every field", "defaults"])
def test_a_person_written_by_copy_is_stored_as_bulk_create_stores_it(cast, raw):
    actor = cast.village_worker
    verdict = verdict_for(actor, raw, sequence=41)
    before = timezone.now()
    assert writer.copy_new([verdict], actor=actor, reason=REASON) == 1
    by_copy = Person.objects.order_by("-pk").values_list("pk", flat=True).first()
    assert writer.bulk_create_new([verdict], actor=actor, reason=REASON) == 1
    by_bulk_create = Person.objects.order_by("-pk").values_list("pk", flat=True).first()
    after = timezone.now()
    assert by_bulk_create > by_copy  # the ids the writer reserved are the table's own: bulk_create numbers on
    full = raw is FULL_ROW
    expected = {Person: 1, StatusChange: 1, PersonCategory: int(full), ServiceRecord: int(full),
                Award: 3 if full else 0, HouseholdMember: 2 if full else 0}  # 三等功 twice and 优秀士兵
    for model, count in expected.items():
        copied, created = stored(model, by_copy), stored(model, by_bulk_create)
        assert len(copied) == len(created) == count, model
        for row in copied + created:
            for name in ("created_at", "updated_at"):
                if name in row:
                    assert before - timedelta(seconds=1) <= row.pop(name) <= after
            row.pop("person_id", None)
        assert copied == created, model
    person = Person.objects.get(pk=by_copy)
    assert person.id_number == values_id(verdict) and person.status == Person.Status.ACTIVE
    if full:
        assert (person.name, person.phone, person.phone_alt) == ("黎平", "13812345678", "13987654321")
    with connection.cursor() as cursor:  # the sensitive columns hold tokens, never the clear number
        cursor.execute("SELECT id_number, phone FROM people_person WHERE id = %s", [by_copy])
        number, phone = cursor.fetchone()
    assert number.startswith("gAAAAA") and values_id(verdict) not in number
    assert phone.startswith("gAAAAA") if full else phone == ""


def values_id(verdict) -> str:
    return verdict.clean.values["id_number"]
