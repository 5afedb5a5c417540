"""Unfinished tus uploads on disk: who owns each, its declared size and SHA-256, its bytes.

Each upload is two files in one directory: `<id>.bin`, the bytes received so far (its size
is the offset, so whatever reached the disk before a connection dropped counts), and
`<id>.json`, the facts fixed at creation plus the expiry, replaced atomically. A writer holds
an exclusive `flock` on the `.bin` for the whole of a PATCH (and the final store); an offset
is read under a shared one, so a HEAD that races a dying PATCH waits for its last bytes.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import secrets
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path

from sync.errors import Conflict, Gone, NotFound, TooLarge

_ID = re.compile(r"[0-9a-f]{32}")
READ_CHUNK = 1024 * 1024
# How long a request waits for another one on the same upload to let go (a PATCH whose
# connection is dying, or the final store) before answering 409 `upload_busy`.
LOCK_WAIT_SECONDS = 10.0


@dataclass(frozen=True)
class Upload:
    """The facts of one upload; `offset` is read from the disk, not kept here."""

    id: str
    owner: str
    length: int
    sha256: str
    created_at: datetime
    expires_at: datetime
    complete: bool = False

    def as_json(self) -> str:
        return json.dumps({"id": self.id, "owner": self.owner, "length": self.length,
                           "sha256": self.sha256, "created_at": self.created_at.isoformat(),
                           "expires_at": self.expires_at.isoformat(),
                           "complete": self.complete})

    @classmethod
    def from_json(cls, text: str) -> Upload:
        raw = json.loads(text)
        return cls(id=raw["id"], owner=raw["owner"], length=raw["length"],
                   sha256=raw["sha256"], created_at=datetime.fromisoformat(raw["created_at"]),
                   expires_at=datetime.fromisoformat(raw["expires_at"]),
                   complete=raw["complete"])


class UploadBusy(Conflict):
    code = "upload_busy"


class Held:
    """An upload under its exclusive lock: append bytes, read them back, finish or remove."""

    def __init__(self, uploads: Uploads, upload: Upload, fd: int | None):
        self.uploads, self.upload, self._fd = uploads, upload, fd

    @property
    def offset(self) -> int:
        if self.upload.complete or self._fd is None:
            return self.upload.length
        return os.fstat(self._fd).st_size

    def append(self, offset: int, chunks: Iterable[bytes], now: datetime) -> int:
        """Write `chunks` at `offset` (409 unless it is the current one); the new offset.
        Bytes written before the chunks fail (a dropped connection) are kept."""
        current = self.offset
        if offset != current:
            raise Conflict(f"this upload is at byte {current}, not {offset}; ask HEAD and "
                           "continue from there", code="offset_mismatch", offset=current)
        if self.upload.complete or self._fd is None:
            if any(chunks):
                raise TooLarge("this upload is complete", code="too_large",
                               upload_length=self.upload.length)
            return current
        try:
            for chunk in chunks:
                if current + len(chunk) > self.upload.length:
                    raise TooLarge(f"the upload was declared as {self.upload.length} bytes",
                                   code="too_large", upload_length=self.upload.length)
                _write_all(self._fd, chunk)
                current += len(chunk)
        finally:
            os.fsync(self._fd)
            # Expiry counts from the last byte received, so a slow network is not punished.
            self.upload = replace(self.upload, expires_at=now + self.uploads.lifetime)
            self.uploads._save(self.upload)
        return current

    def chunks(self) -> Iterator[bytes]:
        """The bytes received, from the start."""
        with open(self.uploads._data(self.upload.id), "rb") as data:
            while chunk := data.read(READ_CHUNK):
                yield chunk

    def finish(self) -> None:
        """The file is stored: drop the bytes, remember the upload as complete until it
        expires (a client whose last answer was lost then hears the full offset)."""
        self.upload = replace(self.upload, complete=True)
        self.uploads._save(self.upload)
        self.uploads._data(self.upload.id).unlink(missing_ok=True)

    def remove(self) -> None:
        self.uploads._remove(self.upload.id)


class Uploads:
    """The directory of unfinished uploads; uploads older than `lifetime` since their last
    byte are gone."""

    def __init__(self, root: Path, *, lifetime: timedelta):
        self.root = Path(root)
        self.lifetime = lifetime

    def create(self, owner: str, length: int, sha256: str, now: datetime) -> Upload:
        """A new empty upload owned by `owner`."""
        self.root.mkdir(parents=True, exist_ok=True)
        upload = Upload(id=secrets.token_hex(16), owner=owner, length=length, sha256=sha256,
                        created_at=now, expires_at=now + self.lifetime)
        self._data(upload.id).touch(exist_ok=False)
        self._save(upload)
        return upload

    def find(self, upload_id: str, owner: str, now: datetime) -> Upload:
        """The caller's live upload: 404 if there is none (or it is someone else's), 410 if
        it expired (and it is removed)."""
        upload = self._load(upload_id)
        if upload is None or upload.owner != owner:
            raise NotFound("no such upload", code="not_found")
        if upload.expires_at <= now:
            self._remove_if_idle(upload_id)
            raise Gone("this upload expired; create a new one", code="upload_expired",
                       expired_at=upload.expires_at.isoformat())
        return upload

    def offset(self, upload: Upload) -> int:
        """Bytes received so far, once any PATCH still writing has finished (or after a wait)."""
        if upload.complete:
            return upload.length
        try:
            fd = os.open(self._data(upload.id), os.O_RDONLY)
        except FileNotFoundError:  # finished or removed since `find`
            reloaded = self._load(upload.id)
            if reloaded is not None and reloaded.complete:
                return reloaded.length
            raise NotFound("no such upload", code="not_found") from None
        try:
            _lock(fd, fcntl.LOCK_SH, wait=LOCK_WAIT_SECONDS, required=False)
            return os.fstat(fd).st_size
        finally:
            os.close(fd)

    @contextmanager
    def hold(self, upload: Upload) -> Iterator[Held]:
        """The upload under its exclusive lock, re-read once the lock is had."""
        try:
            fd = os.open(self._data(upload.id), os.O_WRONLY | os.O_APPEND)
        except FileNotFoundError:
            fd = None
        if fd is None:
            current = self._load(upload.id)
            if current is None or not current.complete:  # its bytes were lost: start again
                self._remove(upload.id)
                raise NotFound("no such upload", code="not_found")
            yield Held(self, current, None)
            return
        try:
            _lock(fd, fcntl.LOCK_EX, wait=LOCK_WAIT_SECONDS, required=True)
            current = self._load(upload.id)
            if current is None:  # terminated or swept while we waited
                raise NotFound("no such upload", code="not_found")
            yield Held(self, current, fd)
        finally:
            os.close(fd)

    def sweep(self, now: datetime) -> list[str]:
        """Remove expired uploads nobody is writing, and bytes whose facts never got written
        (a crash between the two files of a creation). The ids removed."""
        removed = []
        if not self.root.is_dir():
            return removed
        for facts in self.root.glob("*.json"):
            upload = self._load(facts.stem)
            if upload is not None and upload.expires_at <= now and \
                    self._remove_if_idle(upload.id):
                removed.append(upload.id)
        cutoff = time.time() - self.lifetime.total_seconds()
        for data in self.root.glob("*.bin"):
            try:
                orphan = not self._facts(data.stem).exists() and data.stat().st_mtime < cutoff
            except FileNotFoundError:
                continue
            if orphan and self._remove_if_idle(data.stem):
                removed.append(data.stem)
        return removed

    # --- files ------------------------------------------------------------------------------
    def _data(self, upload_id: str) -> Path:
        return self.root / f"{upload_id}.bin"

    def _facts(self, upload_id: str) -> Path:
        return self.root / f"{upload_id}.json"

    def _load(self, upload_id: str) -> Upload | None:
        if not isinstance(upload_id, str) or not _ID.fullmatch(upload_id):
            return None
        try:
            return Upload.from_json(self._facts(upload_id).read_text())
        except (FileNotFoundError, ValueError, KeyError, TypeError):
            return None

    def _save(self, upload: Upload) -> None:
        temp = self.root / f".{upload.id}.{secrets.token_hex(4)}.tmp"
        temp.write_text(upload.as_json())
        os.replace(temp, self._facts(upload.id))

    def _remove(self, upload_id: str) -> None:
        # Facts first: from then on nobody finds the upload, whatever is left of its bytes.
        self._facts(upload_id).unlink(missing_ok=True)
        self._data(upload_id).unlink(missing_ok=True)

    def _remove_if_idle(self, upload_id: str) -> bool:
        try:
            fd = os.open(self._data(upload_id), os.O_RDONLY)
        except FileNotFoundError:  # a completed upload's bytes are gone already
            self._remove(upload_id)
            return True
        try:
            if not _lock(fd, fcntl.LOCK_EX, wait=0, required=False):
                return False
            self._remove(upload_id)
            return True
        finally:
            os.close(fd)


def _lock(fd: int, kind: int, *, wait: float, required: bool) -> bool:
    """Take a flock within `wait` seconds; whether it was had (409 if `required` and not)."""
    deadline = time.monotonic() + wait
    while True:
        try:
            fcntl.flock(fd, kind | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            if time.monotonic() >= deadline:
                if required:
                    raise UploadBusy("another request is writing this upload; ask HEAD for "
                                     "the offset and try again", code="upload_busy") from None
                return False
            time.sleep(0.05)


def _write_all(fd: int, chunk: bytes) -> None:
    view = memoryview(chunk)
    while view:
        view = view[os.write(fd, view):]
