"""Validation: 422 naming each bad field."""

from __future__ import annotations

import pytest

from tests.api import SHENZHEN, new_id
from tests.integration.bad_input.helpers import (
    BUILDERS,
    UNKNOWN_ID,
    assert_field_error,
    send,
    site,
    workorder,
)


@pytest.mark.parametrize("path", sorted(BUILDERS))
def test_the_valid_bodies_of_the_grid_are_accepted(api, world, path):
    # The positive control: each 422 below is caused by its one bad field, nothing else.
    api.post(path, BUILDERS[path](world), as_="dispatcher", expect=201)


@pytest.mark.parametrize(("path", "field"), [
    ("/api/v1/customers", "nmae"),
    ("/api/v1/sites", "radius"),
    ("/api/v1/catalog", "price"),
    ("/api/v1/workorders", "asignee"),
    ("/api/v1/users", "email"),
])
def test_an_unknown_field_is_422_naming_it(api, world, path, field):
    body = BUILDERS[path](world, **{field: "typo"})

    response = api.request("POST", path, body, as_="dispatcher")

    assert_field_error(response, field)


def test_an_unknown_field_in_a_nested_object_is_422_naming_its_path(api, world):
    body = site(world, location={**SHENZHEN, "alt": 12})

    response = api.request("POST", "/api/v1/sites", body, as_="dispatcher")

    assert_field_error(response, "location.alt")


def test_an_unknown_field_when_asking_for_a_token_is_422(api, world):
    response = api.request("POST", "/api/v1/auth/token",
                           {"username": "engineer", "password": "x", "device": "phone"})

    assert_field_error(response, "device")


def test_an_unknown_field_in_a_push_is_422(api, world):
    response = api.request("POST", "/api/v1/sync/push",
                           {"client_id": new_id(), "mutations": [], "since": 0},
                           as_="engineer")

    assert_field_error(response, "since")


def test_an_unknown_field_in_a_mutation_envelope_is_422_naming_its_position(api, world):
    device = api.device()
    mutation = {**device.mutation("workorder.accept", work_order_id=UNKNOWN_ID), "retry": 1}

    response = api.request("POST", "/api/v1/sync/push",
                           {"client_id": device.client_id, "mutations": [mutation]},
                           as_="engineer")

    assert_field_error(response, "mutations.0.retry")


@pytest.mark.parametrize(("path", "field", "value"), [
    ("/api/v1/customers", "name", 123),
    ("/api/v1/customers", "name", None),
    ("/api/v1/customers", "name", ""),
    ("/api/v1/customers", "name", "x" * 201),
    ("/api/v1/customers", "name", ["Huang", "Min"]),
    ("/api/v1/customers", "language", "fr"),
    ("/api/v1/customers", "phone", 13800138000),
    ("/api/v1/sites", "customer_id", "not-a-uuid"),
    ("/api/v1/sites", "customer_id", 7),
    ("/api/v1/sites", "customer_id", UNKNOWN_ID),
    ("/api/v1/sites", "address", None),
    ("/api/v1/sites", "location", "22.54,113.95"),
    ("/api/v1/sites", "location", {"lat": 91, "lon": 113.95}),
    ("/api/v1/sites", "location", {"lat": 22.54, "lon": -181}),
    ("/api/v1/sites", "location", {"lat": "north", "lon": 113.95}),
    ("/api/v1/sites", "location", {"lat": 22.54}),
    ("/api/v1/sites", "radius_m", 0),
    ("/api/v1/sites", "radius_m", -5),
    ("/api/v1/sites", "radius_m", "far"),
    ("/api/v1/sites", "geofence", "circle"),
    ("/api/v1/catalog", "unit_price", "-1"),
    ("/api/v1/catalog", "unit_price", "-0.01"),
    ("/api/v1/catalog", "unit_price", "1.23456"),
    ("/api/v1/catalog", "unit_price", 1.23456),
    ("/api/v1/catalog", "unit_price", "100000000.01"),
    ("/api/v1/catalog", "unit_price", "12,50"),
    ("/api/v1/catalog", "unit_price", "Infinity"),
    ("/api/v1/catalog", "unit_price", "NaN"),
    ("/api/v1/catalog", "unit_price", True),
    ("/api/v1/catalog", "unit_price", []),
    ("/api/v1/catalog", "unit_price", None),
    ("/api/v1/catalog", "tax_rate", "1.01"),
    ("/api/v1/catalog", "tax_rate", "-0.1"),
    ("/api/v1/catalog", "tax_rate", "0.12345"),
    ("/api/v1/catalog", "tax_rate", "13%"),
    ("/api/v1/catalog", "currency", "ABC"),
    ("/api/v1/catalog", "currency", "usd"),
    ("/api/v1/catalog", "currency", "US$"),
    ("/api/v1/catalog", "kind", "gift"),
    ("/api/v1/catalog", "code", "has space"),
    ("/api/v1/catalog", "code", ""),
    ("/api/v1/catalog", "description", ""),
    ("/api/v1/workorders", "customer_id", "not-a-uuid"),
    ("/api/v1/workorders", "customer_id", UNKNOWN_ID),
    ("/api/v1/workorders", "site_id", "123"),
    ("/api/v1/workorders", "site_id", UNKNOWN_ID),
    ("/api/v1/workorders", "title", 5),
    ("/api/v1/workorders", "title", ""),
    ("/api/v1/workorders", "priority", "asap"),
    ("/api/v1/workorders", "due_at", "tomorrow"),
    ("/api/v1/workorders", "due_at", "2026-11-24T10:00:00"),
    ("/api/v1/workorders", "due_at", 1795000000),
    ("/api/v1/workorders", "currency", "ABC"),
    ("/api/v1/workorders", "currency", "cny"),
    ("/api/v1/workorders", "assigned_engineer_id", "engineer"),
    ("/api/v1/workorders", "assigned_engineer_id", UNKNOWN_ID),
    ("/api/v1/users", "role", "admin"),
    ("/api/v1/users", "password", "short"),
    ("/api/v1/users", "username", "has space"),
    ("/api/v1/users", "messaging", {"kind": "email", "url": "https://example.com/hook"}),
    ("/api/v1/users", "messaging", {"kind": "webhook", "url": "ftp://example.com/hook"}),
])
def test_a_bad_field_is_422_naming_it(api, world, path, field, value):
    body = BUILDERS[path](world, **{field: value})

    response = api.request("POST", path, body, as_="dispatcher")

    assert_field_error(response, field)


@pytest.mark.parametrize("role", ["dispatcher", "supervisor"])
def test_an_order_cannot_be_assigned_to_someone_who_is_not_an_engineer(api, world, role):
    body = workorder(world, assigned_engineer_id=world.ids[role])

    response = api.request("POST", "/api/v1/workorders", body, as_="dispatcher")

    assert_field_error(response, "assigned_engineer_id")


@pytest.mark.parametrize(("field", "location", "radius"), [
    ("location", '{"lat": 1e400, "lon": 113.95}', "150"),
    ("radius_m", '{"lat": 22.54, "lon": 113.95}', "1e400"),
])
def test_a_number_too_large_for_a_float_is_422_not_infinity(api, world, field, location,
                                                            radius):
    raw = (f'{{"customer_id": "{world.customer_id}", "address": "Futian", '
           f'"location": {location}, "radius_m": {radius}}}')

    response = send(api, "POST", "/api/v1/sites", raw.encode(), as_="dispatcher")

    assert_field_error(response, field)


@pytest.mark.parametrize("due_at", ["0001-01-01T00:00:00+08:00", "9999-12-31T23:59:59-08:00"])
def test_a_due_time_outside_the_representable_range_is_422(api, world, due_at):
    response = api.request("POST", "/api/v1/workorders", workorder(world, due_at=due_at),
                           as_="dispatcher")

    assert_field_error(response, "due_at")


def test_a_nul_character_in_text_is_422(api, world):
    response = api.request("POST", "/api/v1/customers", {"name": "Huang\u0000Min"},
                           as_="dispatcher")

    assert_field_error(response, "name")


def test_a_site_for_an_unknown_customer_is_422_no_such_customer(api, world):
    response = api.request("POST", "/api/v1/sites", site(world, customer_id=UNKNOWN_ID),
                           as_="dispatcher")

    error = assert_field_error(response, "customer_id")
    assert error["details"]["fields"]["customer_id"] == ["No such customer."]
