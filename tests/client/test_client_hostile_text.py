"""Text typed in a broken encoding (a lone surrogate, as Python decodes bytes that are not
UTF-8 from argv) never crashes the field client: a new note is refused at once, one already
in the outbox is refused by the server alone, shown in `status`, and the work after it goes."""

from __future__ import annotations

import json

import httpx
import pytest

from field_client import cli
from field_client.client import CommandError, FieldClient
from tests.api import PASSWORD

SERVER = "http://fieldsync.test"
BROKEN = "caf\udce9"  # "café" typed in Latin-1 on a UTF-8 terminal


@pytest.fixture
def phone(app, world, tmp_path):
    http = httpx.Client(transport=httpx.WSGITransport(app=app), base_url=SERVER)
    client = FieldClient(tmp_path / "phone", http=http)
    client.login(SERVER, "engineer", PASSWORD)
    yield client
    client.close()
    http.close()


@pytest.fixture
def number(api, world, phone):
    order = api.create_order(world)
    phone.sync()
    phone.accept(order["number"])
    return order["number"]


def test_a_note_in_a_broken_encoding_is_refused_at_once_and_nothing_is_queued(phone, number):
    with pytest.raises(CommandError, match="not valid Unicode"):
        phone.note(number, BROKEN)

    assert [p["name"] for p in phone.status()["pending"]] == ["workorder.accept"]
    assert phone.sync().complete


def test_the_command_line_says_so_and_exits_1(phone, number, tmp_path, capsys):
    status = cli.main(["--home", str(tmp_path / "phone"), "note", number, BROKEN])

    assert status == cli.INVALID
    assert "not valid Unicode" in capsys.readouterr().err


def test_a_broken_note_already_in_the_outbox_is_refused_alone_and_shown(api, phone, number,
                                                                        tmp_path, capsys):
    order_id = phone.show(number)["id"]
    # Queued by a client from before the check: straight into the outbox.
    phone.store.enqueue("workorder.note", {"work_order_id": order_id, "text": BROKEN},
                        order_id)
    phone.note(number, "after the broken one")

    report = phone.sync()

    assert [r["error"]["code"] for r in report.rejected] == ["unstorable_payload"]
    assert report.complete
    assert [n["text"] for n in api.order(order_id)["notes"]] == ["after the broken one"]
    [rejected] = phone.status()["rejected"]
    assert rejected["error"]["code"] == "unstorable_payload"
    assert cli.main(["--home", str(tmp_path / "phone"), "status"]) == cli.OK
    assert "unstorable_payload" in capsys.readouterr().out
    assert cli.main(["--home", str(tmp_path / "phone"), "--json", "status"]) == cli.OK
    shown = json.loads(capsys.readouterr().out)
    assert shown["rejected"][0]["args"]["text"] == "caf\ufffd"
