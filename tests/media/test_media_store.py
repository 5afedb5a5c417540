"""MediaStore.ingest stores valid images by hash and leaves nothing behind on failure."""

from __future__ import annotations

from pathlib import Path

import pytest

from media.store import IngestResult
from media.stores.directory import DirectoryStore
from sync.errors import DomainError, TooLarge, UnsupportedMediaType, ValidationFailed
from tests.media.photos import make_photo, make_png_bomb, scene, sha256_of

MAX_BYTES = 5_000_000
MAX_PIXELS = 50_000_000


def chunked(data: bytes, size: int = 64 * 1024):
    for start in range(0, len(data), size):
        yield data[start : start + size]


def ingest(store: DirectoryStore, data: bytes, sha256: str | None = None, **limits) -> IngestResult:
    limits = {"max_bytes": MAX_BYTES, "max_pixels": MAX_PIXELS, **limits}
    return store.ingest(chunked(data), sha256 or sha256_of(data), **limits)


def stored_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


@pytest.fixture
def jpeg(tmp_path) -> bytes:
    return make_photo(tmp_path / "photo.jpg", lat=22.54, lon=114.06).read_bytes()


def test_a_new_photo_is_stored_under_its_hash(store, jpeg):
    digest = sha256_of(jpeg)
    result = ingest(store, jpeg)
    assert result.created is True
    assert (result.sha256, result.size) == (digest, len(jpeg))
    assert (result.info.format, result.info.width, result.info.height) == ("JPEG", 1200, 900)
    assert store.path_for(digest) == store.root / digest[:2] / digest[2:4] / digest
    assert store.path_for(digest).read_bytes() == jpeg
    assert store.exists(digest)
    assert list((store.root / "tmp").iterdir()) == []


def test_uploading_the_same_photo_again_is_not_a_new_file(store, jpeg):
    first = ingest(store, jpeg)
    before = store.path_for(first.sha256).stat()
    again = ingest(store, jpeg)
    assert again.created is False
    assert again.sha256 == first.sha256 and again.info == first.info
    after = store.path_for(first.sha256).stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert stored_files(store.root) == [store.path_for(first.sha256)]


def test_a_reupload_under_the_right_name_with_wrong_bytes_is_refused(store, jpeg, tmp_path):
    ingest(store, jpeg)
    other = make_photo(tmp_path / "other.jpg", seed=2).read_bytes()
    with pytest.raises(ValidationFailed) as caught:
        ingest(store, other, sha256_of(jpeg))
    assert caught.value.code == "hash_mismatch"
    assert store.path_for(sha256_of(jpeg)).read_bytes() == jpeg


def test_a_hash_mismatch_reports_both_hashes(store, jpeg):
    wrong = "0" * 64
    with pytest.raises(ValidationFailed) as caught:
        ingest(store, jpeg, wrong)
    assert caught.value.code == "hash_mismatch"
    assert caught.value.details == {"expected_sha256": wrong, "actual_sha256": sha256_of(jpeg)}
    assert not store.exists(wrong)
    assert stored_files(store.root) == []


def test_reading_stops_as_soon_as_the_byte_limit_is_passed(store):
    consumed = []

    def endless():
        while True:
            consumed.append(1)
            yield b"\xff" * 1000

    with pytest.raises(TooLarge) as caught:
        store.ingest(endless(), "a" * 64, max_bytes=10_000, max_pixels=MAX_PIXELS)
    assert caught.value.code == "too_large"
    assert len(consumed) == 11
    assert stored_files(store.root) == []


@pytest.mark.parametrize(
    "name",
    ["", "abc", "A" * 64, "g" * 64, "a" * 63, "a" * 65, "../" + "a" * 61, None],
    ids=["empty", "short", "uppercase", "not-hex", "63", "65", "traversal", "none"],
)
def test_names_that_are_not_sha256_are_refused(store, jpeg, name):
    with pytest.raises(ValidationFailed) as caught:
        store.ingest(chunked(jpeg), name, max_bytes=MAX_BYTES, max_pixels=MAX_PIXELS)
    assert caught.value.code == "invalid_sha256"
    assert stored_files(store.root) == []


def _html(tmp_path: Path) -> bytes:
    return b"<html><body><script>alert('x')</script></body></html>"


def _svg(tmp_path: Path) -> bytes:
    return b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'


def _gif(tmp_path: Path) -> bytes:
    scene((80, 60)).save(tmp_path / "a.gif", "GIF")
    return (tmp_path / "a.gif").read_bytes()


def _truncated_jpeg(tmp_path: Path) -> bytes:
    data = make_photo(tmp_path / "a.jpg").read_bytes()
    return data[: len(data) // 2]


def _png_bomb(tmp_path: Path) -> bytes:
    return make_png_bomb(tmp_path / "bomb.png").read_bytes()


def _too_big(tmp_path: Path) -> bytes:
    return make_photo(tmp_path / "a.jpg", size=(3000, 2000), quality=95).read_bytes()


@pytest.mark.parametrize(
    "make, error, code",
    [
        (_html, UnsupportedMediaType, "unsupported_media_type"),
        (_svg, UnsupportedMediaType, "unsupported_media_type"),
        (_gif, UnsupportedMediaType, "unsupported_media_type"),
        (_truncated_jpeg, ValidationFailed, "invalid_image"),
        (_png_bomb, TooLarge, "too_many_pixels"),
        (_too_big, TooLarge, "too_large"),
    ],
    ids=["html", "svg", "gif", "truncated-jpeg", "png-bomb", "over-byte-limit"],
)
def test_a_refused_upload_leaves_nothing_stored(store, tmp_path, make, error, code):
    data = make(tmp_path)
    with pytest.raises(error) as caught:
        ingest(store, data, max_bytes=1_000_000)
    assert isinstance(caught.value, DomainError)
    assert caught.value.code == code
    assert not store.exists(sha256_of(data))
    assert stored_files(store.root) == []


def test_a_failed_upload_does_not_disturb_stored_photos(store, jpeg, tmp_path):
    kept = ingest(store, jpeg)
    with pytest.raises(ValidationFailed):
        ingest(store, _truncated_jpeg(tmp_path))
    assert stored_files(store.root) == [store.path_for(kept.sha256)]


def test_the_iphone_heic_is_stored(store, samples):
    result = ingest(store, (samples / "iphone_13_pro_max.HEIC").read_bytes())
    assert result.created is True
    assert (result.info.mime, result.info.width, result.info.height) == ("image/heic", 3024, 4032)


def test_every_sample_photo_ingests(store, samples):
    photos = [p for p in sorted(samples.iterdir()) if p.suffix.lower() in (".jpg", ".heic")]
    assert len(photos) == 9
    for photo in photos:
        result = ingest(store, photo.read_bytes(), max_bytes=20_000_000)
        assert result.created and store.exists(result.sha256), photo.name
