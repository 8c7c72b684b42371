"""The network services refuse what they must, and change nothing when they do."""

from datetime import date, timedelta
from io import BytesIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.test import override_settings
from django.utils import timezone
from PIL import Image

from rongjia.demo.network_reference import load_network_reference
from rongjia.network import services
from rongjia.network.facts import nearest_jurisdiction
from rongjia.network.models import ChecklistEntry, ChecklistItem, Rectification, Standard
from tests.factories import VILLAGE2_CODE, VILLAGE_CODE, StaffMemberFactory, small_png, unit_at


def small_jpeg() -> bytes:
    """A real JPEG: an image's header is read for its pixel count (magic bytes alone are refused)."""
    buffer = BytesIO()
    Image.new("RGB", (2, 2)).save(buffer, "JPEG")
    return buffer.getvalue()


def upload(content: bytes, name="photo.jpg"):
    return SimpleUploadedFile(name, content, content_type="image/jpeg")


@pytest.mark.parametrize("content, extension", [
    (small_png(), ".png"), (small_jpeg(), ".jpg"), (b"%PDF-1.7\n...", ".pdf"),
])
def test_evidence_is_recognised_by_its_content(content, extension):
    assert services.evidence_check(upload(content, name="whatever.txt")) == extension


@pytest.mark.parametrize("content", [b"just text pretending", b"", b"<svg onload=alert(1)>", b"MZ\x90\x00"])
def test_anything_else_is_refused(content):
    with pytest.raises(ValidationError):
        services.evidence_check(upload(content))


@override_settings(UPLOAD_MAX_BYTES=100)
def test_a_file_too_large_is_refused():
    with pytest.raises(ValidationError):
        services.evidence_check(upload(small_png() + b"\0" * 200))


def test_the_nearest_jurisdiction_wins():
    assert nearest_jurisdiction("320115003004", ["", "32", "320115"]) == "320115"
    assert nearest_jurisdiction("440300000000", ["", "32"]) == ""
    assert nearest_jurisdiction("440300000000", ["32"]) is None


def test_an_item_of_another_jurisdiction_is_refused(cast, tmp_path):
    load_network_reference("320115")
    shenzhen = ChecklistItem.objects.get(kind="five_have", jurisdiction_code="4403", position=1)
    with override_settings(MEDIA_ROOT=tmp_path), pytest.raises(ValidationError):
        services.checklist_entry_save(actor=cast.village_worker, unit=unit_at(VILLAGE_CODE), item=shenzhen, met=True)
    assert not ChecklistEntry.objects.exists()


def test_checklist_entry_outside_scope_is_404_and_read_only_403(cast, tmp_path):
    load_network_reference("320115")
    item = ChecklistItem.objects.get(kind="five_have", jurisdiction_code="320115", position=1)
    with override_settings(MEDIA_ROOT=tmp_path):
        with pytest.raises(Http404):
            services.checklist_entry_save(actor=cast.village_worker, unit=unit_at(VILLAGE2_CODE), item=item, met=True)
        with pytest.raises(PermissionDenied):
            services.checklist_entry_save(actor=cast.leader, unit=unit_at(VILLAGE_CODE), item=item, met=True)
        entry = services.checklist_entry_save(actor=cast.village_worker, unit=unit_at(VILLAGE_CODE), item=item,
                                              met=True, evidence=upload(small_png()))
    assert entry.complete and entry.evidence.name.endswith(".png") and entry.evidence_name == "photo.jpg"


def test_standards_stay_inside_the_setters_jurisdiction(cast):
    today = timezone.localdate()
    with pytest.raises(ValidationError):
        services.standard_create(actor=cast.county_director, jurisdiction_code="320114", level=5,
                                 effective_from=today, min_area_m2=60)
    with pytest.raises(PermissionDenied):
        services.standard_create(actor=cast.village_worker, jurisdiction_code=VILLAGE_CODE, level=5,
                                 effective_from=today, min_area_m2=60)
    with pytest.raises(ValidationError):  # a standard must set some minimum
        services.standard_create(actor=cast.county_director, jurisdiction_code="320115", level=5,
                                 effective_from=today)
    assert not Standard.objects.exists()


def test_only_a_future_standard_can_be_withdrawn(cast):
    in_force = services.standard_create(actor=cast.county_director, jurisdiction_code="320115", level=4,
                                        effective_from=date(2020, 1, 1), min_area_m2=100)
    future = services.standard_create(actor=cast.county_director, jurisdiction_code="320115", level=4,
                                      effective_from=timezone.localdate() + timedelta(days=30), min_area_m2=120)
    with pytest.raises(ValidationError):
        services.standard_withdraw(actor=cast.county_director, standard=in_force)
    services.standard_withdraw(actor=cast.county_director, standard=future)
    assert list(Standard.objects.all()) == [in_force]


def test_a_rectification_is_not_recorded_twice(cast):
    unit = unit_at(VILLAGE_CODE)
    services.rectification_record(actor=cast.street_worker, unit=unit, reason="面积低于标准")
    with pytest.raises(ValidationError):
        services.rectification_record(actor=cast.street_worker, unit=unit, reason="面积低于标准")
    with pytest.raises(ValidationError):
        services.rectification_record(actor=cast.street_worker, unit=unit, reason="  ")
    assert Rectification.objects.filter(unit=unit).count() == 1


def test_staff_of_another_unit_cannot_be_changed_through_this_one(cast):
    other = StaffMemberFactory(unit=unit_at("320115003000"))
    with pytest.raises(PermissionDenied):
        services.staff_save(actor=cast.street_worker, unit=unit_at(VILLAGE_CODE), staff=other, name="改名")
    with pytest.raises(ValidationError):
        services.staff_save(actor=cast.village_worker, unit=unit_at(VILLAGE_CODE), name="王五", post="专干",
                            employment="full_time", phone="not a phone")
