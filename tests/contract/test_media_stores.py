"""The media store's contract, run against every store (directory and S3 over HTTP): stored
under the verified hash, idempotent, and nothing unverified or oversized is ever published."""

from __future__ import annotations

import os
import time

import pytest

from sync.errors import TooLarge, UnsupportedMediaType, ValidationFailed
from tests.media.photos import make_photo, make_png_bomb, sha256_of

LIMITS = {"max_bytes": 5_000_000, "max_pixels": 50_000_000}
BAD_NAMES = ["", "A" * 64, "g" * 64, "a" * 63, "../" + "a" * 61, "a" * 64 + "/x", None]


def chunked(data: bytes, size: int = 64 * 1024):
    for start in range(0, len(data), size):
        yield data[start:start + size]


def ingest(store, data: bytes, sha256: str | None = None, **limits):
    return store.ingest(chunked(data), sha256 or sha256_of(data), **{**LIMITS, **limits})


def staged(media_harness) -> list:
    directory = media_harness.store.staging.directory
    return sorted(directory.iterdir()) if directory.exists() else []


@pytest.fixture
def jpeg(tmp_path) -> bytes:
    return make_photo(tmp_path / "photo.jpg", lat=22.54, lon=114.06).read_bytes()


@pytest.fixture
def png(tmp_path) -> bytes:
    from tests.media.photos import scene

    scene((300, 100)).save(tmp_path / "sign.png", "PNG")
    return (tmp_path / "sign.png").read_bytes()


def test_a_new_image_is_stored_under_its_hash_and_read_back_whole(media_harness, jpeg):
    store, digest = media_harness.store, sha256_of(jpeg)
    assert not store.exists(digest)
    result = ingest(store, jpeg)
    assert (result.created, result.sha256, result.size) == (True, digest, len(jpeg))
    assert (result.info.mime, result.info.width, result.info.height) == ("image/jpeg", 1200, 900)
    assert media_harness.originals() == [digest]
    assert media_harness.held_bytes(digest) == jpeg
    assert store.exists(digest)
    stored = store.open(digest)
    with stored.stream as stream:
        assert (stream.read(), stored.size, stored.mime) == (jpeg, len(jpeg), "image/jpeg")
    with store.local_copy(digest) as path:
        assert path.read_bytes() == jpeg
    assert staged(media_harness) == []


def test_a_png_is_read_back_as_a_png(media_harness, png):
    ingest(media_harness.store, png)
    stored = media_harness.store.open(sha256_of(png))
    with stored.stream as stream:
        assert (stored.mime, stream.read()) == ("image/png", png)


def test_uploading_the_same_image_again_writes_nothing(media_harness, jpeg):
    first = ingest(media_harness.store, jpeg)
    marker = media_harness.write_marker(first.sha256)
    again = ingest(media_harness.store, jpeg)
    assert (again.created, again.sha256, again.info) == (False, first.sha256, first.info)
    assert media_harness.write_marker(first.sha256) == marker
    assert media_harness.originals() == [first.sha256]
    assert staged(media_harness) == []


def test_bytes_that_do_not_match_their_name_are_refused_and_never_stored(media_harness, jpeg):
    wrong = "0" * 64
    with pytest.raises(ValidationFailed) as caught:
        ingest(media_harness.store, jpeg, wrong)
    assert caught.value.code == "hash_mismatch"
    assert caught.value.details == {"expected_sha256": wrong, "actual_sha256": sha256_of(jpeg)}
    assert not media_harness.store.exists(wrong) and not media_harness.store.exists(sha256_of(jpeg))
    assert media_harness.originals() == [] and staged(media_harness) == []


def test_other_bytes_under_a_stored_name_leave_the_stored_image_alone(media_harness, jpeg,
                                                                      tmp_path):
    ingest(media_harness.store, jpeg)
    other = make_photo(tmp_path / "other.jpg", seed=2).read_bytes()
    with pytest.raises(ValidationFailed) as caught:
        ingest(media_harness.store, other, sha256_of(jpeg))
    assert caught.value.code == "hash_mismatch"
    assert media_harness.held_bytes(sha256_of(jpeg)) == jpeg


def test_reading_stops_as_soon_as_the_size_limit_is_passed(media_harness):
    consumed = []

    def endless():
        while True:
            consumed.append(1)
            yield b"\xff" * 1000

    with pytest.raises(TooLarge) as caught:
        media_harness.store.ingest(endless(), "a" * 64, max_bytes=10_000, max_pixels=10**7)
    assert (caught.value.code, caught.value.details) == ("too_large", {"max_bytes": 10_000})
    assert len(consumed) == 11
    assert media_harness.originals() == [] and staged(media_harness) == []


@pytest.mark.parametrize("make, error, code", [
    (lambda p: b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>",
     UnsupportedMediaType, "unsupported_media_type"),
    (lambda p: make_photo(p / "a.jpg").read_bytes()[:5000], ValidationFailed, "invalid_image"),
    (lambda p: make_png_bomb(p / "bomb.png").read_bytes(), TooLarge, "too_many_pixels"),
], ids=["svg", "truncated-jpeg", "png-bomb"])
def test_an_image_that_fails_the_decode_checks_is_never_stored(media_harness, tmp_path, make,
                                                               error, code):
    data = make(tmp_path)
    with pytest.raises(error) as caught:
        ingest(media_harness.store, data)
    assert caught.value.code == code
    assert not media_harness.store.exists(sha256_of(data))
    assert media_harness.originals() == [] and staged(media_harness) == []


def test_a_missing_image_is_reported_missing_by_every_read(media_harness):
    store, absent = media_harness.store, "e" * 64
    assert store.exists(absent) is False
    with pytest.raises(FileNotFoundError):
        store.open(absent)
    with pytest.raises(FileNotFoundError), store.local_copy(absent):
        pass
    assert store.read_rendition(absent, "thumbnail") is None
    assert staged(media_harness) == []


@pytest.mark.parametrize("name", BAD_NAMES)
def test_a_name_that_is_not_a_sha256_is_refused_by_every_call(media_harness, jpeg, name):
    store = media_harness.store
    for call in (lambda: store.exists(name), lambda: store.open(name),
                 lambda: store.local_copy(name).__enter__(),
                 lambda: store.read_rendition(name, "thumbnail"),
                 lambda: store.write_rendition(name, "thumbnail", b"x"),
                 lambda: store.ingest(chunked(jpeg), name, **LIMITS)):
        with pytest.raises(ValidationFailed) as caught:
            call()
        assert caught.value.code == "invalid_sha256"
    assert media_harness.originals() == [] and staged(media_harness) == []


def test_a_rendition_is_kept_and_replaced_whole(media_harness, jpeg):
    digest = ingest(media_harness.store, jpeg).sha256
    media_harness.store.write_rendition(digest, "thumbnail", b"first")
    media_harness.store.write_rendition(digest, "thumbnail", b"second")
    media_harness.store.write_rendition(digest, "phash", b"0123456789abcdef")
    assert media_harness.store.read_rendition(digest, "thumbnail") == b"second"
    assert media_harness.store.read_rendition(digest, "phash") == b"0123456789abcdef"
    assert media_harness.store.read_rendition(digest, "customer") is None
    assert media_harness.originals() == [digest]


def test_an_upload_sweeps_the_part_a_killed_worker_left_in_staging(media_harness, jpeg):
    staging = media_harness.store.staging.directory
    staging.mkdir(parents=True, exist_ok=True)
    dead, fresh = staging / "dead.part", staging / "fresh.part"
    dead.write_bytes(b"half a photo")
    fresh.write_bytes(b"a photo still arriving")
    two_hours_ago = time.time() - 2 * 3600
    os.utime(dead, (two_hours_ago, two_hours_ago))
    ingest(media_harness.store, jpeg)
    assert staged(media_harness) == [fresh]
