"""The dispatcher's board: open work due today or overdue, grouped by engineer."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select

from schemas.roles import ENGINEER
from server.extensions import db
from server.models import Customer, Site, User, WorkOrderRow
from server.services import lists
from sync import status as st

OPEN_WORK = st.AWAITING_SERVICE
CUSTOMER_MATCHES = 10


@dataclass
class Lane:
    """One engineer's column (or the unassigned one, engineer None)."""

    engineer: User | None
    orders: list[WorkOrderRow] = field(default_factory=list)


@dataclass
class Board:
    day: str
    zone: str
    lanes: list[Lane]
    engineers: list[User]
    now: datetime


def end_of_day(now: datetime, zone: ZoneInfo) -> datetime:
    """The first instant of tomorrow in `zone`, as an aware datetime."""
    local = now.astimezone(zone)
    return datetime.combine(local.date() + timedelta(days=1), time(0), tzinfo=zone)


def board(now: datetime, zone_name: str) -> Board:
    """Open orders due before tonight's midnight (or with no due time), by engineer."""
    zone = ZoneInfo(zone_name)
    engineers = list(db.session.scalars(
        select(User).where(User.role == ENGINEER, User.active.is_(True)).order_by(User.name)))
    orders = db.session.scalars(
        select(WorkOrderRow).where(WorkOrderRow.status.in_(OPEN_WORK),
                                   or_(WorkOrderRow.due_at.is_(None),
                                       WorkOrderRow.due_at < end_of_day(now, zone)))
        .order_by(WorkOrderRow.due_at.is_(None), WorkOrderRow.due_at, WorkOrderRow.serial))
    lanes = {None: Lane(None)} | {engineer.id: Lane(engineer) for engineer in engineers}
    for order in orders:
        lane = lanes.get(order.assigned_engineer_id) or lanes.setdefault(
            order.assigned_engineer_id, Lane(db.session.get(User, order.assigned_engineer_id)))
        lane.orders.append(order)
    return Board(day=now.astimezone(zone).date().isoformat(), zone=zone_name,
                 lanes=list(lanes.values()), engineers=engineers, now=now)


def customers_with_sites(q: str) -> list[tuple[Customer, list[Site]]]:
    """Customers whose name or phone contains `q`, each with its sites, for a new order."""
    found = lists.customers({"q": q, "limit": CUSTOMER_MATCHES})["items"]
    sites = db.session.scalars(select(Site).where(Site.customer_id.in_([c.id for c in found]))
                               .order_by(Site.address))
    by_customer = {customer.id: [] for customer in found}
    for site in sites:
        by_customer[site.customer_id].append(site)
    return [(customer, by_customer[customer.id]) for customer in found]
