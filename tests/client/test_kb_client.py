"""The knowledge base on the device: synced through the feed, searched and shown offline,
`kb used` queued like every other mutation."""

from __future__ import annotations

import argparse
import re

import httpx
import pytest
from rich.console import Console

from field_client import cli, kb_cli
from field_client.client import CommandError, FieldClient
from tests.api import PASSWORD
from tests.integration.test_kb_api import ARTICLES, article
from tests.kb_testset import QUERIES, load_articles

SERVER = "http://fieldsync.test"


class Switchable(httpx.WSGITransport):
    """The real app behind a network that can be cut (the phone in a basement)."""

    offline = False

    def handle_request(self, request):
        if self.offline:
            raise httpx.ConnectError("no signal", request=request)
        return super().handle_request(request)


@pytest.fixture
def phone(app, world, tmp_path):
    transport = Switchable(app=app)
    http = httpx.Client(transport=transport, base_url=SERVER)
    client = FieldClient(tmp_path / "phone", http=http)
    client.login(SERVER, "engineer", PASSWORD)
    client.network = transport
    yield client
    client.close()
    http.close()


def test_the_test_set_passes_on_the_device_with_no_network(api, phone):
    keys = load_articles(api)
    phone.sync()
    phone.network.offline = True
    missed = []
    for query in QUERIES:
        top = [keys[doc["id"]] for doc in phone.kb_search(query["q"], limit=3)]
        if not all(key in top for key in query["expect"][:3]):
            missed.append((query["q"], top, query["expect"]))
    assert missed == []


def test_the_device_ranks_like_the_server(api, phone):
    load_articles(api)
    phone.sync()
    for q in ("路由器红灯闪烁", "washing machine drain", "HG8245H", "灯"):
        server = [i["id"] for i in api.get(f"/api/v1/kb/search?q={q}&limit=5",
                                           as_="engineer")["items"]]
        if api.app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
            assert [d["id"] for d in phone.kb_search(q, limit=5)] == server
        else:  # another ranking function: the same articles, maybe in another order
            assert set(d["id"] for d in phone.kb_search(q, limit=len(server))) == set(server)


def test_edits_and_retirements_reach_the_device_index(api, phone):
    created = api.post(ARTICLES, article(title="Fan rattles", body="Tighten the fan."),
                       as_="dispatcher", expect=201)
    phone.sync()
    assert [d["id"] for d in phone.kb_search("rattles")] == [created["id"]]
    api.request("PUT", f"{ARTICLES}/{created['id']}",
                article(title="Compressor hum", body="Check the mounts."), as_="dispatcher",
                expect=200)
    phone.sync()
    assert phone.kb_search("rattles") == []
    assert phone.kb_show(created["id"][:8])["version"] == 2
    api.request("DELETE", f"{ARTICLES}/{created['id']}", as_="dispatcher", expect=200)
    phone.sync()
    assert phone.kb_search("compressor") == []
    with pytest.raises(CommandError, match="no article"):
        phone.kb_show(created["id"])


def test_kb_used_is_queued_offline_and_applied_on_the_next_sync(api, world, phone):
    order = api.create_order(world)
    created = api.post(ARTICLES, article(), as_="dispatcher", expect=201)
    phone.sync()
    phone.network.offline = True
    queued = phone.kb_used(order["number"], created["id"][:8])
    assert queued["name"] == "kb.used"
    assert [p["name"] for p in phone.status()["pending"]] == ["kb.used"]
    phone.network.offline = False
    assert phone.sync().applied == 1
    used = [e for e in api.order(order["id"])["timeline"] if e["action"] == "kb.used"]
    assert used[0]["details"]["article_id"] == created["id"]


def test_kb_used_of_an_article_the_device_does_not_have_fails_at_once(api, world, phone):
    order = api.create_order(world)
    phone.sync()
    with pytest.raises(CommandError, match="no article"):
        phone.kb_used(order["number"], "00000000")
    assert phone.status()["pending"] == []


def test_an_article_retired_before_the_push_is_refused_by_the_server(api, world, phone):
    order = api.create_order(world)
    created = api.post(ARTICLES, article(), as_="dispatcher", expect=201)
    phone.sync()
    phone.kb_used(order["number"], created["id"])
    api.request("DELETE", f"{ARTICLES}/{created['id']}", as_="dispatcher", expect=200)
    report = phone.sync()
    assert [r["error"]["code"] for r in report.rejected] == ["kb_article_retired"]


def render(client, *argv) -> str:
    args = cli.parser().parse_args(["kb", *argv])
    console = Console(record=True, width=120, force_terminal=True, color_system="truecolor")
    assert kb_cli.run(client, args, console) == 0
    return console.export_text(styles=True)


def test_the_terminal_marks_the_matched_words(api, phone):
    load_articles(api)
    phone.sync()
    shown = render(phone, "search", "红灯")
    assert "路由器电源灯" in shown
    assert re.search(r"路由器电源灯\x1b\[[0-9;]+m红灯\x1b\[0m", shown)  # styled match
    plain = kb_cli.highlighted("Router power light blinks red", "blinking red")
    assert [plain.plain[s.start:s.end] for s in plain.spans] == ["blink", "red"]


def test_kb_show_renders_the_markdown(api, phone):
    created = api.post(ARTICLES, article(body="# Steps\n\n1. **Unplug** the router"),
                       as_="dispatcher", expect=201)
    phone.sync()
    shown = render(phone, "show", created["id"][:8])
    assert "Unplug" in shown and "**" not in shown and "# Steps" not in shown


def test_kb_commands_are_in_the_cli(api, phone):
    parsed = cli.parser().parse_args(["kb", "used", "WO-000001", "abcd1234"])
    assert isinstance(parsed, argparse.Namespace)
    assert (parsed.command, parsed.kb_command, parsed.order) == ("kb", "used", "WO-000001")


def test_the_device_filters_by_language(api, phone):
    keys = load_articles(api)
    phone.sync()
    both = {keys[d["id"]] for d in phone.kb_search("HG8245H")}
    assert {"en-ont-los", "zh-ont-los"} <= both
    english = {keys[d["id"]] for d in phone.kb_search("HG8245H", language="en")}
    assert english == {"en-ont-los"}


def test_a_new_login_of_another_engineer_starts_a_fresh_knowledge_base(api, world, phone):
    created = api.post(ARTICLES, article(title="Gateway loop"), as_="dispatcher", expect=201)
    phone.sync()
    api.request("DELETE", f"{ARTICLES}/{created['id']}", as_="dispatcher", expect=200)
    phone.login(SERVER, "engineer2", PASSWORD)  # no cursor: its first pull sends live ones
    phone.sync()
    assert phone.kb_search("gateway") == []
