"""The scan: raise each rule once per order (and assignment), and queue its messages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, exists, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from schemas.roles import SUPERVISOR
from server.alerts import locks, outbox, rules
from server.database import unit_of_work
from server.models import Alert, User, WorkOrderRow
from server.models.types import new_id

SCAN_LOCK = "fieldsync.alerts.scan"


@dataclass
class ScanResult:
    raised: int = 0
    deliveries: int = 0
    skipped: bool = False


@dataclass(frozen=True)
class Candidate:
    order_id: str
    epoch: datetime
    deadline: datetime
    engineer_id: str | None


def scan(session: Session, now: datetime, config: dict) -> ScanResult:
    """Raise every alert due at `now` in one transaction (committed here)."""
    with unit_of_work(session):
        if not locks.try_transaction_lock(session, SCAN_LOCK):
            return ScanResult(skipped=True)
        return _raise_due(session, now, config)


def _raise_due(session: Session, now: datetime, config: dict) -> ScanResult:
    result = ScanResult()
    supervisors = None
    for rule in rules.RULES:
        for candidate in candidates(session, rule, now, config):
            alert_id = _raise(session, rule, candidate, now)
            if alert_id is None:
                continue  # raised by a concurrent scan: the unique constraint decided
            if rule.to_supervisors and supervisors is None:
                supervisors = _supervisors(session)
            recipients = _recipients(session, candidate.engineer_id,
                                     supervisors if rule.to_supervisors else [])
            result.raised += 1
            result.deliveries += outbox.enqueue(session, alert_id, recipients, now)
    return result


def candidates(session: Session, rule: rules.Rule, now: datetime, config: dict):
    """Orders past `rule`'s limit at `now` that have no alert of this rule for this epoch."""
    order = WorkOrderRow
    if rule.anchor == "due_at":
        yield from _select(session, rule, order.due_at, None,
                           [order.status.in_(rule.statuses), order.due_at <= now])
        return
    for threshold in rules.thresholds(config["ALERT_RULES"], rule.level):
        where = [order.status.in_(rule.statuses), order.assigned_at <= now - threshold.limit]
        if threshold.only is not None:
            where.append(order.priority.in_(threshold.only))
        elif threshold.excluding:
            where.append(order.priority.not_in(threshold.excluding))
        yield from _select(session, rule, order.assigned_at, threshold, where)


def _select(session, rule, anchor, threshold, where):
    order = WorkOrderRow
    raised = exists().where(and_(Alert.work_order_id == order.id, Alert.level == rule.level,
                                 Alert.epoch == anchor))
    statement = (select(order.id, anchor, order.assigned_engineer_id)
                 .where(*where, ~raised).order_by(anchor, order.id))
    for order_id, epoch, engineer_id in session.execute(statement).all():
        deadline = epoch if threshold is None else epoch + threshold.limit
        yield Candidate(order_id, epoch, deadline, engineer_id)


def _raise(session: Session, rule: rules.Rule, candidate: Candidate, now: datetime):
    """INSERT ... ON CONFLICT DO NOTHING: the new alert's id, or None if it exists."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = (dialect.insert(Alert.__table__)
                 .values(id=new_id(), work_order_id=candidate.order_id,
                         level=rule.level, epoch=candidate.epoch, deadline=candidate.deadline,
                         raised_at=now)
                 .on_conflict_do_nothing(index_elements=["work_order_id", "level", "epoch"])
                 .returning(Alert.__table__.c.id))
    return session.execute(statement).scalar_one_or_none()


def _supervisors(session: Session) -> list[User]:
    return list(session.scalars(select(User).where(User.role == SUPERVISOR,
                                                   User.active.is_(True))
                                .order_by(User.username)))


def _recipients(session: Session, engineer_id: str | None, supervisors: list[User]):
    engineer = session.get(User, engineer_id) if engineer_id else None
    people = ([engineer] if engineer is not None and engineer.active else []) + supervisors
    return [user for user in people if user.messaging_kind and user.messaging_url]
