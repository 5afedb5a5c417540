"""Which image formats we take, their media types, and which of them a signature may be."""

from __future__ import annotations

ALLOWED_FORMATS = ("JPEG", "PNG", "HEIF")  # Pillow's names for the formats we decode
MIME_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "HEIF": "image/heic"}
# A customer's signature is drawn on a screen: lossless, with a transparent background.
SIGNATURE_MIME_TYPES = ("image/png",)


def canonical_format(pillow_format: str | None) -> str:
    """Pillow's format name, with MPO (a JPEG carrying a multi-picture index, as many phones
    write) reported as the JPEG it is."""
    return "JPEG" if pillow_format == "MPO" else str(pillow_format)


def mime_for(pillow_format: str | None) -> str | None:
    """The media type of an image Pillow opened, or None for a format we do not take."""
    return MIME_TYPES.get(canonical_format(pillow_format))


def is_signature_format(pillow_format: str | None) -> bool:
    """True when an image of this format may be a customer's signature."""
    return mime_for(pillow_format) in SIGNATURE_MIME_TYPES
