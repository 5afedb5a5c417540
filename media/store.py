"""Content-addressed photo storage: stream, hash, validate, then publish atomically."""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from media.decode import DEFAULT_LIMITS, ImageInfo, inspect_image
from sync.errors import TooLarge, ValidationFailed

_SHA256 = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class IngestResult:
    """The outcome of an upload: whether it was new, its hash, size and image facts."""

    created: bool
    sha256: str
    size: int
    info: ImageInfo


def _check_sha256(sha256: object) -> str:
    if not isinstance(sha256, str) or not _SHA256.fullmatch(sha256):
        raise ValidationFailed(
            "A media name must be a SHA-256 in 64 lowercase hex digits.", code="invalid_sha256"
        )
    return sha256


class MediaStore:
    """Images on disk under `root`, named by the SHA-256 of their bytes."""

    def __init__(self, root: Path):
        self.root = Path(root)

    def path_for(self, sha256: str) -> Path:
        """Where the image with this hash lives (whether or not it is there)."""
        _check_sha256(sha256)
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def exists(self, sha256: str) -> bool:
        """Whether the image with this hash is stored."""
        return self.path_for(sha256).is_file()

    def ingest(
        self, chunks: Iterable[bytes], expected_sha256: str, *, max_bytes: int, max_pixels: int,
        max_side: int = DEFAULT_LIMITS.max_side,
    ) -> IngestResult:
        """Store an uploaded image if its bytes match `expected_sha256` and it is a valid image."""
        target = self.path_for(expected_sha256)
        tmp_dir = self.root / "tmp"
        tmp_dir.mkdir(parents=True, exist_ok=True)
        # Same filesystem as the target, so the final os.replace is an atomic rename.
        fd, tmp_name = tempfile.mkstemp(dir=tmp_dir, suffix=".part")
        tmp = Path(tmp_name)
        try:
            size, actual = _write_hashing(fd, chunks, max_bytes)
            if actual != expected_sha256:
                raise ValidationFailed(
                    "The uploaded bytes do not match the SHA-256 they were sent under.",
                    code="hash_mismatch",
                    expected_sha256=expected_sha256,
                    actual_sha256=actual,
                )
            info = inspect_image(tmp, max_pixels=max_pixels, max_side=max_side)
            if target.is_file():
                return IngestResult(created=False, sha256=actual, size=size, info=info)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(tmp, target)
            return IngestResult(created=True, sha256=actual, size=size, info=info)
        finally:
            tmp.unlink(missing_ok=True)


def _write_hashing(fd: int, chunks: Iterable[bytes], max_bytes: int) -> tuple[int, str]:
    """Write chunks to `fd` while hashing, stopping as soon as `max_bytes` is exceeded."""
    digest = hashlib.sha256()
    size = 0
    with os.fdopen(fd, "wb") as out:
        for chunk in chunks:
            size += len(chunk)
            if size > max_bytes:
                raise TooLarge(
                    f"The upload is larger than {max_bytes} bytes.",
                    code="too_large",
                    max_bytes=max_bytes,
                )
            digest.update(chunk)
            out.write(chunk)
        out.flush()
        # A device may delete its only copy once we answer 201, so the bytes must be on disk.
        os.fsync(out.fileno())
    return size, digest.hexdigest()
