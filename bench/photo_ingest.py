"""Photo ingest: per-photo cost of upload + attach (EXIF, geofence, pHash, verification) +
thumbnail for 12-megapixel JPEGs, beside a plain Pillow full decode of the same files; and the
server's peak memory while it ingests a 25 MB upload.

    .venv/bin/python bench/photo_ingest.py [--quick]
"""

from __future__ import annotations

import argparse
import hashlib
import io
import random
import time
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


def per_photo(count: int) -> None:
    header(f"photo ingest: {count} JPEGs of 4000 x 3000 (12 MP), SQLite, in-process")
    photos = [twelve_megapixel_jpeg(seed) for seed in range(count + 1)]
    # The first photo of a process pays one-off imports (imagehash pulls in scipy): warm up.
    warm_up, photos = photos[0], photos[1:]
    started = time.perf_counter()
    for data in photos:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
    decode = (time.perf_counter() - started) / count
    with scratch_database("sqlite", "photos") as scratch:
        app = make_app(scratch)
        api = Api(app)
        world = api.make_world()
        order = api.create_order(world)
        device = api.device()
        device.do("workorder.accept", work_order_id=order["id"])
        timings = []
        for index, data in enumerate([warm_up] + photos):
            sha = hashlib.sha256(data).hexdigest()
            begin = time.perf_counter()
            api.request("PUT", f"/api/v1/media/{sha}", data=data, content_type="image/jpeg",
                        as_="engineer", expect=201)
            result = device.do("photo.attach", work_order_id=order["id"],
                               photo_id=f"00000000-0000-4000-8000-{index:012d}", sha256=sha,
                               kind="after")
            assert result["status"] == "applied", result
            photo_id = f"00000000-0000-4000-8000-{index:012d}"
            api.request("GET", f"/api/v1/photos/{photo_id}/thumbnail", as_="engineer",
                        expect=200)
            if index:
                timings.append(time.perf_counter() - begin)
        statuses = {p["verification"]["status"] for p in api.order(order["id"])["photos"]}
    ingest = sum(timings) / count
    row("plain Pillow full decode, per photo", ms(decode))
    row("upload + attach + verify + thumbnail, per photo", ms(ingest),
        f"ingest/decode = {ingest / decode:.1f}x; verdicts {sorted(statuses)}")
    row("average file size", f"{sum(map(len, photos)) / count / 1e6:.1f} MB")


def vm_hwm_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise RuntimeError("no VmHWM")


def peak_memory() -> None:
    header("peak memory of a gunicorn worker while it ingests a ~25 MB upload (SQLite)")
    data = big_upload()
    sha = hashlib.sha256(data).hexdigest()
    with scratch_database("sqlite", "bigphoto") as scratch:
        app = make_app(scratch)
        Api(app).make_world()
        with live_server(scratch.url, scratch.media_dir, workers=1) as url:
            token = httpx.post(f"{url}/api/v1/auth/token", json={
                "username": "engineer", "password": "correct horse battery"}).json()["token"]
            headers = {"Authorization": f"Bearer {token}"}
            httpx.get(f"{url}/api/v1/health")  # warm the worker
            worker = _worker_pid(url)
            before = vm_hwm_kib(worker)
            started = time.perf_counter()
            answer = httpx.put(f"{url}/api/v1/media/{sha}", content=data, timeout=120,
                               headers={**headers, "Content-Type": "image/jpeg"})
            elapsed = time.perf_counter() - started
            after = vm_hwm_kib(worker)
    pixels_mb = 6000 * 4000 * 3 / 1e6
    row("upload size", f"{len(data) / 1e6:.1f} MB", f"answered {answer.status_code}")
    row("upload time", ms(elapsed))
    row("worker peak RSS before -> after", f"{before / 1024:.0f} -> {after / 1024:.0f} MiB",
        f"growth {(after - before) / 1024:.0f} MiB; decoded RGB alone is {pixels_mb:.0f} MB")


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
    per_photo(3 if args.quick else 8)
    peak_memory()
    print(f"\n(run from {ROOT})")


if __name__ == "__main__":
    main()
