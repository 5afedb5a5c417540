"""read_capture_facts reads GPS, time and orientation, and shrugs off malformed EXIF."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import piexif
import pytest

from media.exif import NO_FACTS, CaptureFacts, read_capture_facts
from tests.media.photos import exif_bytes, gps_ifd, make_photo, scene

SHANGHAI = "Asia/Shanghai"
G = piexif.GPSIFD


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_position_and_time_are_read_from_a_generated_photo(tmp_path):
    photo = make_photo(tmp_path / "a.jpg", lat=22.5431, lon=114.0579, offset="+08:00")
    facts = read_capture_facts(photo, SHANGHAI)
    assert facts.location == pytest.approx((22.5431, 114.0579), abs=1e-6)
    assert facts.taken_at == utc(2026, 11, 23, 2, 0)
    assert facts.orientation is None


def test_southern_and_western_positions_are_negative(tmp_path):
    photo = make_photo(tmp_path / "a.jpg", lat=-33.8688, lon=-70.6483)
    location = read_capture_facts(photo, SHANGHAI).location
    assert location == pytest.approx((-33.8688, -70.6483), abs=1e-6)


@pytest.mark.parametrize(
    "taken, offset, zone, expected",
    [
        ("2026:11:23 10:00:00", "+03:00", SHANGHAI, utc(2026, 11, 23, 7, 0)),
        ("2026:11:23 10:00:00", "-05:30", SHANGHAI, utc(2026, 11, 23, 15, 30)),
        ("2026:11:23 10:00:00", None, SHANGHAI, utc(2026, 11, 23, 2, 0)),
        ("2026:07:01 12:00:00", None, "Europe/Berlin", utc(2026, 7, 1, 10, 0)),
        ("2026:01:01 12:00:00", None, "Europe/Berlin", utc(2026, 1, 1, 11, 0)),
        ("2026:11:23 10:00:00", "+25:00", SHANGHAI, utc(2026, 11, 23, 2, 0)),
        ("2026:11:23 10:00:00", "junk", SHANGHAI, utc(2026, 11, 23, 2, 0)),
    ],
    ids=[
        "offset+3",
        "offset-5:30",
        "shanghai",
        "berlin-summer",
        "berlin-winter",
        "impossible-offset",
        "junk-offset",
    ],
)
def test_capture_time_honours_offset_else_the_default_zone(tmp_path, taken, offset, zone, expected):
    photo = make_photo(tmp_path / "a.jpg", taken_local=taken, offset=offset)
    taken_at = read_capture_facts(photo, zone).taken_at
    assert taken_at == expected
    assert taken_at.tzinfo is UTC


@pytest.mark.parametrize(
    "taken",
    [
        None,
        "",
        "    :  :     :  :  ",
        "2026:13:45 99:00:00",
        "0000:00:00 00:00:00",
        "2026-11-23T10:00:00",
    ],
)
def test_missing_or_malformed_capture_time_is_none(tmp_path, taken):
    photo = make_photo(tmp_path / "a.jpg", taken_local=taken, lat=22.5, lon=114.0)
    facts = read_capture_facts(photo, SHANGHAI)
    assert facts.taken_at is None
    assert facts.location is not None


def test_orientation_is_reported(tmp_path):
    photo = make_photo(tmp_path / "a.jpg", orientation=6)
    assert read_capture_facts(photo, SHANGHAI).orientation == 6


def test_a_photo_without_exif_has_no_facts(tmp_path):
    path = tmp_path / "plain.jpg"
    scene((200, 100)).save(path, "JPEG")
    assert read_capture_facts(path, SHANGHAI) == NO_FACTS


def test_a_png_with_exif_is_read(tmp_path):
    path = tmp_path / "a.png"
    scene((200, 100)).save(path, "PNG", exif=exif_bytes(lat=45.8, lon=126.5))
    assert read_capture_facts(path, SHANGHAI).location == pytest.approx((45.8, 126.5), abs=1e-6)


def _gps(**overrides) -> dict:
    gps = gps_ifd(43.4674, 11.8851)
    for name, value in overrides.items():
        tag = getattr(G, name)
        if value is None:
            del gps[tag]
        else:
            gps[tag] = value
    return gps


@pytest.mark.parametrize(
    "gps",
    [
        _gps(GPSLatitude=((200, 1), (0, 1), (0, 1))),
        _gps(GPSLongitude=((200, 1), (0, 1), (0, 1))),
        _gps(GPSLatitude=((90, 1), (30, 1), (0, 1))),
        _gps(GPSLatitude=((43, 0), (28, 1), (2, 1))),
        _gps(GPSLongitude=((11, 1), (53, 1), (6, 0))),
        _gps(GPSLatitude=((43, 1), (75, 1), (0, 1))),
        _gps(GPSLatitude=((43, 1), (28, 1))),
        _gps(GPSLatitude=(43, 1)),
        _gps(GPSLatitudeRef=None),
        _gps(GPSLongitudeRef=None),
        _gps(GPSLatitudeRef=b"X"),
        _gps(GPSLongitudeRef=b"N"),
        _gps(GPSLatitudeRef=b"\xff\xfe"),
        _gps(GPSLatitude=None),
        gps_ifd(0.0, 0.0),
    ],
    ids=[
        "lat-200",
        "lon-200",
        "lat-90.5",
        "lat-zero-denominator",
        "lon-zero-denominator",
        "75-minutes",
        "two-parts",
        "one-rational",
        "no-lat-ref",
        "no-lon-ref",
        "ref-X",
        "lon-ref-N",
        "ref-binary",
        "no-latitude",
        "null-island",
    ],
)
def test_nonsense_gps_means_no_location_but_keeps_the_time(tmp_path, gps):
    photo = make_photo(tmp_path / "a.jpg", gps=gps)
    facts = read_capture_facts(photo, SHANGHAI)
    assert facts.location is None
    assert facts.taken_at == utc(2026, 11, 23, 2, 0)


def _patch_entry(exif: bytes, tag: int, new_type: int | None = None, new_count: int | None = None):
    """Rewrite one big-endian IFD entry's type or count, as a buggy or hostile writer would."""
    data = bytearray(exif)
    entry = data.find(tag.to_bytes(2, "big") + (5).to_bytes(2, "big") + (3).to_bytes(4, "big"))
    assert entry > 0
    if new_type is not None:
        data[entry + 2 : entry + 4] = new_type.to_bytes(2, "big")
    if new_count is not None:
        data[entry + 4 : entry + 8] = new_count.to_bytes(4, "big")
    return bytes(data)


def _save_with_exif(path, exif: bytes):
    scene((200, 100)).save(path, "JPEG", exif=exif)
    return path


def test_gps_latitude_stored_as_text_is_no_location(tmp_path):
    exif = _patch_entry(
        exif_bytes(lat=43.4674, lon=11.8851), G.GPSLatitude, new_type=2, new_count=24
    )
    facts = read_capture_facts(_save_with_exif(tmp_path / "a.jpg", exif), SHANGHAI)
    assert facts.location is None


def test_a_forged_huge_count_is_rejected_quickly(tmp_path):
    exif = _patch_entry(
        exif_bytes(lat=43.4674, lon=11.8851), G.GPSLatitude, new_type=3, new_count=0xFFFFFFFF
    )
    photo = _save_with_exif(tmp_path / "a.jpg", exif)
    started = time.perf_counter()
    facts = read_capture_facts(photo, SHANGHAI)
    assert time.perf_counter() - started < 1.0
    assert facts == NO_FACTS


@pytest.mark.parametrize("keep", [8, 20, 60, 0.5])
def test_a_truncated_exif_block_yields_no_facts(tmp_path, keep):
    exif = exif_bytes(lat=43.4674, lon=11.8851, offset="+02:00", orientation=3)
    cut = exif[: keep if isinstance(keep, int) else int(len(exif) * keep)]
    facts = read_capture_facts(_save_with_exif(tmp_path / "a.jpg", cut), SHANGHAI)
    assert facts == NO_FACTS


def test_a_file_that_is_not_an_image_has_no_facts(tmp_path):
    path = tmp_path / "a.jpg"
    path.write_bytes(b"<html></html>")
    assert read_capture_facts(path, SHANGHAI) == NO_FACTS


def test_nikon_sample_position_and_local_time(samples):
    facts = read_capture_facts(samples / "DSCN0010.jpg", "Europe/Rome")
    # N 43°28'2.814", E 11°53'6.456"
    assert facts.location == pytest.approx((43.467448, 11.885127), abs=1e-6)
    # No offset recorded: read in the configured zone (Rome, CEST in October 2008).
    assert facts.taken_at == utc(2008, 10, 22, 14, 28, 39)


def test_nikon_sample_without_offset_uses_the_default_zone(samples):
    facts = read_capture_facts(samples / "DSCN0012.jpg", SHANGHAI)
    assert facts.location == pytest.approx((43.467157, 11.885395), abs=1e-6)
    assert facts.taken_at == utc(2008, 10, 22, 8, 29, 49)


def test_nokia_sample_honours_its_offset(samples):
    facts = read_capture_facts(samples / "HMD_Nokia_8.3_5G.jpg", SHANGHAI)
    assert facts.location == pytest.approx((60.146706, 24.906772), abs=1e-6)
    assert facts.taken_at == utc(2022, 8, 14, 11, 12, 31)


def test_iphone_heic_sample_has_time_but_no_position(samples):
    facts = read_capture_facts(samples / "iphone_13_pro_max.HEIC", SHANGHAI)
    assert facts == CaptureFacts(
        location=None, taken_at=utc(2022, 2, 16, 11, 55, 41), orientation=1
    )


@pytest.mark.parametrize("name, orientation", [("landscape_6.jpg", 6), ("portrait_8.jpg", 8)])
def test_orientation_samples(samples, name, orientation):
    assert read_capture_facts(samples / name, SHANGHAI).orientation == orientation


@pytest.mark.parametrize("name", ["image00971.jpg", "image01551.jpg", "45-gps_ifd.jpg"])
def test_malformed_exif_samples_yield_no_facts_quickly(samples, name):
    started = time.perf_counter()
    facts = read_capture_facts(samples / name, SHANGHAI)
    assert time.perf_counter() - started < 1.0
    assert facts.location is None and facts.taken_at is None
