"""The field client's command line offline: `fail`, `--json` on either side of the command,
and usage errors that never look like "server unreachable" (exit 2)."""

from __future__ import annotations

import json

import httpx
import pytest

from field_client import cli
from field_client.client import FieldClient
from tests.api import PASSWORD

SERVER = "http://fieldsync.test"


@pytest.fixture
def home(app, api, world, tmp_path):
    """A phone that synced one accepted order, then went offline."""
    order = api.create_order(world)
    http = httpx.Client(transport=httpx.WSGITransport(app=app), base_url=SERVER)
    client = FieldClient(tmp_path / "phone", http=http)
    client.login(SERVER, "engineer", PASSWORD)
    client.sync()
    client.accept(order["number"])
    client.sync()
    client.close()
    http.close()
    return tmp_path / "phone", order


def run(capsys, *argv) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_fail_queues_the_failed_visit_offline_and_shows_it_locally(home, capsys):
    path, order = home

    code, out, _ = run(capsys, "--home", str(path), "--json", "fail", order["number"],
                       "customer_absent", "--note", "Nobody home")

    assert code == 0
    assert json.loads(out)["name"] == "workorder.fail_visit"
    code, out, _ = run(capsys, "--home", str(path), "show", order["number"], "--json")
    shown = json.loads(out)
    assert (shown["status"], shown["failure_reason"]) == ("visit_failed", "customer_absent")
    assert shown["pending"] == ["workorder.fail_visit"]
    code, out, _ = run(capsys, "--home", str(path), "--json", "status")
    [pending] = json.loads(out)["pending"]
    assert pending["args"] == {"work_order_id": order["id"], "reason": "customer_absent",
                               "note": "Nobody home"}


def test_fail_on_an_order_not_yet_accepted_fails_at_once_queueing_nothing(home, capsys):
    path, order = home
    run(capsys, "--home", str(path), "fail", order["number"], "no_access")

    code, _, err = run(capsys, "--home", str(path), "fail", order["number"], "no_access")

    assert code == 1
    assert "cannot fail_visit an order that is visit_failed" in err
    code, out, _ = run(capsys, "--home", str(path), "status", "--json")
    assert len(json.loads(out)["pending"]) == 1


@pytest.mark.parametrize("where", ["before", "after"])
def test_json_works_before_or_after_the_command(home, capsys, where):
    path, order = home
    argv = ["accept", order["number"]]
    argv = ["--json", *argv] if where == "before" else [*argv, "--json"]

    code, out, _ = run(capsys, "--home", str(path), *argv)

    assert code == 0
    assert json.loads(out)["name"] == "workorder.accept"


@pytest.mark.parametrize("argv", [["fail", "WO-000001", "bored"], ["teleport"], [],
                                  ["accept"], ["charge", "WO-000001", "LAB-1H"]])
def test_a_usage_error_exits_1_never_2_which_means_unreachable(home, capsys, argv):
    path, _ = home

    with pytest.raises(SystemExit) as exited:
        cli.main(["--home", str(path), *argv])

    assert exited.value.code == cli.INVALID == 1
    assert "usage:" in capsys.readouterr().err
