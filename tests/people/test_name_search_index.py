"""On PostgreSQL the name search has its trigram index, and a search for part of a name still finds it."""

import pytest
from django.db import connection

from rongjia.people.selectors import person_search
from tests.factories import person_at


def test_part_of_a_name_is_found(cast):
    person_at(cast.village_worker, name="欧阳秀英", seq=901)
    assert [p.name for p in person_search(cast.village_worker, q="阳秀英")] == ["欧阳秀英"]
    # two characters make no trigram: they find the names that begin with them (a b-tree), as the help text says
    assert [p.name for p in person_search(cast.village_worker, q="欧阳")] == ["欧阳秀英"]
    assert [p.name for p in person_search(cast.village_worker, q="秀英")] == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL index (varchar_pattern_ops)")
def test_the_beginning_of_a_name_is_found_through_its_btree(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'person_name_prefix'")
        (definition,) = cursor.fetchone()
    assert "varchar_pattern_ops" in definition


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL index (pg_trgm)")
def test_the_trigram_index_is_there(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'person_name_trgm'")
        (definition,) = cursor.fetchone()
    assert "gin_trgm_ops" in definition and "upper" in definition
