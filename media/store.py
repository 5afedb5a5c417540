"""Content-addressed photo storage: stream, hash, validate, then publish atomically."""

from __future__ import annotations

import fcntl
import hashlib
import os
import re
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from media.decode import DEFAULT_LIMITS, ImageInfo, inspect_image
from sync.errors import TooLarge, ValidationFailed

_SHA256 = re.compile(r"[0-9a-f]{64}")
STALE_PART_AGE = timedelta(hours=1)


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

    def __init__(self, root: Path, *, stale_part_age: timedelta = STALE_PART_AGE):
        self.root = Path(root)
        self.stale_part_age = stale_part_age

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
        self.remove_stale_parts()
        # Same filesystem as the target, so the final os.replace is an atomic rename.
        fd, tmp_name = tempfile.mkstemp(dir=tmp_dir, suffix=".part")
        tmp = Path(tmp_name)
        # Held while the bytes arrive; the kernel drops it when a killed worker's fd goes, so
        # remove_stale_parts can tell a dead upload from a slow one.
        fcntl.flock(fd, fcntl.LOCK_EX)
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

    def remove_stale_parts(self) -> list[Path]:
        """Delete unfinished uploads left by killed workers: `.part` files nobody holds open
        that received no byte for `stale_part_age`. The ones deleted."""
        cutoff = time.time() - self.stale_part_age.total_seconds()
        removed = []
        for part in (self.root / "tmp").glob("*.part"):
            try:
                if part.stat().st_mtime > cutoff or not _unheld(part):
                    continue
                part.unlink()
            except FileNotFoundError:  # another worker swept it first
                continue
            removed.append(part)
        return removed


def _unheld(part: Path) -> bool:
    """Whether no live upload holds `part` (see the lock taken in ingest)."""
    fd = os.open(part, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(fd)  # also releases a lock just taken: only the verdict was wanted
    return True


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
            out.flush()  # each chunk on disk at once: the file's mtime is the last byte received
        out.flush()
        # A device may delete its only copy once we answer 201, so the bytes must be on disk.
        os.fsync(out.fileno())
    return size, digest.hexdigest()
