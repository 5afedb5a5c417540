"""A pull page is read as documents in a fixed number of statements, and answered gzipped
to a client that accepts it."""

from __future__ import annotations

import gzip
import json

from sqlalchemy import event

from server.extensions import db
from tests.api import new_id


def _orders_with_charges(api, world, count: int, lines: int) -> list[dict]:
    orders = [api.create_order(world) for _ in range(count)]
    device = api.device()
    mutations = []
    for order in orders:
        mutations.append(device.mutation("workorder.accept", work_order_id=order["id"]))
        mutations += [device.mutation("charge.add", work_order_id=order["id"],
                                      charge_id=new_id(), quantity="1.5",
                                      catalog_code="LAB-1H") for _ in range(lines)]
        mutations.append(device.mutation("workorder.note", work_order_id=order["id"],
                                         text="filter replaced"))
    answer = device.push(*mutations)
    assert {r["status"] for r in answer["results"]} == {"applied"}
    return orders


def _statements_of_a_full_pull(app, api) -> tuple[int, list[dict]]:
    with app.app_context():
        engine = db.engine
    statements = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        page = api.get("/api/v1/sync/pull?limit=1000", as_="engineer")
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(statements), page["changes"]


def test_a_page_costs_the_same_few_statements_for_3_or_30_orders(app, api, world):
    _orders_with_charges(api, world, 3, 10)
    few, changes = _statements_of_a_full_pull(app, api)
    assert len([c for c in changes if c["type"] == "workorder"]) == 3
    _orders_with_charges(api, world, 27, 10)
    many, changes = _statements_of_a_full_pull(app, api)
    assert len([c for c in changes if c["type"] == "workorder"]) == 30
    assert many == few <= 12


def test_a_pulled_document_equals_the_orders_own_document(api, world):
    [order] = _orders_with_charges(api, world, 1, 10)
    device = api.device()
    charge = api.order(order["id"])["charges"][3]["id"]
    device.do("charge.remove", work_order_id=order["id"], charge_id=charge)
    changes, _ = api.pull_all("engineer")
    [pulled] = [c["data"] for c in changes if c["id"] == order["id"]]
    stored = api.order(order["id"])
    assert pulled == {key: stored[key] for key in pulled}
    assert len(pulled["charges"]) == 9 and charge not in {c["id"] for c in pulled["charges"]}
    assert pulled["notes"][0]["text"] == "filter replaced"


def test_a_pull_is_gzipped_only_for_a_client_that_accepts_gzip(api, world):
    _orders_with_charges(api, world, 5, 10)
    plain = api.request("GET", "/api/v1/sync/pull?limit=1000", as_="engineer", expect=200)
    zipped = api.client.get("/api/v1/sync/pull?limit=1000",
                            headers={**api.headers("engineer"), "Accept-Encoding": "gzip"})
    assert zipped.status_code == 200
    assert "Content-Encoding" not in plain.headers
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in zipped.headers["Vary"]
    body = gzip.decompress(zipped.get_data())
    assert len(zipped.get_data()) * 4 < len(body)
    assert json.loads(body)["changes"] == plain.get_json()["changes"]
