"""A customer's standing choice about an engineer: ask for them again, or never send them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from server.extensions import db
from server.models.types import IdColumn, UTCDateTime, new_id

FAVOURITE, BLOCKED = "favourite", "blocked"


class EngineerPreference(db.Model):
    """One per (customer, engineer); "none" is the absence of a row."""

    __tablename__ = "customer_engineer_preferences"

    id: Mapped[str] = mapped_column(IdColumn(), primary_key=True, default=new_id)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"))
    engineer_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    preference: Mapped[str] = mapped_column(String(10))
    # The order whose page the customer chose on (the reports link to it).
    work_order_id: Mapped[str | None] = mapped_column(ForeignKey("work_orders.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (
        UniqueConstraint("customer_id", "engineer_id", name="uq_customer_engineer_preference"),
        Index("ix_preferences_engineer", "engineer_id", "preference"),
    )
