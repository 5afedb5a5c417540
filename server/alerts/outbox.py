"""The outbox: queue one delivery per recipient, claim due ones atomically, record results."""

from __future__ import annotations

import hashlib
import math
import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, insert, or_, select, update
from sqlalchemy.orm import Session

from server.alerts import locks
from server.alerts.adapters import SendResult, per_minute
from server.models import AlertDelivery, AlertSend, User

WINDOW = timedelta(seconds=60)
KEEP_SENDS = timedelta(hours=1)


def url_key(url: str) -> str:
    return hashlib.sha256(url.encode()).hexdigest()


def enqueue(session: Session, alert_id: str, recipients: list[User], now: datetime) -> int:
    """One pending delivery per recipient, in the caller's transaction; how many."""
    rows = [dict(alert_id=alert_id, recipient_id=user.id, kind=user.messaging_kind,
                 url=user.messaging_url, url_key=url_key(user.messaging_url), state="pending",
                 attempts=0, next_attempt_at=now) for user in recipients]
    if rows:
        session.execute(insert(AlertDelivery), rows)
    return len(rows)


@dataclass
class Claim:
    ids: list[int]
    deferred: int


def _due(session: Session, now: datetime, limit: int):
    d = AlertDelivery
    statement = (select(d.id, d.kind, d.url_key)
                 .where(d.state == "pending", d.next_attempt_at <= now,
                        or_(d.claimed_until.is_(None), d.claimed_until <= now))
                 .order_by(d.next_attempt_at, d.id).limit(limit))
    if session.get_bind().dialect.name == "postgresql":
        statement = statement.with_for_update(skip_locked=True)
    return session.execute(statement).all()


def claim(session: Session, now: datetime, config: dict, limit: int = 10) -> Claim:
    """Lease up to `limit` due deliveries to this deliverer (commit to publish the lease).

    Concurrent deliverers never get the same row: PostgreSQL skips rows another claim has
    locked, and the update below only takes a row whose lease is free. Endpoints with a rate
    limit are counted under a per-endpoint lock; rows over it wait for the window to free."""
    rows = _due(session, now, limit)
    groups: dict[str, list] = {}
    for row in rows:
        groups.setdefault(row.url_key if per_minute(row.kind) else "", []).append(row)
    result = Claim([], 0)
    for key in sorted(groups):  # one lock order for everyone: no deadlocks
        allowed = groups[key]
        if key:
            allowed = _within_rate_limit(session, key, allowed, now, result)
        for row in allowed:
            if _lease(session, row.id, now, config):
                result.ids.append(row.id)
                if key:
                    session.execute(insert(AlertSend).values(url_key=key, sent_at=now))
    return result


def _within_rate_limit(session: Session, key: str, rows: list, now: datetime,
                       result: Claim) -> list:
    locks.transaction_lock(session, f"fieldsync.alerts.endpoint.{key}")
    session.execute(delete(AlertSend).where(AlertSend.url_key == key,
                                            AlertSend.sent_at < now - KEEP_SENDS))
    sent = list(session.scalars(select(AlertSend.sent_at)
                                .where(AlertSend.url_key == key, AlertSend.sent_at > now - WINDOW)
                                .order_by(AlertSend.sent_at)))
    room = max(0, per_minute(rows[0].kind) - len(sent))
    allowed, waiting = rows[:room], rows[room:]
    if waiting:
        frees_at = (sent[0] if sent else now) + WINDOW
        session.execute(update(AlertDelivery)
                        .where(AlertDelivery.id.in_([row.id for row in waiting]))
                        .values(next_attempt_at=frees_at))
        result.deferred += len(waiting)
    return allowed


def _lease(session: Session, delivery_id: int, now: datetime, config: dict) -> bool:
    """The guarded update: True only if this transaction took the row's lease."""
    d = AlertDelivery
    taken = session.execute(
        update(d).where(d.id == delivery_id, d.state == "pending",
                        or_(d.claimed_until.is_(None), d.claimed_until <= now))
        .values(claimed_until=now + timedelta(seconds=config["ALERT_LEASE_SECONDS"]),
                attempts=d.attempts + 1))
    return taken.rowcount == 1


def backoff(attempts: int, config: dict, rng=random) -> timedelta:
    """Exponential with equal jitter: between half and all of base * 2^(attempts-1), capped."""
    ceiling = min(config["ALERT_BACKOFF_MAX_SECONDS"],
                  config["ALERT_BACKOFF_SECONDS"] * 2 ** max(0, attempts - 1))
    return timedelta(seconds=ceiling / 2 + rng.uniform(0, ceiling / 2))


def record(session: Session, delivery_id: int, outcome: SendResult, now: datetime,
           config: dict) -> str:
    """Store a send's outcome; the delivery's new state."""
    d = AlertDelivery
    row = session.get(d, delivery_id, with_for_update=True, populate_existing=True)
    if row is None or row.state != "pending":
        return row.state if row is not None else "missing"
    row.claimed_until = None
    row.last_error = outcome.error[:500] if outcome.error else None
    if outcome.state == "delivered":
        row.state, row.delivered_at = "delivered", now
    elif outcome.state == "failed" or row.attempts >= config["ALERT_MAX_ATTEMPTS"]:
        row.state = "failed"
    else:
        wait = backoff(row.attempts, config)
        if outcome.retry_after and math.isfinite(outcome.retry_after):
            # capped: an endpoint's wish never parks a row for longer than our own backoff
            asked = min(outcome.retry_after, config["ALERT_BACKOFF_MAX_SECONDS"])
            wait = max(wait, timedelta(seconds=asked))
        row.next_attempt_at = now + wait
    return row.state if row.state != "pending" else "retrying"


def counts(session: Session) -> dict[str, int]:
    """Deliveries per state."""
    return dict(session.execute(select(AlertDelivery.state, func.count())
                                .group_by(AlertDelivery.state)).all())
