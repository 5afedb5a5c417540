"""The media store's interface: images named by the SHA-256 of their bytes, published only
after they were hashed and checked, with the renditions made from them kept beside."""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from media.decode import DEFAULT_LIMITS, ImageInfo, inspect_image
from media.staging import STALE_PART_AGE, Staging, write_hashing
from sync.errors import ValidationFailed

__all__ = ["STALE_PART_AGE", "IngestResult", "MediaStore", "StoredMedia", "check_sha256"]

_SHA256 = re.compile(r"[0-9a-f]{64}")
# Renditions kept per image: the pHash (text), the thumbnail and the EXIF-free customer copy.
RENDITIONS = {"phash": ".txt", "thumbnail": ".jpg", "customer": ".jpg"}


@dataclass(frozen=True)
class IngestResult:
    """The outcome of an upload: whether it was new, its hash, size and image facts."""

    created: bool
    sha256: str
    size: int
    info: ImageInfo


@dataclass
class StoredMedia:
    """An open stored image: its bytes as a stream (close it), their length and media type."""

    stream: BinaryIO
    size: int
    mime: str


def check_sha256(sha256: object) -> str:
    """`sha256` if it is 64 lowercase hex digits, else ValidationFailed (invalid_sha256)."""
    if not isinstance(sha256, str) or not _SHA256.fullmatch(sha256):
        raise ValidationFailed(
            "A media name must be a SHA-256 in 64 lowercase hex digits.", code="invalid_sha256"
        )
    return sha256


def check_rendition(kind: str) -> str:
    """The file suffix of a known rendition kind (ValueError for any other)."""
    if kind not in RENDITIONS:
        raise ValueError(f"unknown rendition {kind!r}")
    return RENDITIONS[kind]


class MediaStore(ABC):
    """Content-addressed images. Uploads are staged on local disk (`staging`) and published
    under their verified hash; every read of stored bytes goes through this interface."""

    def __init__(self, staging: Staging):
        self.staging = staging

    def ingest(
        self, chunks: Iterable[bytes], expected_sha256: str, *, max_bytes: int, max_pixels: int,
        max_side: int = DEFAULT_LIMITS.max_side,
    ) -> IngestResult:
        """Store an uploaded image if its bytes match `expected_sha256` and it is a valid image."""
        check_sha256(expected_sha256)
        self.remove_stale_parts()
        with self.staging.part() as part:
            size, actual = write_hashing(part, chunks, max_bytes)
            if actual != expected_sha256:
                raise ValidationFailed(
                    "The uploaded bytes do not match the SHA-256 they were sent under.",
                    code="hash_mismatch",
                    expected_sha256=expected_sha256,
                    actual_sha256=actual,
                )
            info = inspect_image(part, max_pixels=max_pixels, max_side=max_side)
            created = self._publish(part, actual, info)
            return IngestResult(created=created, sha256=actual, size=size, info=info)

    def remove_stale_parts(self) -> list[Path]:
        """Delete unfinished uploads left by killed workers (see Staging.remove_stale_parts)."""
        return self.staging.remove_stale_parts()

    @abstractmethod
    def _publish(self, part: Path, sha256: str, info: ImageInfo) -> bool:
        """Make the verified file `part` the image `sha256`; False when it was already there."""

    @abstractmethod
    def exists(self, sha256: str) -> bool:
        """Whether the image with this hash is stored (ValidationFailed for a bad name)."""

    @abstractmethod
    def open(self, sha256: str) -> StoredMedia:
        """The stored image as a stream; FileNotFoundError when it is not stored."""

    @abstractmethod
    def local_copy(self, sha256: str) -> AbstractContextManager[Path]:
        """A local file with the image's bytes, for the block's length (decoders want a path);
        FileNotFoundError when it is not stored."""

    @abstractmethod
    def read_rendition(self, sha256: str, kind: str) -> bytes | None:
        """A kept rendition (see RENDITIONS) of the image, or None when none was kept."""

    @abstractmethod
    def write_rendition(self, sha256: str, kind: str, data: bytes) -> None:
        """Keep a rendition of the image, replacing any earlier one whole."""
