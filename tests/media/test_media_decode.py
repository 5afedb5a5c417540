"""inspect_image accepts real JPEG/PNG/HEIC files and refuses everything else."""

from __future__ import annotations

import resource
import time
from pathlib import Path

import pytest
from PIL import Image

from media.decode import ImageInfo, inspect_image
from sync.errors import TooLarge, UnsupportedMediaType, ValidationFailed
from tests.media.photos import make_photo, make_png_bomb, scene

LIMIT = 50_000_000


def test_a_jpeg_is_described_by_format_mime_and_size(tmp_path):
    photo = make_photo(tmp_path / "a.jpg", size=(640, 480))
    assert inspect_image(photo, max_pixels=LIMIT) == ImageInfo("JPEG", "image/jpeg", 640, 480)


def test_a_png_is_accepted(tmp_path):
    path = tmp_path / "a.png"
    scene((300, 200)).save(path, "PNG")
    assert inspect_image(path, max_pixels=LIMIT) == ImageInfo("PNG", "image/png", 300, 200)


def test_an_iphone_heic_is_accepted(samples):
    info = inspect_image(samples / "iphone_13_pro_max.HEIC", max_pixels=LIMIT)
    assert info == ImageInfo("HEIF", "image/heic", 3024, 4032)


def _write_gif(path: Path) -> None:
    scene((64, 64)).save(path, "GIF")


def _write_webp(path: Path) -> None:
    scene((64, 64)).save(path, "WEBP")


@pytest.mark.parametrize(
    "content",
    [
        b"<!DOCTYPE html><html><script>alert(1)</script></html>",
        b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script/></svg>',
        b"just some text, not a picture\n",
        b"",
        b"\x00" * 1024,
    ],
    ids=["html", "svg", "text", "empty", "zeros"],
)
def test_non_images_are_unsupported(tmp_path, content):
    path = tmp_path / "upload"
    path.write_bytes(content)
    with pytest.raises(UnsupportedMediaType) as caught:
        inspect_image(path, max_pixels=LIMIT)
    assert caught.value.code == "unsupported_media_type"


@pytest.mark.parametrize("write", [_write_gif, _write_webp], ids=["gif", "webp"])
def test_other_image_formats_are_unsupported(tmp_path, write):
    path = tmp_path / "upload"
    write(path)
    with pytest.raises(UnsupportedMediaType) as caught:
        inspect_image(path, max_pixels=LIMIT)
    assert caught.value.code == "unsupported_media_type"


@pytest.mark.parametrize("keep", [0.5, 0.9])
def test_a_truncated_jpeg_is_invalid(tmp_path, keep):
    data = make_photo(tmp_path / "full.jpg").read_bytes()
    path = tmp_path / "cut.jpg"
    path.write_bytes(data[: int(len(data) * keep)])
    with pytest.raises(ValidationFailed) as caught:
        inspect_image(path, max_pixels=LIMIT)
    assert caught.value.code == "invalid_image"


def test_a_png_with_corrupt_data_is_invalid(tmp_path):
    path = tmp_path / "a.png"
    scene((200, 200)).save(path, "PNG")
    data = bytearray(path.read_bytes())
    data[200:260] = b"\xff" * 60
    path.write_bytes(bytes(data))
    with pytest.raises(ValidationFailed) as caught:
        inspect_image(path, max_pixels=LIMIT)
    assert caught.value.code == "invalid_image"


def test_an_image_over_the_pixel_limit_is_refused_from_its_header(tmp_path):
    photo = make_photo(tmp_path / "a.jpg", size=(1200, 900))
    with pytest.raises(TooLarge) as caught:
        inspect_image(photo, max_pixels=1200 * 900 - 1)
    assert caught.value.code == "too_many_pixels"
    assert caught.value.details == {"width": 1200, "height": 900, "max_pixels": 1079999}


def test_a_png_bomb_is_refused_fast_without_decoding(tmp_path):
    bomb = make_png_bomb(tmp_path / "bomb.png", 30000, 30000)
    assert bomb.stat().st_size < 500_000
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    with pytest.raises(TooLarge) as caught:
        inspect_image(bomb, max_pixels=LIMIT)
    assert time.perf_counter() - started < 0.5
    assert caught.value.code == "too_many_pixels"
    peak_growth_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak_before
    assert peak_growth_kb < 50_000


def test_pillow_decompression_bomb_warning_counts_as_too_many_pixels(tmp_path):
    # 10000 x 10000 is above Pillow's warning threshold but below its hard limit.
    bomb = make_png_bomb(tmp_path / "bomb.png", 10000, 10000)
    assert Image.MAX_IMAGE_PIXELS < 10000 * 10000 < 2 * Image.MAX_IMAGE_PIXELS
    with pytest.raises(TooLarge) as caught:
        inspect_image(bomb, max_pixels=10**12)
    assert caught.value.code == "too_many_pixels"


def test_every_sample_photo_is_accepted(samples):
    for path in sorted(samples.glob("*")):
        if path.suffix.lower() in (".jpg", ".heic"):
            info = inspect_image(path, max_pixels=LIMIT)
            assert info.width > 0 and info.height > 0, path.name
