"""The upload decodes once, DCT-scaled, and that decode gives the same verdicts and renditions."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from media.decode import inspect_image
from media.phash import perceptual_hash, phash_of
from media.thumbnails import make_thumbnail, thumbnail_of
from sync.errors import DomainError
from tests.media.photos import exif_bytes, make_photo, scene

LIMIT = 50_000_000


def _png(folder: Path) -> Path:
    path = folder / "a.png"
    scene((1500, 1000), seed=3).convert("RGBA").save(path, "PNG")
    return path


def _rotated_jpeg(folder: Path) -> Path:
    path = folder / "rotated.jpg"
    sideways = scene((2400, 1800), seed=4).transpose(Image.Transpose.ROTATE_90)
    sideways.save(path, "JPEG", quality=90, exif=exif_bytes(orientation=6))
    return path


SAMPLES = ["DSCN0010.jpg", "HMD_Nokia_8.3_5G.jpg", "landscape_6.jpg", "portrait_8.jpg",
           "iphone_13_pro_max.HEIC", "image00971.jpg", "45-gps_ifd.jpg"]


@pytest.mark.parametrize("make", [
    lambda tmp: make_photo(tmp / "a.jpg", size=(4000, 3000)),
    _rotated_jpeg,
    _png,
], ids=["12 MP jpeg", "rotated jpeg", "rgba png"])
def test_the_upload_decode_gives_the_same_thumbnail_and_phash(tmp_path, make):
    path = make(tmp_path)
    preview = inspect_image(path, max_pixels=LIMIT).preview
    assert thumbnail_of(preview) == make_thumbnail(path)
    assert phash_of(preview) == perceptual_hash(path)


@pytest.mark.parametrize("name", SAMPLES)
def test_the_upload_decode_of_a_real_photo_gives_the_same_renditions(samples, name):
    preview = inspect_image(samples / name, max_pixels=LIMIT).preview
    assert thumbnail_of(preview) == make_thumbnail(samples / name)
    assert phash_of(preview) == perceptual_hash(samples / name)


def test_a_12_megapixel_jpeg_is_decoded_at_a_quarter_scale(tmp_path):
    path = make_photo(tmp_path / "a.jpg", size=(4000, 3000))
    info = inspect_image(path, max_pixels=LIMIT)
    assert (info.width, info.height) == (4000, 3000)
    assert info.preview.size == (1000, 750)


def _damaged(data: bytes, how: str) -> bytes:
    scan = data.index(b"\xff\xda")
    if how.startswith("cut at "):
        return data[: int(len(data) * float(how.removeprefix("cut at ")))]
    if how == "scan data zeroed":
        middle = (scan + len(data)) // 2
        return data[:middle] + b"\x00" * 4096 + data[middle + 4096:]
    if how == "marker in the scan":
        middle = (scan + len(data)) // 2
        return data[:middle] + b"\xff\xd9" + data[middle + 2:]
    if how == "no end of image":
        return data[:-2]
    raise AssertionError(how)


def _full_decode_accepts(data: bytes) -> bool:
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
    except Exception:  # noqa: BLE001 - any decoder error means "refused"
        return False
    return True


@pytest.mark.parametrize("how", ["cut at 0.3", "cut at 0.6", "cut at 0.95", "cut at 0.999",
                                 "scan data zeroed", "marker in the scan", "no end of image"])
@pytest.mark.parametrize("progressive", [False, True], ids=["baseline", "progressive"])
def test_a_damaged_jpeg_gets_the_verdict_a_full_decode_gives(tmp_path, how, progressive):
    buffer = io.BytesIO()
    scene((2400, 1800), seed=5).save(buffer, "JPEG", quality=90, progressive=progressive)
    path = tmp_path / "damaged.jpg"
    path.write_bytes(_damaged(buffer.getvalue(), how))
    try:
        inspect_image(path, max_pixels=LIMIT)
        accepted = True
    except DomainError:
        accepted = False
    assert accepted == _full_decode_accepts(path.read_bytes())
