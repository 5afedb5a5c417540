"""Push throughput: engineers' devices pushing batches of 100 mutations, on SQLite and PostgreSQL.

Each device (one engineer, its own client_id and its own assigned orders) pushes batches of 100
mutations: per order `workorder.accept`, `workorder.start` (with a location), 7 x `charge.add`
(catalog lines and one ad-hoc line) and `workorder.note`, i.e. 10 orders a batch. Two drivers:

  in-process, sequential   Flask test client, one push at a time (no HTTP server, no concurrency)
  gunicorn -w 4, threads   a real gunicorn (tests/live_server.py) with 4 sync workers and one
                           thread per device, all devices pushing at once over HTTP

Beside each figure: a raw SQLAlchemy Core insert of the same number of rows into a table shaped
like sync_mutations (bench_raw_mutations, created in the same database), one transaction per
100 rows (one per push), measured in the same run; the ratio says how many times more a pushed
mutation costs than writing one row.

    .venv/bin/python bench/push_throughput.py [--quick] [--backends sqlite,postgresql]
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _common import (  # noqa: E402
    NOW,
    Seeder,
    Timer,
    analyze,
    backends,
    dispose_app,
    gunicorn,
    header,
    make_app,
    new_id,
    row,
    scratch_database,
    workers_peak_rss_mib,
)
from sqlalchemy import (  # noqa: E402
    JSON,
    BigInteger,
    Column,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    create_engine,
    event,
    insert,
    text,
)

BATCH = 100
ORDERS_PER_BATCH = 10
CATALOG_CODES = ("LAB-1H", "AC-FILTER", "CALLOUT", "PIPE-1M")


class Device:
    def __init__(self, engineer_id: str, token: str, orders: list[str]):
        self.engineer_id, self.orders = engineer_id, list(orders)
        self.headers = {"Authorization": f"Bearer {token}"}
        self.client_id = new_id()
        self.seq = 0

    def _mutation(self, name: str, **args) -> dict:
        self.seq += 1
        return {"seq": self.seq, "id": new_id(), "name": name, "args": args,
                "client_time": "2026-11-23T10:00:00+08:00"}

    def next_batch(self) -> dict:
        """100 mutations over the next 10 orders: accept, start, 7 x charge.add, note."""
        mutations = []
        for _ in range(ORDERS_PER_BATCH):
            order = self.orders.pop(0)
            mutations.append(self._mutation("workorder.accept", work_order_id=order))
            mutations.append(self._mutation("workorder.start", work_order_id=order,
                                            location={"lat": 22.5406, "lon": 113.9531,
                                                      "accuracy_m": 12}))
            for n in range(6):
                mutations.append(self._mutation(
                    "charge.add", work_order_id=order, charge_id=new_id(),
                    quantity=str(1 + n % 3), catalog_code=CATALOG_CODES[n % 4]))
            mutations.append(self._mutation(
                "charge.add", work_order_id=order, charge_id=new_id(), quantity="2",
                kind="other", description="Ladder hire", unit_price="45", tax_rate="0.13"))
            mutations.append(self._mutation("workorder.note", work_order_id=order,
                                            text="Replaced the filter; unit cools again."))
        assert len(mutations) == BATCH
        return {"client_id": self.client_id, "mutations": mutations}


def _check(answer: dict, status_code: int) -> None:
    if status_code != 200:
        raise RuntimeError(f"push answered {status_code}: {str(answer)[:500]}")
    statuses = {r["status"] for r in answer["results"]}
    if statuses != {"applied"}:
        bad = [r for r in answer["results"] if r["status"] != "applied"][:3]
        raise RuntimeError(f"not every mutation applied: {bad}")


def _devices(seeder: Seeder, engineers: list[str], batches: int) -> list[Device]:
    world = seeder.world
    take = batches * ORDERS_PER_BATCH
    devices = []
    for engineer_id in engineers:
        devices.append(Device(engineer_id, world.tokens[engineer_id],
                              world.orders[engineer_id][:take]))
        world.orders[engineer_id] = world.orders[engineer_id][take:]
    return devices


def feed_counter(scratch) -> int:
    engine = create_engine(scratch.url)
    with engine.connect() as connection:
        value = connection.execute(text("select value from counters where name = 'feed'")
                                   ).scalar_one()
    engine.dispose()
    return value


def run_in_process(scratch, devices: list[Device], warmup: list[Device], batches: int) -> dict:
    from server.extensions import db

    app = make_app(scratch)
    client = app.test_client()
    try:
        for device in warmup:  # compiles statements, fills caches; not timed
            response = client.post("/api/v1/sync/push", json=device.next_batch(),
                                   headers=device.headers)
            _check(response.get_json(), response.status_code)
        latencies = []
        feed_before = feed_counter(scratch)
        statements = [0]

        def count(*_args):
            statements[0] += 1

        with app.app_context():
            engine = db.engine
        event.listen(engine, "before_cursor_execute", count)
        with Timer() as total:
            for _ in range(batches):
                for device in devices:
                    started = time.perf_counter()
                    response = client.post("/api/v1/sync/push", json=device.next_batch(),
                                           headers=device.headers)
                    latencies.append(time.perf_counter() - started)
                    _check(response.get_json(), response.status_code)
        event.remove(engine, "before_cursor_execute", count)
        feed_taken = feed_counter(scratch) - feed_before
    finally:
        dispose_app(app)
    return {"seconds": total.seconds, "mutations": len(devices) * batches * BATCH,
            "latencies": latencies, "feed_per_push": feed_taken / (len(devices) * batches),
            "statements_per_mutation": statements[0] / (len(devices) * batches * BATCH)}


def run_gunicorn(scratch, devices: list[Device], warmup: list[Device], batches: int,
                 workers: int) -> dict:
    import httpx

    from tests.live_server import live_server

    def send(http, device: Device) -> float:
        started = time.perf_counter()
        response = http.post("/api/v1/sync/push", json=device.next_batch(),
                             headers=device.headers)
        elapsed = time.perf_counter() - started
        _check(response.json(), response.status_code)
        return elapsed

    with live_server(scratch.url, scratch.media_dir, workers=workers) as url:
        # Warm every worker up (imports, statement caches): concurrent pushes, not timed.
        warm_threads = [threading.Thread(target=lambda d=d: send(
            httpx.Client(base_url=url, timeout=120), d)) for d in warmup]
        for thread in warm_threads:
            thread.start()
        for thread in warm_threads:
            thread.join()

        barrier = threading.Barrier(len(devices) + 1)
        latencies: list[float] = []
        errors: list[BaseException] = []
        lock = threading.Lock()

        def device_loop(device: Device) -> None:
            with httpx.Client(base_url=url, timeout=120) as http:
                http.get("/api/v1/health")  # open the connection before the clock starts
                barrier.wait()
                try:
                    for _ in range(batches):
                        elapsed = send(http, device)
                        with lock:
                            latencies.append(elapsed)
                except BaseException as exc:  # noqa: BLE001 - reported after the run
                    errors.append(exc)

        threads = [threading.Thread(target=device_loop, args=(d,)) for d in devices]
        for thread in threads:
            thread.start()
        barrier.wait()
        with Timer() as total:
            for thread in threads:
                thread.join()
    if errors:
        raise RuntimeError(f"{len(errors)} device(s) failed: {errors[0]!r}")
    return {"seconds": total.seconds, "mutations": len(devices) * batches * BATCH,
            "latencies": latencies}


def raw_insert(scratch, rows_total: int, client_ids: list[str], user_id: str) -> dict:
    """rows_total Core-inserted rows shaped like sync_mutations, one transaction per 100 rows."""
    metadata = MetaData()
    table = Table(
        "bench_raw_mutations", metadata,
        Column("client_id", String(36), primary_key=True),
        Column("seq", BigInteger, primary_key=True, autoincrement=False),
        Column("mutation_id", String(64), index=True), Column("user_id", String(36)),
        Column("name", String(64)), Column("args", JSON), Column("client_time", String(64)),
        Column("status", String(20)), Column("error", JSON), Column("version", Integer),
        Column("work_order_id", String(36), index=True),
        Column("received_at", DateTime(timezone=True)))
    engine = create_engine(scratch.url)
    metadata.drop_all(engine)
    metadata.create_all(engine)
    batches = []
    seq = 0
    for n in range(rows_total // BATCH):
        client_id = client_ids[n % len(client_ids)]
        seq += 1
        batches.append([dict(
            client_id=client_id, seq=seq * BATCH + i, mutation_id=new_id(), user_id=user_id,
            name="charge.add", args={"work_order_id": new_id(), "charge_id": new_id(),
                                     "quantity": "2", "catalog_code": "AC-FILTER"},
            client_time="2026-11-23T10:00:00+08:00", status="applied", error=None,
            version=5, work_order_id=new_id(), received_at=NOW) for i in range(BATCH)])
    try:
        with Timer() as total:
            for batch in batches:
                with engine.begin() as connection:
                    connection.execute(insert(table), batch)
    finally:
        metadata.drop_all(engine)
        engine.dispose()
    return {"seconds": total.seconds, "rows": rows_total}


def _kinto_row(records: int) -> float | None:
    """Kinto creating `records` charge-line records, batches of 100, one client; records/s."""
    import kinto_baseline

    problem = kinto_baseline.kinto_problem()
    if problem:
        print(f"  [skip] Kinto: {problem}")
        return None
    lines = [{"work_order_id": new_id(), "charge_id": new_id(), "quantity": "2",
              "catalog_code": "AC-FILTER"} for _ in range(records)]
    with kinto_baseline.kinto_server(workers=1) as url:
        kinto_baseline.push(url, lines[:BATCH], BATCH)  # warm-up, not timed
        seconds = kinto_baseline.push(url, lines, BATCH)
    return records / seconds


def one_client_goal(backend: str, orders: int) -> None:
    """The issue's goal: one device over HTTP, gunicorn -w 1, pushing batches of 100 over
    `orders` orders; beside a raw Core insert and Kinto, and the worker's peak memory."""
    import httpx

    batches = orders // ORDERS_PER_BATCH
    with scratch_database(backend, "push_goal") as scratch:
        seeder = Seeder(scratch)
        seeder.base()
        [engineer, warm] = seeder.engineers(2)
        seeder.orders([engineer] * orders + [warm] * ORDERS_PER_BATCH * 11)
        seeder.close()
        analyze(scratch)
        [device] = _devices(seeder, [engineer], batches)
        [warm_device] = _devices(seeder, [warm], 11)
        with gunicorn(scratch, workers=1) as (url, master), \
                httpx.Client(base_url=url, timeout=120) as http:
            def send(d: Device) -> None:
                response = http.post("/api/v1/sync/push", json=d.next_batch(),
                                     headers=d.headers)
                _check(response.json(), response.status_code)

            send(warm_device)  # imports and statement caches, not timed
            rss_before = workers_peak_rss_mib(master)
            for _ in range(10):  # 1,000 mutations
                send(warm_device)
            rss_push = workers_peak_rss_mib(master)
            with Timer() as total:
                for _ in range(batches):
                    send(device)
        raw = raw_insert(scratch, batches * BATCH, [new_id()], engineer)
    mutations = batches * BATCH
    rate, raw_rate = mutations / total.seconds, raw["rows"] / raw["seconds"]
    kinto = _kinto_row(mutations) if backend == "sqlite" else None
    header(f"push goal on {backend}: one client over HTTP, gunicorn -w 1, {mutations:,} "
           f"mutations over {orders:,} orders, batches of {BATCH}")
    row("raw Core insert, 1 transaction per 100 rows (rows/s)", f"{raw_rate:,.0f}")
    if kinto is not None:
        row("Kinto 26.5 (memory backend, gunicorn -w 1), records/s", f"{kinto:,.0f}")
    row("FieldSync push, mutations/s", f"{rate:,.0f}",
        f"raw/push = {raw_rate / rate:.1f}x" + (f"; {rate / kinto:.2f}x Kinto" if kinto else "")
        + "; goal >= 3,400/s")
    row("worker peak RSS before / after a push of 1,000 mutations",
        f"{rss_before:.0f} / {rss_push:.0f} MiB")


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def bench_backend(backend: str, devices_count: int, batches: int, workers: int,
                  live: bool, compare_one: bool = False) -> None:
    with scratch_database(backend, "push") as scratch:
        seeder = Seeder(scratch)
        seeder.base()
        engineers = seeder.engineers(devices_count)
        warm_engineers = seeder.engineers(8, prefix="warm")
        runs = (3 if compare_one else 2) if live else 1
        assignments = [e for e in engineers for _ in range(runs * batches * ORDERS_PER_BATCH)]
        assignments += [e for e in warm_engineers for _ in range(runs * ORDERS_PER_BATCH)]
        with Timer() as seeding:
            seeder.orders(assignments)
        seeder.check_consistent()
        seeder.close()
        analyze(scratch)

        header(f"push throughput on {backend}: {devices_count} devices x {batches} batch(es) "
               f"x {BATCH} mutations (seeded {len(assignments)} orders in "
               f"{seeding.seconds:.1f} s)")
        in_process = run_in_process(scratch, _devices(seeder, engineers, batches),
                                    _devices(seeder, warm_engineers[:1], 1), batches)
        raw = raw_insert(scratch, in_process["mutations"], [new_id() for _ in engineers],
                         engineers[0])
        raw_rate = raw["rows"] / raw["seconds"]
        rate = in_process["mutations"] / in_process["seconds"]
        row("raw Core insert, 1 transaction per 100 rows (rows/s)", f"{raw_rate:,.0f}",
            f"{raw['rows']} rows in {raw['seconds']:.2f} s")
        row("in-process, sequential (Flask test client) mutations/s", f"{rate:,.0f}",
            f"{in_process['mutations']} in {in_process['seconds']:.2f} s; "
            f"raw/push = {raw_rate / rate:.1f}x")
        row("  push latency p50 / p95 (100 mutations)",
            f"{_percentile(in_process['latencies'], .5) * 1000:.0f} / "
            f"{_percentile(in_process['latencies'], .95) * 1000:.0f} ms")
        row("  SQL statements per mutation (in-process run)",
            f"{in_process['statements_per_mutation']:.1f}")
        row("  feed numbers taken per push (orders touched: 10)",
            f"{in_process['feed_per_push']:.0f}",
            "" if in_process["feed_per_push"] <= ORDERS_PER_BATCH
            else "<- stamped per mutation savepoint, not once per commit")
        if live:
            concurrent = run_gunicorn(scratch, _devices(seeder, engineers, batches),
                                      _devices(seeder, warm_engineers, 1), batches, workers)
            rate = concurrent["mutations"] / concurrent["seconds"]
            row(f"gunicorn -w {workers}, {devices_count} threads at once, mutations/s",
                f"{rate:,.0f}",
                f"{concurrent['mutations']} in {concurrent['seconds']:.2f} s; "
                f"raw/push = {raw_rate / rate:.1f}x")
            row("  push latency p50 / p95 (100 mutations, queueing included)",
                f"{_percentile(concurrent['latencies'], .5) * 1000:.0f} / "
                f"{_percentile(concurrent['latencies'], .95) * 1000:.0f} ms")
            if compare_one:
                single = run_gunicorn(scratch, _devices(seeder, engineers, batches),
                                      _devices(seeder, warm_engineers[:1], 1), batches, 1)
                one_rate = single["mutations"] / single["seconds"]
                row(f"gunicorn -w 1, {devices_count} threads at once, mutations/s",
                    f"{one_rate:,.0f}", f"-w {workers} / -w 1 = {rate / one_rate:.2f}x")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="20 devices instead of 50")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--devices", type=int, help="devices (default 50, quick 20)")
    parser.add_argument("--batches", type=int, default=1, help="batches per device")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--no-live", action="store_true", help="skip the gunicorn run")
    parser.add_argument("--goal", action="store_true",
                        help="only the issue's one-client goal over HTTP (with Kinto)")
    parser.add_argument("--goal-orders", type=int, default=1000)
    parser.add_argument("--compare-one-worker", action="store_true",
                        help="also run the concurrent devices against gunicorn -w 1")
    args = parser.parse_args(argv)
    if args.goal:
        for backend in backends(args.backends.split(",")):
            one_client_goal(backend, args.goal_orders)
        return
    devices = args.devices or (20 if args.quick else 50)
    for backend in backends(args.backends.split(",")):
        bench_backend(backend, devices, args.batches, args.workers, not args.no_live,
                      args.compare_one_worker)


if __name__ == "__main__":
    main()
