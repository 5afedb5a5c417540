"""Work orders and what hangs off them: charges, notes, photos, sign-offs, the timeline."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.extensions import db
from server.models.types import IdColumn, ScaledDecimal, UTCDateTime


class WorkOrderRow(db.Model):
    __tablename__ = "work_orders"

    id: Mapped[str] = mapped_column(IdColumn(), primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    serial: Mapped[int] = mapped_column(BigInteger, unique=True)
    version: Mapped[int] = mapped_column(default=1)
    status: Mapped[str] = mapped_column(String(20))
    priority: Mapped[str] = mapped_column(String(10), default="normal")
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"))
    site_id: Mapped[str] = mapped_column(ForeignKey("sites.id"))
    assigned_engineer_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    created_by: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    assigned_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    window_start: Mapped[datetime | None] = mapped_column(UTCDateTime())
    window_end: Mapped[datetime | None] = mapped_column(UTCDateTime())
    failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    failure_reason: Mapped[str | None] = mapped_column(String(32))
    start_location: Mapped[dict | None] = mapped_column(JSON)
    # Skill codes an engineer needs for this order (sync/skills.py), chosen by the office.
    required_skills: Mapped[list | None] = mapped_column(JSON)
    customer_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)

    customer = relationship("Customer", lazy="joined", innerjoin=True)
    site = relationship("Site", lazy="joined", innerjoin=True)
    charges = relationship("ChargeLineRow", order_by="ChargeLineRow.position",
                           lazy="selectin", cascade="all, delete-orphan")
    notes = relationship("NoteRow", order_by="NoteRow.position", lazy="selectin",
                         cascade="all, delete-orphan")
    photos = relationship("PhotoRow", order_by="PhotoRow.position", lazy="selectin",
                          cascade="all, delete-orphan")
    signoffs = relationship("SignoffRow", order_by="SignoffRow.position", lazy="selectin",
                            cascade="all, delete-orphan")

    __table_args__ = (
        Index("ix_work_orders_engineer_status", "assigned_engineer_id", "status"),
        Index("ix_work_orders_status", "status"),
        Index("ix_work_orders_completed_at", "completed_at"),  # reports by period
    )


class ChargeLineRow(db.Model):
    """A charge line; a removed line keeps its row (removed_at) as evidence."""

    __tablename__ = "charge_lines"

    id: Mapped[str] = mapped_column(IdColumn(), primary_key=True)
    work_order_id: Mapped[str] = mapped_column(ForeignKey("work_orders.id"), index=True)
    position: Mapped[int] = mapped_column()
    kind: Mapped[str] = mapped_column(String(20))
    catalog_code: Mapped[str | None] = mapped_column(String(64))
    description: Mapped[str] = mapped_column(String(500))
    quantity: Mapped[Decimal] = mapped_column(ScaledDecimal())
    unit: Mapped[str] = mapped_column(String(32))
    unit_price: Mapped[Decimal] = mapped_column(ScaledDecimal())
    tax_rate: Mapped[Decimal] = mapped_column(ScaledDecimal())
    amount: Mapped[Decimal] = mapped_column(ScaledDecimal())
    tax: Mapped[Decimal] = mapped_column(ScaledDecimal())
    priced_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class NoteRow(db.Model):
    __tablename__ = "notes"

    id: Mapped[str] = mapped_column(IdColumn(), primary_key=True)
    work_order_id: Mapped[str] = mapped_column(ForeignKey("work_orders.id"), index=True)
    position: Mapped[int] = mapped_column()
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    author_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    author: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)


class PhotoRow(db.Model):
    __tablename__ = "photos"

    id: Mapped[str] = mapped_column(IdColumn(), primary_key=True)
    work_order_id: Mapped[str] = mapped_column(ForeignKey("work_orders.id"), index=True)
    position: Mapped[int] = mapped_column()
    kind: Mapped[str] = mapped_column(String(20))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    caption: Mapped[str | None] = mapped_column(String(500))
    taken_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    location: Mapped[dict | None] = mapped_column(JSON)
    verification: Mapped[dict] = mapped_column(JSON)
    phash: Mapped[str | None] = mapped_column(String(32))
    attached_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class SignoffRow(db.Model):
    __tablename__ = "signoffs"

    id: Mapped[str] = mapped_column(IdColumn(), primary_key=True)
    work_order_id: Mapped[str] = mapped_column(ForeignKey("work_orders.id"), index=True)
    position: Mapped[int] = mapped_column()
    signer_name: Mapped[str] = mapped_column(String(200))
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    charges_digest: Mapped[str] = mapped_column(String(64))
    total: Mapped[Decimal] = mapped_column(ScaledDecimal())
    signature_sha256: Mapped[str] = mapped_column(String(64))
    valid: Mapped[bool] = mapped_column()


class TimelineEvent(db.Model):
    """Every operation on an order, applied or rejected, with who, when and from which device."""

    __tablename__ = "timeline_events"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(db.Integer, "sqlite"),
                                    primary_key=True, autoincrement=True)
    work_order_id: Mapped[str] = mapped_column(ForeignKey("work_orders.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    actor: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(64))
    details: Mapped[dict] = mapped_column(JSON)
    client_time: Mapped[str | None] = mapped_column(String(64))
    device_id: Mapped[str | None] = mapped_column(String(200))

    __table_args__ = (
        Index("ix_timeline_order", "work_order_id", "id"),
        Index("ix_timeline_action_at", "action", "at"),  # reports of one action by period
    )


class WorkOrderDocument(db.Model):
    """The order as an engineer pulls it, encoded once when the order changes (customer and
    site are left out and joined at read time), so a pull page reads text instead of
    rebuilding documents."""

    __tablename__ = "work_order_documents"

    work_order_id: Mapped[str] = mapped_column(ForeignKey("work_orders.id"), primary_key=True)
    body: Mapped[str] = mapped_column(Text)
