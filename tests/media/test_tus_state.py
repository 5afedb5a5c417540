"""The on-disk state of tus uploads, without a server: a racing offset read waits for the
writer, a dropped body keeps what arrived, and the sweep spares uploads being written."""

from __future__ import annotations

import os
import threading
import time
from datetime import UTC, datetime, timedelta

import pytest

from media.tus import Uploads
from sync.errors import Gone

NOW = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)
SHA = "d" * 64


@pytest.fixture
def uploads(tmp_path):
    return Uploads(tmp_path / "uploads", lifetime=timedelta(hours=2))


def test_an_offset_asked_while_a_patch_writes_includes_the_patchs_bytes(uploads):
    upload = uploads.create("alice", 100, SHA, NOW)
    started = threading.Event()

    def slow_body():
        yield b"a" * 10
        started.set()
        time.sleep(0.5)
        yield b"b" * 10

    def patch():
        with uploads.hold(upload) as held:
            held.append(0, slow_body(), NOW)

    writer = threading.Thread(target=patch)
    writer.start()
    started.wait(5)
    assert uploads.offset(upload) == 20
    writer.join()


def test_a_body_that_breaks_off_keeps_the_bytes_that_arrived(uploads):
    upload = uploads.create("alice", 100, SHA, NOW)

    def dropped():
        yield b"x" * 30
        raise ConnectionResetError("client went away")

    with pytest.raises(ConnectionResetError), uploads.hold(upload) as held:
        held.append(0, dropped(), NOW + timedelta(hours=1))
    assert uploads.offset(upload) == 30
    # The expiry moved on with the bytes that did arrive.
    assert uploads.find(upload.id, "alice", NOW + timedelta(hours=2, minutes=30)).id == upload.id


def test_the_sweep_removes_expired_and_orphaned_uploads_but_not_one_being_written(uploads):
    expired = uploads.create("alice", 10, SHA, NOW)
    busy = uploads.create("bob", 10, SHA, NOW)
    live = uploads.create("carol", 10, SHA, NOW + timedelta(hours=2))
    orphan = uploads.root / ("e" * 32 + ".bin")
    orphan.write_bytes(b"half a creation")
    os.utime(orphan, (time.time() - 3 * 3600,) * 2)
    later = NOW + timedelta(hours=3)
    with uploads.hold(busy):
        removed = uploads.sweep(later)
    assert sorted(removed) == sorted([expired.id, "e" * 32])
    assert sorted(p.stem for p in uploads.root.glob("*.json")) == sorted([busy.id, live.id])
    with pytest.raises(Gone):
        uploads.find(busy.id, "bob", later)
    assert not list(uploads.root.glob(f"{busy.id}.*"))
