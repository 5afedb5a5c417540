"""Candidates for one order among 10,000 engineers: latency of the ranked list.

10,000 engineers (default) are loaded straight into the migrated schema, spread at random over
a 440 x 800 km region around Shenzhen (Guangdong and its neighbours), with random skills and
languages; 20,000 orders assigned among them (their load), 20,000 ratings (their averages)
and a few favourites and blocks of the customer. Then, for open orders at random sites:

  http      GET /api/v1/workorders/<id>/candidates?limit=5 through the Flask app in-process
            (authentication, parsing, the queries, scoring, JSON), p50 / p95
  service   the ranking alone (server.services.candidates.ranked), p50 / p95
  full scan the same ranking with the bounding box switched off (every engineer's exact
            distance, the baseline the box is measured against), p50 / p95, and the ratio

    .venv/bin/python bench/candidates.py [--engineers 10000] [--requests 200]
                                         [--backends postgresql,sqlite]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _common import (  # noqa: E402
    NOW,
    Seeder,
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
from sqlalchemy import insert, update  # noqa: E402

from server.services.tokens import new_token  # noqa: E402
from sync.skills import SKILLS  # noqa: E402

LAT, LON = (21.5, 25.5), (109.5, 117.5)
LANGUAGES = (["zh"], ["zh", "yue"], ["zh", "en"], ["yue", "en"], ["zh", "yue", "en"])


def quantiles(samples: list[float]) -> tuple[float, float]:
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return cuts[49], cuts[94]


def seed(scratch, engineers: int, rng: random.Random) -> tuple:
    seeder = Seeder(scratch)
    world = seeder.base()
    ids = seeder.engineers(engineers)
    m = seeder.m
    users = m.User.__table__
    with seeder.engine.begin() as connection:
        for user_id in ids:
            lat, lon = rng.uniform(*LAT), rng.uniform(*LON)
            connection.execute(update(users).where(users.c.id == user_id).values(
                skills=rng.sample(sorted(SKILLS), rng.randint(1, 4)),
                languages=rng.choice(LANGUAGES), home_lat=lat, home_lon=lon,
                pos_lat=lat, pos_lon=lon))
    seeder.orders([rng.choice(ids) for _ in range(engineers * 2)])
    with seeder.engine.begin() as connection:
        orders = connection.execute(m.WorkOrderRow.__table__.select().with_only_columns(
            m.WorkOrderRow.__table__.c.id, m.WorkOrderRow.__table__.c.assigned_engineer_id
        )).all()
        seeder._insert(connection, m.Rating.__table__, [dict(
            id=new_id(), work_order_id=order_id, engineer_id=engineer_id,
            stars=rng.choice((3, 4, 4, 5, 5, 5)), tags=[], created_at=NOW)
            for order_id, engineer_id in orders])
        seeder._insert(connection, m.EngineerPreference.__table__, [dict(
            id=new_id(), customer_id=world.customer_id, engineer_id=engineer_id,
            preference=kind, updated_at=NOW)
            for engineer_id, kind in zip(rng.sample(ids, 20), ["favourite", "blocked"] * 10,
                                         strict=True)])
        token, token_hash = new_token(32)
        connection.execute(insert(m.ApiToken.__table__).values(
            id=new_id(), user_id=world.dispatcher_id, token_hash=token_hash, created_at=NOW,
            expires_at=NOW.replace(year=2036)))
    seeder.close()
    return world, token


def measure(backend: str, engineers: int, requests: int) -> None:
    rng = random.Random(15)
    with scratch_database(backend, "candidates") as scratch:
        started = time.perf_counter()
        world, token = seed(scratch, engineers, rng)
        analyze(scratch)
        header(f"{backend}: {engineers:,} engineers "
               f"(seeded in {time.perf_counter() - started:.1f} s)")
        app = make_app(scratch)
        client = app.test_client()
        auth = {"Authorization": f"Bearer {token}"}
        order_ids = []
        for _ in range(20):
            site = client.post("/api/v1/sites", headers=auth, json={
                "customer_id": world.customer_id, "address": "somewhere",
                "location": {"lat": rng.uniform(*LAT), "lon": rng.uniform(*LON)}}).get_json()
            order = client.post("/api/v1/workorders", headers=auth, json={
                "customer_id": world.customer_id, "site_id": site["id"], "title": "Repair",
                "required_skills": rng.sample(sorted(SKILLS), rng.randint(0, 1))}).get_json()
            order_ids.append(order["id"])

        def http_once(order_id: str) -> float:
            begin = time.perf_counter()
            answer = client.get(f"/api/v1/workorders/{order_id}/candidates?limit=5",
                                headers=auth)
            elapsed = time.perf_counter() - begin
            assert answer.status_code == 200 and answer.get_json()["items"], answer.data[:300]
            return elapsed

        from server.extensions import db
        from server.models import WorkOrderRow
        from server.services import candidates

        def service_once(order_id: str) -> float:
            with app.app_context():
                order = db.session.get(WorkOrderRow, order_id)
                target = candidates.target_for(order.site, order.customer,
                                               order.required_skills, "Asia/Shanghai")
                begin = time.perf_counter()
                candidates.ranked(target, 5, NOW)
                elapsed = time.perf_counter() - begin
                db.session.remove()
                return elapsed

        for order_id in order_ids:  # warm caches and connections
            http_once(order_id)
        http = [http_once(rng.choice(order_ids)) for _ in range(requests)]
        service = [service_once(rng.choice(order_ids)) for _ in range(requests)]
        with mock.patch.object(candidates, "RADII_KM", (None,)):
            full = [service_once(rng.choice(order_ids)) for _ in range(max(20, requests // 5))]
        for label, samples in (("GET .../candidates?limit=5 (in-process HTTP)", http),
                               ("ranking service, bounding box first", service),
                               ("ranking service, full scan (baseline)", full)):
            p50, p95 = quantiles(samples)
            row(label, f"p50 {ms(p50)}", f"p95 {ms(p95)}")
        row("full scan / bounding box (p50)",
            f"{quantiles(full)[0] / quantiles(service)[0]:.1f}x")
        dispose_app(app)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engineers", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--backends", default="postgresql,sqlite")
    args = parser.parse_args()
    for backend in backends(args.backends.split(",")):
        measure(backend, args.engineers, args.requests)


if __name__ == "__main__":
    main()
