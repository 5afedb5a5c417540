"""The million-order rehearsal (PostgreSQL): does each everyday query stay flat as history grows?

For each size (100,000 and 1,000,000 orders; `--orders` to choose) a fresh, migrated database is
loaded in bulk with COPY: 10,000 engineers, one customer and site for every five orders, and
per order ten timeline events, two charge lines, one feed entry and, once completed, a photo, a
sign-off and for three in ten a rating. The business runs at a steady 3,000 orders a day, so ten
times the orders is ten times the history (33 days, then 333), not ten times the daily work:
every older order is verified, cancelled or (one in twenty) completed and never audited, and
the last day's orders are still open. Engineer 0 holds the 20 newest orders, in progress.

Then, median of 7 after a warm-up, through the real HTTP API where there is one:
- an engineer's delta pull (the last 10 changes of the feed are engineer 0's);
- a push of 100 mutations (notes on engineer 0's orders, a new device each time);
- an alert scan (after the first, which raises the day's alerts once);
- the audit queue's first page;
- each report over 4 weeks (completion and ratings, failed visits, knowledge base);
- the candidates of an open order, where the server has that endpoint.

Printed: each figure at each size, the ratio of the largest to the smallest (goal: <= 1.5),
the database size, and the slowest statements of the measured part (pg_stat_statements, which
needs `shared_preload_libraries = 'pg_stat_statements'`; without it that table is skipped).

    .venv/bin/python bench/simulate.py [--orders 100000,1000000] [--keep]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _common import PASSWORD_HASH_METHOD, header, row, scratch_database  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402

from server.services.tokens import new_token  # noqa: E402
from sync import status as st  # noqa: E402
from sync.pull import encode_cursor  # noqa: E402

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
ENGINEERS = 10_000
ORDERS_PER_DAY = 3_000
ORDERS_PER_CUSTOMER = 5
EVENTS_PER_ORDER = 10
HOT_ORDERS = 20  # engineer 0's newest orders, in progress
REGIONS = [f"Region {n:02d}" for n in range(20)]
RUNS = 7
SCALE = 10_000  # ScaledDecimal: ten-thousandths
EVENT_ACTIONS = ("created", "assign", "accept", "start", "note", "charge.add", "charge.add",
                 "photo.attach", "signoff.capture", "complete")


def ids(count: int, seed: int) -> list[str]:
    generator = random.Random(seed)
    return [str(uuid.UUID(int=generator.getrandbits(128), version=4)) for _ in range(count)]


class Loader:
    """Generates the rows of one size and streams them into the tables with COPY."""

    def __init__(self, url: str, orders: int):
        self.engine = create_engine(url)
        self.orders = orders
        self.random = random.Random(orders)
        self.engineers = ids(ENGINEERS, 1)
        self.customers = ids(max(1, orders // ORDERS_PER_CUSTOMER), 2)
        self.dispatcher, self.supervisor = ids(2, 3)
        self.tokens: dict[str, str] = {}

    def copy(self, table: str, columns: tuple[str, ...], rows) -> int:
        count = 0
        with self.engine.begin() as connection:
            cursor = connection.connection.driver_connection.cursor()
            names = ", ".join(columns)
            with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for values in rows:
                    copy.write_row(values)
                    count += 1
        return count

    def load(self) -> dict[str, int]:
        from werkzeug.security import generate_password_hash

        password = generate_password_hash("rehearsal", method=PASSWORD_HASH_METHOD)
        counts = {}
        people = [(self.dispatcher, "dispatcher", "dispatcher", "Dispatcher"),
                  (self.supervisor, "supervisor", "supervisor", "Supervisor")]
        people += [(engineer, f"eng{n:05d}", "engineer", f"Engineer {n}")
                   for n, engineer in enumerate(self.engineers)]
        counts["users"] = self.copy(
            "users", ("id", "username", "password_hash", "role", "name", "region", "language",
                      "active", "created_at"),
            ((i, username, password, role, name, REGIONS[n % len(REGIONS)], "en", True,
              NOW - timedelta(days=400)) for n, (i, username, role, name) in enumerate(people)))
        tokens = []
        for user in (self.dispatcher, self.supervisor, self.engineers[0]):
            token, token_hash = new_token(32)
            self.tokens[user] = token
            tokens.append((str(uuid.uuid4()), user, token_hash, NOW - timedelta(days=1),
                           NOW + timedelta(days=3650)))
        self.copy("api_tokens", ("id", "user_id", "token_hash", "created_at", "expires_at"),
                  tokens)
        counts["customers"] = self.copy(
            "customers", ("id", "name", "phone", "language", "created_at"),
            ((c, f"Customer {n}", f"+86 138{n:08d}", "zh-CN", NOW - timedelta(days=400))
             for n, c in enumerate(self.customers)))
        counts["sites"] = self.copy(
            "sites", ("id", "customer_id", "address", "region", "lat", "lon", "radius_m",
                      "created_at"),
            ((c, c, f"Site {n}", REGIONS[n % len(REGIONS)],
              22.3 + (n % 997) / 2000, 113.7 + (n % 991) / 2000, 150.0,
              NOW - timedelta(days=400)) for n, c in enumerate(self.customers)))
        catalog = [(str(uuid.uuid4()), "LAB-1H", "labour", "Labour, per hour", "hour",
                    33 * SCALE, 600, "CNY", True, 1, NOW - timedelta(days=400)),
                   (str(uuid.uuid4()), "AC-FILTER", "part", "Air filter", "each",
                    45 * SCALE, 1300, "CNY", True, 1, NOW - timedelta(days=400))]
        self.copy("catalog_items", ("id", "code", "kind", "description", "unit", "unit_price",
                                    "tax_rate", "currency", "active", "version", "updated_at"),
                  catalog)
        orders = self._orders()
        counts.update(self._load_orders(orders))
        with self.engine.begin() as connection:
            feed_max = connection.execute(text("select max(seq) from feed_entries")).scalar()
            connection.execute(text("update counters set value = :v where name = 'feed'"),
                               {"v": feed_max})
            connection.execute(text(
                "update counters set value = :v where name = 'workorder_number'"),
                {"v": self.orders})
        return counts

    def _orders(self) -> list[tuple]:
        """(id, serial, created_at, status, engineer, customer) oldest first."""
        spacing = timedelta(days=1) / ORDERS_PER_DAY
        order_ids = ids(self.orders, 4)
        rows = []
        for n, order_id in enumerate(order_ids):
            created = NOW - (self.orders - n) * spacing
            age = NOW - created
            hot = n >= self.orders - HOT_ORDERS
            engineer = self.engineers[0] if hot else self.engineers[
                self.random.randrange(1, ENGINEERS)]
            draw = self.random.random()
            if hot:
                status = st.IN_PROGRESS
            elif age < timedelta(days=1):
                status = (st.ASSIGNED, st.ACCEPTED, st.IN_PROGRESS)[n % 3]
            elif age < timedelta(days=3):
                status = st.COMPLETED
            else:
                status = (st.CANCELLED if draw < 0.05 else st.COMPLETED if draw < 0.10
                          else st.VISIT_FAILED if draw < 0.12 else st.VERIFIED)
            rows.append((order_id, n + 1, created, status, engineer,
                         self.customers[n // ORDERS_PER_CUSTOMER]))
        return rows

    def _load_orders(self, orders: list[tuple]) -> dict[str, int]:
        counts = {}
        done = (st.COMPLETED, st.VERIFIED)

        def times(created, status):
            assigned = created + timedelta(minutes=5)
            started = created + timedelta(hours=1) if status not in (
                st.ASSIGNED, st.CANCELLED) else None
            completed = created + timedelta(hours=2, minutes=created.second) \
                if status in done else None
            verified = completed + timedelta(days=1) if status == st.VERIFIED else None
            return assigned, started, completed, verified

        def order_rows():
            for order_id, serial, created, status, engineer, customer in orders:
                assigned, started, completed, verified = times(created, status)
                failed = created + timedelta(hours=1) if status == st.VISIT_FAILED else None
                yield (order_id, f"WO-{serial:07d}", serial, 6, status, "normal",
                       f"Air conditioner {serial}", "Not cooling", "CNY", customer, customer,
                       engineer, self.dispatcher, created, assigned,
                       started, started, completed, verified,
                       created + timedelta(hours=6) if status == st.CANCELLED else None,
                       created + timedelta(hours=6), failed,
                       "customer_absent" if failed else None,
                       json.dumps({"lat": 22.5, "lon": 113.9, "accuracy_m": 10})
                       if started else None)

        counts["work_orders"] = self.copy(
            "work_orders", ("id", "number", "serial", "version", "status", "priority", "title",
                            "description", "currency", "customer_id", "site_id",
                            "assigned_engineer_id", "created_by", "created_at", "assigned_at",
                            "accepted_at", "started_at", "completed_at", "verified_at",
                            "cancelled_at", "due_at", "failed_at", "failure_reason",
                            "start_location"), order_rows())

        def event_rows():
            for order_id, serial, created, _status, engineer, _ in orders:
                for k, action in enumerate(EVENT_ACTIONS[:EVENTS_PER_ORDER]):
                    office = action in ("created", "assign")
                    yield (order_id, created + timedelta(minutes=k),
                           self.dispatcher if office else engineer,
                           "Dispatcher" if office else "Engineer",
                           "dispatcher" if office else "engineer", action,
                           json.dumps({"serial": serial}), None if office else "device-1")

        counts["timeline_events"] = self.copy(
            "timeline_events", ("work_order_id", "at", "actor_id", "actor", "role", "action",
                                "details", "device_id"), event_rows())

        def charge_rows():
            for order_id, _, created, _, _, _ in orders:
                yield (str(uuid.uuid4()), order_id, 0, "labour", "LAB-1H", "Labour, per hour",
                       int(1.5 * SCALE), "hour", 33 * SCALE, 600, 495_000, 29_700, created,
                       None)
                yield (str(uuid.uuid4()), order_id, 1, "part", "AC-FILTER", "Air filter",
                       1 * SCALE, "each", 45 * SCALE, 1300, 450_000, 58_500, created, None)

        counts["charge_lines"] = self.copy(
            "charge_lines", ("id", "work_order_id", "position", "kind", "catalog_code",
                             "description", "quantity", "unit", "unit_price", "tax_rate",
                             "amount", "tax", "priced_at", "removed_at"), charge_rows())
        completed = [o for o in orders if o[3] in done]

        def photo_rows():
            verdict = json.dumps({"status": "verified", "reasons": [], "codes": []})
            for order_id, serial, created, *_ in completed:
                yield (str(uuid.uuid4()), order_id, 0, "after", f"{serial:064x}",
                       created + timedelta(hours=1, minutes=50),
                       json.dumps({"lat": 22.5, "lon": 113.9}), verdict, f"{serial:016x}",
                       created + timedelta(hours=1, minutes=55))

        counts["photos"] = self.copy(
            "photos", ("id", "work_order_id", "position", "kind", "sha256", "taken_at",
                       "location", "verification", "phash", "attached_at"), photo_rows())
        counts["signoffs"] = self.copy(
            "signoffs", ("id", "work_order_id", "position", "signer_name", "signed_at",
                         "charges_digest", "total", "signature_sha256", "valid"),
            ((str(uuid.uuid4()), o[0], 0, "Customer", o[2] + timedelta(hours=2), "0" * 64,
              1_033_200, "1" * 64, True) for o in completed))
        counts["ratings"] = self.copy(
            "ratings", ("id", "work_order_id", "engineer_id", "stars", "tags", "created_at"),
            ((str(uuid.uuid4()), o[0], o[4], 5 if o[1] % 7 else 2,
              json.dumps([] if o[1] % 7 else ["late"]), o[2] + timedelta(hours=3))
             for o in completed if o[1] % 10 < 3))
        counts["feed_entries"] = self.copy(
            "feed_entries", ("entity_type", "entity_id", "audience", "visible", "seq"),
            (("workorder", o[0], o[4], True, o[1]) for o in orders))
        return counts


# --------------------------------------------------------------------------- measurements

def timed(action, runs: int = RUNS) -> float:
    action()  # warm-up: caches, plans, the first scan's writes
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def measure(url: str, media_dir: Path, loader: Loader) -> dict[str, float]:
    from server import create_app
    from server.alerts.scan import scan
    from server.extensions import db
    from server.services import audit, kb_reports, reports, visit_reports

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "MEDIA_DIR": str(media_dir),
                      "SECRET_KEY": "rehearsal", "PUBLIC_URL": "http://fieldsync.rehearsal",
                      "PASSWORD_HASH_METHOD": PASSWORD_HASH_METHOD,
                      "CLOCK": lambda: NOW + timedelta(hours=1)})
    client = app.test_client()
    engineer = loader.engineers[0]
    as_engineer = {"Authorization": f"Bearer {loader.tokens[engineer]}"}
    as_dispatcher = {"Authorization": f"Bearer {loader.tokens[loader.dispatcher]}"}
    figures = {}
    with app.app_context():
        hot = [r[0] for r in db.session.execute(text(
            "select id from work_orders where assigned_engineer_id = :e and status = :s "
            "order by serial desc limit :n"), {"e": engineer, "s": st.IN_PROGRESS,
                                               "n": HOT_ORDERS})]
        feed_top = db.session.execute(text("select max(seq) from feed_entries")).scalar()
        open_order = db.session.execute(text(
            "select id from work_orders where status = 'assigned' order by serial desc limit 1")
        ).scalar()
        db.session.remove()
    cursor = encode_cursor(feed_top - 10)

    def delta_pull():
        answer = client.get(f"/api/v1/sync/pull?cursor={cursor}&limit=100",
                            headers=as_engineer)
        assert answer.status_code == 200, answer.get_data(as_text=True)[:300]
        assert len(answer.get_json()["changes"]) >= 10

    def push():
        mutations = [{"seq": n + 1, "id": str(uuid.uuid4()), "name": "workorder.note",
                      "args": {"work_order_id": hot[n % len(hot)], "text": f"Note {n}"},
                      "client_time": "2026-11-23T10:00:00+08:00"} for n in range(100)]
        answer = client.post("/api/v1/sync/push", headers=as_engineer,
                             json={"client_id": str(uuid.uuid4()), "mutations": mutations})
        assert answer.status_code == 200, answer.get_data(as_text=True)[:300]
        assert {r["status"] for r in answer.get_json()["results"]} == {"applied"}

    figures["delta pull (10 changes)"] = timed(delta_pull)
    figures["push of 100 mutations"] = timed(push)
    with app.app_context():
        def alert_scan():
            scan(db.session, NOW + timedelta(hours=1), app.config)

        figures["alert scan (repeat)"] = timed(alert_scan)
        figures["audit queue, first page"] = timed(lambda: audit.queue())
        window = reports.period(NOW, app.config["TIMEZONE"], 4)
        figures["reports: completion, ratings"] = timed(lambda: reports.build(window))
        figures["reports: failed visits"] = timed(
            lambda: visit_reports.failed_visits(window))
        figures["reports: knowledge base"] = timed(
            lambda: kb_reports.build(window.start, window.end))
        db.session.remove()
    probe = client.get(f"/api/v1/workorders/{open_order}/candidates?limit=5",
                       headers=as_dispatcher)
    if probe.status_code == 200:
        figures["candidates of an order"] = timed(lambda: client.get(
            f"/api/v1/workorders/{open_order}/candidates?limit=5", headers=as_dispatcher))
    with app.app_context():
        db.engine.dispose()
    return figures


def slowest_statements(url: str, limit: int = 8) -> list[tuple[float, int, str]] | None:
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(text("create extension if not exists pg_stat_statements"))
            return [(r[0], r[1], " ".join(r[2].split())[:110]) for r in connection.execute(text(
                "select mean_exec_time, calls, query from pg_stat_statements "
                "where dbid = (select oid from pg_database where datname = current_database()) "
                "order by mean_exec_time desc limit :n"), {"n": limit})]
    except Exception as exc:  # noqa: BLE001 - the extension is optional
        print(f"  (no pg_stat_statements: {str(exc).splitlines()[0]})")
        return None
    finally:
        engine.dispose()


def reset_statements(url: str) -> None:
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(text("create extension if not exists pg_stat_statements"))
            connection.execute(text("select pg_stat_statements_reset()"))
    except Exception:  # noqa: BLE001 - the extension is optional
        pass
    finally:
        engine.dispose()


def rehearse(orders: int) -> tuple[dict[str, float], dict]:
    with scratch_database("postgresql", f"rehearsal_{orders}") as scratch:
        loader = Loader(scratch.url, orders)
        started = time.perf_counter()
        counts = loader.load()
        engine = create_engine(scratch.url, isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(text("VACUUM ANALYZE"))
            size = connection.execute(text(
                "select pg_size_pretty(pg_database_size(current_database()))")).scalar()
        engine.dispose()
        load_seconds = time.perf_counter() - started
        reset_statements(scratch.url)
        figures = measure(scratch.url, scratch.media_dir, loader)
        slow = slowest_statements(scratch.url)
        loader.engine.dispose()
    return figures, {"counts": counts, "size": size, "load_s": load_seconds, "slow": slow}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", default="100000,1000000",
                        help="comma-separated sizes, smallest first")
    args = parser.parse_args()
    sizes = [int(size) for size in args.orders.split(",")]
    results = {}
    for size in sizes:
        header(f"{size:,} orders")
        figures, facts = rehearse(size)
        results[size] = figures
        counts = ", ".join(f"{name} {count:,}" for name, count in facts["counts"].items())
        row("loaded", f"{facts['load_s']:.0f} s", counts)
        row("database size", facts["size"])
        for name, seconds in figures.items():
            row(name, f"{seconds * 1000:.1f} ms")
        if facts["slow"]:
            print("  slowest statements (mean ms, calls, statement):")
            for mean, calls, query in facts["slow"]:
                print(f"    {mean:9.2f} {calls:6d}  {query}")
    if len(sizes) > 1:
        small, large = results[sizes[0]], results[sizes[-1]]
        header(f"{sizes[-1]:,} against {sizes[0]:,} orders (goal: each <= 1.5x)")
        for name in small:
            if name in large:
                ratio = large[name] / small[name]
                row(name, f"{small[name] * 1000:.1f} -> {large[name] * 1000:.1f} ms",
                    f"{ratio:.2f}x{'' if ratio <= 1.5 else '  OVER'}")


if __name__ == "__main__":
    main()
