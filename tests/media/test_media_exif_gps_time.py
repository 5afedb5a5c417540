"""The GPS time stamp (UTC) tells a capture time's zone when the camera wrote no offset."""

from __future__ import annotations

from datetime import UTC, datetime

import piexif
import pytest

from media.exif import read_capture_facts
from tests.media.photos import gps_ifd, make_photo

SHENZHEN = (22.5405, 113.9530)


def gps_with_time(date: bytes | str, hms) -> dict:
    gps = gps_ifd(*SHENZHEN)
    gps[piexif.GPSIFD.GPSDateStamp] = date.encode() if isinstance(date, str) else date
    gps[piexif.GPSIFD.GPSTimeStamp] = hms
    return gps


# The camera's clock read 10:30:00 local; its GPS fix (UTC) came 9 s before the shutter.
FIX = gps_with_time("2026:11:23", ((2, 1), (29, 1), (5100, 100)))


@pytest.mark.parametrize("default_zone", ["Asia/Shanghai", "America/New_York", "UTC"])
def test_the_gps_time_stamp_sets_the_zone_whatever_the_default(tmp_path, default_zone):
    photo = make_photo(tmp_path / "a.jpg", gps=FIX, taken_local="2026:11:23 10:30:00")

    facts = read_capture_facts(photo, default_zone)

    assert facts.taken_at == datetime(2026, 11, 23, 2, 30, tzinfo=UTC)


def test_an_explicit_offset_still_wins_over_the_gps_time(tmp_path):
    photo = make_photo(tmp_path / "a.jpg", gps=FIX, taken_local="2026:11:23 10:30:00",
                       offset="+09:00")

    assert read_capture_facts(photo, "UTC").taken_at == datetime(2026, 11, 23, 1, 30,
                                                                 tzinfo=UTC)


def test_the_gps_time_alone_is_the_capture_time(tmp_path):
    photo = make_photo(tmp_path / "a.jpg", gps=FIX, taken_local=None)

    assert read_capture_facts(photo, "UTC").taken_at == datetime(2026, 11, 23, 2, 29, 51,
                                                                 tzinfo=UTC)


def test_a_camera_clock_days_off_the_gps_time_falls_back_to_the_default_zone(tmp_path):
    photo = make_photo(tmp_path / "a.jpg", gps=FIX, taken_local="2026:11:27 10:30:00")

    assert read_capture_facts(photo, "Asia/Shanghai").taken_at == datetime(
        2026, 11, 27, 2, 30, tzinfo=UTC)


@pytest.mark.parametrize(("date", "hms"), [
    (b"2026:13:40", ((2, 1), (29, 1), (51, 1))),
    ("9999:12:31", ((23, 1), (59, 1), (59, 1))),
    ("2026:11:23", ((25, 1), (0, 1), (0, 1))),
    ("2026:11:23", ((2, 1), (29, 0), (51, 1))),
    ("2026:11:23", ((2, 1), (29, 1))),
    (b"\xff\xfe", ((2, 1), (29, 1), (51, 1))),
])
def test_a_malformed_gps_time_is_ignored(tmp_path, date, hms):
    photo = make_photo(tmp_path / "a.jpg", gps=gps_with_time(date, hms),
                       taken_local="2026:11:23 10:30:00")

    assert read_capture_facts(photo, "Asia/Shanghai").taken_at == datetime(
        2026, 11, 23, 2, 30, tzinfo=UTC)
