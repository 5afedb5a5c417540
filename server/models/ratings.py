"""Customers' ratings of a completed job."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from server.extensions import db
from server.models.types import IdColumn, UTCDateTime, new_id


class Rating(db.Model):
    """One per order (the unique constraint, not luck, keeps it once)."""

    __tablename__ = "ratings"

    id: Mapped[str] = mapped_column(IdColumn(), primary_key=True, default=new_id)
    work_order_id: Mapped[str] = mapped_column(ForeignKey("work_orders.id"), unique=True)
    engineer_id: Mapped[str] = mapped_column(ForeignKey("users.id"), index=True)
    stars: Mapped[int] = mapped_column()
    tags: Mapped[list] = mapped_column(JSON)
    comment: Mapped[str | None] = mapped_column(Text)
    language: Mapped[str | None] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)  # reports by period
