"""A slow photo upload holds no database lock: other engineers' pushes go through while its
body is still arriving, against a real gunicorn server."""

from __future__ import annotations

import io
import json
import sqlite3
import time

import httpx
import pytest

from tests.live_server import live_server
from tests.media.photos import scene, sha256_of
from tests.net.trickle import TricklingUpload


def jpeg_bytes() -> bytes:
    buffer = io.BytesIO()
    scene((640, 480)).save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def test_a_push_goes_through_while_another_engineers_upload_trickles_in(api, world, database_url,
                                                                       tmp_path):
    order = api.create_order(world, assign_to="engineer2")
    pusher = api.device("engineer2")
    photo = jpeg_bytes()
    with live_server(database_url, tmp_path / "live-media", workers=2) as url:
        upload = TricklingUpload(url, f"/api/v1/media/{sha256_of(photo)}", photo,
                                 {**api.headers("engineer"), "Content-Type": "image/jpeg"})
        try:
            upload.send_first_half()
            started = time.monotonic()
            answer = httpx.post(url + "/api/v1/sync/push", headers=api.headers("engineer2"),
                                timeout=10, json={"client_id": pusher.client_id, "mutations": [
                                    pusher.mutation("workorder.accept",
                                                    work_order_id=order["id"])]})
            waited = time.monotonic() - started
            status, body = upload.finish()
        finally:
            upload.close()
    assert answer.status_code == 200, answer.text
    assert answer.json()["results"][0]["status"] == "applied"
    assert waited < 5
    assert status == 201, body
    assert json.loads(body)["sha256"] == sha256_of(photo)


def test_an_upload_is_accepted_while_another_writer_holds_the_sqlite_write_lock(
        api, world, backend, database_url):
    if backend != "sqlite":
        pytest.skip("the database-wide write lock is SQLite's")
    photo = jpeg_bytes()
    writer = sqlite3.connect(database_url.removeprefix("sqlite:///"), isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")  # a long push, say, in another worker
        started = time.monotonic()
        response = api.request("PUT", f"/api/v1/media/{sha256_of(photo)}", as_="engineer",
                               data=photo, content_type="image/jpeg")
        waited = time.monotonic() - started
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert response.status_code == 201, response.get_data(as_text=True)
    assert waited < 5


def test_a_push_goes_through_while_another_engineers_push_body_trickles_in(api, world,
                                                                         database_url, tmp_path):
    slow_order = api.create_order(world, assign_to="engineer")
    fast_order = api.create_order(world, assign_to="engineer2")
    slow, fast = api.device("engineer"), api.device("engineer2")
    batch = json.dumps({"client_id": slow.client_id, "mutations": [
        slow.mutation("workorder.accept", work_order_id=slow_order["id"])]}).encode()
    with live_server(database_url, tmp_path / "live-media", workers=2) as url:
        trickling = TricklingUpload(url, "/api/v1/sync/push", batch,
                                    {**api.headers("engineer"),
                                     "Content-Type": "application/json"}, method="POST")
        try:
            trickling.send_first_half()
            started = time.monotonic()
            answer = httpx.post(url + "/api/v1/sync/push", headers=api.headers("engineer2"),
                                timeout=10, json={"client_id": fast.client_id, "mutations": [
                                    fast.mutation("workorder.accept",
                                                  work_order_id=fast_order["id"])]})
            waited = time.monotonic() - started
            status, body = trickling.finish()
        finally:
            trickling.close()
    assert answer.status_code == 200, answer.text
    assert answer.json()["results"][0]["status"] == "applied"
    assert waited < 5
    assert status == 200 and json.loads(body)["results"][0]["status"] == "applied"
