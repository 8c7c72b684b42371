"""A unit's own pages: profile, 五有 and display checklist with evidence, staff and training,
grids, standard and rectification — who may read, who may write, and what is refused."""

from datetime import date
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from rongjia.demo.network_reference import load_network_reference
from rongjia.network.models import (
    ChecklistEntry,
    ChecklistItem,
    Grid,
    Rectification,
    StaffMember,
    StationProfile,
    TrainingRecord,
)
from tests.factories import (
    STREET_CODE,
    VILLAGE2_CODE,
    VILLAGE_CODE,
    StaffMemberFactory,
    UserFactory,
    small_png,
    unit_at,
)


@pytest.fixture
def media(tmp_path):
    """Uploads go to a temporary MEDIA_ROOT, never into var/."""
    with override_settings(MEDIA_ROOT=tmp_path):
        yield tmp_path


@pytest.fixture
def five_haves(db):
    load_network_reference("320115")
    return list(ChecklistItem.objects.filter(kind="five_have", jurisdiction_code="320115").order_by("position"))


def png(name="门牌.png"):
    return SimpleUploadedFile(name, small_png(), content_type="image/png")


def tick(client, unit, item, *, met=True, note="", evidence=None, **headers):
    data = {f"item{item.pk}-met": "on" if met else "", f"item{item.pk}-note": note}
    if evidence is not None:
        data[f"item{item.pk}-evidence"] = evidence
    return client.post(f"/stations/{unit.pk}/checklist/{item.pk}", data, **headers)


# --- profile ---------------------------------------------------------------------------

def profile_data(**fields):
    return {"area_m2": "120.5", "established_posts": "3", "annual_funding": "80000", "brand_name": "古泉之家",
            "honours": "省级示范站", "version": "1", **fields}


def test_director_edits_the_profile_and_the_change_is_audited(cast, client_for):
    unit = unit_at(VILLAGE_CODE)
    client = client_for(cast.county_director)
    assert client.get(f"/stations/{unit.pk}/profile").status_code == 200
    response = client.post(f"/stations/{unit.pk}/profile", profile_data())
    assert response.status_code == 302
    profile = StationProfile.objects.get(unit=unit)
    assert (profile.area_m2, profile.established_posts, profile.version) == (Decimal("120.5"), 3, 2)
    entry = LogEntry.objects.get_for_object(profile).latest("timestamp")
    assert entry.actor == cast.county_director
    body = client.get(f"/stations/{unit.pk}/profile").content.decode()
    assert "120.5" in body and "古泉之家" in body


def test_a_stale_profile_version_is_refused(cast, client_for):
    unit = unit_at(VILLAGE_CODE)
    client = client_for(cast.village_worker)
    assert client.post(f"/stations/{unit.pk}/profile", profile_data()).status_code == 302
    response = client.post(f"/stations/{unit.pk}/profile", profile_data(area_m2="999"))  # still version 1
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    profile = StationProfile.objects.get(unit=unit)
    assert (profile.area_m2, profile.version) == (Decimal("120.5"), 2)


@pytest.mark.parametrize("fields, field", [
    ({"area_m2": "-5"}, "area_m2"),
    ({"area_m2": "abc"}, "area_m2"),
    ({"established_posts": "three"}, "established_posts"),
    ({"established_posts": "-1"}, "established_posts"),
    ({"annual_funding": "-100"}, "annual_funding"),
])
def test_bad_profile_values_are_refused_and_change_nothing(cast, client_for, fields, field):
    unit = unit_at(VILLAGE_CODE)
    response = client_for(cast.county_director).post(f"/stations/{unit.pk}/profile", profile_data(**fields))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not StationProfile.objects.filter(unit=unit).exists()


# --- 五有, the display checklist and their evidence ----------------------------------

def test_five_have_ticked_with_evidence_which_is_served_only_in_scope(cast, client_for, media, five_haves):
    unit = unit_at(VILLAGE_CODE)
    response = tick(client_for(cast.village_worker), unit, five_haves[0], note="挂牌", evidence=png())
    assert response.status_code == 302
    entry = ChecklistEntry.objects.get(unit=unit, item=five_haves[0])
    assert entry.complete and entry.updated_by == cast.village_worker and entry.note == "挂牌"

    page = client_for(cast.street_worker).get(f"/stations/{unit.pk}/checklist")
    rows = {row.item.pk: row for row in page.context["five_have"]}
    assert len(rows) == 5 and rows[five_haves[0].pk].entry == entry
    evidence_url = f"/stations/{unit.pk}/evidence/{entry.pk}"
    assert evidence_url in page.content.decode()
    assert page.context["five_have_done"] == 1

    served = client_for(cast.street_worker).get(evidence_url)
    assert served.status_code == 200
    assert served["Content-Type"] == "image/png"
    assert served["Content-Disposition"].startswith("inline")
    assert served["X-Content-Type-Options"] == "nosniff"
    assert b"".join(served.streaming_content) == small_png()
    assert client_for(cast.outsider).get(evidence_url).status_code == 404
    assert client_for(cast.village2_worker).get(evidence_url).status_code == 404
    # the right entry through another unit's address is no way round the scope
    assert client_for(cast.village2_worker).get(
        f"/stations/{unit_at(VILLAGE2_CODE).pk}/evidence/{entry.pk}").status_code == 404


def test_a_text_file_named_jpg_is_refused_and_changes_nothing(cast, client_for, media, five_haves):
    unit = unit_at(VILLAGE_CODE)
    fake = SimpleUploadedFile("photo.jpg", b"just some text, not a photo", content_type="image/jpeg")
    response = tick(client_for(cast.village_worker), unit, five_haves[1], evidence=fake)
    assert response.status_code == 200
    row = next(r for r in response.context["five_have"] if r.item == five_haves[1])
    assert "evidence" in row.form.errors
    assert not ChecklistEntry.objects.exists()
    assert not any(media.rglob("*.*"))


@override_settings(UPLOAD_MAX_BYTES=50)
def test_a_file_too_big_is_refused(cast, client_for, media, five_haves):
    unit = unit_at(VILLAGE_CODE)
    big = SimpleUploadedFile("big.png", small_png() + b"\0" * 100, content_type="image/png")
    response = tick(client_for(cast.village_worker), unit, five_haves[0], evidence=big)
    assert response.status_code == 200
    assert not ChecklistEntry.objects.exists()


def test_a_display_item_saved_by_htmx_returns_its_row(cast, client_for, media):
    unit = unit_at(VILLAGE_CODE)
    item = ChecklistItem.objects.filter(kind="display", jurisdiction_code="").order_by("position").first()
    response = tick(client_for(cast.village_worker), unit, item, evidence=png("wall.png"), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" not in body and f'id="item-{item.pk}"' in body and "wall.png" in body
    assert ChecklistEntry.objects.get(unit=unit, item=item).complete
    page = client_for(cast.village_worker).get(f"/stations/{unit.pk}/checklist")
    assert len(page.context["display"]) == 13 and page.context["facts"].display_done == 1


def test_a_refused_htmx_row_comes_back_with_its_error(cast, client_for, media, five_haves):
    unit = unit_at(VILLAGE_CODE)
    fake = SimpleUploadedFile("x.jpg", b"<svg onload=alert(1)>", content_type="image/jpeg")
    response = tick(client_for(cast.village_worker), unit, five_haves[0], evidence=fake, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "<html" not in response.content.decode()
    assert "evidence" in response.context["row"].form.errors
    assert not ChecklistEntry.objects.exists()


# --- staff and training ----------------------------------------------------------------

def test_staff_added_with_the_phone_masked_and_training_recorded(cast, client_for):
    unit = unit_at(VILLAGE_CODE)
    client = client_for(cast.village_worker)
    response = client.post(f"/stations/{unit.pk}/staff", {
        "name": "王建军", "post": "专干", "employment": "full_time", "is_veteran": "on",
        "phone": "13912345678", "active": "on"})
    assert response.status_code == 302
    member = StaffMember.objects.get(unit=unit, name="王建军")
    assert member.is_veteran and member.phone == "13912345678"
    body = client.get(f"/stations/{unit.pk}/staff").content.decode()
    assert "王建军" in body and "139****5678" in body and "13912345678" not in body
    detail = client.get(f"/stations/{unit.pk}/staff/{member.pk}/").content.decode()
    assert "139****5678" in detail and "13912345678" not in detail

    response = client.post(f"/stations/{unit.pk}/staff/{member.pk}/training",
                           {"date": "2025-03-15", "course": "退役军人政策解读", "hours": "4.5"})
    assert response.status_code == 302
    record = TrainingRecord.objects.get(staff=member)
    assert (record.date, record.course, record.hours) == (date(2025, 3, 15), "退役军人政策解读", Decimal("4.5"))
    assert "退役军人政策解读" in client.get(f"/stations/{unit.pk}/staff/{member.pk}/").content.decode()
    assert client.get(f"/stations/{unit.pk}/staff").context["page"].object_list[0].training_count == 1


def test_editing_staff_keeps_the_phone_unless_a_new_one_is_given(cast, client_for):
    unit = unit_at(VILLAGE_CODE)
    member = StaffMemberFactory(unit=unit, name="李四", phone="13812345678")
    client = client_for(cast.village_worker)
    data = {"name": "李四", "post": "站长", "employment": "part_time", "phone": "", "active": "on"}
    assert client.post(f"/stations/{unit.pk}/staff/{member.pk}/", data).status_code == 302
    member.refresh_from_db()
    assert (member.post, member.employment, member.phone) == ("站长", "part_time", "13812345678")
    assert client.post(f"/stations/{unit.pk}/staff/{member.pk}/", {**data, "clear_phone": "on"}).status_code == 302
    member.refresh_from_db()
    assert member.phone == ""


@pytest.mark.parametrize("fields", [{"phone": "call me"}, {"name": ""}, {"employment": "sometimes"}])
def test_bad_staff_values_are_refused(cast, client_for, fields):
    unit = unit_at(VILLAGE_CODE)
    data = {"name": "赵六", "post": "专干", "employment": "full_time", "phone": "025-52711234", **fields}
    response = client_for(cast.village_worker).post(f"/stations/{unit.pk}/staff", data)
    assert response.status_code == 200 and response.context["form"].errors
    assert not StaffMember.objects.filter(unit=unit).exists()


@pytest.mark.parametrize("fields", [{"hours": "-1"}, {"hours": "many"}, {"date": "yesterday"}, {"course": ""}])
def test_bad_training_is_refused(cast, client_for, fields):
    unit = unit_at(VILLAGE_CODE)
    member = StaffMemberFactory(unit=unit)
    data = {"date": "2025-03-15", "course": "政策", "hours": "2", **fields}
    response = client_for(cast.village_worker).post(f"/stations/{unit.pk}/staff/{member.pk}/training", data)
    assert response.status_code == 200 and response.context["training_form"].errors
    assert not TrainingRecord.objects.exists()


# --- grids -----------------------------------------------------------------------------

def test_grid_added_in_a_village_with_one_of_its_own_accounts(cast, client_for):
    unit = unit_at(VILLAGE_CODE)
    worker = UserFactory(org_unit=unit, full_name="网格员甲", roles=["grid_worker"])
    client = client_for(cast.village_worker)
    response = client.post(f"/stations/{unit.pk}/grids", {"name": "第一网格", "worker": worker.pk,
                                                             "description": "古泉村1-3组"})
    assert response.status_code == 302
    grid = Grid.objects.get(unit=unit)
    assert (grid.name, grid.worker, grid.description) == ("第一网格", worker, "古泉村1-3组")
    body = client.get(f"/stations/{unit.pk}/grids").content.decode()
    assert "第一网格" in body and "网格员甲" in body
    # edit: another name, no worker
    response = client.post(f"/stations/{unit.pk}/grids/{grid.pk}/edit", {"name": "一号网格", "worker": ""})
    assert response.status_code == 302
    grid.refresh_from_db()
    assert (grid.name, grid.worker) == ("一号网格", None)


def test_grid_worker_must_be_the_stations_own_and_names_unique(cast, client_for):
    unit = unit_at(VILLAGE_CODE)
    client = client_for(cast.county_director)
    response = client.post(f"/stations/{unit.pk}/grids", {"name": "第二网格", "worker": cast.village2_worker.pk})
    assert response.status_code == 200 and "worker" in response.context["form"].errors
    Grid.objects.create(unit=unit, name="第二网格")
    response = client.post(f"/stations/{unit.pk}/grids", {"name": "第二网格"})
    assert response.status_code == 200 and response.context["form"].errors
    assert Grid.objects.filter(unit=unit).count() == 1


def test_grids_are_refused_at_street_level(cast, client_for):
    street = unit_at(STREET_CODE)
    client = client_for(cast.street_worker)
    page = client.get(f"/stations/{street.pk}/grids")
    assert page.status_code == 200 and page.context["has_grids"] is False
    response = client.post(f"/stations/{street.pk}/grids", {"name": "街道网格"})
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert not Grid.objects.exists()


# --- standard and rectification --------------------------------------------------------

def test_a_rectification_is_recorded_once(cast, client_for, five_haves):
    unit = unit_at(VILLAGE_CODE)
    client = client_for(cast.street_worker)
    page = client.get(f"/stations/{unit.pk}/standard")
    facts = page.context["facts"]
    assert facts.standard.min_area_m2 == 50 and facts.below_standard  # no area reported
    assert f"/stations/{unit.pk}/rectify" in page.content.decode()
    assert client.post(f"/stations/{unit.pk}/rectify").status_code == 302
    item = Rectification.objects.get(unit=unit)
    assert item.created_by == cast.street_worker and facts.shortfalls[0] in item.reason
    assert client.post(f"/stations/{unit.pk}/rectify").status_code == 302
    assert Rectification.objects.filter(unit=unit).count() == 1
    assert list(client.get(f"/stations/{unit.pk}/standard").context["rectifications"]) == [item]


def test_a_unit_meeting_its_standard_records_nothing(cast, client_for, five_haves):
    unit = unit_at(VILLAGE_CODE)
    StationProfile.objects.create(unit=unit, area_m2=80)
    client = client_for(cast.village_worker)
    assert not client.get(f"/stations/{unit.pk}/standard").context["facts"].below_standard
    client.post(f"/stations/{unit.pk}/rectify")
    assert not Rectification.objects.exists()


# --- who may: the leader reads only, the outsider sees nothing -------------------------

@pytest.fixture
def jiangning_records(cast, five_haves, media):
    """A village station with one of each record, for the access tests."""
    unit = unit_at(VILLAGE_CODE)
    member = StaffMemberFactory(unit=unit)
    grid = Grid.objects.create(unit=unit, name="网格")
    entry = ChecklistEntry.objects.create(unit=unit, item=five_haves[0], met=True)
    entry.evidence.save("e.png", SimpleUploadedFile("e.png", small_png()))
    return unit, member, grid, entry


def _urls(unit, member, grid, entry, item):
    base = f"/stations/{unit.pk}"
    pages = [f"{base}/", f"{base}/profile", f"{base}/checklist", f"{base}/staff", f"{base}/staff/{member.pk}/",
             f"{base}/grids", f"{base}/grids/{grid.pk}/edit", f"{base}/standard", f"{base}/evidence/{entry.pk}"]
    posts = {
        f"{base}/profile": profile_data(),
        f"{base}/checklist/{item.pk}": {f"item{item.pk}-met": "on"},
        f"{base}/staff": {"name": "新人", "post": "专干", "employment": "full_time"},
        f"{base}/staff/{member.pk}/": {"name": "改名", "post": "专干", "employment": "full_time"},
        f"{base}/staff/{member.pk}/training": {"date": "2025-01-01", "course": "课", "hours": "1"},
        f"{base}/grids": {"name": "新网格"},
        f"{base}/grids/{grid.pk}/edit": {"name": "改名网格"},
        f"{base}/rectify": {},
    }
    return pages, posts


def _nothing_changed(unit, member, grid):
    member.refresh_from_db()
    grid.refresh_from_db()
    assert member.name != "改名" and grid.name == "网格"
    assert not StationProfile.objects.filter(unit=unit).exists()
    assert StaffMember.objects.filter(unit=unit).count() == 1
    assert not TrainingRecord.objects.exists() and not Rectification.objects.exists()


def test_the_leader_reads_every_page_and_gets_403_on_every_post(cast, client_for, jiangning_records, five_haves):
    unit, member, grid, entry = jiangning_records
    pages, posts = _urls(unit, member, grid, entry, five_haves[1])
    client = client_for(cast.leader)
    for url in pages:
        response = client.get(url)
        expected = 403 if url.endswith("/edit") else 200  # the grid edit page is a form only
        assert response.status_code == expected, url
        if url.endswith("/profile"):
            assert 'name="version"' not in response.content.decode()
    for url, data in posts.items():
        assert client.post(url, data).status_code == 403, url
    _nothing_changed(unit, member, grid)
    assert not ChecklistEntry.objects.filter(item=five_haves[1]).exists()


def test_the_outsider_gets_404_on_every_page_and_post_of_a_jiangning_station(cast, client_for, jiangning_records,
                                                                          five_haves):
    unit, member, grid, entry = jiangning_records
    pages, posts = _urls(unit, member, grid, entry, five_haves[1])
    client = client_for(cast.outsider)
    for url in pages:
        assert client.get(url).status_code == 404, url
    for url, data in posts.items():
        assert client.post(url, data).status_code == 404, url
    _nothing_changed(unit, member, grid)


def test_a_neighbouring_village_cannot_reach_records_through_its_own_station(cast, client_for, jiangning_records):
    unit, member, grid, entry = jiangning_records
    own = unit_at(VILLAGE2_CODE)
    client = client_for(cast.village2_worker)
    assert client.get(f"/stations/{own.pk}/staff/{member.pk}/").status_code == 404
    assert client.get(f"/stations/{own.pk}/grids/{grid.pk}/edit").status_code == 404
    assert client.post(f"/stations/{own.pk}/staff/{member.pk}/", {"name": "改名", "post": "x",
                                                                  "employment": "full_time"}).status_code == 404


def test_the_station_pages_link_their_sections(cast, client_for):
    unit = unit_at(VILLAGE_CODE)
    body = client_for(cast.village_worker).get(f"/stations/{unit.pk}/").content.decode()
    for section in ("profile", "checklist", "staff", "grids", "standard"):
        assert f"/stations/{unit.pk}/{section}" in body
    street = client_for(cast.street_worker).get(f"/stations/{unit_at(STREET_CODE).pk}/").content.decode()
    assert "/grids" not in street


# --- bounded queries -------------------------------------------------------------------

def test_station_pages_and_the_staff_list_run_a_bounded_number_of_queries(cast, client_for,
                                                                          django_assert_max_num_queries, media,
                                                                          five_haves):
    unit = unit_at(VILLAGE_CODE)
    for n in range(30):
        member = StaffMemberFactory(unit=unit, name=f"员工{n}")
        TrainingRecord.objects.create(staff=member, date=date(2025, 1, 1), course="课", hours=2)
    for item in five_haves + list(ChecklistItem.objects.filter(kind="display")):
        ChecklistEntry.objects.create(unit=unit, item=item, met=True, updated_by=cast.village_worker)
    for n in range(10):
        Grid.objects.create(unit=unit, name=f"网格{n}", worker=cast.village_worker)
    client = client_for(cast.county_director)
    for section in ("", "profile", "checklist", "staff", "grids", "standard"):
        with django_assert_max_num_queries(20):
            response = client.get(f"/stations/{unit.pk}/{section}")
        assert response.status_code == 200
    assert len(client.get(f"/stations/{unit.pk}/staff").context["page"].object_list) == 30
