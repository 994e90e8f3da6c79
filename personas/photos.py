"""Persona photos: what an upload must be, and what is kept of it.

An upload is capped in bytes while it arrives (`PhotoUploadHandler`), must be a JPEG, PNG or
WebP image of at most `PHOTO_MAX_PIXELS` (checked from the header, before any decoding),
must hold nothing after the image's end and no markup, and is then decoded and encoded
afresh. Only pixels survive: EXIF (GPS, camera, thumbnails), ICC profiles, text chunks and
comments are dropped. The stored name is a new UUID with the extension of what was stored;
the client's file name is never used."""

from __future__ import annotations

import io
import re
import uuid
import warnings
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from PIL import Image, ImageOps, UnidentifiedImageError
from rest_framework import status
from rest_framework.exceptions import APIException

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
DEFAULT_MAX_PIXELS = 25_000_000
# Larger photos are scaled down to fit this square; a persona photo is shown small.
MAX_SIDE = 2048
# Room for the multipart envelope (boundaries, part headers, a few small fields).
ENVELOPE_BYTES = 64 * 1024
ALLOWED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "png"}
CONTENT_TYPES = {"jpg": "image/jpeg", "png": "image/png"}
PHOTO_DIR = "personas/"
# Markup or another format inside an image means the file is also something else.
_POLYGLOT = re.compile(
    rb"<\s*(script|html|body|svg|iframe|object|embed|meta|\?php|!doctype)|%PDF-",
    re.IGNORECASE,
)


def max_bytes() -> int:
    return int(getattr(settings, "PHOTO_MAX_BYTES", DEFAULT_MAX_BYTES))


def max_pixels() -> int:
    return int(getattr(settings, "PHOTO_MAX_PIXELS", DEFAULT_MAX_PIXELS))


# Pillow refuses (DecompressionBombError) anything over twice this; we refuse over it.
Image.MAX_IMAGE_PIXELS = max_pixels()


class PhotoTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too_large"
    default_detail = "the photo is too large"


class PhotoRejected(ValueError):
    """The upload is not a photo we keep; the message says why."""


@dataclass(frozen=True)
class Photo:
    content: bytes
    extension: str

    @property
    def name(self) -> str:
        return f"{PHOTO_DIR}{uuid.uuid4().hex}.{self.extension}"


def too_large_message() -> str:
    return f"the photo is larger than {max_bytes() // (1024 * 1024) or 1} MB"


class PhotoUploadHandler(FileUploadHandler):
    """Keeps uploaded files in memory and stops the request as soon as their bytes pass
    `limit`, whatever Content-Length claimed (or whether it was sent at all)."""

    def __init__(self, request: Any = None, *, limit: int) -> None:
        super().__init__(request)
        self.limit = limit
        self.received = 0
        self.buffer = io.BytesIO()

    def handle_raw_input(self, *args: Any, **kwargs: Any) -> None:
        return None

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.buffer = io.BytesIO()

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        self.received += len(raw_data)
        if self.received > self.limit:
            raise PhotoTooLarge(too_large_message())
        self.buffer.write(raw_data)
        return None

    def file_complete(self, file_size: int) -> InMemoryUploadedFile:
        self.buffer.seek(0)
        return InMemoryUploadedFile(
            file=self.buffer,
            field_name=self.field_name,
            name=self.file_name,
            content_type=self.content_type,
            size=file_size,
            charset=self.charset,
            content_type_extra=self.content_type_extra,
        )


def check_content_length(meta: dict[str, Any]) -> None:
    """Refuse a request whose declared body is too large before any of it is read."""
    try:
        length = int(meta.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > max_bytes() + ENVELOPE_BYTES:
        raise PhotoTooLarge(too_large_message())


def process_photo(data: bytes) -> Photo:
    """Check an upload and encode it afresh; raises PhotoRejected saying what is wrong."""
    if len(data) > max_bytes():
        raise PhotoTooLarge(too_large_message())
    if not data:
        raise PhotoRejected("the file is empty")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=list(ALLOWED_FORMATS)) as image:
                kind = image.format or ""
                width, height = image.size
                if width * height > max_pixels():
                    raise PhotoRejected(
                        f"the image is {width}×{height}; at most {max_pixels() // 1_000_000}"
                        " megapixels are accepted"
                    )
                image.load()
                _refuse_polyglot(data, kind)
                pixels = ImageOps.exif_transpose(image) or image
                pixels = _flatten(pixels)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise PhotoRejected(
            f"the image has more than {max_pixels() // 1_000_000} megapixels"
        ) from None
    except UnidentifiedImageError:
        raise PhotoRejected("the file is not a JPEG, PNG or WebP image") from None
    except (OSError, SyntaxError, ValueError) as error:
        if isinstance(error, PhotoRejected):
            raise
        raise PhotoRejected("the image is damaged or truncated") from None
    if max(pixels.size) > MAX_SIDE:
        pixels.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    extension = ALLOWED_FORMATS[kind]
    if extension == "jpg" and pixels.mode not in ("RGB", "L"):
        pixels = pixels.convert("RGB")
    out = io.BytesIO()
    if extension == "jpg":
        pixels.save(out, format="JPEG", quality=88, optimize=True)
    else:
        pixels.save(out, format="PNG", optimize=True)
    return Photo(content=out.getvalue(), extension=extension)


def _flatten(image: Image.Image) -> Image.Image:
    """A copy in a plain mode, holding pixels only (no info, no EXIF)."""
    if image.mode in ("RGB", "RGBA", "L", "LA"):
        target = image.mode
    elif image.mode == "P" and "transparency" in image.info:
        target = "RGBA"
    elif image.mode == "CMYK":
        target = "RGB"
    else:
        target = "RGBA" if "A" in image.getbands() else "RGB"
    plain = Image.new(target, image.size)
    plain.paste(image.convert(target))
    return plain


def _refuse_polyglot(data: bytes, kind: str) -> None:
    """An image that is also another file: data after its end, or markup inside it."""
    if not _ends_where_it_should(data, kind):
        raise PhotoRejected("the file holds data after the image; send a plain image")
    if _POLYGLOT.search(data) or (b"PK\x03\x04" in data and b"PK\x05\x06" in data):
        raise PhotoRejected("the file holds markup or another format; send a plain image")


def _ends_where_it_should(data: bytes, kind: str) -> bool:
    body = data.rstrip(b"\x00")
    if kind == "JPEG":
        return body.endswith(b"\xff\xd9")
    if kind == "PNG":
        return body.endswith(b"IEND\xae\x42\x60\x82")
    if kind == "WEBP":
        declared = int.from_bytes(data[4:8], "little") + 8
        return data[:4] == b"RIFF" and len(data) in (declared, declared + 1)
    return False


def content_type_of(name: str) -> str:
    return CONTENT_TYPES.get(name.rsplit(".", 1)[-1].lower(), "application/octet-stream")
