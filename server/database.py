"""Engine set-up per backend (SQLite pragmas, write transactions that take the lock first) and
the one shape every transaction ends in: `unit_of_work`."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from server.extensions import db

# Read-only requests (GET/HEAD) begin deferred transactions; every other transaction on SQLite
# begins IMMEDIATE, because a deferred one that reads and then writes fails at once with
# SQLITE_BUSY when another writer committed in between, whatever the busy timeout.
writes_expected: ContextVar[bool] = ContextVar("writes_expected", default=True)


def configure_engine(engine: Engine) -> None:
    """Attach per-backend behaviour to a freshly created engine."""
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)


def _sqlite_connect(dbapi_connection, connection_record) -> None:
    # Let SQLAlchemy, not the driver, issue BEGIN, so SAVEPOINT and BEGIN IMMEDIATE work.
    # synchronous=FULL: a push answered `applied` must survive a power cut (the device will
    # never send it again).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    for pragma in ("journal_mode=WAL", "foreign_keys=ON", "busy_timeout=30000",
                   "synchronous=FULL"):
        cursor.execute(f"PRAGMA {pragma}")
    cursor.close()


def _sqlite_begin(connection) -> None:
    connection.exec_driver_sql("BEGIN IMMEDIATE" if writes_expected.get() else "BEGIN")


@contextmanager
def unit_of_work(session: Session | None = None) -> Iterator[Session]:
    """One transaction: committed when the block ends, rolled back whole on any exception
    (which then goes on up), so a failure half-way leaves nothing written."""
    session = db.session if session is None else session  # alert jobs pass their own
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
