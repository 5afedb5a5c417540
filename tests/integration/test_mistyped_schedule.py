"""Schedule input a person almost surely mistyped gets a clear 422 and stores nothing."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("due_at", ["2025-11-23T12:00:00+08:00",   # last year
                                    "2026-11-23T09:59:59+08:00"])  # a second before creation
def test_a_due_time_before_the_order_was_created_is_422(api, world, due_at):
    response = api.request("POST", "/api/v1/workorders",
                           {"customer_id": world.customer_id, "site_id": world.site_id,
                            "title": "Boiler", "due_at": due_at}, as_="dispatcher")

    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "due_before_created"
    assert "due_at" in error["details"]["fields"]
    assert api.get("/api/v1/workorders", as_="dispatcher")["items"] == []


def test_a_due_time_at_or_after_creation_is_accepted(api, world):
    order = api.create_order(world, due_at="2026-11-23T10:00:00+08:00")

    assert order["due_at"] == "2026-11-23T02:00:00Z"
