"""Pushes that meet over the same orders: locks are taken in one order, and a conflict the
database still gives up on answers 503 with Retry-After, after which the same push is safe."""

from __future__ import annotations

import sqlite3
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import create_engine, event, text

from server.extensions import db


def _push(app, headers, batch):
    return app.test_client().post("/api/v1/sync/push", json=batch, headers=headers)


@pytest.mark.postgres
@pytest.mark.parametrize("backend", ["postgresql"], indirect=False)
def test_two_devices_pushing_to_x_then_y_and_y_then_x_at_once_both_apply(app, api, world):
    x, y = api.create_order(world), api.create_order(world)
    first, second = api.device(), api.device()
    batches = [
        {"client_id": first.client_id, "mutations": [
            first.mutation("workorder.note", work_order_id=x["id"], text="first on X"),
            first.mutation("workorder.note", work_order_id=y["id"], text="first on Y")]},
        {"client_id": second.client_id, "mutations": [
            second.mutation("workorder.note", work_order_id=y["id"], text="second on Y"),
            second.mutation("workorder.note", work_order_id=x["id"], text="second on X")]}]
    # Hold each push just after its first lock on work_orders until the other has taken one
    # too (or 2 s passed): a push that locks X, then later Y, meets the other in a cycle.
    locked = [threading.Event(), threading.Event()]
    mine = threading.local()

    def after_lock(conn, cursor, statement, parameters, context, executemany):
        if (getattr(mine, "index", None) is not None and not getattr(mine, "held", False)
                and "FROM work_orders" in statement and "FOR UPDATE" in statement):
            mine.held = True
            locked[mine.index].set()
            locked[1 - mine.index].wait(2)

    def send(index):
        mine.index = index
        return _push(app, api.headers("engineer"), batches[index])

    with app.app_context():
        engine = db.engine
    event.listen(engine, "after_cursor_execute", after_lock)
    try:
        with ThreadPoolExecutor(2) as pool:
            responses = list(pool.map(send, [0, 1]))
    finally:
        event.remove(engine, "after_cursor_execute", after_lock)
    assert [r.status_code for r in responses] == [200, 200], [r.get_json() for r in responses]
    assert [[m["status"] for m in r.get_json()["results"]] for r in responses] == [
        ["applied", "applied"], ["applied", "applied"]]
    assert sorted(n["text"] for n in api.order(x["id"])["notes"]) == ["first on X",
                                                                     "second on X"]
    assert sorted(n["text"] for n in api.order(y["id"])["notes"]) == ["first on Y",
                                                                     "second on Y"]


@pytest.mark.postgres
@pytest.mark.parametrize("backend", ["postgresql"], indirect=False)
def test_a_deadlock_answers_503_with_retry_after_and_the_same_push_then_applies(
        app, api, world, database_url):
    order, other = api.create_order(world), api.create_order(world)
    device = api.device()
    device.do("workorder.note", work_order_id=other["id"], text="registers the client")
    batch = {"client_id": device.client_id, "mutations": [
        device.mutation("workorder.note", work_order_id=order["id"], text="after the fault")]}
    outsider = create_engine(database_url)
    with outsider.connect() as connection:
        # The outsider waits long before it looks for deadlocks, so the push is the victim.
        connection.execute(text("SET deadlock_timeout = '20s'"))
        connection.execute(text("SELECT id FROM work_orders WHERE id = :id FOR UPDATE"),
                           {"id": order["id"]})
        with ThreadPoolExecutor(1) as pool:
            pending = pool.submit(_push, app, api.headers("engineer"), batch)
            _wait_until_blocked(connection, "work_orders")
            # The push holds its client's row and waits for the order: close the cycle.
            connection.execute(text("SELECT client_id FROM sync_clients "
                                    "WHERE client_id = :id FOR UPDATE"),
                               {"id": device.client_id})
            response = pending.result(30)
        connection.rollback()
    outsider.dispose()
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "1"
    assert response.get_json()["error"]["code"] == "try_again"
    retried = _push(app, api.headers("engineer"), batch)
    assert retried.status_code == 200
    assert [r["status"] for r in retried.get_json()["results"]] == ["applied"]
    assert [n["text"] for n in api.order(order["id"])["notes"]] == ["after the fault"]


def _wait_until_blocked(connection, table: str) -> None:
    for _ in range(200):
        # pg_stat_activity is read once per transaction unless its snapshot is cleared.
        connection.execute(text("SELECT pg_stat_clear_snapshot()"))
        waiting = connection.execute(text(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
            "AND query LIKE :q AND pid <> pg_backend_pid()"), {"q": f"%{table}%"}).scalar()
        if waiting:
            return
        time.sleep(0.05)
    raise AssertionError("the push never waited for the lock")


@pytest.mark.parametrize("backend", ["sqlite"], indirect=False)
def test_a_busy_sqlite_database_answers_503_with_retry_after_and_the_retry_applies(
        app, api, world, database_url):
    order = api.create_order(world)
    device = api.device()
    batch = {"client_id": device.client_id, "mutations": [
        device.mutation("workorder.note", work_order_id=order["id"], text="while busy")]}

    def short_wait(dbapi_connection, record):
        dbapi_connection.execute("PRAGMA busy_timeout=100")  # not 30 s: keep the test short

    with app.app_context():
        event.listen(db.engine, "connect", short_wait)
        db.engine.dispose()
    holder = sqlite3.connect(database_url.removeprefix("sqlite:///"), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another process holds SQLite's write lock
    try:
        busy = _push(app, api.headers("engineer"), batch)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert busy.status_code == 503
    assert busy.headers["Retry-After"] == "1"
    assert busy.get_json()["error"]["code"] == "try_again"
    retried = _push(app, api.headers("engineer"), batch)
    assert [r["status"] for r in retried.get_json()["results"]] == ["applied"]
    assert [n["text"] for n in api.order(order["id"])["notes"]] == ["while busy"]
