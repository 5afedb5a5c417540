"""The rate card."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from server.extensions import db
from server.models.types import IdColumn, ScaledDecimal, UTCDateTime, new_id


class CatalogItem(db.Model):
    __tablename__ = "catalog_items"

    id: Mapped[str] = mapped_column(IdColumn(), primary_key=True, default=new_id)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    description: Mapped[str] = mapped_column(String(500))
    unit: Mapped[str] = mapped_column(String(32))
    unit_price: Mapped[Decimal] = mapped_column(ScaledDecimal())
    tax_rate: Mapped[Decimal] = mapped_column(ScaledDecimal())
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    active: Mapped[bool] = mapped_column(default=True)
    version: Mapped[int] = mapped_column(default=1)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class CatalogPrice(db.Model):
    """One price version of a catalog item: in effect from `effective_from` until
    `effective_to` (None: still in effect). Lines quoted offline are priced from these."""

    __tablename__ = "catalog_prices"

    id: Mapped[str] = mapped_column(IdColumn(), primary_key=True, default=new_id)
    catalog_item_id: Mapped[str] = mapped_column(ForeignKey("catalog_items.id"))
    unit_price: Mapped[Decimal] = mapped_column(ScaledDecimal())
    tax_rate: Mapped[Decimal] = mapped_column(ScaledDecimal())
    effective_from: Mapped[datetime] = mapped_column(UTCDateTime())
    effective_to: Mapped[datetime | None] = mapped_column(UTCDateTime())

    __table_args__ = (Index("ix_catalog_prices_item_from", "catalog_item_id", "effective_from"),)
