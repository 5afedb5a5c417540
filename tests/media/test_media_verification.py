"""verify_photo names every failed check and picks the status by precedence."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from pyproj import Geod

from media.exif import CaptureFacts
from media.geofence import Geofence
from media.verification import Verification, verify_photo

GEOD = Geod(ellps="WGS84")
SITE = (22.54, 114.06)
START = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
END = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
IN_WINDOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def north_of_site(metres: float) -> tuple[float, float]:
    lon, lat, _ = GEOD.fwd(SITE[1], SITE[0], 0, metres)
    return lat, lon


INSIDE = north_of_site(50)
FIVE_KM_OUT = north_of_site(5200)


def verify(location=INSIDE, taken_at=IN_WINDOW, **overrides) -> Verification:
    arguments = {
        "facts": CaptureFacts(location=location, taken_at=taken_at, orientation=1),
        "fence": Geofence(*SITE, polygon=None, radius_m=200),
        "window_start": START,
        "window_end": END,
        "duplicate_of_order": None,
        "near_duplicate_of_photo": None,
        "start_location": None,
        **overrides,
    }
    return verify_photo(**arguments)


def test_a_photo_inside_the_fence_and_window_is_verified():
    result = verify()
    assert result.as_dict() == {"status": "verified", "distance_m": 0.0, "reasons": []}


@pytest.mark.parametrize("taken_at", [START, END])
def test_the_window_bounds_are_inclusive(taken_at):
    assert verify(taken_at=taken_at).status == "verified"


def test_a_photo_outside_the_fence_reports_how_far():
    result = verify(location=FIVE_KM_OUT)
    assert result.status == "outside_geofence"
    assert result.distance_m == pytest.approx(5000, abs=1)
    assert result.reasons == ["taken 5.0 km outside the site geofence"]


def test_a_short_distance_is_given_in_metres():
    result = verify(location=north_of_site(350))
    assert result.as_dict() == {
        "status": "outside_geofence",
        "distance_m": 150.0,
        "reasons": ["taken 150 m outside the site geofence"],
    }


def test_distance_is_rounded_to_a_tenth_of_a_metre():
    assert verify(location=north_of_site(212.345)).as_dict()["distance_m"] == 12.3


@pytest.mark.parametrize(
    "taken_at, reason",
    [
        (
            datetime(2026, 11, 20, 8, 0, tzinfo=UTC),
            "taken 2026-11-20 08:00 UTC, 3 days before the job window",
        ),
        (
            datetime(2026, 11, 23, 17, 30, tzinfo=UTC),
            "taken 2026-11-23 17:30 UTC, 5 hours after the job window",
        ),
        (
            datetime(2026, 11, 23, 7, 59, tzinfo=UTC),
            "taken 2026-11-23 07:59 UTC, 1 minute before the job window",
        ),
        (
            datetime(2026, 11, 23, 12, 0, 30, tzinfo=UTC),
            "taken 2026-11-23 12:00 UTC, less than a minute after the job window",
        ),
        (
            datetime(2026, 11, 24, 13, 0, tzinfo=UTC),
            "taken 2026-11-24 13:00 UTC, 1 day after the job window",
        ),
        (None, "no capture time in EXIF"),
    ],
    ids=["days-before", "hours-after", "minute-before", "seconds-after", "day-after", "no-time"],
)
def test_a_photo_outside_the_job_window_is_a_time_mismatch(taken_at, reason):
    result = verify(taken_at=taken_at)
    assert (result.status, result.reasons) == ("time_mismatch", [reason])
    assert result.distance_m == 0.0


def test_the_capture_time_is_compared_as_an_instant_whatever_its_zone():
    shanghai = timezone(timedelta(hours=8))
    assert verify(taken_at=IN_WINDOW.astimezone(shanghai)).status == "verified"
    assert verify(taken_at=END.astimezone(shanghai) + timedelta(minutes=1)).reasons == [
        "taken 2026-11-23 12:01 UTC, 1 minute after the job window"
    ]


def test_a_photo_without_gps_has_no_location_and_no_distance():
    result = verify(location=None)
    assert result.as_dict() == {
        "status": "no_location",
        "distance_m": None,
        "reasons": ["no GPS position in EXIF"],
    }


def test_the_same_image_on_another_order_is_a_duplicate():
    result = verify(duplicate_of_order="WO-1042")
    assert result.status == "duplicate"
    assert result.reasons == ["same image already attached to order WO-1042"]


LATE = END + timedelta(days=2)


@pytest.mark.parametrize(
    "case, status, failed",
    [
        (
            {"duplicate_of_order": "WO-1", "location": FIVE_KM_OUT, "taken_at": LATE},
            "duplicate",
            ["duplicate", "outside", "time"],
        ),
        (
            {"duplicate_of_order": "WO-1", "location": None, "taken_at": None},
            "duplicate",
            ["duplicate", "time", "gps"],
        ),
        ({"location": FIVE_KM_OUT, "taken_at": LATE}, "outside_geofence", ["outside", "time"]),
        ({"location": FIVE_KM_OUT, "taken_at": None}, "outside_geofence", ["outside", "time"]),
        ({"location": None, "taken_at": LATE}, "time_mismatch", ["time", "gps"]),
        ({"location": None, "taken_at": None}, "time_mismatch", ["time", "gps"]),
        ({"duplicate_of_order": "WO-1", "location": None}, "duplicate", ["duplicate", "gps"]),
    ],
)
def test_the_status_is_the_first_failure_and_every_failure_is_named(case, status, failed):
    result = verify(**case)
    assert result.status == status
    starts = {
        "duplicate": "same image already attached",
        "outside": "taken 5.0 km outside",
        "time": ("taken 2026-11-25", "no capture time"),
        "gps": "no GPS position",
    }
    assert len(result.reasons) == len(failed)
    for reason, check in zip(result.reasons, failed, strict=True):
        assert reason.startswith(starts[check])


def test_a_near_duplicate_is_advisory_only():
    result = verify(near_duplicate_of_photo="P-7")
    assert result.status == "verified"
    assert result.reasons == ["looks like photo P-7 re-encoded or resized"]


def test_being_far_from_where_the_job_started_is_advisory_only():
    result = verify(start_location=north_of_site(1250))
    assert result.status == "verified"
    assert result.reasons == ["taken 1.2 km from where the job was started"]


def test_being_near_where_the_job_started_says_nothing():
    assert verify(start_location=north_of_site(900)).reasons == []


def test_advisories_follow_the_failed_checks():
    result = verify(location=FIVE_KM_OUT, near_duplicate_of_photo="P-7", start_location=SITE)
    assert result.status == "outside_geofence"
    assert result.reasons == [
        "taken 5.0 km outside the site geofence",
        "looks like photo P-7 re-encoded or resized",
        "taken 5.2 km from where the job was started",
    ]


def test_the_far_from_start_threshold_is_configurable():
    result = verify(start_location=north_of_site(600), far_from_start_m=500)
    assert result.reasons == ["taken 550 m from where the job was started"]


def test_a_naive_job_window_is_a_programming_error():
    with pytest.raises(ValueError):
        verify(window_start=START.replace(tzinfo=None))
