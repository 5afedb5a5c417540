"""Decoding is bounded from the header: side length, pixel count and pixels per byte of file."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from PIL import Image

from media.decode import DecodeLimits, inspect_image, load_upright
from media.phash import perceptual_hash
from media.thumbnails import customer_copy, make_thumbnail
from sync.errors import TooLarge
from tests.media.hostile import flat_png, heic_claiming, jpeg_without_its_data, long_png
from tests.media.photos import make_photo

LIMIT = 50_000_000

HOSTILE = {
    "png 1 x 50,000,000": (lambda p: long_png(p, 1, 50_000_000), "side_too_long"),
    "png 50,000,000 x 1": (lambda p: long_png(p, 50_000_000, 1), "side_too_long"),
    "png 7000 x 7000 in 1-bit": (lambda p: long_png(p, 7000, 7000), "too_many_pixels_for_size"),
    "png 2500 x 2000 of one colour": (lambda p: flat_png(p, (2500, 2000)),
                                      "too_many_pixels_for_size"),
    "jpeg headers claiming 7000 x 7000": (lambda p: jpeg_without_its_data(p, (7000, 7000)),
                                          "too_many_pixels_for_size"),
    "heic of 64 x 64 claiming 7000 x 7000": (lambda p: heic_claiming(p, (7000, 7000)),
                                             "too_many_pixels_for_size"),
}


@pytest.fixture(scope="module", params=list(HOSTILE), ids=list(HOSTILE))
def hostile(request, tmp_path_factory) -> tuple[Path, str]:
    make, code = HOSTILE[request.param]
    return make(tmp_path_factory.mktemp("hostile") / "upload"), code


def test_a_hostile_image_is_refused_from_its_header_in_no_time(hostile):
    path, code = hostile
    assert path.stat().st_size < 200_000
    started = time.perf_counter()
    with pytest.raises(TooLarge) as caught:
        inspect_image(path, max_pixels=LIMIT)
    assert time.perf_counter() - started < 0.5
    assert caught.value.code == code


@pytest.mark.parametrize("step", [
    lambda path: load_upright(path, box=800),
    perceptual_hash,
    make_thumbnail,
    customer_copy,
], ids=["decode", "phash", "thumbnail", "customer copy"])
def test_every_step_after_upload_refuses_a_hostile_image_too(hostile, step):
    # Bytes stored before these limits existed must not cost a worker its memory later.
    path, code = hostile
    with pytest.raises(TooLarge) as caught:
        step(path)
    assert caught.value.code == code


def test_the_longest_side_is_configurable(tmp_path):
    photo = make_photo(tmp_path / "a.jpg", size=(1200, 900))
    with pytest.raises(TooLarge) as caught:
        inspect_image(photo, max_pixels=LIMIT, max_side=1000)
    assert caught.value.code == "side_too_long"
    assert caught.value.details == {"width": 1200, "height": 900, "max_side": 1000}
    assert inspect_image(photo, max_pixels=LIMIT, max_side=1200).width == 1200


def test_the_pixel_limit_is_checked_before_the_file_size_ratio(tmp_path):
    path = long_png(tmp_path / "a.png", 8000, 8000)
    with pytest.raises(TooLarge) as caught:
        inspect_image(path, max_pixels=LIMIT)
    assert caught.value.code == "too_many_pixels"


@pytest.mark.parametrize("size", [(800, 300), (2000, 2000)])
def test_a_blank_signature_compresses_as_well_as_it_likes(tmp_path, size):
    # Small pictures are exempt from the ratio: a blank signature pad is legitimately tiny.
    path = long_png(tmp_path / "blank.png", *size)
    assert size[0] * size[1] / path.stat().st_size > 1000
    assert inspect_image(path, max_pixels=LIMIT).width == size[0]


def test_a_photo_with_little_detail_is_still_accepted(tmp_path):
    # A dark, out-of-focus 12 MP frame: about 60 pixels per byte, under the 100 allowed.
    path = tmp_path / "dark.jpg"
    Image.new("RGB", (4000, 3000), (12, 14, 10)).save(path, "JPEG", quality=90)
    assert 30 < 4000 * 3000 / path.stat().st_size < DecodeLimits().max_pixels_per_byte
    assert inspect_image(path, max_pixels=LIMIT).width == 4000
