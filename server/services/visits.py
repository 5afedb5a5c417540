"""Failed visits as the office handles them: schedule a revisit, and the follow-up list."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from server.extensions import db
from server.models import Site, User, WorkOrderRow
from server.services import notifications, orders_repo, timeline
from server.services.accounts import active_engineer
from sync import status as st
from sync import visits as rules
from sync.errors import NotFound


def revisit(order_id: str, body: dict, actor: User, now: datetime) -> WorkOrderRow:
    """Send someone again to a failed visit, in a new window; the engineer is told."""
    row = orders_repo.load_row(order_id, lock=True)
    if row is None:
        raise NotFound("no such work order", code="not_found")
    rules.check_window(body["window_start"], body["window_end"], now)
    if body.get("engineer_id"):
        active_engineer(body["engineer_id"])
    elif row.assigned_engineer_id:
        active_engineer(row.assigned_engineer_id)  # a leaver cannot be sent again
    order = orders_repo.to_aggregate(row)
    outcome = rules.revisit(order, body["window_start"], body["window_end"],
                            body.get("engineer_id"), now)
    orders_repo.save(row, order, now)
    timeline.record(row.id, actor_id=actor.id, actor=actor.name, role=actor.role,
                    action=outcome.action, details=outcome.details, now=now)
    notifications.assigned(row, now)
    return row


@dataclass(frozen=True)
class FollowUp:
    order_id: str
    number: str
    title: str
    reason: str
    failed_at: datetime
    age: timedelta
    engineer: str
    region: str
    address: str


def awaiting_follow_up(now: datetime, limit: int = 500) -> list[FollowUp]:
    """Orders whose visit failed and that nobody has rescheduled yet, oldest failure first."""
    statement = (select(WorkOrderRow, User.name, Site.region, Site.address)
                 .join(Site, Site.id == WorkOrderRow.site_id)
                 .outerjoin(User, User.id == WorkOrderRow.assigned_engineer_id)
                 .where(WorkOrderRow.status == st.VISIT_FAILED)
                 .order_by(WorkOrderRow.failed_at, WorkOrderRow.serial).limit(limit))
    return [FollowUp(row.id, row.number, row.title, row.failure_reason or "other",
                     row.failed_at, now - row.failed_at, name or "—", region or "—",
                     address)
            for row, name, region, address in db.session.execute(statement)]
