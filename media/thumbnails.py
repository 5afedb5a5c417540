"""Derived JPEGs for display: upright, sRGB, resized, and stripped of every metadata block."""

from __future__ import annotations

import functools
from io import BytesIO
from pathlib import Path

from PIL import Image, ImageCms

from media.decode import DEFAULT_LIMITS, PREVIEW_PX, DecodeLimits, load_upright

_WHITE = (255, 255, 255)


def make_thumbnail(
    path: Path, max_px: int = PREVIEW_PX, *, limits: DecodeLimits = DEFAULT_LIMITS
) -> bytes:
    """A JPEG no larger than `max_px` on either side, for lists and audit pages."""
    return _render(load_upright(path, box=max_px, limits=limits), max_px, quality=85)


def thumbnail_of(upright: Image.Image) -> bytes:
    """The thumbnail of an image already decoded upright at PREVIEW_PX (the upload's decode)."""
    return _render(upright, PREVIEW_PX, quality=85)


def customer_copy(
    path: Path, max_px: int = 2048, *, limits: DecodeLimits = DEFAULT_LIMITS
) -> bytes:
    """A re-encoded JPEG with no EXIF, XMP, ICC or comments, safe to show a customer."""
    return _render(load_upright(path, box=max_px, limits=limits), max_px, quality=88)


def _render(upright: Image.Image, max_px: int, quality: int) -> bytes:
    # _to_srgb always returns a new image, so `upright` (maybe the upload's preview) is unchanged.
    image = _to_srgb(upright)
    image.thumbnail((max_px, max_px), Image.Resampling.LANCZOS)
    # Pillow carries some metadata (comments, XMP) from `info` into saved JPEGs.
    image.info.clear()
    out = BytesIO()
    image.save(out, "JPEG", quality=quality, optimize=True)
    return out.getvalue()


@functools.cache
def _srgb() -> ImageCms.ImageCmsProfile:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


def _to_srgb(image: Image.Image) -> Image.Image:
    """Plain RGB: colours converted from an embedded profile, transparency flattened on white."""
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, _WHITE)
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    icc = image.info.get("icc_profile")
    if icc and image.mode in ("RGB", "CMYK"):
        try:
            source = ImageCms.ImageCmsProfile(BytesIO(icc))
            # Output has no profile, so colours must already be sRGB (iPhones shoot Display P3).
            return ImageCms.profileToProfile(image, source, _srgb(), outputMode="RGB")
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass
    return image.convert("RGB")
