"""Pull: the engineer's scope, then only what changed, never skipping, each entity once."""

from __future__ import annotations

from tests.api import new_id


def by_type(changes, kind):
    return [c for c in changes if c["type"] == kind]


def test_the_first_pull_is_the_whole_scope_and_nothing_else(api, world):
    mine = [api.create_order(world)["id"] for _ in range(3)]
    api.create_order(world, assign_to="engineer2")
    api.create_order(world, assign_to=None)
    changes, _ = api.pull_all("engineer")
    assert sorted(c["id"] for c in by_type(changes, "workorder")) == sorted(mine)
    assert all(c["op"] == "upsert" for c in changes)
    assert sorted(c["data"]["code"] for c in by_type(changes, "catalog_item")) == [
        "AC-FILTER", "CALLOUT", "LAB-1H"]
    document = by_type(changes, "workorder")[0]["data"]
    assert document["site"]["location"] == {"lat": 22.5405, "lon": 113.953}


def test_an_incremental_pull_has_only_what_changed_at_its_latest_state(api, world):
    first, second = api.create_order(world), api.create_order(world)
    _, cursor = api.pull_all("engineer")
    device = api.device()
    device.do("workorder.accept", work_order_id=first["id"])
    device.do("workorder.start", work_order_id=first["id"])
    changes, cursor = api.pull_all("engineer", cursor)
    assert [(c["id"], c["data"]["status"], c["data"]["version"]) for c in changes] == [
        (first["id"], "in_progress", 4)]
    assert api.pull_all("engineer", cursor)[0] == []
    assert second["id"] not in [c["id"] for c in changes]


def test_an_order_reassigned_away_arrives_as_a_delete(api, world):
    order = api.create_order(world)
    _, cursor = api.pull_all("engineer")
    _, other_cursor = api.pull_all("engineer2")
    api.post(f"/api/v1/workorders/{order['id']}/assign",
             {"engineer_id": world.ids["engineer2"]}, as_="dispatcher", expect=200)
    changes, cursor = api.pull_all("engineer", cursor)
    assert changes == [{"type": "workorder", "id": order["id"], "op": "delete"}]
    theirs, _ = api.pull_all("engineer2", other_cursor)
    assert [(c["id"], c["op"], c["data"]["status"]) for c in theirs] == [
        (order["id"], "upsert", "assigned")]
    api.post(f"/api/v1/workorders/{order['id']}/assign",
             {"engineer_id": world.ids["engineer"]}, as_="dispatcher", expect=200)
    back, _ = api.pull_all("engineer", cursor)
    assert [(c["op"], c["data"]["assigned_engineer_id"]) for c in back] == [
        ("upsert", world.ids["engineer"])]


def test_a_first_pull_does_not_list_orders_that_already_left_the_scope(api, world):
    order = api.create_order(world)
    api.post(f"/api/v1/workorders/{order['id']}/assign",
             {"engineer_id": world.ids["engineer2"]}, as_="dispatcher", expect=200)
    changes, _ = api.pull_all("engineer")
    assert by_type(changes, "workorder") == []


def test_a_cancelled_order_stays_in_scope_with_its_new_status(api, world):
    order = api.create_order(world)
    _, cursor = api.pull_all("engineer")
    api.post(f"/api/v1/workorders/{order['id']}/cancel", {"reason": "duplicate"},
             as_="dispatcher", expect=200)
    changes, _ = api.pull_all("engineer", cursor)
    assert [(c["op"], c["data"]["status"]) for c in changes] == [("upsert", "cancelled")]


def test_pages_cover_everything_once_and_end_with_has_more_false(api, world):
    created = {api.create_order(world)["id"] for _ in range(7)}
    pages, cursor, seen = 0, None, []
    while True:
        query = "?limit=2" + (f"&cursor={cursor}" if cursor else "")
        page = api.get("/api/v1/sync/pull" + query, as_="engineer")
        pages += 1
        assert len(page["changes"]) <= 2
        ids = [c["id"] for c in page["changes"]]
        assert len(ids) == len(set(ids))
        seen.extend(ids)
        cursor = page["cursor"]
        if not page["has_more"]:
            break
    assert pages == 5  # 7 orders + 3 catalog items, two a page
    assert created <= set(seen)
    assert len(seen) == len(set(seen)) == 10


def test_a_change_between_pages_arrives_on_a_later_page_at_its_latest_state(api, world):
    orders = [api.create_order(world)["id"] for _ in range(4)]
    page = api.get("/api/v1/sync/pull?limit=4", as_="engineer")  # 3 catalog items, 1 order
    first_page_ids = [c["id"] for c in page["changes"]]
    changed = next(i for i in orders if i in first_page_ids)
    api.device().do("workorder.accept", work_order_id=changed)
    rest, _ = api.pull_all("engineer", page["cursor"])
    latest = [c for c in rest if c["id"] == changed]
    assert [c["data"]["status"] for c in latest] == ["accepted"]


def test_new_catalog_items_reach_every_engineer(api, world):
    _, cursor = api.pull_all("engineer")
    api.post("/api/v1/catalog", {"code": "WH-VALVE", "kind": "part", "description": "Valve",
                                 "unit": "each", "unit_price": "68", "tax_rate": "0.13"},
             as_="dispatcher", expect=201)
    changes, _ = api.pull_all("engineer", cursor)
    assert [(c["type"], c["data"]["code"], c["data"]["unit_price"]) for c in changes] == [
        ("catalog_item", "WH-VALVE", "68")]


def test_a_replica_built_from_pulls_equals_the_servers_scope(api, world):
    replica: dict[str, dict] = {}

    def sync(cursor):
        changes, cursor = api.pull_all("engineer", cursor, limit=3)
        for change in changes:
            if change["op"] == "delete":
                replica.pop(change["id"], None)
            else:
                replica[change["id"]] = change["data"]
        return cursor

    orders = [api.create_order(world)["id"] for _ in range(5)]
    cursor = sync(None)
    device = api.device()
    device.do("workorder.accept", work_order_id=orders[0])
    device.do("charge.add", work_order_id=orders[0], charge_id=new_id(), quantity=2,
              catalog_code="AC-FILTER")
    api.post(f"/api/v1/workorders/{orders[1]}/assign", {"engineer_id": world.ids["engineer2"]},
             as_="dispatcher", expect=200)
    api.post(f"/api/v1/workorders/{orders[2]}/cancel", {"reason": "x"}, as_="dispatcher",
             expect=200)
    sync(cursor)
    server = {o["id"]: o for o in api.get("/api/v1/workorders?limit=200",
                                          as_="engineer")["items"]}
    replica_orders = {k: v for k, v in replica.items() if "number" in v}
    assert replica_orders == server
    assert orders[1] not in replica_orders
