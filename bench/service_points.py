"""Nearest service points: the box-first search against measuring every point, 10,000 points.

10,000 active service points (`--quick`: 2,000) are bulk-inserted, nine in ten spread over
mainland China's latitudes and longitudes and the rest over the whole earth, each with opening
hours. 200 random places in China then ask `GET /api/v1/public/service-points/nearest?limit=3`
through the Flask test client (in-process HTTP: parsing, search, open_now, JSON): p50 / p95.
The baseline, in the same process, reads every active point and measures every distance
(what the search would cost without the index and box), checked to give the same answer.

    .venv/bin/python bench/service_points.py [--quick] [--backends sqlite,postgresql]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _common import (  # noqa: E402
    NOW,
    Timer,
    analyze,
    backends,
    dispose_app,
    header,
    make_app,
    ms,
    new_id,
    row,
    scratch_database,
)
from sqlalchemy import insert, select  # noqa: E402

HOURS = ("Mo-Fr 09:00-18:00; Sa 10:00-16:00; PH off", "24/7", "Mo-Su 10:00-22:00", None)


def seed(app, count: int, rng: random.Random) -> None:
    from server.extensions import db
    from server.models import ServicePoint

    rows = []
    for index in range(count):
        if index % 10:
            lat, lon = rng.uniform(18.0, 45.0), rng.uniform(75.0, 130.0)
        else:
            lat, lon = rng.uniform(-80.0, 80.0), rng.uniform(-180.0, 180.0)
        rows.append({"id": new_id(), "name": f"Point {index}", "address": f"Road {index}",
                     "lat": lat, "lon": lon, "phone": None, "opening_hours": HOURS[index % 4],
                     "timezone": "Asia/Shanghai", "active": True, "created_at": NOW})
    with app.app_context():
        db.session.execute(insert(ServicePoint), rows)
        db.session.commit()


def every_distance(app, lat: float, lon: float, limit: int) -> list[str]:
    from server.extensions import db
    from server.models import ServicePoint
    from sync import geodesy

    with app.app_context():
        points = list(db.session.scalars(select(ServicePoint).where(ServicePoint.active)))
        kms = geodesy.distances_km(lat, lon, [(p.lat, p.lon) for p in points])
        ranked = sorted(zip(points, kms, strict=True), key=lambda pair: (pair[1], pair[0].id))
        return [point.name for point, _ in ranked[:limit]]


def run(backend: str, count: int, queries: int) -> None:
    rng = random.Random(15)
    with scratch_database(backend, "service_points") as scratch:
        app = make_app(scratch)
        seed(app, count, rng)
        analyze(scratch)
        client = app.test_client()
        places = [(rng.uniform(20.0, 42.0), rng.uniform(100.0, 122.0)) for _ in range(queries)]
        searched, measured = [], []
        for index, (lat, lon) in enumerate(places):
            # Each place asks from its own client address: the public rate limit is per address.
            address = {"REMOTE_ADDR": f"127.0.{index // 250}.{index % 250 + 1}"}
            with Timer() as timer:
                answer = client.get(f"/api/v1/public/service-points/nearest?lat={lat}&lon={lon}",
                                    environ_base=address)
            assert answer.status_code == 200, answer.get_data(as_text=True)
            searched.append(timer.seconds)
            with Timer() as timer:
                expected = every_distance(app, lat, lon, 3)
            measured.append(timer.seconds)
            assert [item["name"] for item in answer.get_json()["items"]] == expected
        dispose_app(app)
    header(f"nearest service points, {backend}: {count:,} points, {queries} places")
    p50, p95 = statistics.median(searched), statistics.quantiles(searched, n=20)[18]
    base = statistics.median(measured)
    row("nearest (HTTP, box first, open_now) p50", ms(p50))
    row("nearest (HTTP, box first, open_now) p95", ms(p95))
    row("baseline: read and measure every point, p50", ms(base),
        f"{base / p50:.1f}x the search")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--backends", default="sqlite,postgresql")
    args = parser.parse_args()
    count, queries = (2_000, 50) if args.quick else (10_000, 200)
    for backend in backends(args.backends.split(",")):
        run(backend, count, queries)


if __name__ == "__main__":
    main()
