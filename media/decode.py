"""Open untrusted images safely: allowed formats only, pixel limit from the header, full decode."""

from __future__ import annotations

import functools
import struct
import warnings
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from media.formats import ALLOWED_FORMATS, MIME_TYPES, canonical_format
from sync.errors import DomainError, TooLarge, UnsupportedMediaType, ValidationFailed


@dataclass(frozen=True)
class ImageInfo:
    """What an accepted image is: its format, MIME type and pixel size."""

    format: str
    mime: str
    width: int
    height: int


@functools.cache
def _ensure_heif() -> None:
    """Register pillow-heif's opener the first time an image is opened."""
    from pillow_heif import register_heif_opener

    register_heif_opener()


def open_image(path: Path) -> Image.Image:
    """Open an image with only the JPEG, PNG and HEIF plugins enabled."""
    _ensure_heif()
    return Image.open(path, formats=ALLOWED_FORMATS)


def _format_of(im: Image.Image) -> str:
    return canonical_format(im.format)


def inspect_image(path: Path, *, max_pixels: int) -> ImageInfo:
    """Check that `path` is a JPEG, PNG or HEIF within `max_pixels` that decodes completely."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with open_image(path) as im:
                info = _header_info(im, max_pixels)
                im.load()
        except (Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
            raise TooLarge(
                "The image has too many pixels.", code="too_many_pixels", max_pixels=max_pixels
            ) from exc
        except UnidentifiedImageError as exc:
            raise UnsupportedMediaType(
                "Only JPEG, PNG and HEIC images are accepted.",
                code="unsupported_media_type",
                allowed=sorted(MIME_TYPES.values()),
            ) from exc
        except DomainError:
            raise
        # Decoders fed untrusted bytes raise a zoo of types (OSError, SyntaxError, ValueError,
        # struct.error, RuntimeError from libheif...); all of them mean the file is damaged.
        except Exception as exc:
            raise ValidationFailed(
                "The image is damaged or incomplete and cannot be decoded.", code="invalid_image"
            ) from exc
    return info


def _header_info(im: Image.Image, max_pixels: int) -> ImageInfo:
    """Read size and format from the header, refusing oversized images before decoding."""
    width, height = im.size
    if width * height > max_pixels:
        raise TooLarge(
            f"The image is {width}x{height} pixels; at most {max_pixels} pixels are accepted.",
            code="too_many_pixels",
            width=width,
            height=height,
            max_pixels=max_pixels,
        )
    fmt = _format_of(im)
    return ImageInfo(format=fmt, mime=MIME_TYPES[fmt], width=width, height=height)


def load_upright(path: Path, *, min_px: int) -> Image.Image:
    """Decode a stored image upright, JPEG-drafted down to no less than `min_px` a side."""
    with open_image(path) as im:
        if _format_of(im) == "JPEG":
            # Lets libjpeg decode at 1/2, 1/4 or 1/8 scale: much faster for big phone photos.
            im.draft("RGB", (min_px, min_px))
        with warnings.catch_warnings():
            # Pillow warns about EXIF it cannot parse; that only means we cannot rotate.
            warnings.simplefilter("ignore")
            try:
                return ImageOps.exif_transpose(im)
            except (SyntaxError, ValueError, KeyError, TypeError, struct.error):
                return im.copy()
