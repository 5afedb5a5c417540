"""Thumbnails and customer copies are upright JPEGs that carry no metadata at all."""

from __future__ import annotations

from io import BytesIO

import piexif
import pytest
from PIL import Image, ImageCms

from media.thumbnails import customer_copy, make_thumbnail
from tests.media.photos import exif_bytes, make_photo, scene

RED = (255, 0, 0)


def opened(data: bytes) -> Image.Image:
    image = Image.open(BytesIO(data))
    image.load()
    return image


def assert_no_metadata(data: bytes) -> None:
    image = opened(data)
    assert image.format == "JPEG"
    assert len(image.getexif()) == 0
    assert not {"exif", "xmp", "icc_profile", "comment"} & set(image.info)
    assert piexif.load(data)["GPS"] == {}
    for marker in (b"Exif\x00\x00", b"http://ns.adobe.com/xap/1.0/", b"ICC_PROFILE", b"Nikon"):
        assert marker not in data


def test_a_thumbnail_fits_in_the_box_and_keeps_the_aspect(tmp_path):
    photo = make_photo(tmp_path / "a.jpg", size=(4000, 3000), lat=22.54, lon=114.06)
    thumb = opened(make_thumbnail(photo))
    assert thumb.size == (800, 600)
    assert thumb.mode == "RGB"


def test_a_small_photo_is_not_enlarged(tmp_path):
    photo = make_photo(tmp_path / "a.jpg", size=(320, 240))
    assert opened(make_thumbnail(photo)).size == (320, 240)


def test_a_thumbnail_carries_no_exif(tmp_path):
    photo = make_photo(tmp_path / "a.jpg", lat=22.54, lon=114.06, offset="+08:00")
    assert_no_metadata(make_thumbnail(photo))


@pytest.mark.parametrize(
    "name, stored, upright",
    [
        ("landscape_6.jpg", (450, 600), (600, 450)),
        ("portrait_8.jpg", (600, 450), (450, 600)),
    ],
)
def test_orientation_samples_come_out_upright(samples, name, stored, upright):
    with Image.open(samples / name) as original:
        assert original.size == stored
    assert opened(make_thumbnail(samples / name)).size == upright
    assert opened(customer_copy(samples / name)).size == upright


@pytest.mark.parametrize(
    "orientation, stored_as",
    [
        (1, None),
        (3, Image.Transpose.ROTATE_180),
        (6, Image.Transpose.ROTATE_90),
        (8, Image.Transpose.ROTATE_270),
    ],
)
def test_the_picture_content_is_turned_upright(tmp_path, orientation, stored_as):
    upright = scene((600, 400), seed=3)
    upright.paste(RED, (0, 0, 150, 100))  # marks the top-left corner
    pixels = upright if stored_as is None else upright.transpose(stored_as)
    path = tmp_path / "a.jpg"
    pixels.save(path, "JPEG", quality=95, exif=exif_bytes(orientation=orientation))
    thumb = opened(make_thumbnail(path, max_px=300))
    assert thumb.size == (300, 200)
    r, g, b = thumb.getpixel((20, 20))
    assert r > 200 and g < 60 and b < 60


def test_the_iphone_heic_becomes_an_upright_jpeg(samples):
    heic = samples / "iphone_13_pro_max.HEIC"
    thumb = make_thumbnail(heic)
    assert opened(thumb).size == (600, 800)
    assert_no_metadata(thumb)
    copy = customer_copy(heic)
    assert opened(copy).size == (1536, 2048)
    assert_no_metadata(copy)


@pytest.mark.parametrize(
    "name",
    ["DSCN0010.jpg", "HMD_Nokia_8.3_5G.jpg", "landscape_6.jpg", "image00971.jpg", "45-gps_ifd.jpg"],
)
def test_customer_copies_of_samples_have_no_metadata(samples, name):
    copy = customer_copy(samples / name)
    assert_no_metadata(copy)
    assert max(opened(copy).size) <= 2048


def test_a_customer_copy_drops_comments_and_icc(tmp_path):
    path = tmp_path / "a.jpg"
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    scene((500, 300)).save(
        path,
        "JPEG",
        exif=exif_bytes(lat=22.54, lon=114.06),
        comment=b"engineer phone 13",
        icc_profile=srgb,
    )
    copy = customer_copy(path)
    assert b"engineer phone" not in copy
    assert_no_metadata(copy)


def test_a_transparent_png_is_flattened_on_white(tmp_path):
    path = tmp_path / "a.png"
    Image.new("RGBA", (200, 100), (0, 0, 0, 0)).save(path, "PNG")
    thumb = opened(make_thumbnail(path))
    assert thumb.getpixel((100, 50)) == pytest.approx((255, 255, 255), abs=2)
