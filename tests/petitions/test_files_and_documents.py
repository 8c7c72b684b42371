"""Files on a petition (checked by content, served only through the scoped view) and the printed
告知书/意见书 of each step."""

from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.test import override_settings
from pypdf import PdfReader

from rongjia.petitions.models import Petition, PetitionAttachment
from rongjia.petitions.services_files import attachment_add, attachment_remove
from tests.factories import VILLAGE_CODE, small_png, unit_at
from tests.petitions.test_workflow import REPLY, register, step

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(tmp_path):
    with override_settings(MEDIA_ROOT=tmp_path):
        yield tmp_path


def upload(name="来信.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def test_files_are_checked_by_content_and_stored_under_a_random_name(cast, django_capture_on_commit_callbacks):
    petition = register(cast.village_worker)
    letter = attachment_add(actor=cast.village_worker, petition=petition, kind="material", upload=upload())
    photo = attachment_add(actor=cast.village_worker, petition=petition, kind="material",
                           upload=upload("现场.png", small_png()))
    assert (letter.content_type, photo.content_type) == ("application/pdf", "image/png")
    assert "来信" not in letter.file.name and letter.file.name.endswith(".pdf")
    for bad in (upload("伪装.pdf", b"MZ\x90\x00 not a pdf"), upload("空.pdf", b"")):
        with pytest.raises(ValidationError):
            attachment_add(actor=cast.village_worker, petition=petition, kind="material", upload=bad)
    with pytest.raises(ValidationError):
        attachment_add(actor=cast.village_worker, petition=petition, kind="secret", upload=upload())
    with pytest.raises(Http404):
        attachment_add(actor=cast.village2_worker, petition=petition, kind="material", upload=upload())
    assert PetitionAttachment.objects.count() == 2
    stored = letter.file.name
    with pytest.raises(Http404):
        attachment_remove(actor=cast.village2_worker, attachment=letter)
    with django_capture_on_commit_callbacks(execute=True):
        attachment_remove(actor=cast.village_worker, attachment=letter)
    assert not letter.file.storage.exists(stored) and PetitionAttachment.objects.count() == 1


def test_download_only_inside_the_scope(cast, client_for):
    petition = register(cast.village_worker)
    client = client_for(cast.village_worker)
    response = client.post(f"/petitions/{petition.pk}/files/", {"kind": "material", "file": upload()})
    assert response.status_code == 302
    attachment = PetitionAttachment.objects.get()
    url = f"/petitions/{petition.pk}/files/{attachment.pk}"
    got = client_for(cast.county_director).get(url)
    assert got.status_code == 200 and b"".join(got.streaming_content) == PDF
    assert client_for(cast.village2_worker).get(url).status_code == 404
    refused = client.post(f"/petitions/{petition.pk}/files/", {"kind": "material", "file": upload("x.pdf", b"<html>")})
    assert refused.status_code == 302 and PetitionAttachment.objects.count() == 1
    assert "PDF" in client.get(f"/petitions/{petition.pk}/").content.decode()  # the reason is shown


def test_each_step_prints_its_document(cast, client_for):
    petition = step(cast.village_worker, register(cast.village_worker), "accept")
    petition = step(cast.village_worker, petition, "reply", outcome="explain", reply_text=REPLY)
    client = client_for(cast.village_worker)
    page = client.get(f"/petitions/{petition.pk}/").content.decode()
    assert "信访事项受理告知书" in page and "信访事项处理意见书" in page
    reply_event = petition.events.get(action="reply")
    response = client.get(f"/petitions/{petition.pk}/documents/{reply_event.pk}.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    text = "".join(p.extract_text() for p in PdfReader(BytesIO(response.content)).pages)
    assert "处理意见书" in text and "解释说明" in text and "30日内" in text
    register_event = petition.events.get(action="register")  # registration prints nothing
    assert client.get(f"/petitions/{petition.pk}/documents/{register_event.pk}.pdf").status_code == 404
    assert client_for(cast.village2_worker).get(
        f"/petitions/{petition.pk}/documents/{reply_event.pk}.pdf").status_code == 404


def test_a_letter_attached_at_registration_and_a_bad_one_refuses_the_whole(cast, client_for):
    client = client_for(cast.village_worker)
    form = {"unit": unit_at(VILLAGE_CODE).pk, "channel": "letter", "type": "claim", "category": "housing",
            "subject": "危房改造", "petitioners": "王建国"}
    refused = client.post("/petitions/new", {**form, "material": upload("来信.pdf", b"GIF89a")})
    assert refused.status_code == 200 and not Petition.objects.exists() and not PetitionAttachment.objects.exists()
    assert client.post("/petitions/new", {**form, "material": upload()}).status_code == 302
    assert Petition.objects.get().attachments.get().name == "来信.pdf"


def test_the_attachments_api(cast, client, token_for):
    petition = register(cast.village_worker)
    url = f"/api/v1/petitions/{petition.pk}/attachments"
    headers = {"Authorization": f"Bearer {token_for(cast.village_worker)}"}
    created = client.post(url, {"kind": "reply", "file": upload("签收.pdf")}, headers=headers)
    assert created.status_code == 201 and created.json()["kind"] == "reply"
    refused = client.post(url, {"file": upload("x.pdf", b"not a pdf")}, headers=headers)
    assert refused.status_code == 422 and PetitionAttachment.objects.count() == 1
    assert [a["name"] for a in client.get(url, headers=headers).json()] == ["签收.pdf"]
    outsider = {"Authorization": f"Bearer {token_for(cast.village2_worker)}"}
    assert client.get(url, headers=outsider).status_code == 404
    assert client.post(url, {"file": upload()}, headers=outsider).status_code == 404
