"""A stock tus client (tuspy) sends a 20 MB photo to gunicorn through a network that drops the
connection every 2 MB: the upload completes, no byte that reached the server is sent twice,
and the stored photo attaches to a job."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from PIL import Image
from tusclient.client import TusClient

from tests.api import PASSWORD, new_id
from tests.cutting_proxy import CuttingProxy
from tests.e2e.test_field_client import cli, cli_json
from tests.live_server import live_server
from tests.media.photos import sha256_of

MB = 1024 * 1024


def big_photo(path: Path, size: tuple[int, int] = (2560, 1920)) -> Path:
    """A valid JPEG of about 20 MB: noise at full quality does not compress."""
    width, height = size
    noise = random.Random(17).randbytes(width * height * 3)
    Image.frombytes("RGB", size, noise).save(path, "JPEG", quality=100, subsampling=0)
    return path


@pytest.mark.parametrize("backend", ["sqlite"])
def test_a_20_mb_photo_over_a_network_dropping_every_2_mb_arrives_once_and_attaches(
        api, app, world, database_url, tmp_path):
    order = api.create_order(world)
    device = api.device()
    device.do("workorder.accept", work_order_id=order["id"])
    photo = big_photo(tmp_path / "big.jpg")
    size, sha = photo.stat().st_size, sha256_of(photo)
    assert 18 * MB < size < app.config["MAX_MEDIA_BYTES"]

    with live_server(database_url, Path(app.config["MEDIA_DIR"]), workers=2) as url:
        proxy = CuttingProxy(int(url.rsplit(":", 1)[1]), cut_after=2 * MB)
        try:
            client = TusClient(proxy.url + "/api/v1/uploads/",
                               headers={"Authorization": f"Bearer {api.tokens['engineer']}"})
            # A phone notices a dead connection after a timeout; here the drop is known at once,
            # so without a pause the HEAD could overtake the cut PATCH still queued at the
            # server (its late bytes are then refused with 409: sent twice, never stored twice).
            with photo.open("rb") as stream:  # tuspy leaves a file it opened itself open
                uploader = client.uploader(file_stream=stream, metadata={"sha256": sha},
                                           retries=30, retry_delay=1)
                uploader.upload()
        finally:
            proxy.close()

    patches = [c for c in proxy.connections if c.request_line.startswith("PATCH")]
    assert sum(c.cut for c in patches) >= size // (2 * MB) - 1  # it really kept dropping
    # Every body byte the proxy delivered was a new one: the client resumed where the
    # server's HEAD said, never from an earlier point.
    assert proxy.body_bytes("PATCH") == size
    stored = Path(app.config["MEDIA_DIR"]) / sha[:2] / sha[2:4] / sha
    assert stored.stat().st_size == size
    photo_id = new_id()
    result = device.do("photo.attach", work_order_id=order["id"], photo_id=photo_id,
                       sha256=sha, kind="after")
    assert result["status"] == "applied", result
    assert photo_id in [p["id"] for p in api.order(order["id"])["photos"]]


@pytest.mark.parametrize("backend", ["sqlite"])
def test_the_field_client_sends_a_large_photo_by_tus_resuming_after_each_drop(
        api, app, world, database_url, tmp_path):
    order = api.create_order(world)
    photo = big_photo(tmp_path / "big.jpg", size=(1700, 1300))
    size = photo.stat().st_size
    assert size > 2 * 4 * MB  # over the client's tus threshold and cut at least twice
    home = tmp_path / "phone"
    with live_server(database_url, Path(app.config["MEDIA_DIR"]), workers=2) as url:
        proxy = CuttingProxy(int(url.rsplit(":", 1)[1]), cut_after=2 * MB)
        try:
            cli(home, "login", proxy.url, "engineer", PASSWORD)
            cli(home, "sync")
            cli(home, "accept", order["number"])
            cli(home, "photo", order["number"], str(photo))
            report = cli_json(home, "sync")
        finally:
            proxy.close()
    assert report["uploaded"] == 1 and report["applied"] == 2, report
    assert not [c for c in proxy.connections if c.request_line.startswith("PUT")]
    assert sum(c.cut for c in proxy.connections if c.request_line.startswith("PATCH")) >= 3
    assert proxy.body_bytes("PATCH") == size
    photos = api.order(order["id"])["photos"]
    assert [p["sha256"] for p in photos] == [sha256_of(photo)]
