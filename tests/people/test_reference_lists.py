"""Categories and tags are reference data the system administrator keeps (SPEC C2)."""

from rongjia.people.models import Category, Tag


def test_the_system_administrator_adds_renames_and_switches_off(cast, client_for):
    client = client_for(cast.system_admin)
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
