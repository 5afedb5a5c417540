"""Cursors and limits of pulls and work-order lists."""

from __future__ import annotations

import pytest

from tests.integration.bad_input.helpers import assert_error, assert_field_error, b64, b64_padded

GARBAGE_CURSORS = ["garbage", "fs1:5", b64("fs1:-1"), b64("fs1:abc"), b64("fs2:5"), b64("5"),
                   b64("o1:5"), "____", "%00%01"]


@pytest.mark.parametrize("cursor", GARBAGE_CURSORS)
def test_a_pull_cursor_the_server_never_gave_out_is_400_invalid_cursor(api, world, cursor):
    response = api.request("GET", f"/api/v1/sync/pull?cursor={cursor}", as_="engineer")

    assert_error(response, 400, "invalid_cursor")


@pytest.mark.parametrize("cursor", ["garbage", b64_padded("o1:abc"), b64_padded("fs1:5"),
                                    b64_padded("o1:"), b64_padded("o1:-"), "____"])
def test_a_work_order_list_cursor_the_server_never_gave_out_is_400(api, world, cursor):
    response = api.request("GET", f"/api/v1/workorders?cursor={cursor}", as_="dispatcher")

    assert_error(response, 400, "invalid_cursor")


def test_a_work_order_list_cursor_that_was_given_out_is_accepted(api, world):
    first, second = api.create_order(world), api.create_order(world)
    page = api.get("/api/v1/workorders?limit=1", as_="dispatcher")

    following = api.get(f"/api/v1/workorders?limit=1&cursor={page['next_cursor']}",
                        as_="dispatcher")

    assert [item["id"] for item in page["items"] + following["items"]] == [second["id"],
                                                                           first["id"]]


def test_a_pull_cursor_that_was_given_out_is_accepted(api, world):
    changes, cursor = api.pull_all("engineer")

    again = api.get(f"/api/v1/sync/pull?cursor={cursor}", as_="engineer")

    assert {change["type"] for change in changes} == {"catalog_item"}
    assert again["changes"] == []


@pytest.mark.parametrize("path", ["/api/v1/sync/pull?cursor=" + b64(f"fs1:{10**30}"),
                                  "/api/v1/workorders?cursor=" + b64_padded(f"o1:{10**30}")],
                         ids=["pull", "list"])
def test_a_cursor_beyond_any_feed_position_is_400_invalid_cursor(api, world, path):
    response = api.request("GET", path, as_="engineer")

    assert_error(response, 400, "invalid_cursor")


@pytest.mark.parametrize("limit", ["0", "1001", "-1", "ten", "", "1.5"])
def test_a_pull_limit_outside_1_to_1000_is_422(api, world, limit):
    response = api.request("GET", f"/api/v1/sync/pull?limit={limit}", as_="engineer")

    assert_field_error(response, "limit")


@pytest.mark.parametrize("limit", [1, 1000])
def test_a_pull_limit_at_either_end_of_the_range_is_accepted(api, world, limit):
    page = api.get(f"/api/v1/sync/pull?limit={limit}", as_="engineer")

    assert len(page["changes"]) == min(limit, 3)  # the three catalog items


@pytest.mark.parametrize(("query", "field"), [
    ("status=lost", "status"), ("limit=0", "limit"), ("limit=501", "limit"),
    ("engineer_id=abc", "engineer_id"), ("sort=number", "sort"),
])
def test_a_bad_work_order_list_query_is_422(api, world, query, field):
    response = api.request("GET", f"/api/v1/workorders?{query}", as_="dispatcher")

    assert_field_error(response, field)


def test_an_unknown_pull_parameter_is_422(api, world):
    response = api.request("GET", "/api/v1/sync/pull?since=5", as_="engineer")

    assert_field_error(response, "since")
