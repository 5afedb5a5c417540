"""Users and their API tokens."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Float, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from server.extensions import db
from server.models.types import IdColumn, UTCDateTime, new_id


class User(db.Model):
    __tablename__ = "users"

    id: Mapped[str] = mapped_column(IdColumn(), primary_key=True, default=new_id)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200))
    region: Mapped[str | None] = mapped_column(String(100))
    language: Mapped[str] = mapped_column(String(10), default="zh-CN")
    messaging_kind: Mapped[str | None] = mapped_column(String(20))
    messaging_url: Mapped[str | None] = mapped_column(String(2000))
    # The member's id in the chat tool (a WeCom userid), so the robot's message notifies them.
    messaging_mention: Mapped[str | None] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(default=True)
    # The console language this user chose (zh-CN or en); None follows the browser.
    console_language: Mapped[str | None] = mapped_column(String(10))
    # Console sessions and tokens from before this instant stay dead after a reactivation.
    deactivated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Engineers' profile: what they can do, speak, where they live and which service point
    # they belong to (the id only: the service points are their own area).
    skills: Mapped[list | None] = mapped_column(JSON)
    languages: Mapped[list | None] = mapped_column(JSON)
    home_lat: Mapped[float | None] = mapped_column(Float)
    home_lon: Mapped[float | None] = mapped_column(Float)
    service_point_id: Mapped[str | None] = mapped_column(IdColumn())
    # The latest position the engineer reported themselves (a start or a photo), never tracked.
    last_lat: Mapped[float | None] = mapped_column(Float)
    last_lon: Mapped[float | None] = mapped_column(Float)
    last_position_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The position candidates are measured from (the latest known, else home), kept in one
    # indexed pair so the nearest engineers are found with a bounding box.
    pos_lat: Mapped[float | None] = mapped_column(Float)
    pos_lon: Mapped[float | None] = mapped_column(Float)

    __table_args__ = (Index("ix_users_position", "pos_lat", "pos_lon"),)


class ApiToken(db.Model):
    """A bearer token; only its SHA-256 is stored, so a database leak reveals no token."""

    __tablename__ = "api_tokens"

    id: Mapped[str] = mapped_column(IdColumn(), primary_key=True, default=new_id)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    device_id: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    __table_args__ = (Index("ix_api_tokens_user", "user_id"),)
