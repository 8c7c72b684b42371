"""The honour wall (荣誉墙): a station's model veterans, on the station's page through core's registry, filtered
by the viewer; bad photos and people outside the scope refused."""

from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from rongjia.visits import wall
from rongjia.visits.models import HonourEntry
from tests.factories import OUTSIDER_COUNTY, VILLAGE_CODE, person_at, unit_at

pytestmark = pytest.mark.django_db


def _png() -> SimpleUploadedFile:
    buffer = BytesIO()
    Image.new("RGB", (1200, 1600), (180, 20, 20)).save(buffer, "PNG")
    return SimpleUploadedFile("肖像.png", buffer.getvalue(), content_type="image/png")


def test_a_model_veteran_on_the_wall_shows_on_the_station_page(cast, client_for):
    person = person_at(cast.village_worker, name="周德胜")
    entry = wall.honour_add(actor=cast.village_worker, unit=unit_at(VILLAGE_CODE), name="周德胜", title="二等功臣",
                            story="参加边境作战荣立二等功，退役后带头创办合作社。", person_id=person.pk, photo=_png())
    assert entry.photo.name.endswith(".jpg")
    page = client_for(cast.county_director).get(f"/stations/{unit_at(VILLAGE_CODE).pk}/").content.decode()
    assert 'data-testid="honour-wall"' in page and "带头创办合作社" in page
    assert client_for(cast.village_worker).get(f"/visits/honour-wall/{entry.pk}/photo").status_code == 200
    assert client_for(cast.outsider).get(f"/visits/honour-wall/{entry.pk}/photo").status_code == 404
    auditor_page = client_for(cast.auditor).get(f"/stations/{unit_at(VILLAGE_CODE).pk}/")
    assert "带头创办合作社" not in auditor_page.content.decode()


def test_bad_input_puts_nobody_on_the_wall(cast):
    fake = SimpleUploadedFile("x.png", b"not an image", content_type="image/png")
    with pytest.raises(ValidationError):
        wall.honour_add(actor=cast.village_worker, unit=unit_at(VILLAGE_CODE), name="某", title="某", story="某",
                        photo=fake)
    stranger = person_at(cast.outsider, code=OUTSIDER_COUNTY + "001001", seq=8)
    with pytest.raises(ValidationError):
        wall.honour_add(actor=cast.village_worker, unit=unit_at(VILLAGE_CODE), name="某", title="某", story="某",
                        person_id=stranger.pk)
    with pytest.raises(ValidationError):
        wall.honour_add(actor=cast.village_worker, unit=unit_at(VILLAGE_CODE), name="", title="某", story="某")
    assert not HonourEntry.objects.exists()


def test_the_wall_page_adds_and_takes_off(cast, client_for):
    client = client_for(cast.village_worker)
    response = client.post("/visits/honour-wall/", {"name": "吴建华", "title": "最美退役军人",
                                                   "story": "扎根乡村二十年。"})
    entry = HonourEntry.objects.get()
    assert response.status_code == 302 and "扎根乡村二十年" in client.get("/visits/honour-wall/").content.decode()
    assert client_for(cast.village2_worker).post(f"/visits/honour-wall/{entry.pk}/remove").status_code == 404
    client.post(f"/visits/honour-wall/{entry.pk}/remove")
    assert not HonourEntry.objects.exists()
