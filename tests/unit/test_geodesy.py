"""The search box around a point holds every point within the distance, anywhere on earth."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from pyproj import Geod

from sync.geodesy import EVERYWHERE, box_around, distances_km

GEOD = Geod(ellps="WGS84")


def inside(box, lat: float, lon: float) -> bool:
    return box.south <= lat <= box.north and any(
        west <= lon <= east for west, east in box.longitudes)


@settings(max_examples=400, deadline=None)
@given(lat=st.floats(-90, 90), lon=st.floats(-180, 180), radius_km=st.floats(0.01, 12_000),
       azimuth=st.floats(0, 360), share=st.floats(0, 1))
@example(lat=0.0, lon=179.99, radius_km=50.0, azimuth=90.0, share=1.0)
@example(lat=0.0, lon=-179.99, radius_km=50.0, azimuth=270.0, share=1.0)
@example(lat=89.9, lon=0.0, radius_km=30.0, azimuth=0.0, share=1.0)
@example(lat=-60.0, lon=10.0, radius_km=3000.0, azimuth=100.0, share=1.0)
def test_every_point_within_the_radius_is_inside_the_box(lat, lon, radius_km, azimuth, share):
    target_lon, target_lat, _ = GEOD.fwd(lon, lat, azimuth, radius_km * 1000 * share)

    assert inside(box_around(lat, lon, radius_km), target_lat, target_lon)


@pytest.mark.parametrize(("lat", "lon", "radius_km"), [(22.54, 113.95, 10), (51.5, -0.1, 50),
                                                       (-33.9, 151.2, 250)])
def test_the_box_is_tight_enough_to_search_little(lat, lon, radius_km):
    box = box_around(lat, lon, radius_km)
    (west, east), = box.longitudes
    _, _, height = GEOD.inv(lon, box.south, lon, box.north)
    _, _, width = GEOD.inv(west, lat, east, lat)

    assert 2 * radius_km <= height / 1000 <= 2.1 * radius_km
    assert 2 * radius_km <= width / 1000 <= 2.3 * radius_km


def test_a_box_across_the_antimeridian_is_two_ranges_and_one_over_a_pole_is_all_longitudes():
    assert len(box_around(-17.7, 179.9, 100).longitudes) == 2
    assert box_around(89.5, 40.0, 100).longitudes == ((-180.0, 180.0),)
    assert box_around(0.0, 0.0, 15_000) == EVERYWHERE


def test_distances_are_geodesic_on_wgs84():
    # Shenzhen to Beijing along the ellipsoid, computed independently with pyproj's inverse.
    _, _, metres = GEOD.inv(113.953, 22.5405, 116.4074, 39.9042)

    assert distances_km(22.5405, 113.953, [(39.9042, 116.4074), (22.5405, 113.953)]) == [
        pytest.approx(metres / 1000, abs=1e-9), 0.0]
