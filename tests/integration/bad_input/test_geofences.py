"""Site geofences: invalid GeoJSON polygons are 422, valid ones accepted."""

from __future__ import annotations

import pytest

from tests.integration.bad_input.helpers import assert_field_error, site

SQUARE = [[113.95, 22.54], [113.96, 22.54], [113.96, 22.55], [113.95, 22.55], [113.95, 22.54]]


@pytest.mark.parametrize("geofence", [
    {"type": "Point", "coordinates": [113.95, 22.54]},
    {"type": "polygon", "coordinates": [SQUARE]},
    {"coordinates": [SQUARE]},
    {"type": "Polygon"},
    {"type": "Polygon", "coordinates": []},
    {"type": "Polygon", "coordinates": [SQUARE[:-1]]},
    {"type": "Polygon", "coordinates": [[[113, 22], [114, 22], [113, 22]]]},
    {"type": "Polygon", "coordinates": [[[113, 22], [114, 23], [114, 22], [113, 23],
                                         [113, 22]]]},
    {"type": "Polygon", "coordinates": [[[113, 22], [200, 22], [200, 23], [113, 22]]]},
    {"type": "Polygon", "coordinates": [[[113, 22], [114, 95], [114, 22], [113, 22]]]},
    {"type": "Polygon", "coordinates": [[["113", "22"], [114, 22], [114, 23], ["113", "22"]]]},
    {"type": "Polygon", "coordinates": [[[113], [114, 22], [114, 23], [113]]]},
    {"type": "Polygon", "coordinates": [[[113, 22], [True, 22], [114, 23], [113, 22]]]},
    {"type": "Polygon", "coordinates": "113,22 114,22 114,23 113,22"},
], ids=["point", "lowercase_type", "no_type", "no_coordinates", "no_rings", "ring_not_closed",
        "too_few_positions", "self_intersecting", "longitude_out_of_range",
        "latitude_out_of_range", "string_coordinates", "one_coordinate", "boolean_coordinate",
        "coordinates_as_text"])
def test_an_invalid_geojson_polygon_for_a_site_is_422(api, world, geofence):
    response = api.request("POST", "/api/v1/sites", site(world, geofence=geofence),
                           as_="dispatcher")

    assert_field_error(response, "geofence", code="invalid_geofence")


def test_a_polygon_with_whole_degree_coordinates_is_accepted(api, world):
    geofence = {"type": "Polygon",
                "coordinates": [[[113, 22], [114, 22], [114, 23], [113, 23], [113, 22]]]}

    created = api.post("/api/v1/sites", site(world, geofence=geofence), as_="dispatcher",
                       expect=201)

    assert created["geofence"]["type"] == "Polygon"


def test_a_valid_polygon_with_fractional_coordinates_is_accepted(api, world):
    geofence = {"type": "Polygon", "coordinates": [SQUARE]}

    response = api.request("POST", "/api/v1/sites", site(world, geofence=geofence),
                           as_="dispatcher")

    assert response.status_code == 201, response.get_json()
    assert response.get_json()["geofence"]["coordinates"][0][1] == [113.96, 22.54]
