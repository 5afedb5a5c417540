"""The tus 1.0 request headers a server reads, parsed strictly: a bad one is a clear 4xx."""

from __future__ import annotations

import binascii
import re
from base64 import b64decode
from collections.abc import Mapping

from sync.errors import BadRequest, PreconditionFailed, TooLarge, ValidationFailed

TUS_VERSION = "1.0.0"
OFFSET_CONTENT_TYPE = "application/offset+octet-stream"
# Twenty digits hold any length a client could mean; more is an attack on int().
_NUMBER = re.compile(r"[0-9]{1,20}")
_METADATA_KEY = re.compile(r"[!-~]+")  # printable ASCII, no space or comma (tus 1.0)
_SHA256 = re.compile(r"[0-9a-f]{64}")


def check_version(headers: Mapping[str, str]) -> None:
    """Every request but OPTIONS names the protocol version; 412 for another or none."""
    sent = headers.get("Tus-Resumable")
    if sent != TUS_VERSION:
        raise PreconditionFailed(
            f"send 'Tus-Resumable: {TUS_VERSION}' (the only tus version served)",
            code="tus_version_unsupported", supported=[TUS_VERSION], sent=sent)


def _number(headers: Mapping[str, str], name: str) -> int:
    raw = headers.get(name)
    if raw is None:
        raise BadRequest(f"the {name} header is required", code=f"missing_{_snake(name)}")
    if not _NUMBER.fullmatch(raw.strip()):
        raise BadRequest(f"{name} must be a whole number of bytes, 0 or more",
                         code=f"invalid_{_snake(name)}", header=name)
    return int(raw.strip())


def _snake(name: str) -> str:
    return name.lower().replace("-", "_")


def upload_length(headers: Mapping[str, str], max_bytes: int) -> int:
    """The declared size of a new upload: at least one byte and at most `max_bytes`."""
    if "Upload-Length" not in headers and "Upload-Defer-Length" in headers:
        raise BadRequest("a deferred length is not supported: send Upload-Length",
                         code="defer_length_unsupported")
    length = _number(headers, "Upload-Length")
    if length > max_bytes:
        raise TooLarge(f"The upload is larger than {max_bytes} bytes.", code="too_large",
                       max_bytes=max_bytes, upload_length=length)
    if length == 0:
        raise ValidationFailed("an empty file is not an image",
                               fields={"Upload-Length": ["Must be at least 1."]})
    return length


def upload_offset(headers: Mapping[str, str]) -> int:
    """The offset a PATCH says its bytes start at."""
    return _number(headers, "Upload-Offset")


def metadata(raw: str | None) -> dict[str, bytes]:
    """`Upload-Metadata`: comma-separated `key base64value` pairs (a value may be absent)."""
    pairs: dict[str, bytes] = {}
    for item in (raw or "").split(","):
        item = item.strip()
        if not item:
            continue
        key, _, value = item.partition(" ")
        value = value.strip()
        if not _METADATA_KEY.fullmatch(key) or " " in value or key in pairs:
            raise BadRequest("Upload-Metadata must be comma-separated 'key base64value' pairs "
                             "with distinct keys", code="invalid_upload_metadata", key=key[:64])
        try:
            pairs[key] = b64decode(value, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise BadRequest(f"the Upload-Metadata value of {key[:64]!r} is not base64",
                             code="invalid_upload_metadata", key=key[:64]) from exc
    return pairs


def metadata_sha256(raw: str | None) -> str:
    """The SHA-256 the finished file must have, from `Upload-Metadata`'s `sha256` key."""
    value = metadata(raw).get("sha256")
    if value is None:
        raise ValidationFailed("Upload-Metadata must carry the file's sha256",
                               fields={"sha256": ["Missing data for required field."]})
    try:
        text = value.decode("ascii")
    except UnicodeDecodeError:
        text = ""
    if not _SHA256.fullmatch(text):
        raise ValidationFailed("the sha256 in Upload-Metadata must be 64 lowercase hex digits",
                               code="invalid_sha256",
                               fields={"sha256": ["Not a SHA-256 in lowercase hex."]})
    return text
