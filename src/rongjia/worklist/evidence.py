"""Evidence a unit hands in: a file must be a PDF, an image or an Office workbook/document (read from its first
bytes, never its name); a photo must be a picture, stored re-encoded and small. Everything is checked before anything
is written, so one bad file refuses the whole report."""

import io
import zipfile
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from rongjia.core.uploads import image_as_small_jpeg, image_open, refuse_if_too_big

PHOTO_MAX_SIDE = 1600
MAX_PER_REPORT = 10
SIGNATURES = {b"%PDF-": "application/pdf", b"\xff\xd8\xff": "image/jpeg", b"\x89PNG\r\n\x1a\n": "image/png"}
OFFICE = {"word/": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
          "xl/": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


@dataclass(frozen=True)
class CheckedFile:
    kind: str  # "file" or "photo"
    name: str
    content: bytes
    content_type: str


def file_type(content: bytes) -> str | None:
    for magic, kind in SIGNATURES.items():
        if content.startswith(magic):
            return kind
    if content.startswith(b"PK\x03\x04"):
        try:
            names = zipfile.ZipFile(io.BytesIO(content)).namelist()
        except zipfile.BadZipFile:
            return None
        return next((kind for folder, kind in OFFICE.items() if any(n.startswith(folder) for n in names)), None)
    return None


def checked(files, photos) -> list[CheckedFile]:
    files, photos = list(files or []), list(photos or [])
    if len(files) + len(photos) > MAX_PER_REPORT:
        raise ValidationError({"files": _("At most %(n)d files and photos in one report.") % {"n": MAX_PER_REPORT}})
    result = []
    for upload in files:
        refuse_if_too_big(upload, field="files")
        content = upload.read()
        kind = file_type(content)
        if kind is None:
            raise ValidationError({"files": _("“%(name)s” is not a PDF, picture, Word or Excel file.") % {
                "name": upload.name}})
        if kind.startswith("image/"):  # a picture kept as a file is still opened by its header: pixels, damage
            image_open(upload, field="files", unreadable=_("“%(name)s” is not a readable picture.") % {
                "name": upload.name}).verify()
        result.append(CheckedFile("file", upload.name[:200], content, kind))
    for upload in photos:
        content, _w, _h = image_as_small_jpeg(upload, max_side=PHOTO_MAX_SIDE, field="photos", unreadable=_(
            "“%(name)s” is not a photo (JPEG or PNG).") % {"name": upload.name})
        result.append(CheckedFile("photo", upload.name[:200], content, "image/jpeg"))
    return result
