"""The field client's sync against a real gunicorn, beside the raw HTTP requests it makes.

(a) push + upload  an engineer's device (`FieldClient`, its own home and local SQLite) has 500
                   queued mutations on 50 orders (per order: accept, start, 7 x charge.add,
                   note; on 20 of them one charge.add is a photo.attach instead) and 20 photos
                   of ~3 MB (3000 x 2000 JPEG, quality 95, EXIF GPS and capture time).
                   `FieldClient.sync()` (HEAD + PUT each photo, push in batches of 100, pull
                   what changed) is timed beside the same work sent with httpx alone by a
                   second engineer with an equal dataset and a fresh client_id: the same PUTs
                   (20 other photos of the same size), 5 pushes of 100 mutations, and the
                   pull from the cursor. Both runs are checked: every mutation applied.
(b) first sync     an engineer with 2,000 orders (2 charge lines and a note each) among 2,000
                   of 20 other engineers: `FieldClient.sync()` on a fresh home (pull, limit
                   500, each page stored in the replica) beside raw httpx pulls with limit 500
                   until has_more is false (JSON parsed). Median of 5 each, alternating
                   which goes first.

Everything goes through a real gunicorn (tests/live_server.py, 4 workers) over localhost.
Data is bulk-seeded (bench/_common.py). Figures, never assertions.

    .venv/bin/python bench/field_client_sync.py [--quick] [--backends sqlite,postgresql]
"""

from __future__ import annotations

import argparse
import hashlib
import random
import sys
import tempfile
import time
from pathlib import Path

import httpx
from PIL import Image, ImageChops

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _common import (  # noqa: E402
    Seeder,
    Timer,
    analyze,
    backends,
    header,
    median,
    ms,
    new_id,
    row,
    scratch_database,
)

PASSWORD = "bench-password"  # what Seeder gives every user
SHENZHEN = {"lat": 22.5405, "lon": 113.9530}
CLIENT_TIME = "2026-11-23T10:00:00+08:00"
BATCH = 100  # as field_client.engine.BATCH
PAGE = 500  # as field_client.engine.PAGE
CHARGES = ("LAB-1H", "AC-FILTER", "CALLOUT", "PIPE-1M")


# --------------------------------------------------------------------------- photos

def make_photos(folder: Path, count: int, first_seed: int) -> list[Path]:
    """`count` distinct ~3 MB JPEGs: a 3000 x 2000 scene with grain, quality 95, EXIF."""
    from tests.media.photos import exif_bytes, scene

    exif = exif_bytes(SHENZHEN["lat"], SHENZHEN["lon"], taken_local="2026:11:23 10:00:00")
    paths = []
    for seed in range(first_seed, first_seed + count):
        rng = random.Random(seed)
        grain = Image.frombytes("RGB", (3000, 2000), rng.randbytes(3000 * 2000 * 3))
        image = ImageChops.blend(scene((3000, 2000), seed), grain, 0.11)
        path = folder / f"photo-{seed}.jpg"
        image.save(path, "JPEG", quality=95, exif=exif)
        paths.append(path)
    return paths


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --------------------------------------------------------------------------- (a) push

def plan(orders: list[str], photos: list[Path]) -> list[tuple[str, str, dict]]:
    """(order id, mutation name, args) x 500: what both the device and the raw run send."""
    steps = []
    for index, order_id in enumerate(orders):
        steps.append((order_id, "workorder.accept", {}))
        steps.append((order_id, "workorder.start", {}))
        for n in range(7):
            if n == 0 and index < len(photos):
                steps.append((order_id, "photo.attach", {"path": photos[index]}))
            else:
                steps.append((order_id, "charge.add", {"code": CHARGES[n % len(CHARGES)],
                                                       "quantity": str(1 + n % 3)}))
        steps.append((order_id, "workorder.note", {"text": f"Step {index}: filter replaced."}))
    return steps


def queue_on_device(client, steps, docs: dict[str, dict]) -> float:
    """Queue every step through the library's commands; their total time."""
    with Timer() as timer:
        for order_id, name, args in steps:
            number = docs[order_id]["number"]
            if name == "workorder.accept":
                client.accept(number)
            elif name == "workorder.start":
                client.start(number)
            elif name == "charge.add":
                client.charge(number, args["code"], args["quantity"])
            elif name == "photo.attach":
                client.photo(number, args["path"], kind="after")
            else:
                client.note(number, args["text"])
    return timer.seconds


class PhaseClock:
    """A field_client.engine.Progress that notes when upload and pull start and stop."""

    def __init__(self):
        self.marks: dict[str, float] = {}

    def start(self, task, total):
        self.marks[f"{task}.start"] = time.perf_counter()

    def advance(self, task, amount):
        pass

    def stop(self, task):
        self.marks[f"{task}.stop"] = time.perf_counter()


class HttpMeter:
    """Wraps field_client.transport.Transport._call to add up the time spent in HTTP, by
    method, while active: what of the device's sync is the requests, what its bookkeeping."""

    def __init__(self):
        self.seconds: dict[str, float] = {}

    def __enter__(self):
        from field_client.transport import Transport

        self._original = original = Transport._call
        meter = self

        def timed(transport, method, path, **kwargs):
            started = time.perf_counter()
            try:
                return original(transport, method, path, **kwargs)
            finally:
                meter.seconds[method] = (meter.seconds.get(method, 0.0)
                                         + time.perf_counter() - started)

        Transport._call = timed
        return self

    def __exit__(self, *exc):
        from field_client.transport import Transport

        Transport._call = self._original


def device_push(url: str, home: Path, username: str, orders: list[str],
                photos: list[Path]) -> dict:
    from field_client.client import FieldClient

    client = FieldClient(home)
    try:
        client.login(url, username, PASSWORD)
        client.sync()  # the replica, as the device has it before going out
        docs = {doc["id"]: doc for doc in client.store.order_docs()}
        steps = plan(orders, photos)
        queueing = queue_on_device(client, steps, docs)
        pending = len(client.store.outbox("pending"))
        clock = PhaseClock()
        with HttpMeter() as meter, Timer() as timer:
            report = client.sync(clock)
        started = clock.marks.get("upload.start", timer.start)
        if report.applied != len(steps) or report.rejected or not report.complete \
                or report.uploaded != len(photos):
            raise RuntimeError(f"device sync did not apply everything: {report.as_dict()}")
        return {"total": timer.seconds, "queueing": queueing, "pending": pending,
                "upload": clock.marks["upload.stop"] - started,
                "push": clock.marks["pull.start"] - clock.marks["upload.stop"],
                "pull": clock.marks["pull.stop"] - clock.marks["pull.start"],
                "pulled": report.pulled, "bytes": report.upload_bytes,
                "http": meter.seconds}
    finally:
        client.close()


def raw_push(url: str, token: str, orders: list[str], photos: list[Path]) -> dict:
    """The same work with httpx alone: PUT the photos, push 5 x 100, pull from the cursor."""
    headers = {"Authorization": f"Bearer {token}"}
    blobs = [(sha256_file(path), path.read_bytes()) for path in photos]
    by_path = {path: sha for path, (sha, _) in zip(photos, blobs, strict=True)}
    mutations = []
    for seq, (order_id, name, args) in enumerate(plan(orders, photos), start=1):
        if name == "charge.add":
            body = {"charge_id": new_id(), "quantity": args["quantity"],
                    "catalog_code": args["code"]}
        elif name == "photo.attach":
            body = {"photo_id": new_id(), "sha256": by_path[args["path"]], "kind": "after"}
        elif name == "workorder.note":
            body = {"text": args["text"]}
        else:
            body = {}
        mutations.append({"seq": seq, "id": new_id(), "name": name,
                          "args": {"work_order_id": order_id, **body},
                          "client_time": CLIENT_TIME})
    client_id = new_id()
    with httpx.Client(base_url=url, timeout=60, headers=headers) as http:
        cursor = _raw_pull_all(http, None)[1]  # the scope, as the device had it
        with Timer() as uploads:
            for sha, data in blobs:
                response = http.put(f"/api/v1/media/{sha}", content=data,
                                    headers={"Content-Type": "image/jpeg"})
                if response.status_code != 201:
                    raise RuntimeError(f"PUT answered {response.status_code}")
        with Timer() as pushes:
            for start in range(0, len(mutations), BATCH):
                response = http.post("/api/v1/sync/push", json={
                    "client_id": client_id, "mutations": mutations[start:start + BATCH]})
                answer = response.json()
                if response.status_code != 200 or {r["status"] for r in answer["results"]} \
                        != {"applied"}:
                    raise RuntimeError(f"push: {response.status_code} {str(answer)[:300]}")
        with Timer() as pull:
            changes, _ = _raw_pull_all(http, cursor)
    return {"upload": uploads.seconds, "push": pushes.seconds, "pull": pull.seconds,
            "pulled": len(changes), "bytes": sum(len(data) for _, data in blobs)}


def _raw_pull_all(http: httpx.Client, cursor: str | None) -> tuple[list[dict], str]:
    changes = []
    while True:
        params = {"limit": PAGE, **({"cursor": cursor} if cursor else {})}
        response = http.get("/api/v1/sync/pull", params=params)
        if response.status_code != 200:
            raise RuntimeError(f"pull answered {response.status_code}: {response.text[:300]}")
        page = response.json()
        changes.extend(page["changes"])
        cursor = page["cursor"]
        if not page["has_more"]:
            return changes, cursor


# --------------------------------------------------------------------------- (b) first sync

def device_first_sync(url: str, home: Path, username: str, orders: int) -> float:
    from field_client.client import FieldClient

    client = FieldClient(home)
    try:
        client.login(url, username, PASSWORD)
        with Timer() as timer:
            report = client.sync()
        if not report.complete or len(client.store.order_docs()) != orders:
            raise RuntimeError(f"first sync stored {len(client.store.order_docs())} orders")
        return timer.seconds
    finally:
        client.close()


def raw_first_sync(url: str, token: str, orders: int) -> float:
    with httpx.Client(base_url=url, timeout=60,
                      headers={"Authorization": f"Bearer {token}"}) as http:
        http.get("/api/v1/health")  # the connection, as the device's login made one
        with Timer() as timer:
            changes, _ = _raw_pull_all(http, None)
    if sum(1 for c in changes if c["type"] == "workorder") != orders:
        raise RuntimeError("raw first sync answered the wrong orders")
    return timer.seconds


# --------------------------------------------------------------------------- driver

def bench_backend(backend: str, first_orders: int, photos_a: list[Path],
                  photos_b: list[Path], work: Path, runs: int) -> None:
    from tests.live_server import live_server

    with scratch_database(backend, "client_sync") as scratch:
        seeder = Seeder(scratch)
        seeder.base()
        device_eng, raw_eng, reader, *others = seeder.engineers(3 + 20)
        with Timer() as seeding:
            seeder.orders([device_eng] * 50)
            seeder.orders([raw_eng] * 50)
            seeder.orders([others[i % len(others)] for i in range(first_orders // 2)])
            seeder.orders([reader] * first_orders, charges_per_order=2, notes_per_order=1)
            seeder.orders([others[i % len(others)] for i in range(first_orders
                                                                 - first_orders // 2)])
        seeder.check_consistent()
        world = seeder.world
        seeder.close()
        analyze(scratch)
        names = {user_id: f"eng{n:05d}" for n, user_id in enumerate(world.engineers)}
        with live_server(scratch.url, scratch.media_dir, workers=4) as url:
            # (b) first, while the database holds only the seed.
            device_times, raw_times = [], []
            for run in range(runs):  # alternated: odd runs time the device first
                pair = [lambda: raw_times.append(raw_first_sync(url, world.tokens[reader],
                                                                first_orders)),
                        lambda run=run: device_times.append(device_first_sync(
                            url, work / f"first-{backend}-{run}", names[reader],
                            first_orders))]
                for measure in (pair if run % 2 == 0 else pair[::-1]):
                    measure()
            a_device = device_push(url, work / f"push-{backend}", names[device_eng],
                                   world.orders[device_eng], photos_a)
            a_raw = raw_push(url, world.tokens[raw_eng], world.orders[raw_eng], photos_b)

    header(f"(a) push + upload on {backend}, gunicorn -w 4: {a_device['pending']} queued "
           f"mutations on 50 orders, {len(photos_a)} photos of "
           f"{a_device['bytes'] / len(photos_a) / 1e6:.1f} MB (seeded in "
           f"{seeding.seconds:.1f} s)")
    raw_sent = a_raw["upload"] + a_raw["push"]
    raw_all = raw_sent + a_raw["pull"]
    row("FieldClient.sync(): total", ms(a_device["total"]))
    http = a_device["http"]
    row("  uploads (HEAD + PUT each photo)", ms(a_device["upload"]),
        f"in HTTP: HEAD {http.get('HEAD', 0) * 1000:.0f} ms, "
        f"PUT {http.get('PUT', 0) * 1000:.0f} ms")
    row("  push (5 batches of 100, settled in the outbox)", ms(a_device["push"]),
        f"in HTTP: {http.get('POST', 0) * 1000:.0f} ms")
    row(f"  pull ({a_device['pulled']} changes, stored in the replica)", ms(a_device["pull"]),
        f"in HTTP: {http.get('GET', 0) * 1000:.0f} ms")
    row("raw httpx: 20 PUTs", ms(a_raw["upload"]))
    row("raw httpx: 5 pushes of 100", ms(a_raw["push"]))
    row(f"raw httpx: pull from the cursor ({a_raw['pulled']} changes)", ms(a_raw["pull"]))
    row("raw httpx: PUTs + pushes", ms(raw_sent))
    row("ratio FieldClient.sync() / raw (PUTs + pushes)",
        f"{a_device['total'] / raw_sent:.2f}x")
    row("ratio FieldClient.sync() / raw (PUTs + pushes + pull)",
        f"{a_device['total'] / raw_all:.2f}x")
    row("ratio uploads / raw PUTs", f"{a_device['upload'] / a_raw['upload']:.2f}x")
    row("ratio push / raw pushes", f"{a_device['push'] / a_raw['push']:.2f}x")
    row("(not in the sync) queueing the 500 commands on the device", ms(a_device["queueing"]),
        f"{a_device['queueing'] / a_device['pending'] * 1000:.2f} ms per command")

    header(f"(b) first sync on {backend}, gunicorn -w 4: {first_orders} orders of the "
           f"engineer (2 charges + a note each) among {first_orders} of 20 others, "
           f"limit {PAGE}, median of {runs}")
    device, raw = median(device_times), median(raw_times)
    row("FieldClient.sync() on a fresh home", ms(device),
        f"runs: {', '.join(f'{t * 1000:.0f}' for t in device_times)} ms")
    row("raw httpx pulls until has_more is false", ms(raw),
        f"runs: {', '.join(f'{t * 1000:.0f}' for t in raw_times)} ms")
    row("ratio FieldClient.sync() / raw pulls", f"{device / raw:.2f}x")
    row("FieldClient time per order", ms(device / first_orders))
    row("replica overhead per order (client - raw)", ms((device - raw) / first_orders))


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="1,000-order first sync, one run each")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--runs", type=int, help="first-sync runs (default 5, quick 2)")
    args = parser.parse_args(argv)
    first_orders = 1000 if args.quick else 2000
    runs = args.runs or (2 if args.quick else 5)
    chosen = backends(args.backends.split(","))
    with tempfile.TemporaryDirectory(prefix="fieldsync-bench-client-") as temp:
        work = Path(temp)
        with Timer() as making:
            photos = make_photos(work, 40, first_seed=1)
        print(f"made {len(photos)} photos, {sum(p.stat().st_size for p in photos) / 1e6:.0f} MB"
              f" in {making.seconds:.1f} s", flush=True)
        for backend in chosen:  # each backend has its own database and media store
            bench_backend(backend, first_orders, photos[:20], photos[20:], work, runs)


if __name__ == "__main__":
    main()
