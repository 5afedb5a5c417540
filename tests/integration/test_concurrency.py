"""Concurrency: the same push from many threads applies once; concurrent commits are never
skipped by a pull, on SQLite and PostgreSQL, in one process or several gunicorn workers."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import httpx
from flask_sqlalchemy.session import Session
from sqlalchemy import event

from server.extensions import db
from server.models import User
from server.services import orders
from tests.api import PASSWORD, new_id
from tests.live_server import live_server


def test_the_same_push_from_eight_threads_at_once_is_applied_once(app, api, world):
    order = api.create_order(world)
    device = api.device()
    batch = {"client_id": device.client_id, "mutations": [
        device.mutation("workorder.accept", work_order_id=order["id"]),
        device.mutation("charge.add", work_order_id=order["id"], charge_id=new_id(),
                        quantity=1, catalog_code="CALLOUT")]}
    headers = api.headers("engineer")
    barrier = threading.Barrier(8)

    def send(_):
        client = app.test_client()
        barrier.wait()
        return client.post("/api/v1/sync/push", json=batch, headers=headers)

    with ThreadPoolExecutor(8) as pool:
        responses = list(pool.map(send, range(8)))
    assert [r.status_code for r in responses] == [200] * 8
    statuses = sorted(tuple(x["status"] for x in r.get_json()["results"]) for r in responses)
    assert statuses == [("applied", "applied")] + [("duplicate", "duplicate")] * 7
    stored = api.order(order["id"])
    assert stored["version"] == 4
    assert len(stored["charges"]) == 1
    assert [e["action"] for e in stored["timeline"]].count("charge.add") == 1


def test_a_commit_still_in_flight_is_not_skipped_by_a_pull(app, api, world, clock):
    """Writer A stamps its change and stalls before COMMIT; writer B commits after it.
    A pull in between must not hand out a cursor past A's change."""
    _, cursor = api.pull_all("engineer")
    stalled, release = threading.Event(), threading.Event()
    slow_thread: list[threading.Thread] = []

    def stall(session):
        if slow_thread and threading.current_thread() is slow_thread[0]:
            stalled.set()
            assert release.wait(20)

    event.listen(Session, "before_commit", stall)  # runs after the feed's own listener
    created: dict[str, str] = {}

    def create(name):
        with app.app_context():
            dispatcher = db.session.get(User, world.ids["dispatcher"])
            row, _ = orders.create_work_order(
                {"customer_id": world.customer_id, "site_id": world.site_id, "title": name,
                 "assigned_engineer_id": world.ids["engineer"]}, dispatcher, clock())
            created[name] = row.id
            db.session.commit()
            db.session.remove()

    try:
        slow = threading.Thread(target=create, args=("A",))
        slow_thread.append(slow)
        slow.start()
        assert stalled.wait(20)
        fast = threading.Thread(target=create, args=("B",))
        fast.start()
        fast.join(1.0)  # B may not commit past A: it waits for A's feed lock
        early, cursor = api.pull_all("engineer", cursor)
        release.set()
        slow.join(20)
        fast.join(20)
    finally:
        release.set()
        event.remove(Session, "before_commit", stall)
    late, _ = api.pull_all("engineer", cursor)
    seen = {c["id"] for c in early + late}
    assert {created["A"], created["B"]} <= seen


def test_orders_created_from_many_threads_all_reach_a_pulling_engineer(app, api, world,
                                                                      database_url, tmp_path):
    """Against gunicorn with four workers: writers and a pulling engineer at the same time."""
    dispatcher = {"username": "dispatcher", "password": PASSWORD}
    engineer = {"username": "engineer", "password": PASSWORD}
    with live_server(database_url, tmp_path / "live-media") as url:
        with httpx.Client(base_url=url, timeout=30) as http:
            office = {"Authorization": "Bearer " + http.post(
                "/api/v1/auth/token", json=dispatcher).json()["token"]}
            field = {"Authorization": "Bearer " + http.post(
                "/api/v1/auth/token", json=engineer).json()["token"]}
        created: list[str] = []
        done = threading.Event()

        def write(n):
            with httpx.Client(base_url=url, timeout=30) as http:
                for i in range(15):
                    answer = http.post("/api/v1/workorders", headers=office, json={
                        "customer_id": world.customer_id, "site_id": world.site_id,
                        "title": f"writer {n} order {i}",
                        "assigned_engineer_id": world.ids["engineer"]})
                    assert answer.status_code == 201, answer.text
                    created.append(answer.json()["id"])

        replica: set[str] = set()
        pulls = 0

        def pull_loop():
            nonlocal pulls
            cursor = None
            with httpx.Client(base_url=url, timeout=30) as http:
                while True:
                    finished = done.is_set()
                    params = {"limit": 7, **({"cursor": cursor} if cursor else {})}
                    page = http.get("/api/v1/sync/pull", headers=field, params=params).json()
                    pulls += 1
                    replica.update(c["id"] for c in page["changes"]
                                   if c["type"] == "workorder")
                    cursor = page["cursor"]
                    if finished and not page["has_more"]:
                        return

        reader = threading.Thread(target=pull_loop)
        reader.start()
        with ThreadPoolExecutor(6) as pool:
            list(pool.map(write, range(6)))
        done.set()
        reader.join(60)
    assert len(created) == 90
    assert set(created) <= replica
    assert pulls > 5
