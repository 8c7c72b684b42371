"""The people list's keys on the person row: the whole name in pinyin (the order and a search), its abbreviation
(the surname in full, the given name by its initials), and the holding station's region code (the scope).

Every writer keeps them: registration, an edit of the name, a transfer (the station changes), the ledger
import's COPY path, bulk_create and bulk_update (the demo and the benchmarks), and the migration that filled them.
"""

import importlib
from types import SimpleNamespace

import pytest
from django.db import connection

from rongjia.people import selectors, services
from rongjia.people.books import services as books
from rongjia.people.importing import writer
from rongjia.people.models import Person
from rongjia.people.names import name_keys, typed_pinyin
from tests.factories import VILLAGE2_CODE, VILLAGE_CODE, person_at, unit_at, valid_id_number
from tests.people.test_import_writer import PLAIN_ROW, REASON, verdict_for


@pytest.mark.parametrize(("name", "pinyin", "abbr", "initials"), [
    ("高建军", "gaojianjun", "gaojj", "gjj"),
    ("张伟", "zhangwei", "zhangw", "zw"),
    ("曾国藩", "zengguofan", "zenggf", "zgf"),  # a surname read as a surname, not as in 曾经
    ("单雄信", "shanxiongxin", "shanxx", "sxx"),
    ("欧阳修", "ouyangxiu", "ouyangx", "oyx"),  # a two-character surname stays whole in the abbreviation
    ("吕布", "lvbu", "lvb", "lb"),  # ü as phone keyboards type it
    ("买买提·艾力", "maimaitiaili", "maimtal", "mmtal"),  # the "·" adds nothing
    ("Anna Petrova", "annapetrova", "annapetrova", "annapetrova"),  # no Chinese: the letters themselves
    ("", "", "", "-"),
])
def test_a_names_keys(name, pinyin, abbr, initials):
    keys = name_keys(name)
    assert (keys.pinyin, keys.abbr, keys.initials) == (pinyin, abbr, initials)


@pytest.mark.parametrize(("typed", "kept"), [("gao jian jun", "gaojianjun"), ("Gao'JianJun", "gaojianjun"),
                                             ("  gjj ", "gjj")])
def test_what_a_worker_types_is_read_as_the_keys_are_kept(typed, kept):
    assert typed_pinyin(typed) == kept


def test_registration_keeps_the_keys_and_the_stations_code(cast):
    person = person_at(cast.village_worker, name="高建军")
    stored = Person.objects.values("name_pinyin", "name_pinyin_abbr", "name_initials", "region_code").get(pk=person.pk)
    assert stored == {"name_pinyin": "gaojianjun", "name_pinyin_abbr": "gaojj", "name_initials": "gjj",
                      "region_code": VILLAGE_CODE}


def test_an_edit_of_the_name_keeps_its_keys(cast):
    person = person_at(cast.village_worker, name="高建军")
    services.person_update(actor=cast.village_worker, person=person, version=1, name="曾国藩")
    assert Person.objects.values_list("name_pinyin", "name_pinyin_abbr", "name_initials").get(pk=person.pk) == (
        "zengguofan", "zenggf", "zgf")
    assert [p.name for p in selectors.person_search(cast.village_worker, q="zengguofan")] == ["曾国藩"]
    assert not selectors.person_search(cast.village_worker, q="gaojianjun").exists()


def test_an_accepted_transfer_moves_the_scope_with_the_station(cast):
    person = person_at(cast.village_worker, name="高建军")
    transfer = books.transfer_propose(actor=cast.village_worker, person=person, to_station=unit_at(VILLAGE2_CODE),
                                      reason="随子女居住")
    books.transfer_accept(actor=cast.village2_worker, transfer=transfer)
    assert Person.objects.get(pk=person.pk).region_code == VILLAGE2_CODE
    assert list(Person.objects.visible_to(cast.village2_worker)) == [person]
    assert not Person.objects.visible_to(cast.village_worker).exists()


def test_the_ledger_imports_copy_path_writes_the_keys_and_the_code(cast):
    verdict = verdict_for(cast.village_worker, {**PLAIN_ROW, "name": "欧阳修"}, sequence=51)
    assert writer.copy_new([verdict], actor=cast.village_worker, reason=REASON) == 1
    person = Person.objects.get(id_hash=services.id_index(verdict.clean.values["id_number"]))
    assert (person.name_pinyin, person.name_pinyin_abbr, person.region_code) == (
        "ouyangxiu", "ouyangx", verdict.station.region_code)


def test_bulk_writers_that_name_only_the_station_get_its_code_in_one_query(cast, django_assert_num_queries):
    station = unit_at(VILLAGE_CODE)
    people = [Person(station_id=station.pk, name=name, id_number=number, id_hash=services.id_index(number),
                     birth_date=services.parse_id_number(number).birth_date, sex="M", address_region=station.region)
              for n, name in enumerate(("高建军", "张伟")) for number in [valid_id_number("19700101", sequence=n + 1)]]
    with django_assert_num_queries(2):  # the stations' codes, then the insert
        Person.objects.bulk_create(people)
    assert [(p.name_pinyin, p.region_code) for p in Person.objects.order_by("name_pinyin")] == [
        ("gaojianjun", VILLAGE_CODE), ("zhangwei", VILLAGE_CODE)]
    moved = list(Person.objects.all())
    for person in moved:
        person.station = unit_at(VILLAGE2_CODE)
    Person.objects.bulk_update(moved, ["station"])  # as the demo's transfers move people
    assert set(Person.objects.values_list("region_code", flat=True)) == {VILLAGE2_CODE}


def test_the_list_is_in_the_order_of_the_whole_names_pinyin(cast, client_for):
    """Not by initials (zw for all three), nor by registration: 张伟 < 赵文 < 周武 < 邹伟 letter by letter."""
    for seq, name in enumerate(("周武", "邹伟", "赵文", "张伟"), start=1):
        person_at(cast.village_worker, name=name, seq=seq)
    page = client_for(cast.village_worker).get("/people/")
    assert [p.name for p in page.context["page"].object_list] == ["张伟", "赵文", "周武", "邹伟"]
    reversed_page = client_for(cast.village_worker).get("/people/?sort=-name")
    assert [p.name for p in reversed_page.context["page"].object_list] == ["邹伟", "周武", "赵文", "张伟"]


def test_the_migration_fills_the_columns_from_the_names_and_the_stations(cast):
    """The backfill of migration 0014 run again over rows whose keys were blanked: one UPDATE … FROM."""
    first, second = person_at(cast.village_worker, name="曾国藩"), person_at(cast.village2_worker, name="高建军",
                                                                          code=VILLAGE2_CODE, seq=2)
    Person.objects.update(name_pinyin="", name_pinyin_abbr="", name_initials="x", region_code="")
    migration = importlib.import_module("rongjia.people.migrations.0014_person_list_keys")
    migration.backfill(None, SimpleNamespace(connection=connection))  # it asks the editor for its connection only
    assert list(Person.objects.order_by("pk").values_list("name_pinyin", "name_pinyin_abbr", "name_initials",
                                                          "region_code")) == [
        ("zengguofan", "zenggf", "zgf", VILLAGE_CODE), ("gaojianjun", "gaojj", "gjj", VILLAGE2_CODE)]
    assert first.pk < second.pk


def test_a_queryset_update_of_the_station_or_the_name_keeps_the_derived_columns(cast):
    from django.db.models import F

    person = person_at(cast.village_worker, name="高建军")
    Person.objects.filter(pk=person.pk).update(station=unit_at(VILLAGE2_CODE))  # as a test or a repair might
    Person.objects.filter(pk=person.pk).update(name="曾国藩")
    assert Person.objects.values_list("region_code", "name_pinyin").get(pk=person.pk) == (VILLAGE2_CODE, "zengguofan")
    Person.objects.filter(pk=person.pk).update(station_id=unit_at(VILLAGE_CODE).pk)
    assert Person.objects.get(pk=person.pk).region_code == VILLAGE_CODE
    with pytest.raises(TypeError):
        Person.objects.filter(pk=person.pk).update(name=F("notes"))
