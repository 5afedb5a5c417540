"""A site's polygon must cover the site's own point or lie within 5 km of it: a fence drawn
for another place (the antipode, swapped coordinates) would judge every photo wrongly."""

from __future__ import annotations

import math

import pytest
from pyproj import Geod

from media.geofence import validate_site_fence
from sync.errors import ValidationFailed

GEOD = Geod(ellps="WGS84")
SHENZHEN = (22.5405, 113.953)


def square_at(lat: float, lon: float, half_side_m: float = 100.0) -> dict:
    corners = []
    for azimuth in (45, 135, 225, 315):
        east, north, _ = GEOD.fwd(lon, lat, azimuth, half_side_m * math.sqrt(2))
        corners.append([east, north])
    return {"type": "Polygon", "coordinates": [corners + [corners[0]]]}


def square_away(metres: float, azimuth: float = 90.0, origin=SHENZHEN) -> dict:
    """A 200 m square whose nearest side is `metres` from `origin`."""
    lon, lat, _ = GEOD.fwd(origin[1], origin[0], azimuth, metres + 100.0)
    return square_at(lat, lon)


def antipode(lat: float, lon: float) -> tuple[float, float]:
    return -lat, lon - 180.0 if lon > 0 else lon + 180.0


@pytest.mark.parametrize("fence", [
    square_at(*SHENZHEN),
    square_at(*SHENZHEN, half_side_m=50_000),
    square_away(4_900),
    square_away(4_900, azimuth=0),
], ids=["around_the_site", "a_large_area_around_it", "4.9_km_east", "4.9_km_north"])
def test_a_fence_covering_or_near_its_site_is_accepted(fence):
    validate_site_fence(fence, *SHENZHEN)


@pytest.mark.parametrize(("fence", "words"), [
    (square_at(*antipode(*SHENZHEN)), "more than 100 km"),
    (square_at(SHENZHEN[1] - 90, SHENZHEN[0]), "more than 100 km"),  # lat/lon swapped-ish
    (square_away(5_200), "5.2 km"),
    (square_away(60_000, azimuth=200), "60.0 km"),
], ids=["antipode", "another_continent", "5.2_km_east", "60_km_south_west"])
def test_a_fence_far_from_its_site_is_invalid_geofence_saying_how_far(fence, words):
    with pytest.raises(ValidationFailed) as raised:
        validate_site_fence(fence, *SHENZHEN)

    assert raised.value.code == "invalid_geofence"
    assert words in raised.value.message


def test_a_fence_near_a_site_close_to_the_pole_is_measured_truly():
    site = (89.99, 100.0)
    validate_site_fence(square_away(3_000, azimuth=270, origin=site), *site)
    with pytest.raises(ValidationFailed):
        validate_site_fence(square_away(8_000, azimuth=270, origin=site), *site)


def test_an_invalid_polygon_is_still_refused_for_what_it_is():
    with pytest.raises(ValidationFailed) as raised:
        validate_site_fence({"type": "Polygon", "coordinates": []}, *SHENZHEN)

    assert "non-empty list of rings" in raised.value.message
