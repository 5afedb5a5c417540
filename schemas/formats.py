"""The wire formats of times and ids: RFC 3339 and UUID, parsed and written in one place.

`schemas` is the bottom layer (sync/, media/, server/ and the device import it; it imports none
of them), so every parser of these two formats lives here.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime


def iso(value: datetime | None) -> str | None:
    """UTC RFC 3339 with a Z, or None."""
    if value is None:
        return None
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def parse_time(text: str) -> datetime:
    """An ISO 8601 / RFC 3339 time (`Z` or an offset; naive if it has none); ValueError."""
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def parse_rfc3339(text: str) -> datetime:
    """An RFC 3339 time that must carry its offset; ValueError otherwise."""
    parsed = parse_time(text)
    if parsed.tzinfo is None:
        raise ValueError(f"{text!r} has no offset (add Z or +08:00)")
    return parsed


def canonical_uuid(text: str) -> str:
    """The canonical lowercase form of a UUID; ValueError if `text` is not one."""
    return str(uuid.UUID(text))


def is_uuid(text: str) -> bool:
    """True for a string that parses as a UUID."""
    try:
        uuid.UUID(text)
    except (ValueError, TypeError, AttributeError):
        return False
    return True

# The media types an upload may have (media/formats.py maps Pillow formats onto these).
MIME_TYPES_ACCEPTED = ("image/jpeg", "image/png", "image/heic")
