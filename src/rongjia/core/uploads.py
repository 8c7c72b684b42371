"""Uploads: refused by size while they stream in, and images by their pixel count before decoding
(DESIGN rule 6, 等保 8.1.4.4).

Django's own upload handlers write each file to memory or a temporary file as it arrives and leave the
size check to the code behind the form, after the whole file is on disk. `UploadLimitHandler` stands
first in FILE_UPLOAD_HANDLERS and sees every chunk before them: a file over the limit is read and
dropped, and the form receives a `RefusedUpload` in its place, which the service refuses with its
usual message (`refuse_if_too_big`). Reading the rest of the body, rather than cutting the connection,
lets the page come back with the form and its other fields; a reverse proxy caps the body's length.
"""

from io import BytesIO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopFutureHandlers
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

# Room in a request for the form's other fields and the multipart framing around one file at the limit.
FORM_ROOM_BYTES = 1024 * 1024
IMAGE_FORMATS = ("JPEG", "PNG")


class RefusedUpload(UploadedFile):
    """Stands in for a file the handler refused: its name and the bytes that arrived, no content."""

    refused = True

    def __init__(self, name, content_type, size, charset=None, content_type_extra=None):
        super().__init__(BytesIO(), name, content_type, size, charset, content_type_extra)


class UploadLimitHandler(FileUploadHandler):
    """Keeps every file over settings.UPLOAD_MAX_BYTES away from the handlers that store files."""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.request_too_big = content_length > settings.UPLOAD_MAX_BYTES + FORM_ROOM_BYTES
        return None  # parse as usual

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0
        self.refused = self.request_too_big
        if self.refused:
            raise StopFutureHandlers  # no later handler opens a file for it

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if not self.refused and self.received > settings.UPLOAD_MAX_BYTES:
            self.refused = True
            self._discard_partial_copies()
        return None if self.refused else raw_data  # None: the chunk goes no further

    def file_complete(self, file_size):
        if self.refused:
            return RefusedUpload(self.file_name, self.content_type, self.received, self.charset,
                                 self.content_type_extra)
        return None  # the handler that stored the file returns it

    def _discard_partial_copies(self):
        # The file grew past the limit after the next handlers had begun to store it. Closing their
        # file deletes a temporary one (Django's parser cleans up the same way, by the `file` attribute).
        for handler in self.request.upload_handlers:
            if handler is not self and getattr(handler, "file", None) is not None:
                handler.file.close()


def refuse_if_too_big(upload, *, field: str | None = None) -> None:
    """The size check every upload service makes first, a file the handler refused included."""
    if getattr(upload, "refused", False) or upload.size > settings.UPLOAD_MAX_BYTES:
        raise _error(_("The file is larger than %(mb)d MB.") % {"mb": settings.UPLOAD_MAX_BYTES // (1024 * 1024)},
                     "too_big", field)


def image_open(upload, *, unreadable: str, field: str | None = None) -> Image.Image:
    """A JPEG or PNG opened by its header alone, refused when it declares more than UPLOAD_MAX_PIXELS.

    Nothing is decoded here: the caller decodes (or stores) only what passed. Pillow's own guard fires
    inside Image.open (an error above about 179 million pixels; a warning above half that, which our
    lower limit refuses anyway) and gets the same answer. `unreadable` is the caller's message for
    anything that is not a JPEG or PNG.
    """
    upload.seek(0)
    try:
        image = Image.open(upload, formats=IMAGE_FORMATS)  # only these two parsers see the bytes
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):  # the warning where warnings raise
        raise _too_many_pixels(field) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise _error(unreadable, "image", field) from None
    if image.width * image.height > settings.UPLOAD_MAX_PIXELS:
        raise _too_many_pixels(field)
    return image


def _too_many_pixels(field: str | None) -> ValidationError:
    return _error(_("The image has more than %(megapixels)d million pixels. Upload a smaller one, or the photo "
                    "taken at a lower resolution.") % {"megapixels": settings.UPLOAD_MAX_PIXELS // 1_000_000},
                  "pixels", field)


def _error(message: str, code: str, field: str | None) -> ValidationError:
    error = ValidationError(message, code=code)
    return ValidationError({field: [error]}) if field else error


def image_as_small_jpeg(upload, *, max_side: int, unreadable: str, field: str | None = None) -> tuple[bytes, int, int]:
    """A JPEG or PNG upload checked by its content (not its name) and re-encoded as a JPEG no larger than
    `max_side` on either side: the bytes, the width and the height. Re-encoding drops anything hidden in the
    original file, the phone's location among it."""
    refuse_if_too_big(upload, field=field)
    try:
        image_open(upload, unreadable=unreadable, field=field).verify()  # a damaged or disguised file stops here
        image = image_open(upload, unreadable=unreadable, field=field)  # refused by its pixels before decoding
        image.draft("RGB", (max_side, max_side))  # a JPEG decodes at 1/2 to 1/8 scale, no smaller
        image = image.convert("RGB")
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise _error(unreadable, "image", field) from None
    image.thumbnail((max_side, max_side))
    buffer = BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue(), image.width, image.height


# The first bytes of the formats a scanned letter, a certificate or a signed receipt comes in; the name proves nothing.
DOCUMENT_SIGNATURES = {b"%PDF-": "application/pdf", b"\xff\xd8\xff": "image/jpeg", b"\x89PNG\r\n\x1a\n": "image/png"}


def sniff_content_type(head: bytes) -> str | None:
    return next((kind for magic, kind in DOCUMENT_SIGNATURES.items() if head.startswith(magic)), None)


def checked_document(upload, *, field: str = "file") -> str:
    """A scanned document (PDF, JPEG or PNG) checked by its size and content; its content type, or ValidationError."""
    refuse_if_too_big(upload, field=field)
    if upload.size == 0:
        raise _error(_("The file is empty."), "empty", field)
    content_type = sniff_content_type(upload.read(16))
    upload.seek(0)
    if content_type is None:
        raise _error(_("Attach a PDF, JPEG or PNG file."), "format", field)
    if content_type.startswith("image/"):  # stored as it came, but opened by whoever downloads it
        image_open(upload, unreadable=_("Attach a PDF, JPEG or PNG file."), field=field)
        upload.seek(0)
    return content_type
