"""Categories and tags are reference data the system administrator keeps (SPEC C2); the lists are the
same for every county, so an administrator at province level keeps them (issue 15, finding 6)."""

import pytest

from rongjia.people.models import Category, Tag
from tests.factories import UserFactory, unit_at


@pytest.fixture
def province_admin(db):
    return UserFactory(username="province_sys_admin", org_unit=unit_at("320000000000"), roles=["sys_admin"])


def test_the_system_administrator_adds_renames_and_switches_off(province_admin, client_for):
    client = client_for(province_admin)
    assert "退役士兵" in client.get("/people/reference/").content.decode()
    assert client.post("/people/reference/category/new", {"name": "退役军人家属", "position": 30,
                                                          "active": "on"}).status_code == 302
    entry = Category.objects.get(name="退役军人家属")
    client.post(f"/people/reference/category/{entry.pk}/edit", {"name": "退役军人家属", "position": 30})
    entry.refresh_from_db()
    assert not entry.active
    clash = client.post("/people/reference/tag/new", {"kind": "identity", "name": "党员", "position": 1})
    assert clash.status_code == 200 and Tag.objects.filter(name="党员").count() == 1
    assert client.get("/people/reference/spaceship/new").status_code == 404


def test_only_the_system_administrator(cast, client_for):
    for who in (cast.county_director, cast.village_worker, cast.security_admin, cast.auditor):
        assert client_for(who).get("/people/reference/").status_code == 403
        assert client_for(who).post("/people/reference/category/new", {"name": "x"}).status_code == 403
    assert not Category.objects.filter(name="x").exists()


def test_a_county_system_administrator_reads_the_lists_but_changes_nothing(cast, client_for):
    client = client_for(cast.system_admin)
    page = client.get("/people/reference/").content.decode()
    assert "退役士兵" in page and "/people/reference/category/new" not in page
    entry = Category.objects.get(name="退役士兵")
    assert client.get(f"/people/reference/category/{entry.pk}/edit").status_code == 403
    assert client.post(f"/people/reference/category/{entry.pk}/edit", {"name": "改名", "position": 1}
                       ).status_code == 403
    assert client.post("/people/reference/tag/new", {"kind": "identity", "name": "新标签", "position": 1}
                       ).status_code == 403
    assert Category.objects.get(pk=entry.pk).name == "退役士兵" and not Tag.objects.filter(name="新标签").exists()
