"""Alert scan: its cost beside a plain indexed count of the at-risk orders, as orders grow.

At each size (10,000 and 100,000 open orders; `--quick`: 5,000 and 20,000) exactly 1,000 orders
are at risk when the scan runs (3 h after the bulk assignment): 600 assigned 5 h earlier and not
accepted (warning), 200 accepted and assigned 7 h earlier (escalation), 200 past due_at
(overdue); every other order is assigned 3 h earlier and due in two days. Engineers have a WeCom
robot and two supervisors Slack, so the first scan also writes ~1,800 outbox rows.

Printed per backend and size: the baseline (one statement counting the candidates of the three
rules with the same indexes, median of 7), the first scan (raises the 1,000 alerts and queues
their messages, one run), and a repeat scan (all 1,000 still at risk, nothing new to raise,
median of 7; on PostgreSQL after an ANALYZE, as autovacuum would run after 1,000 new rows).
The repeat scan should stay close to the count and not grow with the orders.

    .venv/bin/python bench/alerts_scan.py [--quick] [--backends sqlite,postgresql]
"""

from __future__ import annotations

import argparse
import sys
from datetime import timedelta
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
    header,
    make_app,
    median,
    ms,
    new_id,
    row,
    scratch_database,
)
from sqlalchemy import String, bindparam, func, insert, literal, select, update  # noqa: E402

ENGINEERS = 100
SCAN_AT = NOW + timedelta(hours=3)
ROBOT = "http://127.0.0.1:9/cgi-bin/webhook/send?key="
AT_RISK = {"warning": 600, "escalation": 200, "overdue": 200}


def seed(scratch, size: int) -> None:
    seeder = Seeder(scratch)
    m = seeder.m
    world = seeder.base()
    engineers = seeder.engineers(ENGINEERS)
    seeder.orders([engineers[i % ENGINEERS] for i in range(size)])
    seeder.check_consistent()
    orders = m.WorkOrderRow.__table__
    users = m.User.__table__
    with seeder.engine.begin() as connection:
        connection.execute(update(users).where(users.c.role == "engineer").values(
            messaging_kind="wecom",
            messaging_url=literal(ROBOT, String) + users.c.username))
        connection.execute(insert(users), [dict(
            id=new_id(), username=f"sup{n}", password_hash="x", role="supervisor",
            name=f"Supervisor {n}", language="en", active=True, created_at=NOW,
            messaging_kind="slack", messaging_url=f"http://127.0.0.1:9/slack/{n}")
            for n in range(2)])
        connection.execute(update(orders).values(due_at=NOW + timedelta(days=2)))
        ids = [order_id for ids in world.orders.values() for order_id in ids]
        warning = ids[:600]
        escalation = ids[600:800]
        overdue = ids[800:1000]
        # Distinct times, as real assignments have (a few seconds apart).
        at = [NOW - timedelta(seconds=5 * n) for n in range(len(ids))]
        by_id = update(orders).where(orders.c.id == bindparam("order_id"))
        connection.execute(by_id.values(assigned_at=bindparam("at")), [
            dict(order_id=i, at=t - timedelta(hours=2))
            for i, t in zip(warning, at[:600], strict=True)])
        connection.execute(by_id.values(status="accepted", assigned_at=bindparam("at"),
                                        accepted_at=bindparam("accepted")), [
            dict(order_id=i, at=t - timedelta(hours=4), accepted=t - timedelta(hours=3))
            for i, t in zip(escalation, at[600:800], strict=True)])
        connection.execute(by_id.values(due_at=bindparam("at")), [
            dict(order_id=i, at=t + timedelta(hours=1))
            for i, t in zip(overdue, at[800:1000], strict=True)])
    seeder.close()
    analyze(scratch)


def count_at_risk(session) -> int:
    """The baseline: the three rules' candidates counted by plain indexed queries."""
    from server.alerts.rules import OPEN_STATUSES
    from server.models import WorkOrderRow as o  # noqa: N813 - short, like an SQL alias

    warning = select(func.count()).where(o.status == "assigned",
                                         o.assigned_at <= SCAN_AT - timedelta(hours=4))
    escalation = select(func.count()).where(o.status.in_(("assigned", "accepted",
                                                          "in_progress")),
                                            o.assigned_at <= SCAN_AT - timedelta(hours=6))
    overdue = select(func.count()).where(o.status.in_(OPEN_STATUSES), o.due_at <= SCAN_AT)
    return session.execute(select(warning.scalar_subquery() + escalation.scalar_subquery()
                                  + overdue.scalar_subquery())).scalar_one()


def measure(backend: str, size: int) -> None:
    from server.alerts.scan import scan
    from server.extensions import db

    with scratch_database(backend, f"alerts_{size}") as scratch:
        with Timer() as seeding:
            seed(scratch, size)
        app = make_app(scratch)
        header(f"{backend}: {size:,} open orders, {sum(AT_RISK.values()):,} at risk "
               f"(seeded in {seeding.seconds:.0f} s)")
        with app.app_context():
            counts, scans = [], []
            for _ in range(7):
                with Timer() as t:
                    found = count_at_risk(db.session)
                db.session.rollback()
                counts.append(t.seconds)
            if found != sum(AT_RISK.values()):
                raise RuntimeError(f"{found} orders at risk, expected 1,000")
            with Timer() as first:
                result = scan(db.session, SCAN_AT, app.config)
            if result.raised != found:
                raise RuntimeError(f"the first scan raised {result.raised}, expected {found}")
            analyze(scratch)  # as autovacuum would after 1,000 new alerts
            for _ in range(7):
                with Timer() as t:
                    again = scan(db.session, SCAN_AT, app.config)
                if again.raised:
                    raise RuntimeError("a repeat scan raised alerts again")
                scans.append(t.seconds)
        row("baseline: indexed count of at-risk orders (median of 7)", ms(median(counts)))
        row(f"first scan: {result.raised:,} alerts, {result.deliveries:,} outbox rows",
            ms(first.seconds))
        row("repeat scan: 1,000 at risk, nothing new (median of 7)", ms(median(scans)),
            f"{median(scans) / median(counts):.1f}x the count")
        dispose_app(app)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="5,000 and 20,000 orders")
    parser.add_argument("--backends", default="sqlite,postgresql")
    args = parser.parse_args(argv)
    sizes = [5_000, 20_000] if args.quick else [10_000, 100_000]
    for backend in backends(args.backends.split(",")):
        for size in sizes:
            measure(backend, size)


if __name__ == "__main__":
    main()
