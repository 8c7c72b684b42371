"""PDF printables: the text a PDF holds is the person's (right glyphs, whole CJK font), masked, and scoped."""

import io

import pytest
from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from pypdf import PdfReader

from rongjia.core import contributions
from rongjia.core.masking import mask_id_number
from rongjia.people import timeline
from rongjia.people.services_records import person_photo_set
from tests.core.file_jobs import made_file
from tests.factories import VILLAGE2_CODE, StaffMemberFactory, person_at, small_png

PHONE = "13912345678"


def pdf_text(response) -> list[str]:
    assert response["Content-Type"] == "application/pdf"
    return [page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages]


@pytest.fixture
def sheet_of_cards(settings, tmp_path, django_capture_on_commit_callbacks):
    """The text of each page of the list's batch of cards, made as its background job: sheet_of_cards(client)."""
    settings.MEDIA_ROOT = tmp_path

    def make(client, query: str = "") -> list[str]:
        _job, content = made_file(client, f"/people/cards/?{query}", django_capture_on_commit_callbacks)
        return [page.extract_text() for page in PdfReader(io.BytesIO(content)).pages]

    return make


@pytest.fixture
def person(cast):
    return person_at(cast.village_worker, name="张卫国", phone=PHONE)


def test_a_contact_card_holds_the_name_station_worker_and_a_qr_code(cast, client_for, person):
    StaffMemberFactory(unit=person.station, name="刘专干", phone="025-52710000")
    response = client_for(cast.village_worker).get(f"/people/{person.pk}/card.pdf")
    [text] = pdf_text(response)
    assert "张卫国" in text and person.station.name in text and "刘专干" in text
    reader = PdfReader(io.BytesIO(response.content))
    assert "/XObject" in reader.pages[0]["/Resources"] or b"/Image" in response.content or b"/Form" in response.content


def test_a_sheet_prints_eight_cards_to_a_page(cast, client_for, sheet_of_cards):
    names = [f"王{n}强" for n in "一二三四五六七八九"]
    for n, name in enumerate(names):
        person_at(cast.village_worker, name=name, seq=n + 10)
    pages = sheet_of_cards(client_for(cast.village_worker))
    assert len(pages) == 2
    assert sum(name in pages[0] for name in names) == 8 and sum(name in pages[1] for name in names) == 1


def test_the_booklet_is_masked_audited_and_complete(cast, client_for, person, tmp_path, monkeypatch):
    def visits(viewer, person, pks):  # what the visits module will register with core's registry
        yield timeline.Entry(timeline.start_of(person.created_at.date()), "visit", "入户走访：身体尚好")

    section = contributions.DossierContribution(key="visits", capability="people.view", entries=visits,
                                                booklet_title="走访慰问")
    monkeypatch.setitem(contributions._DOSSIER, "visits", section)
    with override_settings(MEDIA_ROOT=tmp_path):
        person_photo_set(actor=cast.village_worker, person=person, upload=SimpleUploadedFile("a.png", small_png()))
        response = client_for(cast.county_director).get(f"/people/{person.pk}/booklet.pdf")
    text = "".join(pdf_text(response))
    assert "张卫国" in text and "一人一册" in text and "新增" in text
    assert "走访慰问" in text and "入户走访：身体尚好" in text  # the registered section, under its own title
    assert person.id_number not in text and PHONE not in text and mask_id_number(person.id_number) in text
    assert b"/Subtype /Image" in response.content  # the photo, read from storage
    assert response["Content-Disposition"].startswith("inline; filename=")
    entry = LogEntry.objects.get(action=LogEntry.Action.ACCESS, object_pk=str(person.pk))
    assert entry.actor == cast.county_director and entry.additional_data["what"] == "booklet"


def test_printables_are_scoped(cast, client_for, person, sheet_of_cards):
    for url in (f"/people/{person.pk}/card.pdf", f"/people/{person.pk}/booklet.pdf"):
        assert client_for(cast.outsider).get(url).status_code == 404
        assert client_for(cast.village2_worker).get(url).status_code == 404
    person_at(cast.village2_worker, code=VILLAGE2_CODE, name="李建军", seq=2)
    sheet = "".join(sheet_of_cards(client_for(cast.village2_worker)))
    assert "李建军" in sheet and "张卫国" not in sheet
    # the refused booklets read nothing; the sheet is a bulk export of names, recorded as one
    logged = LogEntry.objects.filter(action=LogEntry.Action.ACCESS)
    assert [(e.actor, e.additional_data["what"], e.additional_data["rows"]) for e in logged] == [
        (cast.village2_worker, "export", 1)]


def test_the_font_is_a_whole_simplified_chinese_face():
    from fontTools.ttLib import TTFont

    from rongjia.people.printing import cjk_font_path

    font = TTFont(str(cjk_font_path()), lazy=True)
    assert font["name"].getDebugName(1) == "Noto Sans CJK SC"
    assert len(font.getGlyphOrder()) > 60_000  # the whole face, not a unicode-range slice


def test_a_sheet_too_long_or_empty_is_refused_with_a_message(cast, client_for, person, monkeypatch):
    monkeypatch.setattr("rongjia.people.files.MAX_CARDS", 0)
    response = client_for(cast.village_worker).post("/people/cards/?q=张", follow=True)
    assert response["Content-Type"].startswith("text/html") and response.redirect_chain[0][0].endswith("?q=%E5%BC%A0")
    assert "最多 0 人" in str(list(response.context["messages"])[0])
    monkeypatch.setattr("rongjia.people.files.MAX_CARDS", 2000)
    response = client_for(cast.village_worker).post("/people/cards/?q=nobody", follow=True)
    assert response["Content-Type"].startswith("text/html") and list(response.context["messages"])


def test_the_leader_reads_a_card_but_not_without_people_view(cast, client_for, person):
    assert client_for(cast.leader).get(f"/people/{person.pk}/card.pdf")["Content-Type"] == "application/pdf"
    assert client_for(cast.auditor).get(f"/people/{person.pk}/card.pdf").status_code in (403, 404)
