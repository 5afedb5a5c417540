"""The field client's command line against a real gunicorn server: a whole job offline, then
one sync; and the faults a phone meets in the field. Nothing is lost and nothing is doubled."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.api import PASSWORD, SHENZHEN
from tests.flows import signature_png
from tests.live_server import ROOT, live_server
from tests.media.photos import make_photo
from tests.proxy import MisbehavingProxy


def cli(home: Path, *args, expect: int | None = 0) -> subprocess.CompletedProcess:
    result = subprocess.run([sys.executable, "-m", "field_client", "--home", str(home), *args],
                            cwd=ROOT, capture_output=True, text=True, timeout=120)
    if expect is not None:
        assert result.returncode == expect, (args, result.returncode, result.stdout,
                                             result.stderr)
    return result


def cli_json(home: Path, *args):
    return json.loads(cli(home, "--json", *args).stdout)


def photo_taken_now(path: Path) -> Path:
    """A photo at the site, taken now in Shanghai time (the live server's clock is real)."""
    local = datetime.now(ZoneInfo("Asia/Shanghai")).strftime("%Y:%m:%d %H:%M:%S")
    return make_photo(path, SHENZHEN["lat"] + 0.0002, SHENZHEN["lon"], taken_local=local)


@pytest.fixture
def files(tmp_path):
    signature = tmp_path / "signature.png"
    signature.write_bytes(signature_png())
    return {"photo": photo_taken_now(tmp_path / "after.jpg"), "signature": signature}


@pytest.fixture
def media_dir(app):
    return Path(app.config["MEDIA_DIR"])


def whole_job_offline(home: Path, number: str, files: dict, *, check_refusals=False) -> None:
    cli(home, "accept", number)
    cli(home, "start", number, "--lat", "22.5405", "--lon", "113.953", "--accuracy", "6")
    if check_refusals:  # what the replica can already tell is wrong fails at once, queues nothing
        assert "no catalog item" in cli(home, "charge", number, "NOPE", "1", expect=1).stderr
        assert "cannot complete" in cli(home, "complete", number, expect=1).stderr
    cli(home, "charge", number, "LAB-1H", "1.5")
    cli(home, "charge", number, "AC-FILTER", "2")
    cli(home, "note", number, "Replaced the filter; tested cooling")
    cli(home, "photo", number, str(files["photo"]))
    cli(home, "sign", number, "Huang Min", str(files["signature"]))
    cli(home, "complete", number)


def test_a_whole_job_done_with_the_server_stopped_then_one_sync(api, world, database_url,
                                                                 media_dir, tmp_path, files):
    order = api.create_order(world)
    home = tmp_path / "phone"
    with live_server(database_url, media_dir, workers=2) as url:
        cli(home, "login", url, "engineer", PASSWORD)
        cli(home, "sync")
    # The server is down from here on.
    whole_job_offline(home, order["number"], files, check_refusals=True)
    local = cli_json(home, "show", order["number"])
    assert local["status"] == "completed"
    assert cli(home, "sync", expect=2).returncode == 2
    assert len(cli_json(home, "status")["pending"]) == 8

    port = int(url.rsplit(":", 1)[1])
    with live_server(database_url, media_dir, workers=2, port=port):  # back at the same address
        report = cli_json(home, "sync")
    assert report["complete"] and report["applied"] == 8 and report["rejected"] == []
    assert cli_json(home, "status")["pending"] == []
    server = api.order(order["id"], as_="supervisor")
    assert server["status"] == "completed"
    assert server["totals"] == local["totals"] == {"subtotal": "140.00", "tax": "14.70",
                                                    "total": "154.70"}
    assert [p["verification"]["status"] for p in server["photos"]] == ["verified"]
    assert server["signoff"]["valid"] is True
    assert "rejected" not in [e["action"] for e in server["timeline"]]
    assert cli_json(home, "show", order["number"])["version"] == server["version"]


@contextmanager
def phone_behind_a_proxy(database_url, media_dir, home: Path, order: dict, files: dict):
    """A logged-in phone that did a whole job offline, talking to gunicorn through a proxy
    the test can make misbehave."""
    with live_server(database_url, media_dir, workers=1) as url:
        proxy = MisbehavingProxy(int(url.rsplit(":", 1)[1]))
        try:
            cli(home, "login", proxy.url, "engineer", PASSWORD)
            cli(home, "sync")
            whole_job_offline(home, order["number"], files)
            yield proxy
        finally:
            proxy.close()


def actions(api, order_id: str) -> list[str]:
    return [e["action"] for e in api.order(order_id, as_="supervisor")["timeline"]]


def test_a_response_lost_after_the_server_committed_is_retried_without_duplicates(
        api, world, database_url, media_dir, tmp_path, files):
    order = api.create_order(world)
    home = tmp_path / "phone"
    with phone_behind_a_proxy(database_url, media_dir, home, order, files) as proxy:
        proxy.drop_response_of = "POST /api/v1/sync/push"
        cli(home, "sync", expect=2)
        assert api.order(order["id"])["status"] == "completed"  # committed, unheard
        report = cli_json(home, "sync")
    assert report["complete"] and report["rejected"] == []
    assert cli_json(home, "status")["pending"] == []
    history = actions(api, order["id"])
    for action in ("workorder.accept", "workorder.start", "workorder.note", "photo.attach",
                   "signoff.capture", "workorder.complete"):
        assert history.count(action) == 1, action
    assert history.count("charge.add") == 2
    assert len(api.order(order["id"])["charges"]) == 2


def test_a_server_lost_mid_sync_resumes_without_sending_anything_twice(
        api, world, database_url, media_dir, tmp_path, files):
    order = api.create_order(world)
    home = tmp_path / "phone"
    with phone_behind_a_proxy(database_url, media_dir, home, order, files) as proxy:
        proxy.refuse = "POST /api/v1/sync/push"  # the server goes away after the uploads
        cli(home, "sync", expect=2)
        assert [line.split()[0] for line in proxy.log].count("PUT") == 2
        assert api.order(order["id"])["status"] == "assigned"
        proxy.refuse, proxy.log[:] = None, []
        assert cli_json(home, "sync")["complete"]
        assert not [line for line in proxy.log if line.startswith("PUT")]
    assert api.order(order["id"])["status"] == "completed"
    assert actions(api, order["id"]).count("charge.add") == 2


def test_a_client_killed_mid_sync_and_restarted_loses_and_doubles_nothing(
        api, world, database_url, media_dir, tmp_path, files):
    order = api.create_order(world)
    home = tmp_path / "phone"
    with phone_behind_a_proxy(database_url, media_dir, home, order, files) as proxy:
        proxy.stall = ("POST /api/v1/sync/push", 2.0)
        running = subprocess.Popen(
            [sys.executable, "-m", "field_client", "--home", str(home), "sync"],
            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        assert proxy.seen.wait(60)
        running.send_signal(signal.SIGKILL)
        running.wait(10)
        time.sleep(2.5)  # the stalled push reaches the server after the client died
        proxy.stall = None
        report = cli_json(home, "sync")
    assert report["complete"] and report["rejected"] == []
    assert cli_json(home, "status") | {"last_sync_cursor": None} == {
        "pending": [], "uploads": [], "refused_uploads": [], "rejected": [],
        "last_sync_cursor": None}
    history = actions(api, order["id"])
    assert history.count("charge.add") == 2 and history.count("workorder.complete") == 1
    assert api.order(order["id"])["status"] == "completed"


def test_login_keeps_the_token_private_and_a_new_login_replaces_it(api, world, database_url,
                                                                    media_dir, tmp_path):
    home = tmp_path / "phone"
    with live_server(database_url, media_dir, workers=1) as url:
        cli(home, "login", url, "engineer", PASSWORD)
        first = json.loads((home / "credentials.json").read_text())["token"]
        assert (home / "credentials.json").stat().st_mode & 0o777 == 0o600
        cli(home, "login", url, "engineer", PASSWORD)
        second = json.loads((home / "credentials.json").read_text())["token"]
        wrong = cli(home, "login", url, "engineer", "wrong password", expect=3)
    assert first != second
    assert "wrong username or password" in wrong.stderr
    assert json.loads((home / "credentials.json").read_text())["token"] == second
