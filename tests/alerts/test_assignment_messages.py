"""Assignment messages through the alerts' outbox and adapters, to the real local receiver:
once per (order, assignment or schedule change), in the engineer's language."""

from __future__ import annotations

import subprocess
import sys
import time

import httpx
import pytest

from tests.alerts.conftest import add_user
from tests.alerts.helpers import alerts_of, deliver
from tests.live_server import ROOT, free_port

pytestmark = pytest.mark.assignment_messages
WINDOW = {"window_start": "2026-11-24T09:00:00+08:00", "window_end": "2026-11-24T12:00:00+08:00"}


def markdown(received) -> str:
    return received.json()["markdown"]["content"]


def test_a_new_assignment_sends_the_engineer_one_message_in_chinese(api, world, team,
                                                                    receiver):
    order = api.create_order(world, assign_to="li", due_at="2026-11-23T08:00:00Z")

    deliver(api)
    deliver(api)

    [message] = receiver.to("/wecom/li")
    content = markdown(message)
    for part in ("新派给你的工单", order["number"], "Air conditioner not cooling",
                 "截止时间：2026-11-23 08:00 UTC", "上门时间：未定"):
        assert part in content, part
    assert [a["level"] for a in alerts_of(api, order["id"])] == ["assignment"]
    assert receiver.to("/slack/wang") == [] and receiver.to("/hook/ops") == []


def test_a_reassignment_tells_the_new_engineer_and_a_repeat_tells_nobody(api, world, team,
                                                                        receiver, clock):
    order = api.create_order(world, assign_to=None)
    zhao = add_user(api, "zhao", "engineer", "en", "wecom", receiver.url("/wecom/zhao"))

    for engineer in (team.ids["li"], zhao, zhao):  # the last is an applied no-op
        clock.advance(minutes=1)
        api.post(f"/api/v1/workorders/{order['id']}/assign", {"engineer_id": engineer},
                 as_="dispatcher", expect=200)
    deliver(api)

    assert len(receiver.to("/wecom/li")) == 1
    [english] = receiver.to("/wecom/zhao")
    content = markdown(english)
    assert "Assigned to you, or its schedule changed" in content
    assert "> Order: " + order["number"] in content  # ASCII colons in English
    assert "：" not in content


def test_a_revisit_is_announced_once_with_its_window(api, world, team, receiver, clock):
    order = api.create_order(world, assign_to="li")
    device = api.device("li")
    device.do("workorder.accept", work_order_id=order["id"])
    device.do("workorder.fail_visit", work_order_id=order["id"], reason="customer_absent")
    deliver(api)
    clock.advance(hours=1)

    api.post(f"/api/v1/workorders/{order['id']}/revisit", WINDOW, as_="dispatcher",
             expect=200)
    deliver(api)
    deliver(api)

    first, second = receiver.to("/wecom/li")
    assert "上门时间：2026-11-24 01:00 UTC - 2026-11-24 04:00 UTC" in markdown(second)
    assert "上门时间：未定" in markdown(first)


def test_an_inactive_or_unreachable_engineer_gets_nothing_queued(api, world, team, receiver):
    api.create_order(world, assign_to="engineer")  # no messaging configured

    deliver(api)

    assert receiver.requests == []


def test_assignment_messages_can_be_switched_off(api, world, team, receiver, app):
    app.config["ASSIGNMENT_MESSAGES"] = False
    order = api.create_order(world, assign_to="li")

    deliver(api)

    assert receiver.requests == [] and alerts_of(api, order["id"]) == []


def test_the_readme_receiver_runs_with_one_command_on_the_port_it_names():
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "tests.alerts.receiver", "--port",
                                str(port)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout.readline().startswith(f"listening on http://127.0.0.1:{port}/")
        deadline = time.monotonic() + 10
        while True:
            try:
                answer = httpx.post(f"http://127.0.0.1:{port}/", json={"msgtype": "markdown"})
                break
            except httpx.ConnectError:
                assert time.monotonic() < deadline
                time.sleep(0.1)
        assert answer.json() == {"errcode": 0, "errmsg": "ok"}
    finally:
        process.terminate()
        process.wait(10)
        process.stdout.close()


def test_an_office_edit_of_the_due_time_is_announced_once_and_a_title_edit_is_not(
        api, world, team, receiver, clock):
    order = api.create_order(world, assign_to="li", due_at="2026-11-23T08:00:00Z")
    deliver(api)
    assert len(receiver.to("/wecom/li")) == 1

    def edit(body: dict, version: int) -> dict:
        clock.advance(minutes=1)
        response = api.client.open(f"/api/v1/workorders/{order['id']}", method="PATCH",
                                   json=body, headers={**api.headers("dispatcher"),
                                                       "If-Match": f'"{version}"'})
        assert response.status_code == 200, response.get_data(as_text=True)
        return response.get_json()

    moved = edit({"due_at": "2026-11-23T10:00:00Z"}, order["version"])
    edit({"title": "Air conditioner still not cooling"}, moved["version"])
    deliver(api)
    deliver(api)

    messages = receiver.to("/wecom/li")
    assert len(messages) == 2
    assert "截止时间：2026-11-23 10:00 UTC" in markdown(messages[1])
