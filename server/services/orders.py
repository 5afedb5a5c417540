"""Work orders as the office handles them: create, assign, cancel, verify, find, list."""

from __future__ import annotations

import uuid
from datetime import datetime

from schemas.formats import is_uuid
from schemas.roles import ENGINEER
from server.extensions import db
from server.models import Customer, Site, User, WorkOrderRow
from server.services import (
    accounts,
    candidates,
    customer_links,
    notifications,
    orders_repo,
    timeline,
)
from server.services.feed import next_value
from server.services.validation import invalid
from sync import orders as order_rules
from sync import status as st
from sync.document import to_document
from sync.errors import Conflict, NotFound, PreconditionFailed
from sync.money import is_known_currency
from sync.mutations import Outcome
from sync.schedule import check_due_at


def create_work_order(data: dict, actor: User, now: datetime,
                      zone: str = "Asia/Shanghai") -> tuple[WorkOrderRow, str]:
    """A new order (assigned at once when an engineer is given, or to the top candidate with
    `assign: auto`) and its customer token."""
    customer = db.session.get(Customer, data["customer_id"])
    if customer is None:
        raise invalid("customer_id", "No such customer.")
    site = db.session.get(Site, data["site_id"])
    if site is None or site.customer_id != customer.id:
        raise invalid("site_id", "No such site for this customer.")
    currency = data.get("currency", "CNY")
    if not is_known_currency(currency):
        raise invalid("currency", "Not an ISO 4217 currency.")
    check_due_at(data.get("due_at"), now)
    engineer_id = data.get("assigned_engineer_id")
    if engineer_id and data.get("assign"):
        raise invalid("assign", "Give either assign or assigned_engineer_id, not both.")
    if engineer_id:
        accounts.active_engineer(engineer_id, "assigned_engineer_id")
    required_skills = data.get("required_skills") or []
    if data.get("assign") == "auto":
        engineer_id = _best(candidates.target_for(site, customer, required_skills, zone), now)
    serial = next_value(db.session, "workorder_number")
    token, token_hash = customer_links.new_link()
    row = WorkOrderRow(
        id=str(uuid.uuid4()), number=f"WO-{serial:06d}", serial=serial, version=1,
        status=st.OPEN, priority=data.get("priority", "normal"), title=data["title"],
        description=data.get("description", ""), currency=currency, customer_id=customer.id,
        site_id=site.id, created_by=actor.id, created_at=now, due_at=data.get("due_at"),
        customer_token_hash=token_hash, required_skills=list(dict.fromkeys(required_skills)))
    db.session.add(row)
    db.session.flush()
    _log(row.id, actor, Outcome("created", {"number": row.number, "title": row.title}), now)
    if engineer_id:
        _change(row, actor, now, lambda order: order_rules.assign(order, engineer_id, now))
        notifications.assigned(row, now)
    return row, token


def _log(order_id: str, actor: User, outcome: Outcome, now: datetime) -> None:
    timeline.record(order_id, actor_id=actor.id, actor=actor.name, role=actor.role,
                    action=outcome.action, details=outcome.details, now=now)


def _change(row: WorkOrderRow, actor: User, now: datetime, rule) -> WorkOrderRow:
    order = orders_repo.to_aggregate(row)
    outcome = rule(order)
    if outcome.changed:
        orders_repo.save(row, order, now)
        _log(row.id, actor, outcome, now)
    return row


def _locked(order_id: str) -> WorkOrderRow:
    row = orders_repo.load_row(order_id, lock=True) if is_uuid(order_id) else None
    if row is None:
        raise NotFound("no such work order", code="not_found")
    return row


def assign(order_id: str, engineer_id: str, actor: User, now: datetime) -> WorkOrderRow:
    row = _locked(order_id)
    accounts.active_engineer(engineer_id)
    _change(row, actor, now, lambda order: order_rules.assign(order, engineer_id, now))
    notifications.assigned(row, now)
    return row


def _best(target: candidates.Target, now: datetime) -> str:
    best = candidates.ranked(target, 1, now)
    if not best:
        raise Conflict("no active engineer is eligible for this order (skills, blocks)",
                       code="no_candidate")
    return best[0].engineer_id


def assign_best(order_id: str, actor: User, now: datetime, zone: str) -> WorkOrderRow:
    """Assign the order to its top candidate; 409 no_candidate when nobody is eligible."""
    row = _locked(order_id)
    engineer_id = _best(candidates.target_for(row.site, row.customer, row.required_skills,
                                              zone), now)
    _change(row, actor, now, lambda order: order_rules.assign(order, engineer_id, now))
    notifications.assigned(row, now)
    return row


def cancel(order_id: str, reason: str, actor: User, now: datetime) -> WorkOrderRow:
    return _change(_locked(order_id), actor, now,
                   lambda order: order_rules.cancel(order, reason, now))


def verify(order_id: str, decision: str, comment: str | None, actor: User,
           now: datetime) -> WorkOrderRow:
    return _change(_locked(order_id), actor, now,
                   lambda order: order_rules.review(order, decision, comment, now))


def edit(order_id: str, changes: dict, expected_versions: set[int], actor: User,
         now: datetime) -> WorkOrderRow:
    """Apply the office's edit if the caller saw the current version; 412 with it if not."""
    row = _locked(order_id)
    if row.version not in expected_versions:
        raise PreconditionFailed(
            f"the order is at version {row.version}; reload it and edit again",
            code="version_conflict", version=row.version,
            document=to_document(orders_repo.to_aggregate(row), office=True))
    schedule = (row.due_at, row.window_start, row.window_end)
    _change(row, actor, now, lambda order: order_rules.edit(order, changes, now))
    if (row.due_at, row.window_start, row.window_end) != schedule:
        notifications.rescheduled(row, now)
    return row


def visible_order(order_id: str, user: User) -> WorkOrderRow:
    """The order if this user may see it; engineers see only orders assigned to them (404)."""
    row = orders_repo.load_row(order_id) if is_uuid(order_id) else None
    if row is None or (user.role == ENGINEER and row.assigned_engineer_id != user.id):
        raise NotFound("no such work order", code="not_found")
    return row
