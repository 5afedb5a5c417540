"""Pull: an engineer's first sync, and an incremental pull as the database grows.

(a) first sync   one engineer with 2,000 assigned orders (2 charge lines and a note each) among
                 other engineers' orders pulls with no cursor, limit 500, until has_more is
                 false: total time (median of 3), pages, time per order.
(b) incremental  200 engineers share 10,000 and then 100,000 orders. At each size the engineer
                 pulls everything (to get a cursor), then 10 of its orders change (one real push
                 of 10 `workorder.accept`) among 90 changes of other engineers' orders (9 more
                 pushes), and the pull from the cursor is timed (median of several runs; each
                 must answer exactly those 10 orders). The contract says this cost grows with
                 the changes, not the database, so the 100k / 10k ratio should be close to 1.
                 The same pushes give the write side: median time of a push of 10 accepts.

Everything is measured through the HTTP API (Flask test client, in-process). Data is bulk-seeded
(bench/_common.py) consistently with the feed and counters.

    .venv/bin/python bench/pull.py [--quick] [--backends sqlite,postgresql]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _common import (  # noqa: E402
    Seeder,
    Timer,
    analyze,
    backends,
    dispose_app,
    header,
    make_app,
    median,
    ms,
    new_id,
    row,
    scratch_database,
)

ENGINEERS = 200


class Client:
    """The test client speaking push/pull for engineers of a seeded world."""

    def __init__(self, app, world):
        self.http = app.test_client()
        self.world = world
        self.seqs: dict[str, int] = {}
        self.client_ids: dict[str, str] = {}

    def pull_page(self, engineer: str, cursor: str | None, limit: int) -> dict:
        query = f"?limit={limit}" + (f"&cursor={cursor}" if cursor else "")
        response = self.http.get("/api/v1/sync/pull" + query,
                                 headers=self.world.headers(engineer))
        if response.status_code != 200:
            raise RuntimeError(f"pull answered {response.status_code}: {response.text[:300]}")
        return response.get_json()

    def pull_all(self, engineer: str, cursor: str | None = None,
                 limit: int = 500) -> tuple[list[dict], str, int]:
        changes, pages = [], 0
        while True:
            page = self.pull_page(engineer, cursor, limit)
            pages += 1
            changes.extend(page["changes"])
            cursor = page["cursor"]
            if not page["has_more"]:
                return changes, cursor, pages

    def accept(self, engineer: str, order_ids: list[str]) -> float:
        """One push of `workorder.accept` for each order; its duration."""
        client_id = self.client_ids.setdefault(engineer, new_id())
        mutations = []
        for order_id in order_ids:
            self.seqs[engineer] = self.seqs.get(engineer, 0) + 1
            mutations.append({"seq": self.seqs[engineer], "id": new_id(),
                              "name": "workorder.accept", "args": {"work_order_id": order_id},
                              "client_time": "2026-11-23T10:00:00+08:00"})
        started = time.perf_counter()
        response = self.http.post("/api/v1/sync/push", json={"client_id": client_id,
                                                            "mutations": mutations},
                                  headers=self.world.headers(engineer))
        elapsed = time.perf_counter() - started
        answer = response.get_json()
        if response.status_code != 200 or {r["status"] for r in answer["results"]} != {
                "applied"}:
            raise RuntimeError(f"push failed: {response.status_code} {str(answer)[:300]}")
        return elapsed


def first_sync(backend: str, orders: int, others: int) -> None:
    with scratch_database(backend, "pull_first") as scratch:
        seeder = Seeder(scratch)
        seeder.base()
        target, *rest = seeder.engineers(1 + 20)
        with Timer() as seeding:
            seeder.orders([rest[i % len(rest)] for i in range(others // 2)])
            seeder.orders([target] * orders, charges_per_order=2, notes_per_order=1)
            seeder.orders([rest[i % len(rest)] for i in range(others - others // 2)])
        seeder.check_consistent()
        seeder.close()
        analyze(scratch)
        app = make_app(scratch)
        client = Client(app, seeder.world)
        try:
            client.pull_page(target, None, 1)  # warm-up: statement caches
            times, pages, count = [], 0, 0
            for _ in range(3):
                with Timer() as run:
                    changes, _, pages = client.pull_all(target, None, 500)
                times.append(run.seconds)
                count = sum(1 for c in changes if c["type"] == "workorder")
            if count != orders:
                raise RuntimeError(f"first sync answered {count} orders, expected {orders}")
        finally:
            dispose_app(app)
        header(f"(a) first sync on {backend}: {orders} orders of the engineer, {others} of 20 "
               f"others, limit 500 (seeded in {seeding.seconds:.1f} s)")
        total = median(times)
        row("total time, until has_more is false (median of 3)", ms(total),
            f"runs: {', '.join(f'{t * 1000:.0f}' for t in times)} ms")
        row("pages", f"{pages}")
        row("time per order", ms(total / orders))


def incremental(backend: str, sizes: list[int], runs: int) -> None:
    results = []
    with scratch_database(backend, "pull_incr") as scratch:
        seeder = Seeder(scratch)
        seeder.base()
        engineers = seeder.engineers(ENGINEERS)
        target = engineers[0]
        seeded = 0
        used: set[str] = set()
        for size in sizes:
            with Timer() as seeding:
                seeder.orders([engineers[i % ENGINEERS] for i in range(seeded, size)])
            seeder.check_consistent()
            seeded = size
            analyze(scratch)
            app = make_app(scratch)
            client = Client(app, seeder.world)
            try:
                scope, cursor, _ = client.pull_all(target, None, 1000)
                fresh = {e: [o for o in seeder.world.orders[e] if o not in used][-10:]
                         for e in engineers[:10]}
                for ids in fresh.values():
                    used.update(ids)
                pushes = []
                for engineer in engineers[1:5]:  # other engineers' changes, before ...
                    pushes.append(client.accept(engineer, fresh[engineer]))
                pushes.append(client.accept(target, fresh[target]))
                for engineer in engineers[5:10]:  # ... and after the engineer's own
                    pushes.append(client.accept(engineer, fresh[engineer]))
                client.pull_page(target, cursor, 500)  # warm-up
                times = []
                for _ in range(runs):
                    with Timer() as run:
                        page = client.pull_page(target, cursor, 500)
                    times.append(run.seconds)
                    got = {c["id"] for c in page["changes"]}
                    if got != set(fresh[target]) or page["has_more"]:
                        raise RuntimeError(f"incremental pull answered {len(got)} changes")
            finally:
                dispose_app(app)
            results.append({"size": size,
                            "scope": sum(1 for c in scope if c["type"] == "workorder"),
                            "pull": median(times),
                            "push": median(pushes), "seeding": seeding.seconds,
                            "times": times})
        seeder.close()
    header(f"(b) incremental pull on {backend}: 10 changed orders of the engineer among 100 "
           f"changes, {ENGINEERS} engineers, median of {runs}")
    for r in results:
        row(f"{r['size']:>7,} orders (engineer's scope {r['scope']}): pull", ms(r["pull"]),
            f"min {min(r['times']) * 1000:.2f} ms; seeded +{r['seeding']:.1f} s")
    first, last = results[0], results[-1]
    row(f"ratio pull {last['size'] // 1000}k / {first['size'] // 1000}k (should be ~1)",
        f"{last['pull'] / first['pull']:.2f}x",
        f"ratio of the minimums {min(last['times']) / min(first['times']):.2f}x")
    for r in results:
        row(f"{r['size']:>7,} orders: push of 10 accepts (median of 10)", ms(r["push"]))
    row(f"ratio push {last['size'] // 1000}k / {first['size'] // 1000}k",
        f"{last['push'] / first['push']:.2f}x")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="1,000-order first sync; 5,000 and 50,000 orders")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--runs", type=int, default=15, help="incremental pulls to time")
    args = parser.parse_args(argv)
    first_orders = 1000 if args.quick else 2000
    sizes = [5_000, 50_000] if args.quick else [10_000, 100_000]
    for backend in backends(args.backends.split(",")):
        first_sync(backend, first_orders, others=first_orders)
        incremental(backend, sizes, args.runs)


if __name__ == "__main__":
    main()
