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
    gunicorn,
    header,
    make_app,
    median,
    ms,
    new_id,
    row,
    scratch_database,
    workers_peak_rss_mib,
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


def pull_goal(backend: str, sizes: list[int], runs: int) -> None:
    """The issue's goals over HTTP with gunicorn -w 1 and gzip, one client: a full pull of the
    largest size (10 charge lines an order, pages of 1,000) and a pull of 10 changes at each
    size; Kinto beside it with the same records; the worker's peak memory."""
    import httpx

    results, document = [], None
    with scratch_database(backend, "pull_goal") as scratch:
        seeder = Seeder(scratch)
        seeder.base()
        target, other = seeder.engineers(2)
        seeded = 0
        for size in sizes:
            seeder.orders([target] * (size - seeded), charges_per_order=10, notes_per_order=1)
            seeded = size
            analyze(scratch)
            with gunicorn(scratch, workers=1) as (url, master), httpx.Client(
                    base_url=url, timeout=300, headers={
                        **seeder.world.headers(target), "Accept-Encoding": "gzip"}) as http:
                def page(cursor, limit=1000):
                    query = {"limit": limit, **({"cursor": cursor} if cursor else {})}
                    response = http.get("/api/v1/sync/pull", params=query)
                    response.raise_for_status()
                    return response

                def full():
                    count, cursor, wire = 0, None, 0
                    while True:
                        response = page(cursor)
                        wire += int(response.headers.get("Content-Length", 0))
                        answer = response.json()
                        count += sum(1 for c in answer["changes"] if c["type"] == "workorder")
                        cursor = answer["cursor"]
                        if not answer["has_more"]:
                            return count, cursor, wire, answer

                page(None, 10)  # warm-up
                rss_before = workers_peak_rss_mib(master)
                with Timer() as whole:
                    count, cursor, wire, last = full()
                rss_after = workers_peak_rss_mib(master)
                document = document or next(c["data"] for c in last["changes"]
                                            if c["type"] == "workorder")
                changed = seeder.world.orders[target][-10:]
                seeder.world.orders[target] = seeder.world.orders[target][:-10]
                _accept_over_http(http, changed)
                page(cursor)  # warm-up
                times = []
                for _ in range(runs):
                    with Timer() as one:
                        answer = page(cursor).json()
                    times.append(one.seconds)
                if len(answer["changes"]) != 10:
                    raise RuntimeError(f"expected 10 changes, got {len(answer['changes'])}")
            results.append(dict(size=size, count=count, full=whole.seconds, wire=wire,
                                incremental=median(times), rss=(rss_before, rss_after)))
        seeder.close()
    kinto = _kinto_pull(sizes, document, runs)
    header(f"pull goal on {backend}: one client over HTTP, gunicorn -w 1, gzip, 10 charge "
           "lines an order, pages of 1,000")
    for r in results:
        rate = r["count"] / r["full"]
        note = ""
        if kinto and r["size"] in kinto:
            note = f"Kinto {kinto[r['size']]['rate']:,.0f} records/s: " \
                   f"{rate / kinto[r['size']]['rate']:.2f}x; goal >= 1x"
        row(f"full pull of {r['size']:,} orders, orders/s", f"{rate:,.0f}",
            f"{r['full']:.2f} s, {r['wire'] / 1e6:.1f} MB on the wire; {note}")
    for r in results:
        note = (f"Kinto {kinto[r['size']]['incremental'] * 1000:.1f} ms" if kinto and
                r["size"] in kinto else "")
        row(f"pull of 10 changes at {r['size']:,} orders (median of {runs})",
            ms(r["incremental"]), f"{note}; goal <= 10 ms, flat")
    r = results[-1]
    row(f"worker peak RSS before / after the full pull of {r['size']:,}",
        f"{r['rss'][0]:.0f} / {r['rss'][1]:.0f} MiB")


def _accept_over_http(http, order_ids: list[str]) -> None:
    """One push of 10 `workorder.accept` from a new device: 10 changes to pull."""
    mutations = [{"seq": n + 1, "id": new_id(), "name": "workorder.accept",
                  "args": {"work_order_id": order_id},
                  "client_time": "2026-11-23T10:00:00+08:00"}
                 for n, order_id in enumerate(order_ids)]
    response = http.post("/api/v1/sync/push", json={"client_id": new_id(),
                                                    "mutations": mutations})
    if {r["status"] for r in response.json()["results"]} != {"applied"}:
        raise RuntimeError(f"push failed: {response.text[:300]}")


def _kinto_pull(sizes: list[int], document: dict, runs: int) -> dict | None:
    import kinto_baseline

    problem = kinto_baseline.kinto_problem()
    if problem:
        print(f"  [skip] Kinto: {problem}")
        return None
    body = {k: v for k, v in document.items() if k not in ("id", "version")}
    found = {}
    with kinto_baseline.kinto_server(workers=1) as url:
        for size in sizes:
            name = kinto_baseline.seed(url, [dict(body) for _ in range(size)])
            kinto_baseline.pull_all(url, name, 10)  # warm-up
            with Timer() as whole:
                count, etag = kinto_baseline.pull_all(url, name, 1000)
            kinto_baseline.touch(url, name, 10)
            times = []
            for _ in range(runs):
                with Timer() as one:
                    changed, _ = kinto_baseline.pull_all(url, name, 1000, since=etag)
                times.append(one.seconds)
            if changed != 10:
                raise RuntimeError(f"Kinto answered {changed} changes, expected 10")
            found[size] = {"rate": count / whole.seconds, "incremental": median(times)}
    return found


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="1,000-order first sync; 5,000 and 50,000 orders")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--runs", type=int, default=15, help="incremental pulls to time")
    parser.add_argument("--goal", action="store_true",
                        help="only the issue's goals over HTTP, gunicorn -w 1, with Kinto")
    parser.add_argument("--goal-sizes", default="1000,10000")
    args = parser.parse_args(argv)
    if args.goal:
        sizes = [int(n) for n in args.goal_sizes.split(",")]
        for backend in backends(args.backends.split(",")):
            pull_goal(backend, sizes, args.runs)
        return
    first_orders = 1000 if args.quick else 2000
    sizes = [5_000, 50_000] if args.quick else [10_000, 100_000]
    for backend in backends(args.backends.split(",")):
        first_sync(backend, first_orders, others=first_orders)
        incremental(backend, sizes, args.runs)


if __name__ == "__main__":
    main()
