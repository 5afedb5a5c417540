"""Shared helpers for the benchmark scripts: scratch databases, bulk seeding, timing, printing.

Seeding writes straight into the migrated schema with SQLAlchemy Core, mirroring what the real
services leave behind for an order created by a dispatcher and assigned to an engineer:
work_orders (status `assigned`, version 2), two timeline events (`created`, `assign`), one visible
feed_entries row per (order, engineer) with the next feed number, and the `feed` and
`workorder_number` counters advanced by exactly what was handed out (server/services/feed.py,
server/services/orders.py). Measurements then go through the real HTTP API.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, insert, select, text, update  # noqa: E402

from server.services.tokens import new_token  # noqa: E402
from tests.databases import PG_ADMIN_URL, postgres_reachable  # noqa: E402

PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"
NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
CATALOG = (("LAB-1H", "labour", "33.33", "0.06"), ("AC-FILTER", "part", "45.00", "0.13"),
           ("CALLOUT", "callout", "80", "0"), ("PIPE-1M", "part", "12.5", "0.13"))


def new_id() -> str:
    return str(uuid.uuid4())


# --------------------------------------------------------------------------- databases

def postgres_problem() -> str | None:
    """None when PostgreSQL answers at PG_ADMIN_URL, else why not."""
    return postgres_reachable()


def migrate(url: str, media_dir: Path) -> None:
    import contextlib
    import io

    from tests.databases import migrate as migrate_schema

    with contextlib.redirect_stderr(io.StringIO()):  # Alembic's INFO lines
        migrate_schema(url, media_dir)


@dataclass
class Scratch:
    """One migrated scratch database (SQLite file or PostgreSQL database) and a media dir."""

    backend: str
    url: str
    folder: Path
    pg_name: str | None = None

    @property
    def media_dir(self) -> Path:
        return self.folder / "media"


@contextmanager
def scratch_database(backend: str, label: str):
    """A fresh migrated database; SQLite files live in a temp dir, PostgreSQL databases are
    named fieldsync_bench_<label> and dropped on exit."""
    folder = Path(tempfile.mkdtemp(prefix=f"fieldsync-bench-{label}-"))
    (folder / "media").mkdir()
    pg_name = None
    if backend == "sqlite":
        url = f"sqlite:///{folder / 'bench.db'}"
    else:
        pg_name = f"fieldsync_bench_{label}"
        _pg_admin(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)')
        _pg_admin(f'CREATE DATABASE "{pg_name}"')
        url = PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + pg_name
    try:
        migrate(url, folder / "media")
        yield Scratch(backend, url, folder, pg_name)
    finally:
        if pg_name:
            _pg_admin(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)')
        shutil.rmtree(folder, ignore_errors=True)


def _pg_admin(statement: str) -> None:
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(statement))
    admin.dispose()


def make_app(scratch: Scratch):
    from server import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": scratch.url, "MEDIA_DIR": str(scratch.media_dir),
                       "SECRET_KEY": "bench", "PUBLIC_URL": "http://fieldsync.bench",
                       "PASSWORD_HASH_METHOD": PASSWORD_HASH_METHOD})


def dispose_app(app) -> None:
    from server.extensions import db

    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def analyze(scratch: Scratch) -> None:
    """Refresh PostgreSQL's planner statistics, as autovacuum does on a live server after a
    bulk load. SQLite is left alone: the app never runs ANALYZE, so production SQLite files
    have no sqlite_stat1 and the planner works without statistics there too."""
    if scratch.backend != "postgresql":
        return
    engine = create_engine(scratch.url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text("ANALYZE"))
    engine.dispose()


# --------------------------------------------------------------------------- seeding

@dataclass
class World:
    dispatcher_id: str = ""
    customer_id: str = ""
    site_id: str = ""
    engineers: list[str] = field(default_factory=list)       # user ids
    tokens: dict[str, str] = field(default_factory=dict)      # user id -> bearer token
    orders: dict[str, list[str]] = field(default_factory=dict)  # engineer id -> order ids

    def headers(self, user_id: str) -> dict:
        return {"Authorization": f"Bearer {self.tokens[user_id]}"}


class Seeder:
    """Bulk writes into the migrated schema, keeping feed and counters consistent."""

    CHUNK = 5000

    def __init__(self, scratch: Scratch):
        from server import models

        self.m = models
        self.engine = create_engine(scratch.url)
        self.world = World()
        self._password_hash = None

    def close(self) -> None:
        self.engine.dispose()

    def _insert(self, connection, table, rows: list[dict]) -> None:
        if not rows:
            return
        if connection.dialect.name == "postgresql":
            self._copy(connection, table, rows)
            return
        for start in range(0, len(rows), self.CHUNK):
            connection.execute(insert(table), rows[start:start + self.CHUNK])

    @staticmethod
    def _copy(connection, table, rows: list[dict]) -> None:
        """PostgreSQL COPY (psycopg 3), values through the columns' own bind processors."""
        dialect = connection.dialect
        names = list(rows[0])
        processors = [table.c[name].type._cached_bind_processor(dialect) for name in names]
        columns = ", ".join(f'"{name}"' for name in names)
        cursor = connection.connection.driver_connection.cursor()
        with cursor.copy(f'COPY "{table.name}" ({columns}) FROM STDIN') as copy:
            for values in rows:
                copy.write_row([value if process is None or value is None else process(value)
                                for value, process in zip(values.values(), processors,
                                                          strict=True)])

    def _take(self, connection, name: str, by: int) -> int:
        """Advance counter `name` by `by` (as feed.next_value does); the first number taken."""
        top = connection.execute(update(self.m.Counter.__table__)
                                 .where(self.m.Counter.__table__.c.name == name)
                                 .values(value=self.m.Counter.__table__.c.value + by)
                                 .returning(self.m.Counter.__table__.c.value)).scalar_one()
        return top - by + 1

    def base(self) -> World:
        """A dispatcher, a customer with a site, the catalog (with its '*' feed entries)."""
        from werkzeug.security import generate_password_hash

        self._password_hash = generate_password_hash("bench-password",
                                                     method=PASSWORD_HASH_METHOD)
        w = self.world
        w.dispatcher_id, w.customer_id, w.site_id = new_id(), new_id(), new_id()
        with self.engine.begin() as connection:
            connection.execute(insert(self.m.User.__table__).values(
                id=w.dispatcher_id, username="dispatcher", password_hash=self._password_hash,
                role="dispatcher", name="Dispatcher", language="en", active=True,
                created_at=NOW))
            connection.execute(insert(self.m.Customer.__table__).values(
                id=w.customer_id, name="Huang Min", language="en", created_at=NOW))
            connection.execute(insert(self.m.Site.__table__).values(
                id=w.site_id, customer_id=w.customer_id, address="Nanshan, Shenzhen",
                lat=22.5405, lon=113.9530, radius_m=150.0, created_at=NOW))
            items = [dict(id=new_id(), code=code, kind=kind, description=code, unit="each",
                          unit_price=Decimal(price), tax_rate=Decimal(tax), currency="CNY",
                          active=True, version=1, updated_at=NOW)
                     for code, kind, price, tax in CATALOG]
            self._insert(connection, self.m.CatalogItem.__table__, items)
            first = self._take(connection, "feed", len(items))
            self._insert(connection, self.m.FeedEntry.__table__, [
                dict(entity_type="catalog_item", entity_id=item["id"], audience="*",
                     visible=True, seq=first + i) for i, item in enumerate(items)])
        return w

    def engineers(self, count: int, prefix: str = "eng") -> list[str]:
        """`count` engineers, each with a live bearer token (stored hashed, as issue_token)."""
        w = self.world
        users, tokens = [], []
        start = len(w.engineers)
        for n in range(start, start + count):
            user_id, (token, token_hash) = new_id(), new_token(32)
            users.append(dict(id=user_id, username=f"{prefix}{n:05d}",
                              password_hash=self._password_hash, role="engineer",
                              name=f"Engineer {n}", language="en", active=True,
                              created_at=NOW))
            tokens.append(dict(id=new_id(), user_id=user_id,
                               token_hash=token_hash,
                               device_id=None, created_at=NOW,
                               expires_at=NOW + timedelta(days=3650), revoked_at=None))
            w.engineers.append(user_id)
            w.tokens[user_id] = token
            w.orders.setdefault(user_id, [])
        with self.engine.begin() as connection:
            self._insert(connection, self.m.User.__table__, users)
            self._insert(connection, self.m.ApiToken.__table__, tokens)
        return [u["id"] for u in users]

    def orders(self, assignments: list[str], *, charges_per_order: int = 0,
               notes_per_order: int = 0) -> None:
        """One assigned order per entry of `assignments` (an engineer id), in that order:
        what orders.create_work_order with assigned_engineer_id leaves behind."""
        if not assignments:
            return
        m, w = self.m, self.world
        with self.engine.begin() as connection:
            first_serial = self._take(connection, "workorder_number", len(assignments))
            orders, events, charges, notes = [], [], [], []
            for i, engineer_id in enumerate(assignments):
                serial = first_serial + i
                order_id = new_id()
                w.orders[engineer_id].append(order_id)
                orders.append(dict(
                    id=order_id, number=f"WO-{serial:06d}", serial=serial, version=2,
                    status="assigned", priority="normal", title=f"Air conditioner {serial}",
                    description="Not cooling", currency="CNY", customer_id=w.customer_id,
                    site_id=w.site_id, assigned_engineer_id=engineer_id,
                    created_by=w.dispatcher_id, created_at=NOW, assigned_at=NOW,
                    customer_token_hash=hashlib.sha256(secrets.token_bytes(16)).hexdigest()))
                events.append(dict(work_order_id=order_id, at=NOW, actor_id=w.dispatcher_id,
                                   actor="Dispatcher", role="dispatcher", action="created",
                                   details={"number": f"WO-{serial:06d}",
                                            "title": f"Air conditioner {serial}"}))
                events.append(dict(work_order_id=order_id, at=NOW, actor_id=w.dispatcher_id,
                                   actor="Dispatcher", role="dispatcher", action="assign",
                                   details={"engineer_id": engineer_id,
                                            "previous_engineer_id": None}))
                for position in range(charges_per_order):
                    charges.append(dict(
                        id=new_id(), work_order_id=order_id, position=position, kind="labour",
                        catalog_code="LAB-1H", description="LAB-1H",
                        quantity=Decimal("1.5"), unit="each", unit_price=Decimal("33.33"),
                        tax_rate=Decimal("0.06"), amount=Decimal("50.00"),
                        tax=Decimal("3.00"), removed_at=None))
                for position in range(notes_per_order):
                    notes.append(dict(id=new_id(), work_order_id=order_id, position=position,
                                      at=NOW, author_id=engineer_id, author="Engineer",
                                      text="Filter clogged, customer informed."))
            self._insert(connection, m.WorkOrderRow.__table__, orders)
            self._insert(connection, m.TimelineEvent.__table__, events)
            self._insert(connection, m.ChargeLineRow.__table__, charges)
            self._insert(connection, m.NoteRow.__table__, notes)
            # Feed numbers are taken last, as feed._stamp does before COMMIT.
            first_seq = self._take(connection, "feed", len(orders))
            self._insert(connection, m.FeedEntry.__table__, [
                dict(entity_type="workorder", entity_id=o["id"],
                     audience=o["assigned_engineer_id"], visible=True, seq=first_seq + i)
                for i, o in enumerate(orders)])
        # As the application would have: each order's pull document rendered beside it.
        from server.services.order_documents import backfill

        with self.engine.begin() as connection:
            backfill(connection)

    def check_consistent(self) -> None:
        """The counters equal what was handed out, as the services would leave them."""
        m = self.m
        with self.engine.connect() as connection:
            counters = dict(connection.execute(select(m.Counter.name, m.Counter.value)).all())
            feed_max = connection.execute(text("select max(seq) from feed_entries")).scalar()
            serial_max = connection.execute(text("select max(serial) from work_orders")).scalar()
        if counters["feed"] != (feed_max or 0) or counters["workorder_number"] != (serial_max
                                                                                  or 0):
            raise RuntimeError(f"seed inconsistent: counters {counters}, feed max {feed_max}, "
                               f"serial max {serial_max}")


# --------------------------------------------------------------------------- timing, output

class Timer:
    def __enter__(self):
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.start


def median(values) -> float:
    return statistics.median(values)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.2f} ms"


def header(title: str) -> None:
    print()
    print(title)
    print("-" * len(title))


def row(label: str, value: str, note: str = "") -> None:
    print(f"  {label:<58} {value:>16}  {note}".rstrip())


def backends(requested: list[str]) -> list[str]:
    """The requested backends that can run here; PostgreSQL is skipped (said) if unreachable."""
    result = []
    for backend in requested:
        if backend == "postgresql":
            problem = postgres_problem()
            if problem:
                print(f"[skip] PostgreSQL at {PG_ADMIN_URL}: {problem}")
                continue
        result.append(backend)
    return result


# --------------------------------------------------------------------------- servers, memory

@contextmanager
def gunicorn(scratch: Scratch, workers: int):
    """FieldSync under gunicorn on the scratch database; (base URL, master pid)."""
    from tests.live_server import free_port

    port = free_port()
    env = {**os.environ, "DATABASE_URL": scratch.url, "FIELDSYNC_MEDIA_DIR": str(
        scratch.media_dir), "FIELDSYNC_SECRET_KEY": "bench",
        "FIELDSYNC_PASSWORD_HASH_METHOD": PASSWORD_HASH_METHOD}
    url = f"http://127.0.0.1:{port}"
    with running([sys.executable, "-m", "gunicorn", "-w", str(workers), "-b",
                  f"127.0.0.1:{port}", "wsgi:app"], cwd=ROOT, env=env,
                 log_path=scratch.folder / f"gunicorn-{port}.log",
                 ready_url=url + "/api/v1/health", what="gunicorn") as process:
        yield url, process.pid


@contextmanager
def running(command: list, *, cwd, log_path: Path, ready_url: str, what: str, env=None):
    """Run `command` until the block ends, once `ready_url` answers 200 (60 s at most)."""
    import httpx

    log = open(log_path, "wb")  # noqa: SIM115 - closed below
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(ready_url, timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{what} did not start; see {log_path}")
            time.sleep(0.2)
        yield process
    finally:
        process.terminate()
        process.wait(10)
        log.close()


def workers_peak_rss_mib(master_pid: int) -> float:
    """The largest peak resident set (VmHWM) among the gunicorn master's workers, in MiB."""
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    peaks = []
    for pid in children:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                peaks.append(int(line.split()[1]) / 1024)
    return max(peaks)
