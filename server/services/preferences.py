"""Customers' favourite and blocked engineers, chosen on the customer page after rating."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from server.extensions import db
from server.models import EngineerPreference, Rating, WorkOrderRow
from server.models.types import new_id
from server.services import timeline
from sync import status as st
from sync.errors import Conflict

CHOOSABLE = (st.COMPLETED, st.VERIFIED)
NONE = "none"


def current(row: WorkOrderRow) -> str:
    """This customer's standing choice about the order's engineer: favourite, blocked, none."""
    if row.assigned_engineer_id is None:
        return NONE
    return db.session.scalar(select(EngineerPreference.preference).where(
        EngineerPreference.customer_id == row.customer_id,
        EngineerPreference.engineer_id == row.assigned_engineer_id)) or NONE


def may_choose(row: WorkOrderRow) -> bool:
    """A customer chooses once the job is completed and they have rated it."""
    return row.status in CHOOSABLE and row.assigned_engineer_id is not None and _rated(row)


def _rated(row: WorkOrderRow) -> bool:
    return db.session.scalar(select(Rating.id).where(Rating.work_order_id == row.id)) is not None


def choose(row: WorkOrderRow, choice: str, now: datetime) -> str:
    """Mark the order's engineer favourite or blocked for this customer, or clear the mark;
    409 before completion (`not_completed`) and before the rating (`not_rated`)."""
    if row.status not in CHOOSABLE or row.assigned_engineer_id is None:
        raise Conflict("the engineer can be chosen once the job is completed",
                       code="not_completed", status=row.status)
    if not _rated(row):
        raise Conflict("rate the job first, then choose about the engineer", code="not_rated")
    engineer_id = row.assigned_engineer_id
    if choice == NONE:
        db.session.execute(delete(EngineerPreference).where(
            EngineerPreference.customer_id == row.customer_id,
            EngineerPreference.engineer_id == engineer_id))
    else:
        dialect = db.session.get_bind().dialect.name
        insert = pg_insert if dialect == "postgresql" else sqlite_insert
        values = dict(customer_id=row.customer_id, engineer_id=engineer_id, preference=choice,
                      work_order_id=row.id, updated_at=now)
        statement = insert(EngineerPreference).values(id=new_id(), **values)
        db.session.execute(statement.on_conflict_do_update(
            index_elements=["customer_id", "engineer_id"],
            set_={"preference": choice, "work_order_id": row.id, "updated_at": now}))
    timeline.record(row.id, actor_id=None, actor=row.customer.name, role="customer",
                    action="engineer_preference", details={"engineer": choice}, now=now)
    return choice
