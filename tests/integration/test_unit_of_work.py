"""Every write is one unit of work: a failure half-way through leaves nothing written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from server.services import orders
from tests.console import Console

TITLE = "Dishwasher will not drain"


class Fault(Exception):
    """Raised by a step late in a write, after rows were added and flushed."""


@pytest.fixture
def faulty_notifications(monkeypatch):
    """The engineer's assignment message, the last step of creating an assigned order, fails."""
    def fail(*args, **kwargs):
        raise Fault("the message could not be queued")

    monkeypatch.setattr(orders.notifications, "assigned", fail)
    return monkeypatch


def _orders_titled(api, title: str) -> list[dict]:
    return [o for o in api.get("/api/v1/workorders?q=dishwasher", as_="dispatcher")["items"]
            if o["title"] == title]


def test_an_api_order_whose_last_step_fails_is_not_written_at_all(api, world,
                                                                  faulty_notifications):
    body = {"customer_id": world.customer_id, "site_id": world.site_id, "title": TITLE,
            "assigned_engineer_id": world.ids["engineer"]}

    response = api.request("POST", "/api/v1/workorders", body, as_="dispatcher", expect=500)

    assert response.get_json()["error"]["code"] == "internal_error"
    assert _orders_titled(api, TITLE) == []
    changes, _ = api.pull_all("engineer")
    assert [c for c in changes if c["type"] == "workorder"] == []
    faulty_notifications.undo()
    created = api.post("/api/v1/workorders", body, as_="dispatcher", expect=201)
    assert [o["id"] for o in _orders_titled(api, TITLE)] == [created["id"]]
    assert [e["action"] for e in api.order(created["id"])["timeline"]] == ["created", "assign"]


def test_a_console_order_whose_last_step_fails_is_not_written_at_all(app, api, world,
                                                                     faulty_notifications):
    console = Console(app)
    assert console.login("dispatcher").status_code == 303
    found = console.html("/supervisor/dispatch?customer_q=huang")
    site_id = re.search(r'name="site_id" value="([^"]+)"', found).group(1)

    response = console.post("/supervisor/dispatch/orders", {
        "site_id": site_id, "title": TITLE, "priority": "high", "due_at": "2026-11-23T15:00",
        "engineer_id": world.ids["engineer"]})

    assert response.status_code == 500
    assert _orders_titled(api, TITLE) == []
    assert TITLE not in console.html("/supervisor/dispatch")


def test_no_server_module_commits_or_rolls_back_but_the_unit_of_work():
    """One shape for every transaction: a new view that commits itself shows up here."""
    root = Path(__file__).resolve().parents[2] / "server"
    callers = sorted(str(path.relative_to(root)) for path in root.rglob("*.py")
                     if path.name != "database.py"
                     and re.search(r"\.(commit|rollback)\(\)", path.read_text()))
    assert callers == []
