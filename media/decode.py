"""Open untrusted images safely: allowed formats only, decode cost bounded from the header."""

from __future__ import annotations

import functools
import struct
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from media.formats import ALLOWED_FORMATS, MIME_TYPES, canonical_format
from sync.errors import DomainError, TooLarge, UnsupportedMediaType, ValidationFailed

# Thumbnails fit this box, and the upload's one decode is made at least this large so that the
# thumbnail and the perceptual hash come from it rather than from a second decode.
PREVIEW_PX = 800
# Camera photos up to this size are decoded and used as they are (JPEGs DCT-scaled).
_REDUCE_ABOVE_PIXELS = 16_000_000


@dataclass(frozen=True)
class DecodeLimits:
    """How large an image may be, judged from its header before a single pixel is decoded."""

    max_pixels: int = 50_000_000
    # Pillow keeps a row pointer per line and decoders keep per-line buffers, so a 1 x 50,000,000
    # picture costs hundreds of MB at a legal pixel count; 16,384 fits any phone or panorama.
    max_side: int = 16_384
    # Camera photos carry 2-15 pixels per byte of file (a black frame from a phone ~30); only a
    # crafted or synthetic file claims more, and it would make a tiny upload cost a big decode.
    max_pixels_per_byte: int = 100
    # Small pictures may compress as well as they like (a blank signature, a screenshot).
    ratio_free_pixels: int = 4_000_000


DEFAULT_LIMITS = DecodeLimits()


@dataclass(frozen=True)
class ImageInfo:
    """What an accepted image is: its format, MIME type and pixel size.

    `preview` is the upright picture as decoded for the check, at least PREVIEW_PX a side
    (JPEGs are decoded DCT-scaled), so that later steps need not decode the file again.
    """

    format: str
    mime: str
    width: int
    height: int
    preview: Image.Image | None = field(default=None, compare=False, repr=False)


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


def inspect_image(
    path: Path, *, max_pixels: int, max_side: int = DEFAULT_LIMITS.max_side
) -> ImageInfo:
    """Check that `path` is a JPEG, PNG or HEIF within the limits that decodes completely."""
    limits = DecodeLimits(max_pixels=max_pixels, max_side=max_side)
    with _refusing_bombs(limits):
        try:
            with open_image(path) as im:
                info = _header_info(im, Path(path).stat().st_size, limits)
                # A DCT-scaled JPEG decode still entropy-decodes every block, so truncated or
                # broken data fails here as it would in a full decode, at a fraction of the cost.
                preview = _decode_upright(im, PREVIEW_PX)
        except (Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
            raise _pillow_bomb(limits) from exc
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
    return ImageInfo(info.format, info.mime, info.width, info.height, preview=preview)


@contextmanager
def _refusing_bombs(limits: DecodeLimits) -> Iterator[None]:
    """Turn Pillow's own decompression-bomb warning and error into a 413."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            yield
        except (Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
            raise _pillow_bomb(limits) from exc


def _pillow_bomb(limits: DecodeLimits) -> TooLarge:
    return TooLarge(
        "The image has too many pixels.", code="too_many_pixels", max_pixels=limits.max_pixels
    )


def _header_info(im: Image.Image, file_size: int, limits: DecodeLimits) -> ImageInfo:
    """Read size and format from the header, refusing what would be costly to decode."""
    width, height = im.size
    check_limits(width, height, file_size, limits)
    fmt = _format_of(im)
    return ImageInfo(format=fmt, mime=MIME_TYPES[fmt], width=width, height=height)


def check_limits(width: int, height: int, file_size: int, limits: DecodeLimits) -> None:
    """Raise TooLarge if a `width` x `height` image in `file_size` bytes is too costly to decode."""
    pixels = width * height
    if max(width, height) > limits.max_side:
        raise TooLarge(
            f"The image is {width}x{height} pixels; at most {limits.max_side} pixels a side are "
            "accepted.",
            code="side_too_long",
            width=width,
            height=height,
            max_side=limits.max_side,
        )
    if pixels > limits.max_pixels:
        raise TooLarge(
            f"The image is {width}x{height} pixels; at most {limits.max_pixels} pixels are "
            "accepted.",
            code="too_many_pixels",
            width=width,
            height=height,
            max_pixels=limits.max_pixels,
        )
    if pixels > max(limits.ratio_free_pixels, file_size * limits.max_pixels_per_byte):
        raise TooLarge(
            f"The image claims {width}x{height} pixels in only {file_size} bytes; at most "
            f"{limits.max_pixels_per_byte} pixels per byte are accepted above "
            f"{limits.ratio_free_pixels} pixels.",
            code="too_many_pixels_for_size",
            width=width,
            height=height,
            bytes=file_size,
            max_pixels_per_byte=limits.max_pixels_per_byte,
        )


def load_upright(path: Path, *, box: int, limits: DecodeLimits = DEFAULT_LIMITS) -> Image.Image:
    """Decode a stored image upright, within `limits`, JPEG-drafted to still fill a `box` square."""
    with _refusing_bombs(limits), open_image(path) as im:
        check_limits(*im.size, Path(path).stat().st_size, limits)
        return _decode_upright(im, box)


def _decode_upright(im: Image.Image, box: int) -> Image.Image:
    """Decode `im` (a JPEG at the smallest DCT scale still filling `box`) and turn it upright."""
    if _format_of(im) == "JPEG":
        # libjpeg decodes at 1/2, 1/4 or 1/8 scale: much faster for big phone photos. Asking for
        # the fitted size (800x600, not 800x800) lets a 4:3 photo use 1/4 instead of 1/2.
        im.draft("RGB", _fitted(im.size, box))
    im.load()
    image = _reduced(im, box)
    # `im` is closed with its file by the caller, so it must be copied (or rotated into a new
    # image); a reduced image is already a copy and is rotated in place.
    own = image is not im
    with warnings.catch_warnings():
        # Pillow warns about EXIF it cannot parse; that only means we cannot rotate.
        warnings.simplefilter("ignore")
        try:
            if not own:
                return ImageOps.exif_transpose(image)
            ImageOps.exif_transpose(image, in_place=True)
            return image
        except (SyntaxError, ValueError, KeyError, TypeError, struct.error):
            return image if own else image.copy()


def _reduced(im: Image.Image, box: int) -> Image.Image:
    """A big PNG or HEIC (decoded at full size) shrunk by an integer factor, still filling `box`.

    Rotation, colour conversion and resizing then work on a few MB instead of copying a
    50-megapixel picture three times. It is what JPEG draft mode does for JPEGs.
    """
    if im.width * im.height <= _REDUCE_ABOVE_PIXELS or "transparency" in im.info:
        return im
    if im.mode == "1":
        im = im.convert("L")
    elif im.mode not in ("L", "LA", "RGB", "RGBA", "CMYK"):
        return im
    fitted = _fitted(im.size, box)
    factor = min(im.width // fitted[0], im.height // fitted[1])
    return im.reduce(factor) if factor > 1 else im


def _fitted(size: tuple[int, int], box: int) -> tuple[int, int]:
    """The size of an image of `size` shrunk (never enlarged) to fit a `box` square."""
    width, height = size
    scale = min(1.0, box / max(width, height, 1))
    return max(1, round(width * scale)), max(1, round(height * scale))
