"""Alerts and their delivery states as the API answers them."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from schemas.formats import iso
from server.models import Alert, AlertDelivery, WorkOrderRow
from sync.errors import NotFound


def list_alerts(session: Session, *, work_order_id: str | None = None,
                state: str | None = None, limit: int = 100) -> list[dict]:
    """Newest first: one order's alerts, or the latest ones (with a delivery in `state`)."""
    statement = select(Alert).order_by(Alert.raised_at.desc(), Alert.id).limit(limit)
    if work_order_id is not None:
        if session.get(WorkOrderRow, work_order_id) is None:
            raise NotFound("no such work order", code="not_found")
        statement = statement.where(Alert.work_order_id == work_order_id)
    if state is not None:
        statement = statement.where(Alert.id.in_(
            select(AlertDelivery.alert_id).where(AlertDelivery.state == state)))
    alerts = list(session.scalars(statement))
    deliveries: dict[str, list[dict]] = {alert.id: [] for alert in alerts}
    if alerts:
        rows = session.scalars(select(AlertDelivery)
                               .where(AlertDelivery.alert_id.in_(list(deliveries)))
                               .order_by(AlertDelivery.id))
        for row in rows:
            deliveries[row.alert_id].append({
                "recipient_id": row.recipient_id, "kind": row.kind, "state": row.state,
                "attempts": row.attempts, "last_error": row.last_error})
    return [{"id": alert.id, "work_order_id": alert.work_order_id, "level": alert.level,
             "raised_at": iso(alert.raised_at), "deliveries": deliveries[alert.id]}
            for alert in alerts]
