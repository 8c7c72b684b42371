"""Uploads (等保 8.1.4.4; issue 15, finding 7). An upload over the limit is refused while it streams in,
before a byte of it is stored, and an image is refused by the pixel count its header declares, before
anything decodes it. Every upload page and the API say why and change nothing."""

import struct
import zlib
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.test import override_settings
from django.utils.translation import gettext
from PIL import Image, ImageFile

from rongjia.demo.network_reference import load_network_reference
from rongjia.network.models import ChecklistEntry, ChecklistItem
from rongjia.network.services import checklist_entry_save
from rongjia.people.models import ImportJob
from rongjia.people.services_records import person_photo_set
from rongjia.petitions.models import Petition, PetitionAttachment
from rongjia.petitions.services_files import attachment_add
from rongjia.worklist.models import Evidence
from rongjia.worklist.services import assignment_report
from tests.factories import VILLAGE_CODE, person_at, unit_at
from tests.petitions.test_workflow import register
from tests.worklist.conftest import assign

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
MB = 1024 * 1024


def png_claiming(width: int, height: int) -> bytes:
    """A PNG of about a hundred bytes whose header claims width × height pixels: a valid IHDR, one tiny
    IDAT. Decoding it would allocate the whole claimed image before finding the data short."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB, no interlace
    return PNG_SIGNATURE + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")


def too_big_message(limit: int) -> str:
    return gettext("The file is larger than %(mb)d MB.") % {"mb": limit // MB}


@pytest.fixture
def dirs(tmp_path):
    """Stored files and Django's temporary upload files each go to a directory the test can look into."""
    media, temp = tmp_path / "media", tmp_path / "temp"
    media.mkdir()
    temp.mkdir()
    with override_settings(MEDIA_ROOT=media, FILE_UPLOAD_TEMP_DIR=temp):
        yield media, temp


@pytest.fixture
def stored(monkeypatch):
    """What Django's temporary-file handler put on disk while the test ran: files opened, bytes written."""
    seen = {"files": 0, "bytes": 0}
    new_file, receive = TemporaryFileUploadHandler.new_file, TemporaryFileUploadHandler.receive_data_chunk

    def counting_new_file(self, *args, **kwargs):
        seen["files"] += 1
        return new_file(self, *args, **kwargs)

    def counting_receive(self, raw_data, start):
        seen["bytes"] += len(raw_data)
        return receive(self, raw_data, start)

    monkeypatch.setattr(TemporaryFileUploadHandler, "new_file", counting_new_file)
    monkeypatch.setattr(TemporaryFileUploadHandler, "receive_data_chunk", counting_receive)
    return seen


@pytest.fixture
def never_decoded(monkeypatch):
    """Any decoding of pixel data fails the test: the checks must read the header only."""
    def load(self):
        raise AssertionError(f"decoded a {self.size} image")

    monkeypatch.setattr(ImageFile.ImageFile, "load", load)


# --- each upload page, posted as a browser would; (response, whether anything was saved) -------------

def post_photo(cast, client, upload):
    person = person_at(cast.village_worker)
    response = client.post(f"/people/{person.pk}/photo/upload", {"photo": upload})
    person.refresh_from_db()
    return response, bool(person.photo)


def post_petition_file(cast, client, upload):
    petition = register(cast.village_worker)
    response = client.post(f"/petitions/{petition.pk}/files/", {"kind": "material", "file": upload}, follow=True)
    return response, PetitionAttachment.objects.exists()


def post_petition_with_material(cast, client, upload):
    form = {"unit": unit_at(VILLAGE_CODE).pk, "channel": "letter", "type": "claim", "category": "housing",
            "subject": "危房改造", "petitioners": "王建国", "material": upload}
    response = client.post("/petitions/new", form)
    return response, Petition.objects.exists()


def post_evidence(cast, client, upload):
    load_network_reference("320115")
    item = ChecklistItem.objects.filter(kind="five_have", jurisdiction_code="320115").order_by("position").first()
    response = client.post(f"/stations/{unit_at(VILLAGE_CODE).pk}/checklist/{item.pk}",
                           {f"item{item.pk}-met": "on", f"item{item.pk}-evidence": upload})
    return response, ChecklistEntry.objects.exists()


def post_ledger(cast, client, upload):
    response = client.post("/people/import/", {"file": upload})
    return response, ImportJob.objects.exists()


UPLOAD_PAGES = [post_photo, post_petition_file, post_petition_with_material, post_evidence, post_ledger]


@pytest.mark.parametrize("post", UPLOAD_PAGES, ids=lambda post: post.__name__)
def test_an_upload_declared_over_the_limit_is_refused_before_a_byte_is_stored(post, cast, client_for, dirs, stored):
    """The audit's case: 25 MB against the 10 MB limit. Django's handlers used to write it all to a
    temporary file first; now no handler opens one, and the page says why."""
    media, temp = dirs
    big = SimpleUploadedFile("big.png", PNG_SIGNATURE + b"\0" * (25 * MB), content_type="image/png")
    response, saved = post(cast, client_for(cast.village_worker), big)
    assert response.status_code == 200 and not saved
    assert too_big_message(10 * MB) in response.content.decode()
    assert stored == {"files": 0, "bytes": 0}
    assert not any(temp.iterdir()) and not any(media.rglob("*.*"))


@override_settings(UPLOAD_MAX_BYTES=100_000, FILE_UPLOAD_MAX_MEMORY_SIZE=0)
@pytest.mark.parametrize("post", [post_photo, post_petition_file], ids=lambda post: post.__name__)
def test_a_file_that_grows_past_the_limit_is_cut_off_as_it_streams(post, cast, client_for, dirs, stored):
    """A request whose declared length passes, but whose file grows past the limit while it is read:
    not one byte beyond the limit reaches the disk, and what did is deleted at once."""
    media, temp = dirs
    grown = SimpleUploadedFile("grown.png", PNG_SIGNATURE + b"\0" * 600_000, content_type="image/png")
    response, saved = post(cast, client_for(cast.village_worker), grown)
    assert response.status_code == 200 and not saved
    assert too_big_message(100_000) in response.content.decode()
    assert stored["bytes"] <= 100_000
    assert not any(temp.iterdir()) and not any(media.rglob("*.*"))


@override_settings(UPLOAD_MAX_BYTES=100_000, FILE_UPLOAD_MAX_MEMORY_SIZE=0)
def test_the_api_refuses_an_upload_over_the_limit_with_its_reason(cast, client, token_for, dirs, stored):
    petition = register(cast.village_worker)
    headers = {"Authorization": f"Bearer {token_for(cast.village_worker)}"}
    for size in (600_000, 2 * MB):  # cut off while streaming; refused by its declared length
        upload = SimpleUploadedFile("big.pdf", b"%PDF-" + b"\0" * size)
        response = client.post(f"/api/v1/petitions/{petition.pk}/attachments", {"file": upload}, headers=headers)
        assert response.status_code == 422 and response.json()["errors"]["file"] == [too_big_message(100_000)]
    assert stored["bytes"] <= 100_000 and not PetitionAttachment.objects.exists()


@override_settings(UPLOAD_MAX_BYTES=100_000, FILE_UPLOAD_MAX_MEMORY_SIZE=0)
def test_the_api_refuses_a_ledger_over_the_limit_with_its_reason(cast, client, token_for, dirs, stored):
    """A ledger sent to the API (issue 17 takes .xlsx, .xls and .csv): over the limit, no job and no file."""
    headers = {"Authorization": f"Bearer {token_for(cast.village_worker)}"}
    for size in (600_000, 2 * MB):  # cut off while streaming; refused by its declared length
        upload = SimpleUploadedFile("台账.csv", "姓名,身份证号\n".encode() + b"0" * size)
        response = client.post("/api/v1/people/import", {"file": upload}, headers=headers)
        assert response.status_code == 422 and response.json()["errors"]["file"] == [too_big_message(100_000)]
    media, temp = dirs
    assert stored["bytes"] <= 100_000 and not ImportJob.objects.exists()
    assert not any(temp.iterdir()) and not any(media.rglob("*.*"))


# --- images: refused by the pixels their header declares, before anything decodes them -------------------

def pixel_refusal(error: ValidationError) -> bool:
    errors = [e for errors in error.error_dict.values() for e in errors] if hasattr(error, "error_dict") else [error]
    return any(getattr(e, "code", None) == "pixels" for e in errors)


def photo_service(cast, upload):
    person_photo_set(actor=cast.village_worker, person=person_at(cast.village_worker), upload=upload)


def attachment_service(cast, upload):
    attachment_add(actor=cast.village_worker, petition=register(cast.village_worker), kind="material", upload=upload)


def evidence_service(cast, upload):
    load_network_reference("320115")
    item = ChecklistItem.objects.filter(kind="five_have", jurisdiction_code="320115").order_by("position").first()
    checklist_entry_save(actor=cast.village_worker, unit=unit_at(VILLAGE_CODE), item=item, met=True, evidence=upload)


def task_photo_service(cast, upload):
    part = assign(cast.county_director).assignments.get(region_code=VILLAGE_CODE)
    assignment_report(actor=cast.village_worker, assignment_id=part.pk, progress=10, photos=[upload])


def task_file_service(cast, upload):
    part = assign(cast.county_director).assignments.get(region_code=VILLAGE_CODE)
    assignment_report(actor=cast.village_worker, assignment_id=part.pk, progress=10, files=[upload])


@pytest.mark.parametrize("service", [photo_service, attachment_service, evidence_service, task_photo_service,
                                     task_file_service], ids=lambda service: service.__name__)
@pytest.mark.parametrize("width, height", [(20000, 20000), (10000, 10000), (8000, 8000)],
                         ids=["over Pillow's limit", "over Pillow's warning", "over ours"])
def test_an_image_claiming_too_many_pixels_is_refused_before_decoding(service, width, height, cast, dirs,
                                                                      never_decoded):
    """20000 × 20000 used to raise Pillow's DecompressionBombError (a 500); 8000 × 8000 passed Pillow's
    check and was decoded whole (192 MB of pixels) for a photo, and stored as it came otherwise."""
    media, _temp = dirs
    with pytest.raises(ValidationError) as refused:
        service(cast, SimpleUploadedFile("bomb.png", png_claiming(width, height)))
    assert pixel_refusal(refused.value)
    assert not PetitionAttachment.objects.exists() and not ChecklistEntry.objects.exists()
    assert not Evidence.objects.exists()
    assert not any(media.rglob("*.*"))


@pytest.mark.parametrize("service", [attachment_service, evidence_service, task_photo_service, task_file_service],
                         ids=lambda service: service.__name__)
def test_an_image_that_is_only_its_magic_bytes_is_refused(service, cast, dirs):
    """Its first bytes say PNG, but no header follows to count its pixels: refused as not an image."""
    with pytest.raises(ValidationError) as refused:
        service(cast, SimpleUploadedFile("fake.png", PNG_SIGNATURE + b"\0" * 64))
    assert not pixel_refusal(refused.value)
    assert not PetitionAttachment.objects.exists() and not ChecklistEntry.objects.exists()


def test_the_photo_page_answers_a_pixel_bomb_with_its_reason(cast, client_for, dirs):
    response, saved = post_photo(cast, client_for(cast.village_worker),
                                 SimpleUploadedFile("bomb.png", png_claiming(20000, 20000)))
    assert response.status_code == 200 and not saved
    form = response.context["form"]
    assert form.has_error("photo", "pixels") and form.errors["photo"][0] in response.content.decode()


def test_the_api_answers_a_pixel_bomb_with_422(cast, client, token_for, dirs):
    petition = register(cast.village_worker)
    response = client.post(f"/api/v1/petitions/{petition.pk}/attachments",
                           {"file": SimpleUploadedFile("bomb.png", png_claiming(20000, 20000))},
                           headers={"Authorization": f"Bearer {token_for(cast.village_worker)}"})
    assert response.status_code == 422 and "file" in response.json()["errors"]
    assert not PetitionAttachment.objects.exists()


def test_a_phone_photo_within_the_limits_is_still_taken(cast, dirs):
    """12 megapixels, as a phone takes them: accepted, and stored re-encoded at most 800 pixels a side."""
    camera = BytesIO()
    Image.new("RGB", (4000, 3000), (200, 30, 30)).save(camera, "JPEG", quality=80)
    person = person_at(cast.village_worker)
    person_photo_set(actor=cast.village_worker, person=person, upload=SimpleUploadedFile("me.jpg", camera.getvalue()))
    person.refresh_from_db()
    with person.photo.open("rb") as stored_photo, Image.open(stored_photo) as image:
        assert image.format == "JPEG" and max(image.size) == 800
