"""Customers and their sites."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Float, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from server.extensions import db
from server.models.types import IdColumn, UTCDateTime, new_id


class Customer(db.Model):
    __tablename__ = "customers"

    id: Mapped[str] = mapped_column(IdColumn(), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(50))
    address: Mapped[str | None] = mapped_column(String(500))
    language: Mapped[str] = mapped_column(String(10), default="zh-CN")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Site(db.Model):
    __tablename__ = "sites"

    id: Mapped[str] = mapped_column(IdColumn(), primary_key=True, default=new_id)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"), index=True)
    address: Mapped[str] = mapped_column(String(500))
    region: Mapped[str | None] = mapped_column(String(100))
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    geofence: Mapped[dict | None] = mapped_column(JSON)
    radius_m: Mapped[float] = mapped_column(Float, default=200.0)
    # An IANA zone; None on sites made before zones existed, read as FIELDSYNC_TIMEZONE.
    timezone: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
