"""State conflicts: 409."""

from __future__ import annotations

import pytest

from tests.integration.bad_input.helpers import assert_error


def test_cancelling_a_cancelled_order_is_409(api, world, order):
    path = f"/api/v1/workorders/{order['id']}/cancel"
    cancelled = api.post(path, {"reason": "customer called"}, as_="dispatcher", expect=200)

    response = api.request("POST", path, {"reason": "again"}, as_="dispatcher")

    error = assert_error(response, 409, "invalid_transition")
    assert error["details"] == {"action": "cancel", "status": "cancelled"}
    assert api.order(order["id"])["version"] == cancelled["version"]


def test_verifying_an_order_that_is_not_completed_is_409(api, world, order):
    response = api.request("POST", f"/api/v1/workorders/{order['id']}/verify",
                           {"decision": "approve"}, as_="supervisor")

    assert_error(response, 409, "invalid_transition")
    assert api.order(order["id"])["status"] == "assigned"


@pytest.mark.parametrize(("path", "body", "code"), [
    ("/api/v1/catalog", {"code": "LAB-1H", "kind": "labour", "description": "Again",
                         "unit": "h", "unit_price": "1", "tax_rate": "0"}, "code_taken"),
    ("/api/v1/users", {"username": "engineer", "password": "long enough pw",
                       "role": "engineer", "name": "Twin"}, "username_taken"),
])
def test_a_taken_code_or_username_is_409(api, world, path, body, code):
    assert_error(api.request("POST", path, body, as_="dispatcher"), 409, code)
