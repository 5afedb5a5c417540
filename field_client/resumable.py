"""Large files go up with tus 1.0 (/api/v1/uploads/): after a dropped connection the upload
goes on from the offset the server reports, in this sync or the next (the upload's address is
kept in the local store)."""

from __future__ import annotations

import base64
import os
import time
from collections.abc import Callable
from pathlib import Path

from field_client.store import LocalStore
from field_client.transport import CHUNK, ServerRefused, Transport, Unreachable

DEFAULT_THRESHOLD = 4 * 1024 * 1024
TUS = {"Tus-Resumable": "1.0.0"}


def threshold() -> int:
    """Files larger than this many bytes use tus (FIELDSYNC_TUS_THRESHOLD_BYTES)."""
    return int(os.environ.get("FIELDSYNC_TUS_THRESHOLD_BYTES", DEFAULT_THRESHOLD))


def upload(transport: Transport, store: LocalStore, sha256: str, path: Path,
           advance: Callable[[int], None] = lambda n: None, *, attempts: int = 10,
           pause: float = 1.0) -> None:
    """Send `path` resumably; Unreachable after `attempts` drops in a row (the next sync
    resumes), ServerRefused when the server will not take it."""
    key, size = f"tus:{sha256}", path.stat().st_size
    location = store.get(key) or None
    offset = _offset(transport, location) if location else None
    if offset is None:
        location, offset = _create(transport, sha256, size), 0
        store.put(key, location)
    advance(offset)
    drops = 0
    while offset < size:
        try:
            offset = _append(transport, location, path, offset, size, advance)
            drops = 0
        except Unreachable:
            drops += 1
            if drops >= attempts:
                raise
            time.sleep(pause)  # a connection just dropped; the network needs a moment
            offset = _offset(transport, location)
            if offset is None:  # expired meanwhile: start again
                location, offset = _create(transport, sha256, size), 0
                store.put(key, location)
        except ServerRefused as exc:
            if exc.code != "offset_mismatch":
                store.put(key, "")
                raise
            offset = int(exc.error["details"]["offset"])
    store.put(key, "")


def _create(transport: Transport, sha256: str, size: int) -> str:
    metadata = "sha256 " + base64.b64encode(sha256.encode()).decode()
    response = transport.call("POST", "/api/v1/uploads/", headers={
        **TUS, "Upload-Length": str(size), "Upload-Metadata": metadata})
    return response.headers["Location"]


def _offset(transport: Transport, location: str) -> int | None:
    """The server's offset, or None when the upload is no longer there (done or expired
    uploads are kept complete or removed)."""
    response = transport.call("HEAD", location, headers=dict(TUS))
    if response.status_code == 401:
        raise ServerRefused(401, {"code": "invalid_token", "message": "log in again"})
    if response.status_code != 200:
        return None
    return int(response.headers["Upload-Offset"])


def _append(transport: Transport, location: str, path: Path, offset: int, size: int,
            advance: Callable[[int], None]) -> int:
    def body():
        with open(path, "rb") as handle:
            handle.seek(offset)
            while chunk := handle.read(CHUNK):
                advance(len(chunk))
                yield chunk

    response = transport.call("PATCH", location, content=body(), headers={
        **TUS, "Upload-Offset": str(offset), "Content-Length": str(size - offset),
        "Content-Type": "application/offset+octet-stream"})
    return int(response.headers["Upload-Offset"])
