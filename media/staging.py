"""Where an upload lands while it is hashed and checked: a locked `.part` file on local disk.

Both stores stage the same way, so nothing unverified is published, and a worker killed
mid-upload leaves a file that a later upload sweeps.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import tempfile
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

from sync.errors import TooLarge

STALE_PART_AGE = timedelta(hours=1)


class Staging:
    """Locked `.part` files in `directory`, and the sweep of those their worker left behind."""

    def __init__(self, directory: Path, stale_part_age: timedelta = STALE_PART_AGE):
        self.directory = Path(directory)
        self.stale_part_age = stale_part_age

    @contextmanager
    def part(self) -> Iterator[Path]:
        """A fresh `.part` file, locked while the block runs and deleted when it ends."""
        self.directory.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=self.directory, suffix=".part")
        # Held until the block ends; the kernel drops it when a killed worker's fd goes, so
        # remove_stale_parts can tell a dead upload from a slow one.
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            yield Path(name)
        finally:
            Path(name).unlink(missing_ok=True)
            os.close(fd)

    def remove_stale_parts(self) -> list[Path]:
        """Delete unfinished uploads left by killed workers: `.part` files nobody holds open
        that received no byte for `stale_part_age`. The ones deleted."""
        cutoff = time.time() - self.stale_part_age.total_seconds()
        removed = []
        for part in self.directory.glob("*.part"):
            try:
                if part.stat().st_mtime > cutoff or not _unheld(part):
                    continue
                part.unlink()
            except FileNotFoundError:  # another worker swept it first
                continue
            removed.append(part)
        return removed


def _unheld(part: Path) -> bool:
    """Whether no live upload holds `part` (see the lock taken in Staging.part)."""
    fd = os.open(part, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(fd)  # also releases a lock just taken: only the verdict was wanted
    return True


def write_hashing(part: Path, chunks: Iterable[bytes], max_bytes: int) -> tuple[int, str]:
    """Write chunks to `part` while hashing, stopping as soon as `max_bytes` is exceeded."""
    digest = hashlib.sha256()
    size = 0
    with open(part, "wb") as out:
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
        # A device may delete its only copy once we answer 201, so the bytes must be stored.
        os.fsync(out.fileno())
    return size, digest.hexdigest()
