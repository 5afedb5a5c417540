"""What an endpoint may not do to us: read internal services through us, leak its answers into
the alert listing, or stop a delivery round with an odd header or a bug in one row."""

from __future__ import annotations

import pytest

from server.alerts.adapters import wecom
from tests.alerts.helpers import alerts_of, deliver, scan
from tests.alerts.receiver import SECRET
from tests.console import Console


def one_warning(api, world, clock) -> dict:
    created = api.create_order(world, assign_to="li")
    clock.advance(hours=5)
    scan(api)
    return created


def deliveries(api, order_id: str) -> list[dict]:
    return [row for alert in alerts_of(api, order_id) for row in alert["deliveries"]]


def test_a_messaging_url_on_a_private_address_is_refused_by_default(app, api, world, team,
                                                                    clock, receiver):
    app.config["ALERT_ALLOW_PRIVATE_URLS"] = False  # as in production
    order = one_warning(api, world, clock)
    assert deliver(api).startswith("0 delivered, 0 retrying, 1 failed")
    assert deliveries(api, order["id"]) == [{
        "recipient_id": team.ids["li"], "kind": "wecom", "state": "failed", "attempts": 1,
        "last_error": "refused: private or local address"}]
    assert receiver.requests == []


@pytest.mark.parametrize("path, behaviour, error", [
    ("/wecom/li", "secret200", "not a WeCom answer (HTTP 200)"),
    ("/wecom/li", "secret500", "HTTP 500"),
    ("/wecom/li", "huge", "not a WeCom answer (HTTP 200)"),
])
def test_what_an_endpoint_answers_never_reaches_the_listing_or_the_console(
        app, api, world, team, clock, receiver, path, behaviour, error):
    receiver.script(path, behaviour)
    order = one_warning(api, world, clock)
    deliver(api)
    [row] = deliveries(api, order["id"])
    assert (row["state"], row["last_error"]) == ("pending", error)
    listing = api.request("GET", f"/api/v1/alerts?work_order_id={order['id']}",
                          as_="dispatcher", expect=200).get_data(as_text=True)
    console = Console(app)
    assert console.login("supervisor").status_code == 303
    page = console.html(f"/supervisor/orders/{order['id']}")
    assert error in page
    for text in (listing, page):
        assert SECRET[:20] not in text and "10.0.0.5" not in text


@pytest.mark.parametrize("value", ["inf", "1e12", "nan", "-1"])
def test_an_odd_retry_after_neither_crashes_the_round_nor_parks_the_row_past_the_backoff_cap(
        api, world, team, clock, receiver, value):
    receiver.script("/wecom/li", f"retry-after={value}")
    order = one_warning(api, world, clock)
    assert deliver(api).startswith("0 delivered, 1 retrying")
    [row] = deliveries(api, order["id"])
    assert (row["state"], row["last_error"]) == ("pending", "HTTP 429")
    clock.advance(seconds=3600)  # FIELDSYNC_ALERT_BACKOFF_MAX_SECONDS
    deliver(api)
    assert [row["state"] for row in deliveries(api, order["id"])] == ["delivered"]


def test_a_bug_in_one_row_is_recorded_as_a_retry_and_the_round_goes_on(
        api, world, team, clock, receiver, monkeypatch, caplog):
    def broken(self, message):
        raise RuntimeError("secret detail that must not be stored")

    monkeypatch.setattr(wecom.WeComAdapter, "request", broken)
    order = api.create_order(world, assign_to="li")
    clock.advance(hours=7)
    scan(api)  # warning and escalation: two WeCom messages, one Slack, one webhook
    assert deliver(api).startswith("2 delivered, 2 retrying")
    rows = {(row["kind"], row["state"], row["last_error"])
            for row in deliveries(api, order["id"])}
    assert rows == {("wecom", "pending", "unexpected error: RuntimeError"),
                    ("slack", "delivered", None), ("webhook", "delivered", None)}
    assert len(receiver.to("/slack/wang")) == len(receiver.to("/hook/ops")) == 1
    assert "alert delivery" in caplog.text and "RuntimeError" in caplog.text
    monkeypatch.undo()
    clock.advance(minutes=1)
    deliver(api)
    assert len(receiver.to("/wecom/li")) == 2
