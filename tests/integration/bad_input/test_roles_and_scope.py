"""Roles and scope: 403 for the wrong role, 404 for what is not yours."""

from __future__ import annotations

import pytest

from tests.api import new_id
from tests.integration.bad_input.helpers import UNKNOWN_ID, assert_error, notes, send

OFFICE_ENDPOINTS = ["/api/v1/customers", "/api/v1/sites", "/api/v1/catalog",
                    "/api/v1/workorders", "/api/v1/users", "/api/v1/workorders/{id}/assign",
                    "/api/v1/workorders/{id}/cancel", "/api/v1/workorders/{id}/verify"]


@pytest.mark.parametrize("path", OFFICE_ENDPOINTS)
def test_an_engineer_calling_an_office_endpoint_is_403(api, world, order, path):
    response = api.request("POST", path.format(id=order["id"]), {}, as_="engineer")

    error = assert_error(response, 403, "forbidden")
    assert error["details"] == {"role": "engineer"}
    assert api.order(order["id"])["version"] == order["version"]


@pytest.mark.parametrize("path", OFFICE_ENDPOINTS[:5])
def test_the_role_is_checked_before_the_body_is_read(api, world, path):
    response = send(api, "POST", path, b"{not json", as_="engineer")

    assert_error(response, 403, "forbidden")


def test_only_a_supervisor_may_verify(api, world, order):
    response = api.request("POST", f"/api/v1/workorders/{order['id']}/verify",
                           {"decision": "approve"}, as_="dispatcher")

    assert_error(response, 403, "forbidden")


@pytest.mark.parametrize("username", ["dispatcher", "supervisor"])
@pytest.mark.parametrize(("method", "path"), [("POST", "/api/v1/sync/push"),
                                              ("GET", "/api/v1/sync/pull")])
def test_only_engineers_push_and_pull(api, world, order, username, method, path):
    body = {"client_id": new_id(), "mutations": notes(order)} if method == "POST" \
        else None

    response = api.request(method, path, body, as_=username)

    assert_error(response, 403, "forbidden")
    assert api.order(order["id"])["notes"] == []


def test_another_engineers_order_is_404_exactly_like_an_unknown_one(api, world, order):
    theirs = api.request("GET", f"/api/v1/workorders/{order['id']}", as_="engineer2")
    unknown = api.request("GET", f"/api/v1/workorders/{UNKNOWN_ID}", as_="engineer2")

    assert assert_error(theirs, 404, "not_found") == assert_error(unknown, 404, "not_found")


@pytest.mark.parametrize("order_id", [UNKNOWN_ID, "not-a-uuid", "WO-000001", "1", "%20"])
@pytest.mark.parametrize("username", ["dispatcher", "engineer"])
def test_an_unknown_or_malformed_order_id_is_404(api, world, order, order_id, username):
    response = api.request("GET", f"/api/v1/workorders/{order_id}", as_=username)

    assert_error(response, 404, "not_found")


@pytest.mark.parametrize("order_id", [UNKNOWN_ID, "not-a-uuid"])
@pytest.mark.parametrize(("action", "username"), [("assign", "dispatcher"),
                                                  ("cancel", "dispatcher"),
                                                  ("verify", "supervisor")])
def test_acting_on_an_unknown_order_is_404(api, world, order_id, action, username):
    body = {"assign": {"engineer_id": world.ids["engineer"]},
            "cancel": {"reason": "customer called"},
            "verify": {"decision": "approve"}}[action]

    response = api.request("POST", f"/api/v1/workorders/{order_id}/{action}", body,
                           as_=username)

    assert_error(response, 404, "not_found")


def test_a_mutation_on_another_engineers_order_is_rejected_not_found(api, world, order):
    result = api.device("engineer2").do("workorder.accept", work_order_id=order["id"])

    assert (result["status"], result["error"]["code"]) == ("rejected", "not_found")
    assert api.order(order["id"])["status"] == "assigned"
