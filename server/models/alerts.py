"""Overdue alerts, their outbox of deliveries, and the send log behind per-endpoint rate limits."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from server.extensions import db
from server.models.types import IdColumn, UTCDateTime, new_id
from server.models.workorders import WorkOrderRow

# On work_orders, but owned here: only the alert scan needs them. Status leads, so a scan seeks
# into the few open states and finished orders never cost it anything. (Not partial indexes:
# SQLite without statistics prefers ix_work_orders_status over a partial one on due_at, and
# neither planner can prove a partial index's predicate from a bound parameter.)
Index("ix_work_orders_status_assigned_at", WorkOrderRow.status, WorkOrderRow.assigned_at)
Index("ix_work_orders_status_due_at", WorkOrderRow.status, WorkOrderRow.due_at)


class Alert(db.Model):
    """One rule firing for one order; `epoch` (the assignment time, or due_at for `overdue`)
    keys it, so a reassignment or a new due time may raise the rule again, and nothing else."""

    __tablename__ = "alerts"

    id: Mapped[str] = mapped_column(IdColumn(), primary_key=True, default=new_id)
    work_order_id: Mapped[str] = mapped_column(ForeignKey("work_orders.id"))
    level: Mapped[str] = mapped_column(String(20))
    epoch: Mapped[datetime] = mapped_column(UTCDateTime())
    deadline: Mapped[datetime] = mapped_column(UTCDateTime())
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (
        UniqueConstraint("work_order_id", "level", "epoch", name="uq_alerts_order_level_epoch"),
        Index("ix_alerts_raised_at", "raised_at"),
    )


class AlertDelivery(db.Model):
    """The outbox: one message to one recipient; kind and URL are those at raise time."""

    __tablename__ = "alert_deliveries"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(db.Integer, "sqlite"),
                                    primary_key=True, autoincrement=True)
    alert_id: Mapped[str] = mapped_column(ForeignKey("alerts.id"))
    recipient_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(20))
    url: Mapped[str] = mapped_column(String(2000))
    url_key: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(20), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime())
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(String(500))
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    __table_args__ = (
        UniqueConstraint("alert_id", "recipient_id", name="uq_alert_deliveries_recipient"),
        Index("ix_alert_deliveries_state_due", "state", "next_attempt_at"),
    )


class AlertSend(db.Model):
    """Every send attempt to an endpoint, kept a while to count against its rate limit."""

    __tablename__ = "alert_sends"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(db.Integer, "sqlite"),
                                    primary_key=True, autoincrement=True)
    url_key: Mapped[str] = mapped_column(String(64))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (Index("ix_alert_sends_url_at", "url_key", "sent_at"),)
