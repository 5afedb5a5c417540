"""A site's polygon must cover its location or lie within 5 km of it (422 otherwise), so a
fence drawn for another place cannot make every photo "verified". SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from tests.api import SHENZHEN

LAT, LON = SHENZHEN["lat"], SHENZHEN["lon"]


def square(lat: float, lon: float, half: float = 0.001) -> dict:
    ring = [[lon - half, lat - half], [lon + half, lat - half], [lon + half, lat + half],
            [lon - half, lat + half], [lon - half, lat - half]]
    return {"type": "Polygon", "coordinates": [ring]}


def new_site(api, world, geofence: dict):
    return api.request("POST", "/api/v1/sites", {
        "customer_id": world.customer_id, "address": "Nanshan", "location": SHENZHEN,
        "geofence": geofence}, as_="dispatcher")


@pytest.mark.parametrize("geofence", [
    square(-LAT, LON - 180),        # the antipode
    square(LAT, LON + 0.06),        # about 6 km east
    square(LON - 90, LAT),          # lon and lat swapped (shifted into range)
], ids=["antipode", "6_km_away", "another_continent"])
def test_a_site_whose_fence_is_far_from_its_location_is_422_naming_the_geofence(api, world,
                                                                                 geofence):
    response = new_site(api, world, geofence)

    assert response.status_code == 422, response.get_json()
    error = response.get_json()["error"]
    assert error["code"] == "invalid_geofence"
    [message] = error["details"]["fields"]["geofence"]
    assert "from the site's location" in message


@pytest.mark.parametrize("geofence", [square(LAT, LON), square(LAT, LON + 0.04)],
                         ids=["around_it", "4_km_away"])
def test_a_site_whose_fence_covers_or_is_near_its_location_is_created(api, world, geofence):
    response = new_site(api, world, geofence)

    assert response.status_code == 201, response.get_json()
    assert response.get_json()["geofence"] == geofence
