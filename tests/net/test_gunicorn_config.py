"""The shipped gunicorn.conf.py: slow clients do not take the server away from everyone else."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import httpx

from tests.live_server import ROOT, live_server
from tests.media.photos import sha256_of
from tests.net.test_slow_uploads import jpeg_bytes
from tests.net.trickle import TricklingUpload


def started_worker_class(media_dir: Path) -> str:
    [log] = media_dir.parent.glob("gunicorn-*.log")
    return re.search(r"Using worker: (\w+)", log.read_text()).group(1)


def test_gunicorn_reads_the_shipped_config_from_the_repo_root():
    assert (ROOT / "gunicorn.conf.py").is_file()


def test_two_trickling_uploads_do_not_stall_a_two_worker_server_for_a_third_client(
        api, world, database_url, tmp_path):
    order = api.create_order(world, assign_to="engineer2")
    device = api.device("engineer2")
    photos = [jpeg_bytes(), jpeg_bytes()[::-1]]  # the second is junk bytes; it is never finished
    media_dir = tmp_path / "live-media"
    # Started from the repo root, gunicorn reads ./gunicorn.conf.py; the helper's command line
    # sets only the port, two workers and a short graceful timeout.
    with live_server(database_url, media_dir, workers=2) as url:
        uploads = [TricklingUpload(url, f"/api/v1/media/{sha256_of(data)}", data,
                                   {**api.headers(user), "Content-Type": "image/jpeg"})
                   for data, user in zip(photos, ("engineer", "engineer2"), strict=True)]
        try:
            for upload in uploads:
                upload.send_first_half(settle=0.3)
            started = time.monotonic()
            with httpx.Client(base_url=url, timeout=10) as third:
                health = third.get("/api/v1/health")
                push = third.post("/api/v1/sync/push", headers=api.headers("engineer2"), json={
                    "client_id": device.client_id, "mutations": [
                        device.mutation("workorder.accept", work_order_id=order["id"])]})
            waited = time.monotonic() - started
            status, body = uploads[0].finish()
        finally:
            for upload in uploads:
                upload.close()
    assert started_worker_class(media_dir) == "gthread"
    assert health.status_code == 200
    assert push.json()["results"][0]["status"] == "applied"
    assert waited < 5
    assert status == 201 and json.loads(body)["sha256"] == sha256_of(photos[0])
