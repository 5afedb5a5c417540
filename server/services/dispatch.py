"""What dispatchers and supervisors do: customers, sites, catalog, orders, assignment."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from schemas.common import is_uuid
from server.extensions import db
from server.models import CatalogItem, Customer, Site, User, WorkOrderRow
from server.services import notifications, orders_repo, timeline
from server.services.feed import next_value
from sync import orders as order_rules
from sync.errors import Conflict, NotFound, ValidationFailed
from sync.money import is_known_currency, plain
from sync.mutations import Outcome
from sync.pull import decode_cursor, encode_cursor
from sync.schedule import check_due_at


def _invalid(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(f"{field}: {message}", fields={field: [message]})


def create_customer(data: dict, now: datetime) -> Customer:
    customer = Customer(created_at=now, language=data.pop("language", "zh-CN"), **data)
    db.session.add(customer)
    db.session.flush()
    return customer


def create_site(data: dict, now: datetime) -> Site:
    """A site with a point and either a GeoJSON polygon or a radius (default 200 m)."""
    from media.geofence import validate_polygon

    if db.session.get(Customer, data["customer_id"]) is None:
        raise _invalid("customer_id", "No such customer.")
    if data.get("geofence") is not None:
        try:
            validate_polygon(data["geofence"])
        except ValidationFailed as exc:
            raise ValidationFailed(exc.message, code="invalid_geofence",
                                   fields={"geofence": [exc.message]}) from exc
    location = data.pop("location")
    site = Site(lat=location["lat"], lon=location["lon"], created_at=now,
                radius_m=data.pop("radius_m", 200.0), **data)
    db.session.add(site)
    db.session.flush()
    return site


def catalog_document(item: CatalogItem) -> dict:
    return {"id": item.id, "code": item.code, "kind": item.kind,
            "description": item.description, "unit": item.unit,
            "unit_price": plain(item.unit_price), "tax_rate": plain(item.tax_rate),
            "currency": item.currency, "active": item.active, "version": item.version}


def create_catalog_item(data: dict, now: datetime) -> CatalogItem:
    currency = data.setdefault("currency", "CNY")
    if not is_known_currency(currency):
        raise _invalid("currency", "Not an ISO 4217 currency.")
    if db.session.scalar(select(CatalogItem.id).where(CatalogItem.code == data["code"])):
        raise Conflict("a catalog item with this code exists", code="code_taken",
                       code_value=data["code"])
    item = CatalogItem(updated_at=now, **data)
    try:
        with db.session.begin_nested():  # a concurrent create of the same code loses here
            db.session.add(item)
    except IntegrityError as exc:
        raise Conflict("a catalog item with this code exists", code="code_taken",
                       code_value=data["code"]) from exc
    return item


def _engineer(engineer_id: str, field: str = "engineer_id") -> User:
    engineer = db.session.get(User, engineer_id)
    if engineer is None or engineer.role != "engineer" or not engineer.active:
        raise _invalid(field, "No such engineer.")
    return engineer


def new_customer_token() -> tuple[str, str]:
    """A random customer-link token (192 bits) and the SHA-256 that is stored."""
    token = secrets.token_urlsafe(24)
    return token, hashlib.sha256(token.encode()).hexdigest()


def create_work_order(data: dict, actor: User, now: datetime) -> tuple[WorkOrderRow, str]:
    """A new order (assigned at once when an engineer is given) and its customer token."""
    customer = db.session.get(Customer, data["customer_id"])
    if customer is None:
        raise _invalid("customer_id", "No such customer.")
    site = db.session.get(Site, data["site_id"])
    if site is None or site.customer_id != customer.id:
        raise _invalid("site_id", "No such site for this customer.")
    currency = data.get("currency", "CNY")
    if not is_known_currency(currency):
        raise _invalid("currency", "Not an ISO 4217 currency.")
    check_due_at(data.get("due_at"), now)
    engineer_id = data.get("assigned_engineer_id")
    if engineer_id:
        _engineer(engineer_id, "assigned_engineer_id")
    serial = next_value(db.session, "workorder_number")
    token, token_hash = new_customer_token()
    row = WorkOrderRow(
        id=str(uuid.uuid4()), number=f"WO-{serial:06d}", serial=serial, version=1,
        status="open", priority=data.get("priority", "normal"), title=data["title"],
        description=data.get("description", ""), currency=currency, customer_id=customer.id,
        site_id=site.id, created_by=actor.id, created_at=now, due_at=data.get("due_at"),
        customer_token_hash=token_hash)
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
    row = orders_repo.load_row(order_id, lock=True)
    if row is None:
        raise NotFound("no such work order", code="not_found")
    return row


def assign(order_id: str, engineer_id: str, actor: User, now: datetime) -> WorkOrderRow:
    row = _locked(order_id)
    _engineer(engineer_id)
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


def visible_order(order_id: str, user: User) -> WorkOrderRow:
    """The order if this user may see it; engineers see only orders assigned to them (404)."""
    row = orders_repo.load_row(order_id) if is_uuid(order_id) else None
    if row is None or (user.role == "engineer" and row.assigned_engineer_id != user.id):
        raise NotFound("no such work order", code="not_found")
    return row


LIST_CURSOR = "o1:"


def list_orders(query: dict, user: User) -> tuple[list[WorkOrderRow], str | None]:
    """A page of orders, newest first, with the cursor of the next page (None at the end)."""
    limit = query.get("limit", 50)
    statement = select(WorkOrderRow).order_by(WorkOrderRow.serial.desc()).limit(limit + 1)
    if user.role == "engineer":
        statement = statement.where(WorkOrderRow.assigned_engineer_id == user.id)
    if "engineer_id" in query:
        statement = statement.where(WorkOrderRow.assigned_engineer_id == query["engineer_id"])
    if "status" in query:
        statement = statement.where(WorkOrderRow.status == query["status"])
    if "cursor" in query:
        statement = statement.where(
            WorkOrderRow.serial < decode_cursor(query["cursor"], LIST_CURSOR))
    rows = list(db.session.scalars(statement))
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, encode_cursor(rows[-1].serial, LIST_CURSOR) if more else None
