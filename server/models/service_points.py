"""Service points: places a customer can walk in to, with their opening hours."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Float, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from server.extensions import db
from server.models.types import IdColumn, UTCDateTime, new_id


class ServicePoint(db.Model):
    __tablename__ = "service_points"
    # The nearest search reads a latitude band of this index first, then exact distances.
    __table_args__ = (Index("ix_service_points_lat_lon", "lat", "lon"),)

    id: Mapped[str] = mapped_column(IdColumn(), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(String(500))
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    phone: Mapped[str | None] = mapped_column(String(50))
    # The OpenStreetMap opening_hours text as given; read by sync.opening_hours.
    opening_hours: Mapped[str | None] = mapped_column(String(255))
    timezone: Mapped[str] = mapped_column(String(64))  # IANA; the hours are local to it
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
