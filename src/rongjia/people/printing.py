"""PDF printables through WeasyPrint: contact cards (one, or a batch made as a background job), 一人一册, and
(later) reports.

The font is a whole Noto Sans CJK SC file named in @font-face. Web fonts split by
unicode-range (as @fontsource ships them) make WeasyPrint pick wrong glyphs, so they are never
used here. The file comes from the pip package noto-cjk-sans-otc, a collection of ten faces:
the Simplified Chinese face is extracted once into var/fonts (Japanese forms of 骨, 直… are
wrong in a Chinese document). Debian's fonts-noto-cjk is used instead when it is installed.
"""

import base64
import os
from collections.abc import Callable
from functools import lru_cache
from io import BytesIO
from pathlib import Path
from urllib.parse import urljoin

import qrcode
from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from qrcode.image.svg import SvgPathImage

from rongjia.core.exports import content_disposition
from rongjia.network.models import StaffMember

DEBIAN_SC = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
SC_FACE_NAME = "Noto Sans CJK SC"


@lru_cache(maxsize=1)
def cjk_font_path() -> Path:
    """A whole font file holding the Simplified Chinese face."""
    target = Path(settings.VAR_DIR) / "fonts" / "NotoSansCJKsc-Regular.otf"
    if target.exists():
        return target
    import noto_cjk_sans_otc
    from fontTools.ttLib import TTCollection

    source = Path(noto_cjk_sans_otc.__file__).parent / "NotoSansCJK-Regular.ttc"
    if not source.exists() and DEBIAN_SC.exists():
        source = DEBIAN_SC
    collection = TTCollection(str(source), lazy=True)
    face = next(font for font in collection.fonts if font["name"].getDebugName(1) == SC_FACE_NAME)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".part")
    face.save(str(partial))
    os.replace(partial, target)  # another process may be extracting too: the rename is atomic
    return target


def font_face_css() -> str:
    return (f'@font-face {{ font-family: "RongjiaCJK"; src: url("{cjk_font_path().as_uri()}"); }}\n'
            'html { font-family: "RongjiaCJK", sans-serif; }')


def qr_svg(url: str) -> str:
    """A QR code as an inline SVG data URI (vector, so it prints sharp at any size)."""
    image = qrcode.make(url, image_factory=SvgPathImage, box_size=10, border=1)
    buffer = BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def image_data_uri(field_file) -> str:
    """A stored image (e.g. Person.photo) as a data URI, read through its storage.

    Not a file:// path: the storage need not be on this disk, and a missing file should leave
    the booklet without a photo rather than fail. Photos are saved as JPEG by the records service.
    """
    if not field_file:
        return ""
    try:
        with field_file.open("rb") as stored:
            data = stored.read()
    except OSError:
        return ""
    kind = "png" if data.startswith(b"\x89PNG") else "jpeg"
    return f"data:image/{kind};base64," + base64.b64encode(data).decode()


def render_pdf(request, template: str, context: dict) -> bytes:
    from weasyprint import HTML  # heavy: imported when a PDF is made, not at start-up

    html = render_to_string(template, {**context, "font_css": font_face_css()}, request=request)
    return HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()


# --- contact cards -----------------------------------------------------------------------------------------

CARDS_PER_PAGE = 8
PAGES_PER_CHUNK = 10  # laid out at a time: the progress page moves every 80 cards


def card_entries(people, base_url: str) -> list[dict]:
    """One card per person: the person, the station, its worker and a QR code to the station's page.

    `base_url` is the site's address as the asker reached it (a job has no request): the QR code opens the
    station's public page from a phone. A station's worker and code are looked up once per station.
    """
    stations, cards = {}, []
    for person in people:
        station = person.station
        if station.pk not in stations:
            worker = StaffMember.objects.filter(unit=station, active=True).first()
            url = urljoin(base_url, reverse("network:station_detail", args=[station.pk]))
            stations[station.pk] = {"station": station, "worker": worker, "qr": qr_svg(url),
                                    "worker_phone": worker.phone if worker else ""}
        cards.append({"person": person, **stations[station.pk]})
    return cards


def card_pages(cards: list[dict]) -> list[list[dict]]:
    return [cards[i:i + CARDS_PER_PAGE] for i in range(0, len(cards), CARDS_PER_PAGE)]


def lay_out_cards(cards: list[dict], *, base_url: str, laid_out: Callable[[int], None] | None = None):
    """The cards, 8 to an A4 page, laid out PAGES_PER_CHUNK pages at a time: a WeasyPrint document to write.

    WeasyPrint lays a document out in one call, so a sheet of 559 cards would say nothing for a minute:
    laid out in chunks, each chunk reports its cards through `laid_out`, and the chunks' pages are joined
    into one document (one font configuration for all of them, so the font is embedded once).
    """
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    fonts, documents, font_css = FontConfiguration(), [], font_face_css()
    pages = card_pages(cards) or [[]]
    for start in range(0, len(pages), PAGES_PER_CHUNK):
        chunk = pages[start:start + PAGES_PER_CHUNK]
        html = render_to_string("people/print_cards.html", {"pages": chunk, "font_css": font_css})
        documents.append(HTML(string=html, base_url=base_url).render(font_config=fonts))
        if laid_out:
            laid_out(sum(len(page) for page in chunk))
    return documents[0].copy([page for document in documents for page in document.pages])


def cards_pdf(cards: list[dict], *, base_url: str) -> bytes:
    return lay_out_cards(cards, base_url=base_url).write_pdf()


def pdf_response(pdf: bytes, filename: str, *, ascii_name: str = "rongjia.pdf") -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition(filename, ascii_name=ascii_name, inline=True)
    response["Cache-Control"] = "private, no-store"
    return response
