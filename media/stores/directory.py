"""Media in a local directory: `<root>/ab/cd/<sha256>`, renditions under `<root>/derived/`."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

from media.decode import ImageInfo, open_image
from media.formats import mime_for
from media.staging import STALE_PART_AGE, Staging
from media.store import MediaStore, StoredMedia, check_rendition, check_sha256


class DirectoryStore(MediaStore):
    """Images on disk under `root`, named by the SHA-256 of their bytes."""

    def __init__(self, root: Path, *, stale_part_age: timedelta = STALE_PART_AGE):
        self.root = Path(root)
        # In the root, so publishing is an atomic rename on one filesystem.
        super().__init__(Staging(self.root / "tmp", stale_part_age))

    def path_for(self, sha256: str) -> Path:
        """Where the image with this hash lives (whether or not it is there)."""
        check_sha256(sha256)
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def exists(self, sha256: str) -> bool:
        return self.path_for(sha256).is_file()

    def _publish(self, part: Path, sha256: str, info: ImageInfo) -> bool:
        target = self.path_for(sha256)
        if target.is_file():
            return False
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(part, target)
        return True

    def open(self, sha256: str) -> StoredMedia:
        path = self.path_for(sha256)
        stream = open(path, "rb")  # noqa: SIM115 - the caller closes it (it is streamed out)
        try:
            with open_image(path) as image:
                mime = mime_for(image.format) or "application/octet-stream"
        except BaseException:
            stream.close()
            raise
        return StoredMedia(stream=stream, size=os.fstat(stream.fileno()).st_size, mime=mime)

    @contextmanager
    def local_copy(self, sha256: str) -> Iterator[Path]:
        path = self.path_for(sha256)
        if not path.is_file():
            raise FileNotFoundError(path)
        yield path

    def rendition_path(self, sha256: str, kind: str) -> Path:
        """Where a rendition of the image is kept."""
        suffix = check_rendition(kind)
        return self.root / "derived" / kind / f"{check_sha256(sha256)}{suffix}"

    def read_rendition(self, sha256: str, kind: str) -> bytes | None:
        try:
            return self.rendition_path(sha256, kind).read_bytes()
        except (FileNotFoundError, NotADirectoryError):
            return None

    def write_rendition(self, sha256: str, kind: str, data: bytes) -> None:
        target = self.rendition_path(sha256, kind)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=target.parent, suffix=".part")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(temp, target)
        finally:
            Path(temp).unlink(missing_ok=True)
