"""Body size limits, unknown routes and wrong methods."""

from __future__ import annotations

import pytest

from tests.integration.bad_input.helpers import (
    MIB,
    UNKNOWN_ID,
    assert_error,
    assert_field_error,
    send,
)


@pytest.mark.parametrize(("path", "username"), [("/api/v1/customers", "dispatcher"),
                                                ("/api/v1/sync/push", "engineer")])
def test_a_body_over_the_size_limit_is_413(api, world, path, username):
    assert api.app.config["MAX_JSON_BYTES"] == 2 * MIB
    data = b'{"name": "' + b"x" * (3 * MIB) + b'"}'

    response = send(api, "POST", path, data, as_=username)

    assert_error(response, 413, "too_large")


def test_a_body_under_the_size_limit_is_judged_on_its_content(api, world):
    data = b'{"name": "' + b"x" * MIB + b'"}'

    response = send(api, "POST", "/api/v1/customers", data, as_="dispatcher")

    assert_field_error(response, "name")


@pytest.mark.parametrize(("method", "path"), [
    ("GET", "/api/v1/nope"),
    ("POST", "/api/v1/nope"),
    ("GET", "/nope"),
    ("GET", "/api/v2/workorders"),
    ("POST", f"/api/v1/workorders/{UNKNOWN_ID}/reopen"),
])
def test_an_unknown_route_is_a_json_404(api, world, method, path):
    response = api.request(method, path, {} if method == "POST" else None, as_="dispatcher")

    assert_error(response, 404, "not_found")


@pytest.mark.parametrize(("method", "path"), [
    ("DELETE", "/api/v1/customers"),
    ("PUT", "/api/v1/catalog"),
    ("GET", "/api/v1/sync/push"),
    ("GET", "/api/v1/auth/token"),
    ("DELETE", f"/api/v1/workorders/{UNKNOWN_ID}"),
    ("PUT", f"/api/v1/workorders/{UNKNOWN_ID}"),
])
def test_a_wrong_method_is_a_json_405(api, world, method, path):
    response = api.request(method, path, as_="dispatcher")

    assert_error(response, 405, "method_not_allowed")


def test_a_405_lists_the_allowed_methods(api, world):
    response = api.request("DELETE", "/api/v1/customers", as_="dispatcher")

    assert response.status_code == 405
    assert set(response.headers.get("Allow", "").split(", ")) == {"GET", "HEAD", "POST",
                                                                  "OPTIONS"}
