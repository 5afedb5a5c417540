"""The scan raises each rule once per order and assignment, at the right time, on both backends."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import IntegrityError

from server.extensions import db
from server.models import Alert
from tests.alerts.helpers import alerts_of, deliver, levels, scan


def test_no_alert_before_four_hours(api, world, team, clock, receiver):
    order = api.create_order(world, assign_to="li")
    clock.advance(hours=3, minutes=59)
    assert "raised 0 alert(s)" in scan(api)
    deliver(api)
    assert alerts_of(api, order["id"]) == []
    assert receiver.requests == []


def test_exactly_one_warning_however_many_scans(api, world, team, clock, receiver):
    order = api.create_order(world, assign_to="li")
    clock.advance(hours=4)
    for _ in range(3):
        scan(api)
        clock.advance(minutes=7)
    for _ in range(3):
        deliver(api)
    [alert] = alerts_of(api, order["id"])
    assert alert["level"] == "warning"
    assert alert["raised_at"] == "2026-11-23T06:00:00Z"
    assert alert["deliveries"] == [{"recipient_id": team.ids["li"], "kind": "wecom",
                                    "state": "delivered", "attempts": 1, "last_error": None}]
    [message] = receiver.to("/wecom/li")
    body = message.json()
    assert body["msgtype"] == "markdown"
    content = body["markdown"]["content"]
    for part in (order["number"], "Air conditioner not cooling", "Nanshan, Shenzhen",
                 "已超时", "21 分钟", "派单 4 小时后", "查看工单",
                 f"(http://fieldsync.test/supervisor/orders/{order['id']})"):
        assert part in content, part


def test_escalation_at_six_hours_for_an_accepted_order(api, world, team, clock, receiver):
    order = api.create_order(world, assign_to="li")
    clock.advance(hours=1)
    assert api.device("li").do("workorder.accept", work_order_id=order["id"])["status"] \
        == "applied"
    clock.advance(hours=4, minutes=59)
    scan(api)
    assert levels(api, order["id"]) == []
    clock.advance(minutes=1)
    scan(api)
    deliver(api)
    [alert] = alerts_of(api, order["id"])
    assert alert["level"] == "escalation"
    assert {(d["recipient_id"], d["kind"], d["state"]) for d in alert["deliveries"]} == {
        (team.ids["li"], "wecom", "delivered"), (team.ids["wang"], "slack", "delivered"),
        (team.ids["ops"], "webhook", "delivered")}
    [slack] = receiver.to("/slack/wang")
    assert "Not completed 6 h after assignment" in slack.json()["text"]
    assert slack.json()["blocks"][0]["type"] == "header"


def test_an_order_neither_accepted_nor_completed_gets_both(api, world, team, clock):
    order = api.create_order(world, assign_to="li")
    clock.advance(hours=6)
    scan(api)
    assert levels(api, order["id"]) == ["escalation", "warning"]


def test_overdue_when_due_at_has_passed(api, world, team, clock, receiver):
    order = api.create_order(world, assign_to="li", due_at="2026-11-23T03:30:00Z")
    clock.advance(hours=1, minutes=29)
    scan(api)
    assert levels(api, order["id"]) == []
    clock.advance(minutes=1)
    scan(api)
    scan(api)
    assert levels(api, order["id"]) == ["overdue"]
    deliver(api)
    assert len(receiver.to("/wecom/li")) == len(receiver.to("/hook/ops")) == 1


def test_an_unassigned_overdue_order_alerts_the_supervisors(api, world, team, clock, receiver):
    order = api.create_order(world, assign_to=None, due_at="2026-11-23T03:00:00Z")
    clock.advance(hours=2)
    scan(api)
    deliver(api)
    [alert] = alerts_of(api, order["id"])
    assert sorted(d["recipient_id"] for d in alert["deliveries"]) == sorted(
        [team.ids["wang"], team.ids["ops"]])


def test_cancelled_orders_raise_nothing(api, world, team, clock):
    order = api.create_order(world, assign_to="li", due_at="2026-11-23T03:00:00Z")
    api.post(f"/api/v1/workorders/{order['id']}/cancel", {"reason": "customer away"},
             as_="dispatcher", expect=200)
    clock.advance(hours=8)
    scan(api)
    assert levels(api, order["id"]) == []


def test_a_reassignment_restarts_the_clock(api, world, team, clock):
    order = api.create_order(world, assign_to="li")
    clock.advance(hours=5)
    scan(api)
    assert levels(api, order["id"]) == ["warning"]
    api.post(f"/api/v1/workorders/{order['id']}/assign",
             {"engineer_id": world.ids["engineer"]}, as_="dispatcher", expect=200)
    clock.advance(hours=3, minutes=59)
    scan(api)
    assert levels(api, order["id"]) == ["warning"]
    clock.advance(minutes=1)
    scan(api)
    assert levels(api, order["id"]) == ["warning", "warning"]


def test_the_unique_constraint_keeps_a_rule_once_per_assignment(app, api, world, team, clock):
    order = api.create_order(world, assign_to="li")
    clock.advance(hours=5)
    scan(api)
    with app.app_context():
        existing = db.session.query(Alert).one()
        db.session.add(Alert(work_order_id=order["id"], level="warning", epoch=existing.epoch,
                             deadline=existing.deadline, raised_at=clock()))
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()


def test_thresholds_are_configurable_per_priority(app, api, world, team, clock):
    app.config["ALERT_RULES"] = {"urgent": {"warning": 1, "escalation": 2},
                                 "low": {"warning": None}}
    urgent = api.create_order(world, assign_to="li", priority="urgent")
    normal = api.create_order(world, assign_to="li")
    low = api.create_order(world, assign_to="li", priority="low")
    clock.advance(hours=2)
    scan(api)
    assert levels(api, urgent["id"]) == ["escalation", "warning"]
    assert levels(api, normal["id"]) == levels(api, low["id"]) == []
    clock.advance(hours=4)
    scan(api)
    assert levels(api, normal["id"]) == ["escalation", "warning"]
    assert levels(api, low["id"]) == ["escalation"]


def test_the_now_option_scans_as_of_that_time(api, world, team):
    order = api.create_order(world, assign_to="li")
    assert "raised 1 alert(s), queued 1 message(s)" in scan(api, "2026-11-23T15:00:00+08:00")
    assert levels(api, order["id"]) == ["warning"]
