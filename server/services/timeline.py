"""The operation log of each order."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_, select

from schemas.formats import iso
from schemas.roles import ENGINEER
from server.extensions import db
from server.models import TimelineEvent
from sync.document import verification_view


def record(order_id: str, *, actor_id: str | None, actor: str, role: str, action: str,
           details: dict, now: datetime, client_time: str | None = None,
           device_id: str | None = None) -> None:
    """Append one operation to the order's timeline."""
    db.session.add(TimelineEvent(
        work_order_id=order_id, at=now, actor_id=actor_id, actor=actor, role=role,
        action=action, details=details, client_time=client_time, device_id=device_id))


def entries(order_id: str, engineer_id: str | None = None) -> list[dict]:
    """The order's timeline, oldest first; for an engineer, without other engineers' steps
    (a previous holder's payloads and devices are not theirs to see)."""
    statement = select(TimelineEvent).where(
        TimelineEvent.work_order_id == order_id).order_by(TimelineEvent.id)
    if engineer_id is not None:
        statement = statement.where(or_(TimelineEvent.role != ENGINEER,
                                        TimelineEvent.actor_id == engineer_id))
    rows = db.session.scalars(statement)
    return [{"at": iso(e.at), "actor": e.actor, "actor_id": e.actor_id, "role": e.role,
             "action": e.action, "details": _details(e.details, office=engineer_id is None),
             "client_time": e.client_time,
             "device_id": e.device_id} for e in rows]


def _details(details: dict, *, office: bool) -> dict:
    """An event's details; a photo's verdict reads as it does in the order's document."""
    if isinstance(details, dict) and isinstance(details.get("verification"), dict):
        return details | {"verification": verification_view(details["verification"],
                                                            office=office)}
    return details
