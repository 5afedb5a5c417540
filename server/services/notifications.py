"""Assignment messages: the engineer hears of a new order, a reassignment or a new schedule
through the overdue alerts' outbox and adapters (level `assignment`).

Each message is an alert row keyed by (order, `assignment`, epoch) under the alerts' unique
constraint, written in the same transaction as the change: the epoch is the assignment time
or the time of the schedule change, so a change is announced exactly once, and a rolled-back
change never is.
"""

from __future__ import annotations

from datetime import datetime

from flask import current_app
from sqlalchemy.dialects import postgresql, sqlite

from server.alerts import outbox
from server.extensions import db
from server.models import Alert, User, WorkOrderRow
from server.models.types import new_id

LEVEL = "assignment"


def assigned(row: WorkOrderRow, now: datetime) -> bool:
    """Tell the engineer when the order was (re)assigned to them in this transaction."""
    if row.assigned_at != now:
        return False  # no new assignment (an already-assigned no-op)
    return _announce(row, now)


def rescheduled(row: WorkOrderRow, now: datetime) -> bool:
    """Tell the engineer that the order's due time or visit window changed now."""
    return _announce(row, now)


def _announce(row: WorkOrderRow, now: datetime) -> bool:
    if not current_app.config["ASSIGNMENT_MESSAGES"]:
        return False
    engineer = db.session.get(User, row.assigned_engineer_id) if row.assigned_engineer_id \
        else None
    if engineer is None or not engineer.active:
        return False
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    alert_id = db.session.execute(
        dialect.insert(Alert.__table__)
        .values(id=new_id(), work_order_id=row.id, level=LEVEL, epoch=now, deadline=now,
                raised_at=now)
        .on_conflict_do_nothing(index_elements=["work_order_id", "level", "epoch"])
        .returning(Alert.__table__.c.id)).scalar_one_or_none()
    if alert_id is None:
        return False  # announced already
    if engineer.messaging_kind and engineer.messaging_url:
        outbox.enqueue(db.session, alert_id, [engineer], now)
    return True
