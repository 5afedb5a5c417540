"""The Wave 2 office endpoints are in the OpenAPI document with their bodies and roles."""

from __future__ import annotations


def test_the_office_endpoints_are_documented(api):
    paths = api.get("/api/v1/openapi.json")["paths"]

    assert "requestBody" in paths["/api/v1/catalog/{code}"]["patch"]
    assert "get" in paths["/api/v1/catalog/{code}/history"]
    assert "requestBody" in paths["/api/v1/workorders/{order_id}/revisit"]["post"]
    for action in ("deactivate", "reactivate"):
        operation = paths[f"/api/v1/users/{{user_id}}/{action}"]["post"]
        assert operation["description"] == "Roles: supervisor"


def test_orders_can_be_listed_by_the_visit_failed_status(api, world):
    order = api.create_order(world)
    device = api.device()
    device.do("workorder.accept", work_order_id=order["id"])
    device.do("workorder.fail_visit", work_order_id=order["id"], reason="no_access")

    items = api.get("/api/v1/workorders?status=visit_failed", as_="dispatcher")["items"]

    assert [item["id"] for item in items] == [order["id"]]
