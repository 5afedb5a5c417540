"""Unfinished uploads left behind by a killed worker are swept; live ones are never touched."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest

from media.stores.directory import DirectoryStore
from tests.media.photos import make_photo, sha256_of

ROOT = Path(__file__).resolve().parents[2]
TWO_HOURS_AGO = time.time() - 2 * 3600

# A worker streaming an upload whose client never sends the rest: it prints once the first
# bytes are on disk and then waits to be killed.
STUCK_UPLOAD = """
import sys, time
from pathlib import Path
from media.stores.directory import DirectoryStore

def chunks():
    yield b"\\xff\\xd8 first bytes of a photo"
    print("streaming", flush=True)
    time.sleep(600)

DirectoryStore(Path(sys.argv[1])).ingest(chunks(), "0" * 64, max_bytes=10**6, max_pixels=10**6)
"""


def parts(store: DirectoryStore) -> list[Path]:
    return sorted((store.root / "tmp").glob("*.part"))


def age(path: Path, timestamp: float = TWO_HOURS_AGO) -> None:
    os.utime(path, (timestamp, timestamp))


@pytest.fixture
def jpeg(tmp_path) -> bytes:
    return make_photo(tmp_path / "photo.jpg", lat=22.54, lon=114.06).read_bytes()


def upload(store: DirectoryStore, data: bytes):
    return store.ingest([data], sha256_of(data), max_bytes=10**7, max_pixels=10**8)


@contextmanager
def stuck_upload(root: Path):
    """A worker process in the middle of an upload; SIGKILLed on leaving, if still alive."""
    with subprocess.Popen([sys.executable, "-c", STUCK_UPLOAD, str(root)], cwd=ROOT,
                          stdout=subprocess.PIPE, text=True) as worker:
        try:
            assert worker.stdout.readline() == "streaming\n"
            yield worker
        finally:
            worker.kill()


def test_the_part_file_of_a_worker_killed_mid_upload_is_swept_by_a_later_upload(store, jpeg):
    with stuck_upload(store.root) as worker:
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait()
    [left_behind] = parts(store)
    age(left_behind)
    upload(store, jpeg)
    assert parts(store) == []
    assert store.exists(sha256_of(jpeg))


def test_a_slow_upload_still_streaming_keeps_its_part_file_however_old(store, jpeg):
    with stuck_upload(store.root):
        [streaming] = parts(store)
        age(streaming)
        assert store.remove_stale_parts() == []
        upload(store, jpeg)
        assert parts(store) == [streaming]


def test_only_parts_idle_longer_than_the_configured_age_are_swept(tmp_path):
    store = DirectoryStore(tmp_path / "media", stale_part_age=timedelta(minutes=30))
    (store.root / "tmp").mkdir(parents=True)
    idle_40_min, idle_20_min = store.root / "tmp" / "a.part", store.root / "tmp" / "b.part"
    for path, minutes in ((idle_40_min, 40), (idle_20_min, 20)):
        path.write_bytes(b"partial")
        age(path, time.time() - minutes * 60)
    assert store.remove_stale_parts() == [idle_40_min]
    assert parts(store) == [idle_20_min]


def test_the_upload_endpoint_sweeps_with_the_configured_age(app, api, world, jpeg):
    app.config["MEDIA_STALE_UPLOAD_MINUTES"] = 5
    tmp = Path(app.config["MEDIA_DIR"]) / "tmp"
    tmp.mkdir(parents=True)
    idle_10_min, idle_1_min = tmp / "dead.part", tmp / "alive.part"
    for path, minutes in ((idle_10_min, 10), (idle_1_min, 1)):
        path.write_bytes(b"partial")
        age(path, time.time() - minutes * 60)
    api.request("PUT", f"/api/v1/media/{sha256_of(jpeg)}", as_="engineer", data=jpeg,
                content_type="image/jpeg", expect=201)
    assert sorted(tmp.glob("*.part")) == [idle_1_min]
