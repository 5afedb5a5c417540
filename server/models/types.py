"""Column types that keep money exact and times in UTC on SQLite and PostgreSQL alike."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import BigInteger, DateTime, String
from sqlalchemy.types import TypeDecorator

SCALE = 4  # ten-thousandths: enough for unit prices, quantities and tax rates


class ScaledDecimal(TypeDecorator):
    """A Decimal stored as an integer count of 10^-4, exact and summable in SQL."""

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect):
        if value is None:
            return None
        scaled = Decimal(value).scaleb(SCALE)
        if scaled != scaled.to_integral_value():
            raise ValueError(f"{value} has more than {SCALE} decimal places")
        return int(scaled)

    def process_result_value(self, value, dialect):
        return None if value is None else Decimal(value).scaleb(-SCALE)


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC datetime (SQLite keeps naive UTC text; we add the zone back)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def new_id() -> str:
    return str(uuid.uuid4())


def IdColumn():  # noqa: N802 - reads like a type in the models
    return String(36)
