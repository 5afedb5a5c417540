"""The dispatcher board: today's and overdue open work by engineer; create, assign, reschedule."""

from __future__ import annotations

import re

import pytest

from tests.console import Console
from tests.flows import new_job

# The test clock reads 2026-11-23 02:00 UTC: 10:00 in Asia/Shanghai, the console's zone; the
# board's tests move it two hours on, past SOON.
SOON = "2026-11-23T11:00:00+08:00"
TONIGHT = "2026-11-23T23:30:00+08:00"
TOMORROW = "2026-11-24T00:30:00+08:00"


@pytest.fixture
def console(app, world):
    console = Console(app)
    assert console.login("dispatcher").status_code == 303
    return console


def lane(html: str, engineer_id: str | None) -> str:
    """The HTML of one engineer's lane (or the unassigned one)."""
    anchor = f'id="lane-{engineer_id or "unassigned"}"'
    start = html.index(anchor)
    end = html.find('<section class="lane"', start + 1)
    return html[start:end if end > 0 else None]


def test_the_board_shows_todays_and_overdue_open_work_by_engineer(api, world, console, tmp_path,
                                                                  clock):
    overdue = api.create_order(world, due_at=SOON, title="Overdue boiler")
    tonight = api.create_order(world, assign_to="engineer2", due_at=TONIGHT)
    undated = api.create_order(world, assign_to=None, title="No due time")
    tomorrow = api.create_order(world, due_at=TOMORROW)
    done = new_job(api, world, tmp_path, due_at=SOON).finish()
    clock.advance(hours=2)

    html = console.html("/supervisor/dispatch")

    mine = lane(html, world.ids["engineer"])
    assert overdue["number"] in mine and "overdue" in mine
    assert "2026-11-23 11:00 +08:00" in mine
    assert tonight["number"] in lane(html, world.ids["engineer2"])
    assert undated["number"] in lane(html, None)
    assert tomorrow["number"] not in html
    assert done.order["number"] not in html


def test_a_dispatcher_finds_the_customer_and_creates_an_assigned_order(api, world, console):
    found = console.html("/supervisor/dispatch?customer_q=huang")
    site_id = re.search(r'name="site_id" value="([^"]+)"', found).group(1)

    response = console.post("/supervisor/dispatch/orders", {
        "site_id": site_id, "title": "Washing machine drains slowly", "priority": "high",
        "due_at": "2026-11-23T15:00", "engineer_id": world.ids["engineer2"]})

    assert response.status_code == 303
    created = api.get("/api/v1/workorders?q=washing", as_="dispatcher")["items"][0]
    assert created["assigned_engineer_id"] == world.ids["engineer2"]
    assert created["due_at"] == "2026-11-23T07:00:00Z"  # 15:00 in Shanghai
    assert created["customer"]["id"] == world.customer_id
    board = console.html("/supervisor/dispatch")
    assert f"Created {created['number']}. Customer link: http://fieldsync.test/c/" in board


def test_a_form_the_api_would_refuse_creates_nothing_and_says_why(api, world, console):
    found = console.html("/supervisor/dispatch?customer_q=huang")
    site_id = re.search(r'name="site_id" value="([^"]+)"', found).group(1)

    console.post("/supervisor/dispatch/orders", {"site_id": site_id, "title": "",
                                                 "priority": "normal"})

    assert "Not done: title" in console.html("/supervisor/dispatch")
    assert api.get("/api/v1/workorders", as_="dispatcher")["items"] == []


def test_assign_and_reassign_from_the_board(api, world, console):
    order = api.create_order(world, assign_to=None)

    console.post(f"/supervisor/dispatch/orders/{order['id']}/assign",
                 {"engineer_id": world.ids["engineer"]})
    console.post(f"/supervisor/dispatch/orders/{order['id']}/assign",
                 {"engineer_id": world.ids["engineer2"]})

    assert api.order(order["id"])["assigned_engineer_id"] == world.ids["engineer2"]
    assignments = [e for e in api.order(order["id"])["timeline"] if e["action"] == "assign"]
    assert [e["actor"] for e in assignments] == ["Dispatcher", "Dispatcher"]


def test_reschedule_needs_the_version_the_dispatcher_saw(api, world, console):
    order = api.create_order(world, due_at=SOON)

    console.post(f"/supervisor/dispatch/orders/{order['id']}/schedule",
                 {"due_at": "2026-11-23T18:00", "version": order["version"]})
    console.post(f"/supervisor/dispatch/orders/{order['id']}/schedule",
                 {"due_at": "2026-11-23T20:00", "version": order["version"]})

    assert api.order(order["id"])["due_at"] == "2026-11-23T10:00:00Z"
    assert "the order changed meanwhile" in console.html("/supervisor/dispatch")


@pytest.mark.parametrize("path", ["/supervisor/dispatch/orders",
                                  f"/supervisor/dispatch/orders/{'0' * 8}-0000-4000-8000-"
                                  f"{'0' * 12}/assign"])
def test_board_forms_without_the_csrf_token_are_refused(api, world, console, path):
    response = console.post(path, {"engineer_id": world.ids["engineer"]}, with_token=False)

    assert response.status_code == 400


def test_board_forms_with_garbage_ids_say_not_done_and_never_fail(api, world, console):
    for path, data in (("/supervisor/dispatch/orders", {"site_id": "x\x00y", "title": "t"}),
                       ("/supervisor/dispatch/orders/nope/assign", {"engineer_id": "\x00"}),
                       ("/supervisor/dispatch/orders/nope/schedule",
                        {"due_at": "soon", "version": "1"})):
        assert console.post(path, data).status_code == 303
    assert console.html("/supervisor/dispatch").count("Not done:") == 3


def test_the_board_escapes_what_people_typed(api, world, console):
    customer = api.post("/api/v1/customers", {"name": "<script>alert(1)</script>"},
                        as_="dispatcher", expect=201)
    api.post("/api/v1/sites", {"customer_id": customer["id"], "address": "<b>x</b>",
                               "location": {"lat": 22.5, "lon": 113.9}}, as_="dispatcher",
             expect=201)

    html = console.html("/supervisor/dispatch?customer_q=script")

    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
    assert "<b>x</b>" not in html


def test_engineers_cannot_open_the_board(app, world):
    console = Console(app)
    console.login("engineer")

    assert console.get("/supervisor/dispatch").status_code in (302, 303, 403)


def test_the_operation_log_shows_chinese_as_written(api, world, console, tmp_path):
    job = new_job(api, world, tmp_path).start()
    job.do("workorder.note", text="来电确认：周三上午 <b>在家</b>")

    html = console.html(f"/supervisor/orders/{job.id}")

    assert "来电确认：周三上午 &lt;b&gt;在家&lt;/b&gt;" in html
    assert "\\u6765" not in html
