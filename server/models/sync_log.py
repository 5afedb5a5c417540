"""Sync bookkeeping: device clients, their acknowledged mutations, the change feed, counters."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from server.extensions import db
from server.models.types import IdColumn, UTCDateTime


class SyncClient(db.Model):
    """One install of the field app; it belongs to the first user that pushed with it."""

    __tablename__ = "sync_clients"

    client_id: Mapped[str] = mapped_column(IdColumn(), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    acked_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_push_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class SyncMutation(db.Model):
    """Every mutation a device sent, with its payload and first result: nothing is thrown away."""

    __tablename__ = "sync_mutations"

    client_id: Mapped[str] = mapped_column(ForeignKey("sync_clients.client_id"),
                                           primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    mutation_id: Mapped[str] = mapped_column(String(64), index=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    name: Mapped[str] = mapped_column(String(64))
    args: Mapped[object] = mapped_column(JSON)
    client_time: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(20))
    error: Mapped[dict | None] = mapped_column(JSON)
    version: Mapped[int | None] = mapped_column()
    work_order_id: Mapped[str | None] = mapped_column(IdColumn(), index=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())


class FeedEntry(db.Model):
    """The latest change of one entity for one audience (an engineer's id, or '*' for all)."""

    __tablename__ = "feed_entries"

    entity_type: Mapped[str] = mapped_column(String(20), primary_key=True)
    entity_id: Mapped[str] = mapped_column(IdColumn(), primary_key=True)
    audience: Mapped[str] = mapped_column(String(36), primary_key=True)
    visible: Mapped[bool] = mapped_column()
    seq: Mapped[int] = mapped_column(BigInteger)

    __table_args__ = (Index("ix_feed_audience_seq", "audience", "seq"),)


class Counter(db.Model):
    """Named counters, incremented under a row lock held until commit."""

    __tablename__ = "counters"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)
