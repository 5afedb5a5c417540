"""Geofence polygons are validated and distances from a fence are true metres."""

from __future__ import annotations

import math

import pytest
from pyproj import Geod

from media.geofence import Geofence, geodesic_distance_m, validate_polygon
from sync.errors import ValidationFailed

GEOD = Geod(ellps="WGS84")
SHENZHEN = (22.54, 114.06)
HARBIN = (45.8, 126.5)


def offset(origin: tuple[float, float], azimuth: float, metres: float) -> tuple[float, float]:
    lon, lat, _ = GEOD.fwd(origin[1], origin[0], azimuth, metres)
    return lat, lon


def square_around(centre: tuple[float, float], half_side_m: float) -> dict:
    corners = [offset(centre, az, half_side_m * math.sqrt(2)) for az in (45, 135, 225, 315)]
    ring = [[lon, lat] for lat, lon in corners]
    return {"type": "Polygon", "coordinates": [ring + [ring[0]]]}


SQUARE = [[114.0, 22.5], [114.1, 22.5], [114.1, 22.6], [114.0, 22.6], [114.0, 22.5]]


def test_a_closed_square_is_valid():
    validate_polygon({"type": "Polygon", "coordinates": [SQUARE]})


def test_a_polygon_with_a_hole_and_altitudes_is_valid():
    hole = [[114.02, 22.52, 5], [114.02, 22.55, 5], [114.05, 22.55, 5], [114.02, 22.52, 5]]
    validate_polygon({"type": "Polygon", "coordinates": [SQUARE, hole]})


@pytest.mark.parametrize(
    "geojson, reason",
    [
        (None, "type Polygon"),
        ([SQUARE], "type Polygon"),
        ({"type": "Point", "coordinates": [114.0, 22.5]}, "type Polygon"),
        ({"type": "MultiPolygon", "coordinates": [[SQUARE]]}, "type Polygon"),
        ({"type": "Polygon"}, "non-empty list of rings"),
        ({"type": "Polygon", "coordinates": []}, "non-empty list of rings"),
        ({"type": "Polygon", "coordinates": "x"}, "non-empty list of rings"),
        ({"type": "Polygon", "coordinates": [{"a": 1}]}, "list of positions"),
        ({"type": "Polygon", "coordinates": [[[114.0, "22.5"]] + SQUARE[1:]]}, "finite numbers"),
        ({"type": "Polygon", "coordinates": [[[114.0, math.nan]] + SQUARE[1:]]}, "finite numbers"),
        ({"type": "Polygon", "coordinates": [[[True, 22.5]] + SQUARE[1:]]}, "finite numbers"),
        ({"type": "Polygon", "coordinates": [[[114.0]] + SQUARE[1:]]}, "[longitude, latitude]"),
        ({"type": "Polygon", "coordinates": [SQUARE[:2] + SQUARE[:1]]}, "at least 4 positions"),
        ({"type": "Polygon", "coordinates": [SQUARE[:4]]}, "closed"),
        (
            {
                "type": "Polygon",
                "coordinates": [[[200.0, 22.5], [200.1, 22.5], [200.1, 22.6], [200.0, 22.5]]],
            },
            "out of range",
        ),
        (
            {
                "type": "Polygon",
                "coordinates": [[[114.0, 95.0], [114.1, 95.0], [114.1, 96.0], [114.0, 95.0]]],
            },
            "out of range",
        ),
        (
            {
                "type": "Polygon",
                "coordinates": [
                    [[114.0, 22.5], [114.1, 22.6], [114.1, 22.5], [114.0, 22.6], [114.0, 22.5]]
                ],
            },
            "Self-intersection",
        ),
        (
            {
                "type": "Polygon",
                "coordinates": [
                    SQUARE,
                    [[115.0, 23.0], [115.0, 23.1], [115.1, 23.1], [115.0, 23.0]],
                ],
            },
            "Hole lies outside shell",
        ),
    ],
    ids=[
        "none",
        "bare-list",
        "point",
        "multipolygon",
        "no-coordinates",
        "no-rings",
        "string-coordinates",
        "ring-not-list",
        "string-number",
        "nan",
        "bool",
        "one-number",
        "three-positions",
        "not-closed",
        "longitude-200",
        "latitude-95",
        "bowtie",
        "hole-outside",
    ],
)
def test_bad_polygons_are_refused_with_a_reason(geojson, reason):
    with pytest.raises(ValidationFailed) as caught:
        validate_polygon(geojson)
    assert caught.value.code == "invalid_geofence"
    assert reason in caught.value.details["reason"]
    assert reason in caught.value.message


@pytest.mark.parametrize("radius", [-1.0, math.inf, math.nan])
def test_a_circle_fence_needs_a_sane_radius(radius):
    with pytest.raises(ValidationFailed) as caught:
        Geofence(*SHENZHEN, polygon=None, radius_m=radius)
    assert caught.value.code == "invalid_geofence"


@pytest.mark.parametrize("lat, lon", [(91.0, 114.0), (22.5, -181.0), (math.nan, 114.0)])
def test_a_fence_needs_a_real_site_position(lat, lon):
    with pytest.raises(ValidationFailed) as caught:
        Geofence(lat, lon, polygon=None, radius_m=100)
    assert "site position" in caught.value.message


def test_a_fence_refuses_an_invalid_polygon():
    with pytest.raises(ValidationFailed):
        Geofence(*SHENZHEN, polygon={"type": "Polygon", "coordinates": [SQUARE[:4]]}, radius_m=0)


@pytest.mark.parametrize("site", [SHENZHEN, HARBIN], ids=["shenzhen", "harbin"])
@pytest.mark.parametrize("azimuth", [0, 60, 135, 270])
def test_circle_distance_is_geodesic_distance_minus_radius(site, azimuth):
    fence = Geofence(*site, polygon=None, radius_m=200)
    point = offset(site, azimuth, 5000)
    assert fence.distance_m(*point) == pytest.approx(4800, rel=0.01)
    assert fence.distance_m(*offset(site, azimuth, 150)) == 0.0
    assert fence.distance_m(*site) == 0.0


@pytest.mark.parametrize("site", [SHENZHEN, HARBIN], ids=["shenzhen", "harbin"])
def test_polygon_distance_is_metres_from_the_nearest_edge(site):
    fence = Geofence(*site, polygon=square_around(site, 100), radius_m=500)
    assert fence.distance_m(*site) == 0.0
    assert fence.distance_m(*offset(site, 0, 99)) == 0.0
    assert fence.distance_m(*offset(site, 0, 100)) == pytest.approx(0.0, abs=0.05)
    # The polygon wins over the radius: 300 m out is outside the square even though < 500 m.
    assert fence.distance_m(*offset(site, 90, 400)) == pytest.approx(300, rel=0.01)
    assert fence.distance_m(*offset(site, 0, 5100)) == pytest.approx(5000, rel=0.01)
    assert fence.distance_m(*offset(site, 180, 5100)) == pytest.approx(5000, rel=0.01)


def test_a_polygon_away_from_the_site_point_is_measured_on_its_own():
    far_square = square_around(offset(SHENZHEN, 90, 2000), 100)
    fence = Geofence(*SHENZHEN, polygon=far_square, radius_m=0)
    assert fence.distance_m(*SHENZHEN) == pytest.approx(1900, rel=0.01)


@pytest.mark.parametrize("site", [SHENZHEN, HARBIN], ids=["shenzhen", "harbin"])
@pytest.mark.parametrize("azimuth", [0, 45, 90, 200])
def test_geodesic_distance_matches_a_known_offset(site, azimuth):
    assert geodesic_distance_m(*site, *offset(site, azimuth, 5000)) == pytest.approx(5000, rel=1e-6)


def test_one_degree_of_latitude_at_45_degrees_is_111_132_m():
    # Published length of 1° of latitude centred on 45°N on WGS84: 111,132.95 m.
    assert geodesic_distance_m(44.5, 126.5, 45.5, 126.5) == pytest.approx(111_132.95, rel=1e-4)


def test_shenzhen_to_harbin_agrees_with_the_haversine_formula_within_one_percent():
    lat1, lon1, lat2, lon2 = map(math.radians, (*SHENZHEN, *HARBIN))
    a = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    haversine = 2 * 6_371_008.8 * math.asin(math.sqrt(a))
    assert geodesic_distance_m(*SHENZHEN, *HARBIN) == pytest.approx(haversine, rel=0.01)
