"""Database locks: PostgreSQL advisory locks; SQLite's write transaction already is one."""

from __future__ import annotations

import hashlib

from sqlalchemy import text
from sqlalchemy.orm import Session


def lock_key(name: str) -> int:
    """A stable signed 64-bit key for `name`."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


def _postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def try_transaction_lock(session: Session, name: str) -> bool:
    """Take lock `name` until the transaction ends, or False at once if another holds it."""
    if not _postgres(session):
        # Every write transaction on SQLite begins IMMEDIATE (server/database.py): it holds
        # the database's write lock, so a second scanner waits instead.
        session.execute(text("SELECT 1"))
        return True
    return bool(session.execute(text("SELECT pg_try_advisory_xact_lock(:key)"),
                                {"key": lock_key(name)}).scalar_one())


def transaction_lock(session: Session, name: str) -> None:
    """Wait for lock `name` and hold it until the transaction ends."""
    if _postgres(session):
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": lock_key(name)})
    else:
        session.execute(text("SELECT 1"))
