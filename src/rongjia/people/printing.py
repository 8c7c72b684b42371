"""PDF printables through WeasyPrint: contact cards, 一人一册, and (later) reports.

The font is a whole Noto Sans CJK SC file named in @font-face. Web fonts split by
unicode-range (as @fontsource ships them) make WeasyPrint pick wrong glyphs, so they are never
used here. The file comes from the pip package noto-cjk-sans-otc, a collection of ten faces:
the Simplified Chinese face is extracted once into var/fonts (Japanese forms of 骨, 直… are
wrong in a Chinese document). Debian's fonts-noto-cjk is used instead when it is installed.
"""

import base64
import os
from functools import lru_cache
from io import BytesIO
from pathlib import Path

import qrcode
from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string
from qrcode.image.svg import SvgPathImage

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


def pdf_response(pdf: bytes, filename: str, *, ascii_name: str = "rongjia.pdf") -> HttpResponse:
    from urllib.parse import quote

    response = HttpResponse(pdf, content_type="application/pdf")
    # filename= is an ASCII fallback for old clients; filename*= carries the Chinese name (RFC 6266).
    response["Content-Disposition"] = f"inline; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    response["Cache-Control"] = "private, no-store"
    return response
