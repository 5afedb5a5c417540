"""Alerts across processes: the CLI as an operator runs it, concurrent scanners and deliverers,
the scheduler process, and the scheduler inside gunicorn workers."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from tests.alerts.helpers import alerts_of
from tests.live_server import ROOT, live_server

AT_FIVE_HOURS = "2026-11-23T07:00:00Z"  # the clock fixture starts at 02:00Z
AT_SEVEN_HOURS = "2026-11-23T09:00:00Z"


def env_for(database_url: str, tmp_path: Path, **extra) -> dict:
    return {**os.environ, "DATABASE_URL": database_url,
            "FIELDSYNC_MEDIA_DIR": str(tmp_path / "media"),
            "FIELDSYNC_SECRET_KEY": "test-secret", "FIELDSYNC_PUBLIC_URL": "http://fieldsync.test",
            "FIELDSYNC_PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
            "FIELDSYNC_ALERT_ALLOW_PRIVATE_URLS": "1", **extra}


def flask(*args: str) -> list[str]:
    return [sys.executable, "-m", "flask", "--app", "wsgi", *args]


def run_all(commands: list[list[str]], env: dict) -> list[str]:
    """Start every command at once; their outputs once all have exited 0."""
    processes = [subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT, text=True)
                 for command in commands]
    outputs = [process.communicate(timeout=120)[0] for process in processes]
    for process, output in zip(processes, outputs, strict=True):
        assert process.returncode == 0, output
    return outputs


def test_a_new_user_gets_one_wecom_message_five_hours_later(api, world, receiver,
                                                            database_url, tmp_path):
    zhang = api.post("/api/v1/users", {
        "username": "zhang", "password": "correct horse battery", "role": "engineer",
        "name": "张伟", "messaging": {"kind": "wecom",
                                      "url": receiver.url("/cgi-bin/webhook/send")}},
        as_="dispatcher", expect=201)
    order = api.create_order(world, assign_to=None)
    api.post(f"/api/v1/workorders/{order['id']}/assign", {"engineer_id": zhang["id"]},
             as_="dispatcher", expect=200)
    env = env_for(database_url, tmp_path)
    [scanned] = run_all([flask("alerts", "scan", "--now", AT_FIVE_HOURS)], env)
    assert "raised 1 alert(s), queued 1 message(s)" in scanned
    [delivered] = run_all([flask("alerts", "deliver", "--now", AT_FIVE_HOURS)], env)
    assert delivered.startswith("1 delivered")
    run_all([flask("alerts", "deliver")], env)
    [message] = receiver.to("/cgi-bin/webhook/send")
    body = message.json()
    assert list(body) == ["msgtype", "markdown"] and body["msgtype"] == "markdown"
    content = body["markdown"]["content"]
    assert "工单派单 4 小时后仍未接单或开工" in content and "@张伟" in content
    assert f"> 工单：{order['number']}" in content and "> 已超时：1 小时" in content
    assert len(content.encode()) <= 4096


def test_four_scanners_and_four_deliverers_at_once_send_each_message_once(
        api, world, team, receiver, database_url, tmp_path):
    orders = [api.create_order(world, assign_to="li") for _ in range(5)]
    env = env_for(database_url, tmp_path)
    commands = [flask("alerts", "scan", "--now", AT_SEVEN_HOURS) for _ in range(4)]
    commands += [flask("alerts", "deliver", "--now", AT_SEVEN_HOURS) for _ in range(4)]
    run_all(commands, env)
    run_all([flask("alerts", "deliver", "--now", AT_SEVEN_HOURS)], env)  # what raced the scans
    wecom = Counter(r.json()["markdown"]["content"].split("\n")[0] + " "
                    + r.json()["markdown"]["content"].split("工单：")[1][:9]
                    for r in receiver.to("/wecom/li"))
    assert len(wecom) == 10 and set(wecom.values()) == {1}  # warning + escalation per order
    hooks = Counter(r.json()["alert"]["id"] for r in receiver.to("/hook/ops"))
    assert len(hooks) == 5 and set(hooks.values()) == {1}
    assert len(receiver.to("/slack/wang")) == 5
    for order in orders:
        alerts = alerts_of(api, order["id"])
        assert sorted(a["level"] for a in alerts) == ["escalation", "warning"]
        assert {d["state"] for a in alerts for d in a["deliveries"]} == {"delivered"}


def test_four_deliverers_at_once_keep_the_robot_under_twenty_a_minute(
        api, world, team, receiver, database_url, tmp_path):
    for _ in range(50):
        api.create_order(world, assign_to="li")
    env = env_for(database_url, tmp_path)
    run_all([flask("alerts", "scan", "--now", AT_FIVE_HOURS)], env)
    for seconds, expected in ((0, 20), (59, 20), (60, 40), (120, 50)):
        now = f"2026-11-23T07:{seconds // 60:02d}:{seconds % 60:02d}Z"
        run_all([flask("alerts", "deliver", "--now", now) for _ in range(4)], env)
        assert len(receiver.to("/wecom/li")) == expected, now
    contents = [r.body for r in receiver.to("/wecom/li")]
    assert len(set(contents)) == 50


def wait_for(predicate, seconds: float = 30) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def test_the_scheduler_process_scans_and_delivers_on_its_own(api, world, team, receiver,
                                                             database_url, tmp_path):
    api.create_order(world, assign_to="li")  # assigned at 02:00Z: hours ago by the wall clock
    env = env_for(database_url, tmp_path, FIELDSYNC_ALERT_DELIVER_INTERVAL_SECONDS="1")
    log = open(tmp_path / "scheduler.log", "w")  # noqa: SIM115 - closed below
    process = subprocess.Popen(flask("scheduler"), cwd=ROOT, env=env, stdout=log,
                               stderr=subprocess.STDOUT)
    try:
        assert wait_for(lambda: len(receiver.to("/wecom/li")) == 2), \
            (tmp_path / "scheduler.log").read_text()
    finally:
        process.terminate()
        process.wait(10)
        log.close()
    assert {r.json()["markdown"]["content"].split("\n")[0] for r in receiver.to("/wecom/li")} \
        == {'**<font color="warning">工单派单 4 小时后仍未接单或开工</font>**',
            '**<font color="warning">工单派单 6 小时后仍未完成（已升级）</font>**'}


@pytest.mark.parametrize("workers", [3])
def test_the_scheduler_in_several_gunicorn_workers_sends_once(api, world, team, receiver,
                                                              database_url, tmp_path, workers):
    api.create_order(world, assign_to="li")
    extra = {"FIELDSYNC_SCHEDULER": "1", "FIELDSYNC_ALERT_DELIVER_INTERVAL_SECONDS": "1",
             "FIELDSYNC_ALERT_ALLOW_PRIVATE_URLS": "1"}
    media = tmp_path / "live-media"
    media.mkdir()
    with live_server(database_url, media, workers=workers, extra_env=extra):
        assert wait_for(lambda: len(receiver.to("/slack/wang")) >= 1)
        time.sleep(3)  # every worker has scanned and delivered at least once more by now
    assert len(receiver.to("/wecom/li")) == 2
    assert len(receiver.to("/slack/wang")) == len(receiver.to("/hook/ops")) == 1
