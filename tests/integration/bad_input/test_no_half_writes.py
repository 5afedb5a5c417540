"""No half-writes: a refused request leaves nothing behind."""

from __future__ import annotations

import pytest

from tests.integration.bad_input.helpers import (
    UNKNOWN_ID,
    assert_error,
    assert_field_error,
    order_ids,
    site,
    workorder,
)


def test_a_work_order_with_another_customers_site_is_422_and_not_created(api, world, order):
    other = api.post("/api/v1/customers", {"name": "Chen Jie"}, as_="dispatcher", expect=201)
    their_site = api.post("/api/v1/sites", site(world, customer_id=other["id"]),
                          as_="dispatcher", expect=201)
    before = order_ids(api)

    response = api.request("POST", "/api/v1/workorders",
                           workorder(world, site_id=their_site["id"]), as_="dispatcher")

    assert_field_error(response, "site_id")
    assert order_ids(api) == before == [order["id"]]


@pytest.mark.parametrize("patch", [
    {"assigned_engineer_id": UNKNOWN_ID},
    {"currency": "ABC"},
    {"customer_id": UNKNOWN_ID},
])
def test_a_rejected_work_order_leaves_the_list_unchanged(api, world, order, patch):
    before = order_ids(api)

    response = api.request("POST", "/api/v1/workorders", workorder(world, **patch),
                           as_="dispatcher")

    assert_error(response, 422, "validation_error")
    assert order_ids(api) == before
    assert api.create_order(world)["number"] == "WO-000002"


def test_a_rejected_assignment_leaves_the_order_unchanged(api, world, order):
    response = api.request("POST", f"/api/v1/workorders/{order['id']}/assign",
                           {"engineer_id": world.ids["supervisor"]}, as_="dispatcher")

    assert_field_error(response, "engineer_id")
    after = api.order(order["id"])
    assert (after["version"], after["assigned_engineer_id"]) == (
        order["version"], world.ids["engineer"])
