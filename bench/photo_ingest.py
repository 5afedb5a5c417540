"""Photo ingest: per-photo cost of upload + attach (EXIF, geofence, pHash, verification) +
thumbnail for 12-megapixel JPEGs, beside a plain Pillow full decode of the same files (the goal
is at most 1.3x); and a gunicorn worker's peak memory through a photo's upload, attach and
thumbnail, a 25 MB upload, and a hostile 1 x 50,000,000 PNG.

    .venv/bin/python bench/photo_ingest.py [--quick]
"""

from __future__ import annotations

import argparse
import hashlib
import io
import random
import statistics
import time
import uuid
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
from _common import ROOT, header, make_app, ms, row, scratch_database  # noqa: I001
from PIL import Image

from tests.api import Api
from tests.live_server import live_server
from tests.media.photos import exif_bytes, scene

SITE = (22.5405, 113.9530)


def taken_now() -> str:
    """EXIF local time now in Shanghai (the bench server's clock is real), so photos verify."""
    return datetime.now(ZoneInfo("Asia/Shanghai")).strftime("%Y:%m:%d %H:%M:%S")


def twelve_megapixel_jpeg(seed: int) -> bytes:
    image = scene((4000, 3000), seed=seed)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90, exif=exif_bytes(*SITE, taken_local=taken_now()))
    return buffer.getvalue()


def big_upload(target_bytes: int = 24_500_000) -> bytes:
    """A real JPEG of about 25 MB: 24 megapixels of noise at quality 100."""
    rng = random.Random(7)
    image = Image.frombytes("RGB", (6000, 4000), rng.randbytes(6000 * 4000 * 3))
    for quality in (100, 97, 95, 92, 90, 85):
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=quality, exif=exif_bytes(*SITE, taken_local=taken_now()))
        if buffer.tell() <= target_bytes:
            return buffer.getvalue()
    return buffer.getvalue()


def clocks() -> tuple[float, float]:
    """(wall, CPU) seconds: CPU time of this process is less disturbed by other processes."""
    return time.perf_counter(), time.process_time()


def since(start: tuple[float, float]) -> tuple[float, float]:
    wall, cpu = clocks()
    return wall - start[0], cpu - start[1]


def plain_decode(data: bytes) -> tuple[float, float]:
    """(wall, CPU) seconds for Pillow to open and fully decode `data`: the baseline."""
    started = clocks()
    with Image.open(io.BytesIO(data)) as image:
        image.load()
    return since(started)


def per_photo(count: int) -> None:
    header(f"photo ingest: {count} JPEGs of 4000 x 3000 (12 MP), SQLite, in-process")
    photos = [twelve_megapixel_jpeg(seed) for seed in range(count + 1)]
    # The first photo of a process pays one-off costs (imports, caches): warm up on it.
    decodes, ingests = [], []
    with scratch_database("sqlite", "photos") as scratch:
        app = make_app(scratch)
        api = Api(app)
        world = api.make_world()
        order = api.create_order(world)
        device = api.device()
        device.do("workorder.accept", work_order_id=order["id"])
        for index, data in enumerate(photos):
            # Interleaved, so that load from other processes on the machine hits both alike.
            decode = plain_decode(data)
            sha = hashlib.sha256(data).hexdigest()
            photo_id = f"00000000-0000-4000-8000-{index:012d}"
            started = clocks()
            api.request("PUT", f"/api/v1/media/{sha}", data=data, content_type="image/jpeg",
                        as_="engineer", expect=201)
            result = device.do("photo.attach", work_order_id=order["id"], photo_id=photo_id,
                               sha256=sha, kind="after")
            assert result["status"] == "applied", result
            api.request("GET", f"/api/v1/photos/{photo_id}/thumbnail", as_="engineer",
                        expect=200)
            if index:
                decodes.append(decode)
                ingests.append(since(started))
        statuses = {p["verification"]["status"] for p in api.order(order["id"])["photos"]}
    for clock, which in (("wall clock", 0), ("CPU time", 1)):
        decode = statistics.median(d[which] for d in decodes)
        ingest = statistics.median(i[which] for i in ingests)
        ratios = sorted(i[which] / d[which] for i, d in zip(ingests, decodes, strict=True))
        row(f"plain Pillow full decode, median {clock}", ms(decode))
        row(f"upload + attach + thumbnail, median {clock}", ms(ingest),
            f"ingest/decode = {ingest / decode:.2f}x (goal <= 1.3x)")
        row("  per photo ingest/decode, min / median / max",
            f"{ratios[0]:.2f} / {statistics.median(ratios):.2f} / {ratios[-1]:.2f}x")
    row("verdicts; average file size", f"{sorted(statuses)}",
        f"{sum(map(len, photos)) / len(photos) / 1e6:.1f} MB")


def vm_hwm_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise RuntimeError("no VmHWM")


def peak_memory() -> None:
    header("peak memory (VmHWM) of one gunicorn worker through a photo's life (SQLite)")
    photo, big, hostile = twelve_megapixel_jpeg(99), big_upload(), long_png()
    with scratch_database("sqlite", "bigphoto") as scratch:
        app = make_app(scratch)
        api = Api(app)
        world = api.make_world()
        order = api.create_order(world)
        device = api.device()
        device.do("workorder.accept", work_order_id=order["id"])
        with live_server(scratch.url, scratch.media_dir, workers=1) as url:
            worker = Worker(url)
            worker.step("started, one request served", lambda: None)
            worker.step("upload 12 MP JPEG", lambda: worker.upload(photo), photo=photo)
            worker.step("attach it (EXIF, pHash, verify)", lambda: worker.attach(
                order["id"], photo, device.client_id), photo=photo)
            worker.step("GET its thumbnail", lambda: worker.thumbnail(), photo=photo)
            worker.step("upload ~25 MB JPEG (24 MP)", lambda: worker.upload(big), photo=big)
            worker.step("upload PNG of 1 x 50,000,000 (refused)", lambda: worker.upload(
                hostile, "image/png"), photo=hostile)
    print("  (the 24 MP upload's decoded RGB alone would be "
          f"{6000 * 4000 * 3 / 1e6:.0f} MB; it is decoded at 1/8 scale)")


def long_png() -> bytes:
    import tempfile

    from tests.media.hostile import long_png as make

    with tempfile.TemporaryDirectory() as folder:
        return make(Path(folder) / "long.png", 1, 50_000_000).read_bytes()


class Worker:
    """One gunicorn worker driven over HTTP, its peak RSS read after each step."""

    def __init__(self, url: str):
        self.url = url
        token = httpx.post(f"{url}/api/v1/auth/token", json={
            "username": "engineer", "password": "correct horse battery"}).json()["token"]
        self.headers = {"Authorization": f"Bearer {token}"}
        httpx.get(f"{url}/api/v1/health")
        self.pid = _worker_pid(url)
        self.photo_id = str(uuid.uuid4())

    def step(self, label: str, action, photo: bytes | None = None) -> None:
        before = vm_hwm_kib(self.pid)
        started = time.perf_counter()
        outcome = action()
        elapsed = time.perf_counter() - started
        after = vm_hwm_kib(self.pid)
        size = f"{len(photo) / 1e6:.1f} MB, " if photo else ""
        row(label, f"{after / 1024:.0f} MiB",
            f"+{(after - before) / 1024:.0f} MiB; {size}{ms(elapsed)}"
            + (f"; {outcome}" if outcome else ""))

    def upload(self, data: bytes, content_type: str = "image/jpeg") -> str:
        sha = hashlib.sha256(data).hexdigest()
        answer = httpx.put(f"{self.url}/api/v1/media/{sha}", content=data, timeout=120,
                           headers={**self.headers, "Content-Type": content_type})
        if answer.status_code >= 400:
            return f"answered {answer.status_code} {answer.json()['error']['code']}"
        self.sha = sha
        return f"answered {answer.status_code}"

    def attach(self, order_id: str, data: bytes, client_id: str) -> str:
        mutation = {"seq": 1, "id": str(uuid.uuid4()), "name": "photo.attach",
                    "client_time": "2026-11-23T10:00:00+08:00",
                    "args": {"work_order_id": order_id, "photo_id": self.photo_id,
                             "sha256": hashlib.sha256(data).hexdigest(), "kind": "after"}}
        answer = httpx.post(f"{self.url}/api/v1/sync/push", headers=self.headers, timeout=60,
                            json={"client_id": str(uuid.uuid4()), "mutations": [mutation]})
        return answer.json()["results"][0]["status"]

    def thumbnail(self) -> str:
        answer = httpx.get(f"{self.url}/api/v1/photos/{self.photo_id}/thumbnail",
                           headers=self.headers)
        return f"answered {answer.status_code}, {len(answer.content) / 1e3:.0f} kB"


def _worker_pid(url: str) -> int:
    import subprocess

    port = url.rsplit(":", 1)[1]
    master = subprocess.run(["pgrep", "-f", f"gunicorn.*127.0.0.1:{port}"], capture_output=True,
                            text=True).stdout.split()
    children = subprocess.run(["pgrep", "-P", master[0]], capture_output=True,
                              text=True).stdout.split()
    return int(children[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    per_photo(5 if args.quick else 12)
    peak_memory()
    print(f"\n(run from {ROOT})")


if __name__ == "__main__":
    main()
