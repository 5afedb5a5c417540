"""Delivery through the outbox to a real receiver: retries, permanent failures, rate limits."""

from __future__ import annotations

import hashlib
import hmac
import json

import pytest

from tests.alerts.helpers import alerts_of, deliver, scan


def one_warning(api, world, clock, **order) -> dict:
    created = api.create_order(world, assign_to="li", **order)
    clock.advance(hours=5)
    scan(api)
    return created


def delivery(api, order_id: str) -> dict:
    [alert] = alerts_of(api, order_id)
    [row] = alert["deliveries"]
    return row


def test_a_500_is_retried_after_a_backoff_and_then_delivered(api, world, team, clock, receiver):
    receiver.script("/wecom/li", "http500")
    order = one_warning(api, world, clock)
    deliver(api)
    assert delivery(api, order["id"]) == {"recipient_id": team.ids["li"], "kind": "wecom",
                                          "state": "pending", "attempts": 1,
                                          "last_error": "HTTP 500"}
    clock.advance(seconds=14)  # the first wait is 15-30 s
    deliver(api)
    assert len(receiver.to("/wecom/li")) == 1
    clock.advance(seconds=16)
    deliver(api)
    deliver(api)
    assert len(receiver.to("/wecom/li")) == 2
    assert delivery(api, order["id"])["state"] == "delivered"
    assert delivery(api, order["id"])["attempts"] == 2


def test_a_receiver_slower_than_the_timeout_is_retried(app, api, world, team, clock, receiver):
    app.config["ALERT_HTTP_TIMEOUT"] = 0.3
    receiver.slow_seconds = 1.0
    receiver.script("/wecom/li", "slow")
    order = one_warning(api, world, clock)
    deliver(api)
    row = delivery(api, order["id"])
    assert (row["state"], row["attempts"]) == ("pending", 1)
    assert row["last_error"].startswith("timeout")
    clock.advance(minutes=1)
    deliver(api)
    assert delivery(api, order["id"])["state"] == "delivered"


def test_wecom_errcode_45009_waits_a_minute_then_retries(api, world, team, clock, receiver):
    receiver.script("/wecom/li", "errcode45009")
    order = one_warning(api, world, clock)
    deliver(api)
    row = delivery(api, order["id"])
    assert (row["state"], row["last_error"]) == (
        "pending", "wecom errcode 45009: api freq out of limit")
    clock.advance(seconds=59)
    deliver(api)
    assert len(receiver.to("/wecom/li")) == 1
    clock.advance(seconds=1)
    deliver(api)
    assert len(receiver.to("/wecom/li")) == 2
    assert delivery(api, order["id"])["state"] == "delivered"


def test_wecom_errcode_93000_fails_for_good(api, world, team, clock, receiver):
    receiver.answer_always("/wecom/li", "errcode93000")
    order = one_warning(api, world, clock)
    for _ in range(3):
        deliver(api)
        clock.advance(hours=2)
    assert len(receiver.to("/wecom/li")) == 1
    assert delivery(api, order["id"]) == {
        "recipient_id": team.ids["li"], "kind": "wecom", "state": "failed", "attempts": 1,
        "last_error": "wecom errcode 93000: invalid webhook url"}
    failed = api.get("/api/v1/alerts?state=failed", as_="supervisor")["alerts"]
    assert [a["work_order_id"] for a in failed] == [order["id"]]


def test_an_endpoint_failing_every_time_fails_after_the_last_attempt(app, api, world, team,
                                                                     clock, receiver):
    app.config["ALERT_MAX_ATTEMPTS"] = 3
    receiver.answer_always("/wecom/li", "http500")
    order = one_warning(api, world, clock)
    for _ in range(6):
        deliver(api)
        clock.advance(hours=2)
    assert len(receiver.to("/wecom/li")) == 3
    row = delivery(api, order["id"])
    assert (row["state"], row["attempts"]) == ("failed", 3)


def test_the_robot_gets_at_most_twenty_a_minute_with_fifty_due(api, world, team, clock,
                                                               receiver):
    orders = [api.create_order(world, assign_to="li") for _ in range(50)]
    clock.advance(hours=5)
    scan(api)
    deliver(api)
    deliver(api)
    assert len(receiver.to("/wecom/li")) == 20
    clock.advance(seconds=59)
    deliver(api)
    assert len(receiver.to("/wecom/li")) == 20
    clock.advance(seconds=1)
    deliver(api)
    assert len(receiver.to("/wecom/li")) == 40
    clock.advance(seconds=60)
    deliver(api)
    numbers = [r.json()["markdown"]["content"].split("工单：")[1][:9]
               for r in receiver.to("/wecom/li")]
    assert sorted(numbers) == sorted(o["number"] for o in orders)


def test_the_generic_webhook_is_signed_over_timestamp_and_body(app, api, world, team, clock,
                                                               receiver):
    app.config["WEBHOOK_SECRET"] = "s3cret"
    order = api.create_order(world, assign_to="li")
    clock.advance(hours=6)
    scan(api)
    deliver(api)
    [request] = receiver.to("/hook/ops")
    timestamp = request.headers["X-FieldSync-Timestamp"]
    expected = hmac.new(b"s3cret", timestamp.encode() + b"." + request.body,
                        hashlib.sha256).hexdigest()
    assert request.headers["X-FieldSync-Signature"] == f"sha256={expected}"
    body = json.loads(request.body)
    assert body["event"] == "workorder.alert"
    assert body["alert"]["level"] == "escalation"
    assert body["work_order"]["number"] == order["number"]
    assert body["work_order"]["address"] == "Nanshan, Shenzhen"
    assert body["late_seconds"] == 0
    assert body["link"] == f"http://fieldsync.test/supervisor/orders/{order['id']}"
    assert body["recipient"] == {"id": team.ids["ops"], "language": "en"}


def test_the_default_webhook_secret_is_derived_from_the_secret_key(app):
    from server.alerts.adapters.webhook import secret

    derived = hmac.new(b"test-secret", b"fieldsync-webhook-signing", hashlib.sha256)
    assert secret(app.config) == derived.hexdigest().encode()


@pytest.mark.parametrize("role, status", [("engineer", 403), ("dispatcher", 200),
                                          ("supervisor", 200)])
def test_alerts_are_for_the_office(api, world, role, status):
    api.get("/api/v1/alerts", as_=role, expect=status)


def test_alerts_of_an_unknown_order_are_not_found(api, world):
    body = api.get("/api/v1/alerts?work_order_id=6f1c2a9e-0000-4000-8000-000000000001",
                   as_="dispatcher", expect=404)
    assert body["error"]["code"] == "not_found"


def test_a_robot_over_its_limit_does_not_hold_up_other_endpoints(api, world, team, clock,
                                                                receiver):
    for _ in range(30):
        api.create_order(world, assign_to="li")
    api.create_order(world, assign_to="li", due_at="2026-11-23T03:00:00Z")
    clock.advance(hours=5)
    scan(api)
    deliver(api)
    assert len(receiver.to("/wecom/li")) == 20
    assert len(receiver.to("/slack/wang")) == len(receiver.to("/hook/ops")) == 1
