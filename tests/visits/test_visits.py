"""Recording a visit: what is stored, what bad input gets (a clear error, nothing written), the same visit sent
twice, photos, follow-ups and campaign budgets."""

import uuid
from datetime import date, timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone
from PIL import Image

from rongjia.visits import services
from rongjia.visits.models import FollowUp, Visit, VisitPhoto
from tests.factories import OUTSIDER_COUNTY, person_at, unit_at

pytestmark = pytest.mark.django_db


def _jpeg(width=3000, height=2000) -> SimpleUploadedFile:
    buffer = BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(buffer, "JPEG")
    return SimpleUploadedFile("现场.jpg", buffer.getvalue(), content_type="image/jpeg")


def _record(actor, person, **fields):
    fields.setdefault("visited_on", timezone.localdate())
    return services.visit_record(actor=actor, person_id=person.pk, **fields)


def test_a_grid_worker_records_a_visit_with_a_photo_and_a_need(cast):
    person = person_at(cast.village_worker)
    due = timezone.localdate() + timedelta(days=10)
    visit, new = _record(cast.grid_worker, person, kind=Visit.Kind.FESTIVAL, findings="身体硬朗，屋顶漏雨",
                         money=Decimal("300"), fund="春节慰问金", photos=[_jpeg()],
                         needs=[services.NeedIn("修缮屋顶", cast.village_worker.pk, due)])
    assert new and visit.station == person.station and visit.region_code == person.station.region_code
    photo = VisitPhoto.objects.get(visit=visit)
    assert max(photo.width, photo.height) == services.PHOTO_MAX_SIDE  # resized on upload
    assert Image.open(photo.image.open("rb")).size == (photo.width, photo.height)
    assert FollowUp.objects.get(visit=visit).owner == cast.village_worker


def test_the_same_visit_sent_twice_is_stored_once(cast):
    person, client_id = person_at(cast.village_worker), uuid.uuid4()
    first, new = _record(cast.grid_worker, person, client_id=client_id)
    again, again_new = _record(cast.grid_worker, person, client_id=client_id, findings="sent again")
    assert new and not again_new and again.pk == first.pk
    assert Visit.objects.filter(person=person).count() == 1


@pytest.mark.parametrize("change, field", [
    ({"visited_on": timezone.localdate() + timedelta(days=1)}, "visited_on"),
    ({"visited_on": date(1975, 5, 4)}, "visited_on"),  # the day before the person was born
    ({"money": Decimal("100")}, "fund"),
    ({"money": Decimal("-1"), "fund": "x"}, "money"),
])
def test_bad_input_gets_a_clear_error_and_nothing_is_written(cast, change, field):
    person = person_at(cast.village_worker)  # born 1975-05-05
    with pytest.raises(ValidationError) as refused:
        _record(cast.village_worker, person, **change)
    assert field in refused.value.message_dict
    assert not Visit.objects.exists()


def test_a_person_outside_the_scope_cannot_be_visited_and_is_not_named(cast):
    stranger = person_at(cast.outsider, code=OUTSIDER_COUNTY + "001001", name="外区人员", seq=7)
    with pytest.raises(ValidationError) as refused:
        _record(cast.village_worker, stranger)
    assert "外区人员" not in str(refused.value)
    assert not Visit.objects.exists()


def test_a_file_that_is_not_an_image_is_refused_with_the_visit(cast):
    person = person_at(cast.village_worker)
    fake = SimpleUploadedFile("photo.jpg", b"%PDF-1.4 not a photo", content_type="image/jpeg")
    with pytest.raises(ValidationError) as refused:
        _record(cast.village_worker, person, photos=[_jpeg(40, 40), fake])
    assert "photo.jpg" in str(refused.value.message_dict["photos"])
    assert not Visit.objects.exists() and not VisitPhoto.objects.exists()


@override_settings(UPLOAD_MAX_BYTES=1000)
def test_a_photo_too_big_is_refused(cast):
    person = person_at(cast.village_worker)
    with pytest.raises(ValidationError) as refused:
        _record(cast.village_worker, person, photos=[_jpeg(400, 400)])
    assert "MB" in str(refused.value)
    assert not Visit.objects.exists()


def test_a_campaign_budget_cannot_be_exceeded(cast):
    person = person_at(cast.village_worker)
    campaign = services.campaign_launch(actor=cast.county_director, name="大走访", kind="special",
                                        starts_on=timezone.localdate() - timedelta(days=5),
                                        ends_on=timezone.localdate() + timedelta(days=5),
                                        budget_per_person=Decimal("500"))
    _record(cast.village_worker, person, campaign_id=campaign.pk, money=Decimal("300"), fund="慰问金")
    with pytest.raises(ValidationError) as refused:
        _record(cast.village_worker, person, campaign_id=campaign.pk, money=Decimal("201"), fund="慰问金")
    assert "money" in refused.value.message_dict and "500" in str(refused.value)
    assert Visit.objects.filter(campaign=campaign).count() == 1


def test_a_campaign_of_another_county_does_not_reach_a_station_here(cast):
    person = person_at(cast.village_worker)
    theirs = services.campaign_launch(actor=cast.outsider, name="雨花台区春节慰问", kind="spring",
                                      starts_on=timezone.localdate(), ends_on=timezone.localdate())
    with pytest.raises(ValidationError) as refused:
        _record(cast.village_worker, person, campaign_id=theirs.pk)
    assert "campaign" in refused.value.message_dict


def test_a_follow_up_owner_must_be_someone_in_the_area(cast):
    person = person_at(cast.village_worker)
    need = services.NeedIn("就医", cast.outsider.pk, timezone.localdate())
    with pytest.raises(ValidationError):
        _record(cast.village_worker, person, needs=[need])
    assert not Visit.objects.exists()


def test_a_leader_may_read_but_not_record(cast):
    from django.core.exceptions import PermissionDenied

    person = person_at(cast.village_worker)
    with pytest.raises(PermissionDenied):
        _record(cast.leader, person)


def test_a_visit_is_seen_by_the_station_and_above_not_by_a_neighbour(cast):
    person = person_at(cast.village_worker)
    visit, _new = _record(cast.village_worker, person)
    for viewer in (cast.village_worker, cast.grid_worker, cast.street_worker, cast.county_director, cast.leader):
        assert Visit.objects.visible_to(viewer).filter(pk=visit.pk).exists()
    for viewer in (cast.village2_worker, cast.outsider, cast.auditor):
        assert not Visit.objects.visible_to(viewer).filter(pk=visit.pk).exists()
    assert unit_at(person.station.region_code) == visit.station


def test_a_signature_is_kept_small_and_a_bad_one_refuses_the_visit(cast):
    person = person_at(cast.village_worker)
    visit, _new = _record(cast.village_worker, person, signature=_jpeg(2000, 600))
    assert Image.open(visit.signature.open("rb")).size == (800, 240)
    fake = SimpleUploadedFile("sign.png", b"no image", content_type="image/png")
    with pytest.raises(ValidationError) as refused:
        _record(cast.village_worker, person, signature=fake)
    assert "signature" in refused.value.message_dict and Visit.objects.count() == 1
