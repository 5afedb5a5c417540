"""Articles reach every engineer through the pull feed, beside their orders; `kb.used`."""

from __future__ import annotations

from tests.api import new_id
from tests.integration.test_kb_api import ARTICLES, article


def kb_changes(changes):
    return [(c["id"], c["op"], c.get("data", {}).get("version")) for c in changes
            if c["type"] == "kb_article"]


def test_a_first_pull_pages_every_live_article_to_every_engineer(api, world):
    live = {api.post(ARTICLES, article(title=f"A{n}"), as_="dispatcher", expect=201)["id"]
            for n in range(5)}
    retired = api.post(ARTICLES, article(), as_="dispatcher", expect=201)["id"]
    api.request("DELETE", f"{ARTICLES}/{retired}", as_="dispatcher", expect=200)
    for engineer in ("engineer", "engineer2"):
        changes, _ = api.pull_all(engineer, limit=2)
        assert {i for i, op, _ in kb_changes(changes) if op == "upsert"} == live
        # Later pages read with a cursor, so a retired article may come as a delete, never more.
        assert retired not in {i for i, op, _ in kb_changes(changes) if op == "upsert"}


def test_create_update_and_retire_arrive_in_order_with_orders_and_a_reassignment(api, world):
    order = api.create_order(world)
    created = api.post(ARTICLES, article(), as_="dispatcher", expect=201)
    _, cursor = api.pull_all("engineer")
    _, other_cursor = api.pull_all("engineer2")

    api.request("PUT", f"{ARTICLES}/{created['id']}", article(title="New title"),
                as_="supervisor", expect=200)
    api.post(f"/api/v1/workorders/{order['id']}/assign",
             {"engineer_id": world.ids["engineer2"]}, as_="dispatcher", expect=200)
    added = api.post(ARTICLES, article(title="Second"), as_="dispatcher", expect=201)
    changes, cursor = api.pull_all("engineer", cursor)
    assert [(c["type"], c["id"], c["op"]) for c in changes] == [
        ("kb_article", created["id"], "upsert"), ("workorder", order["id"], "delete"),
        ("kb_article", added["id"], "upsert")]
    assert changes[0]["data"]["title"] == "New title" and changes[0]["data"]["version"] == 2
    theirs, _ = api.pull_all("engineer2", other_cursor)
    assert [(c["type"], c["op"]) for c in theirs] == [
        ("kb_article", "upsert"), ("workorder", "upsert"), ("kb_article", "upsert")]

    api.request("DELETE", f"{ARTICLES}/{created['id']}", as_="dispatcher", expect=200)
    changes, cursor = api.pull_all("engineer", cursor)
    assert changes == [{"type": "kb_article", "id": created["id"], "op": "delete"}]
    assert api.pull_all("engineer", cursor)[0] == []


def test_each_article_is_sent_once_per_page_at_its_latest_version(api, world):
    created = api.post(ARTICLES, article(), as_="dispatcher", expect=201)
    _, cursor = api.pull_all("engineer")
    for n in range(3):
        api.request("PUT", f"{ARTICLES}/{created['id']}", article(title=f"Edit {n}"),
                    as_="dispatcher", expect=200)
    changes, _ = api.pull_all("engineer", cursor)
    assert kb_changes(changes) == [(created["id"], "upsert", 4)]


def test_a_rejected_article_write_leaves_no_feed_entry(api, world):
    _, cursor = api.pull_all("engineer")
    api.post(ARTICLES, article(language="fr"), as_="dispatcher", expect=422)
    assert api.pull_all("engineer", cursor)[0] == []


# --- kb.used ----------------------------------------------------------------------------

def test_kb_used_is_applied_without_changing_the_order_and_kept_in_its_timeline(api, world):
    order = api.create_order(world)
    created = api.post(ARTICLES, article(), as_="dispatcher", expect=201)
    device = api.device()
    result = device.do("kb.used", work_order_id=order["id"], article_id=created["id"])
    assert result["status"] == "applied" and result["version"] == order["version"]
    again = device.do("kb.used", work_order_id=order["id"], article_id=created["id"])
    assert again["status"] == "applied"
    document = api.order(order["id"])
    assert document["version"] == order["version"]
    used = [e for e in document["timeline"] if e["action"] == "kb.used"]
    assert [e["details"]["article_id"] for e in used] == [created["id"]] * 2
    assert used[0]["details"]["title"] == created["title"]


def test_kb_used_naming_a_retired_or_unknown_article_is_rejected_with_a_code(api, world):
    order = api.create_order(world)
    retired = api.post(ARTICLES, article(), as_="dispatcher", expect=201)["id"]
    api.request("DELETE", f"{ARTICLES}/{retired}", as_="dispatcher", expect=200)
    device = api.device()
    answers = device.push(
        device.mutation("kb.used", work_order_id=order["id"], article_id=retired),
        device.mutation("kb.used", work_order_id=order["id"], article_id=new_id()),
        device.mutation("kb.used", work_order_id=order["id"], article_id="nope"),
        device.mutation("kb.used", work_order_id=order["id"]))
    assert [(r["status"], r["error"]["code"]) for r in answers["results"]] == [
        ("rejected", "kb_article_retired"), ("rejected", "kb_article_not_found"),
        ("rejected", "validation_error"), ("rejected", "validation_error")]
    assert answers["acked_seq"] == 4
    rejected = [e for e in api.order(order["id"])["timeline"] if e["action"] == "rejected"]
    assert len(rejected) == 4


def test_kb_used_on_another_engineers_order_is_not_found(api, world):
    order = api.create_order(world, assign_to="engineer2")
    created = api.post(ARTICLES, article(), as_="dispatcher", expect=201)
    result = api.device().do("kb.used", work_order_id=order["id"], article_id=created["id"])
    assert (result["status"], result["error"]["code"]) == ("rejected", "not_found")
