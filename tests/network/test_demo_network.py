"""seed_demo gives the demo county's network varied, realistic, deterministic facts, once."""

import re
import struct
import zlib
from collections import Counter
from datetime import timedelta
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from auditlog.context import disable_auditlog
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from rongjia.accounts.models import User
from rongjia.core.models import OrgUnit
from rongjia.demo.network_seed import EVIDENCE_FILES, seed_network
from rongjia.demo.seed import DEMO_PASSWORD
from rongjia.network.facts import unit_facts
from rongjia.network.models import ChecklistEntry, Grid, StaffMember, StationProfile, TrainingRecord

COUNTY = "320115"
GUQUAN = "320115003004"


@pytest.fixture
def demo(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    out = StringIO()
    call_command("seed_demo", "--region", COUNTY, "--people", "300", stdout=out)
    return out.getvalue()


def main_units():
    return list(OrgUnit.objects.filter(region_code__startswith=COUNTY, kind__in=["centre", "station"])
                .select_related("region").order_by("region_code"))


def counts():
    return {model.__name__: model.objects.count()
            for model in (StationProfile, StaffMember, TrainingRecord, ChecklistEntry, Grid, User)}


def test_every_main_unit_has_a_profile_in_realistic_ranges(demo):
    units = main_units()
    assert len(units) == 228
    profiles = {p.unit_id: p for p in StationProfile.objects.filter(unit__in=units)}
    assert set(profiles) == {u.pk for u in units}
    by_level = {level: [profiles[u.pk] for u in units if u.level == level] for level in (3, 4, 5)}
    (county,) = by_level[3]
    assert 300 <= county.area_m2 <= 800.5 and 500_000 <= county.annual_funding <= 1_505_000
    streets, villages = by_level[4], by_level[5]
    assert all(Decimal(60) <= p.area_m2 <= Decimal("700.5") for p in streets)
    assert 1 <= sum(p.area_m2 < 100 for p in streets) <= 3
    assert all(50_000 <= p.annual_funding <= 300_000 for p in streets)
    assert all(40 <= p.area_m2 <= Decimal("200.5") for p in villages)
    assert 0.07 <= sum(p.area_m2 < 50 for p in villages) / len(villages) <= 0.13
    assert all(10_000 <= p.annual_funding <= 50_000 for p in villages)
    brands = [p.brand_name for p in profiles.values() if p.brand_name]
    assert 20 <= len(brands) < len(units) and all(re.fullmatch(r"\w+·\w+", b) for b in brands)
    assert county.brand_name.startswith("江宁·")
    assert any(p.honours for p in streets + villages)


def test_every_main_unit_has_staff_with_training(demo):
    units = main_units()
    facts = unit_facts(units)
    for unit in units:
        f = facts[unit.pk]
        if unit.level == 3:
            assert 15 <= f.staff <= 18
        elif unit.level == 4:
            assert 2 <= f.full_time <= 5 and f.part_time <= 3
        else:
            assert f.full_time == 1 and 1 <= f.part_time <= 2
    staff = list(StaffMember.objects.filter(unit__in=units, active=True))
    veterans = sum(s.is_veteran for s in staff)
    assert 0.25 <= veterans / len(staff) <= 0.42
    assert any(f.veterans == 0 for f in facts.values())  # some stations below the share
    assert all(re.fullmatch(r"1[3-9]\d{9}", s.phone) for s in staff)
    assert {"站长", "专干", "网格员", "志愿者联络员"} <= {s.post for s in staff}
    assert all(2 <= len(s.name) <= 3 for s in staff)
    directory = TrainingRecord.objects.filter(staff__unit__in=units, from_course__isnull=True)  # not a course's
    per_member = Counter(directory.values_list("staff_id", flat=True))
    assert set(per_member) >= {s.pk for s in staff} and set(per_member.values()) <= {1, 2, 3}
    today = timezone.localdate()
    dates = TrainingRecord.objects.values_list("date", flat=True)
    assert all(today - timedelta(days=366) <= d <= today for d in dates)
    assert TrainingRecord.objects.filter(course="退役军人优待政策解读", hours__gt=0).exists()


def test_village_stations_have_two_to_four_grids_kept_by_their_own_workers(demo):
    villages = [u for u in main_units() if u.level == 5]
    grids = Counter(Grid.objects.filter(unit__in=villages).values_list("unit_id", flat=True))
    assert set(grids) == {u.pk for u in villages} and set(grids.values()) <= {2, 3, 4}
    for grid in Grid.objects.filter(unit__in=villages).select_related("worker"):
        assert grid.worker is not None and grid.worker.org_unit_id == grid.unit_id
        assert grid.worker.role_codes == {"grid_worker"}
    first = Grid.objects.get(unit__region_code=GUQUAN, name="第一网格")
    assert first.worker.username == "jn_grid"
    bulk = User.objects.filter(username__startswith="jn_grid_")
    assert bulk.count() == Grid.objects.count() - 1
    assert not any(u.has_usable_password() for u in bulk)
    assert bulk.filter(username=f"jn_grid_{GUQUAN}_2").exists()


def test_the_demo_has_gaps_to_find(demo):
    facts = unit_facts(main_units())
    below = [f for f in facts.values() if f.below_standard]
    assert 10 <= len(below) <= 40
    missing = [f for f in facts.values() if f.five_have_missing]
    assert len(facts) * 0.25 <= len(missing) <= len(facts) * 0.6  # most have all five
    entries = ChecklistEntry.objects.filter(unit__region_code__startswith=COUNTY)
    assert entries.filter(item__kind="five_have", met=True, evidence="").exists()  # ticked, no photo yet
    assert entries.filter(item__kind="five_have", met=False).exists()
    display = entries.filter(item__kind="display")
    assert display.filter(met=True).exclude(evidence="").count() > display.count() * 0.7
    assert display.filter(evidence="").exists()
    assert any(f.display_done == len(f.display) == 13 for f in facts.values())
    assert all(len(f.five_have) == 5 and len(f.display) == 13 for f in facts.values())


def test_evidence_files_are_real_images_on_disk(demo, tmp_path):
    names = set(ChecklistEntry.objects.exclude(evidence="").values_list("evidence", flat=True))
    assert names == {name for name, *_ in EVIDENCE_FILES}
    for name in names:
        data = (Path(tmp_path) / name).read_bytes()
        assert data.startswith(b"\x89PNG\r\n\x1a\n")
        width, height = struct.unpack(">II", data[16:24])
        assert (width, height) == (160, 120)
        idat_length = struct.unpack(">I", data[33:37])[0]
        assert len(zlib.decompress(data[41:41 + idat_length])) == height * (1 + width * 3)
    entry = ChecklistEntry.objects.exclude(evidence="").first()
    assert entry.evidence.size == len(entry.evidence.read()) and entry.evidence_name.endswith(".png")


def test_a_second_run_changes_nothing(demo):
    before = counts()
    again = StringIO()
    call_command("seed_demo", "--region", COUNTY, "--people", "300", stdout=again)
    assert counts() == before
    assert "网格 0 个" in again.getvalue() and "jn_grid" in again.getvalue()


def test_a_second_run_keeps_what_users_changed(demo):
    profile = StationProfile.objects.get(unit__region_code=GUQUAN)
    StationProfile.objects.filter(pk=profile.pk).update(area_m2=321, version=7)
    call_command("seed_demo", "--region", COUNTY, "--people", "300", stdout=StringIO())
    profile.refresh_from_db()
    assert (profile.area_m2, profile.version) == (321, 7)


def test_the_demo_is_the_same_every_time(demo):
    def snapshot():
        return (
            sorted(StationProfile.objects.values_list("unit_id", "area_m2", "annual_funding", "brand_name")),
            sorted(StaffMember.objects.values_list("unit_id", "name", "post", "is_veteran", "phone")),
            sorted(Grid.objects.values_list("unit_id", "name", "description", "worker__username")),
            sorted(ChecklistEntry.objects.values_list("unit_id", "item_id", "met", "evidence")),
        )

    def reseed():
        with disable_auditlog():  # a clean slate, quickly: the demo's rows were never audited either
            for model in (StationProfile, StaffMember, ChecklistEntry, Grid):
                model.objects.all().delete()
            User.objects.filter(username__startswith="jn_grid_").delete()
        report = seed_network(county_prefix=COUNTY,
                              first_grid_workers={GUQUAN: User.objects.get(username="jn_grid")})
        assert report.profiles == 228 and report.evidence_files == 0
        return snapshot()

    # Seeded twice from nothing (the demo as loaded differs on purpose: the evaluation's demo lets one station's
    # 五有 lapse through the services after the network is seeded).
    assert reseed() == reseed()


def test_the_command_reports_the_network_and_the_grid_worker_signs_in(demo):
    assert "新建站点档案 228 份" in demo
    assert re.search(r"jn_grid\s+Rongjia#2026", demo)
    grid_worker = User.objects.get(username="jn_grid")
    assert grid_worker.org_unit.region_code == GUQUAN and not grid_worker.must_change_password
    client = Client()
    response = client.post("/accounts/login/", {"username": "jn_grid", "password": DEMO_PASSWORD})
    assert response.status_code == 302 and response.url == "/"
    assert client.get("/").status_code == 200
