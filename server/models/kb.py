"""The knowledge base: articles (versioned, retired rather than deleted) and their use on orders.

The full-text index lives in a table of each backend's own kind (an FTS5 virtual table on
SQLite, a tsvector table on PostgreSQL), created by the migration and kept out of the models;
server/services/kb_search.py owns it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from server.extensions import db
from server.models.types import IdColumn, UTCDateTime, new_id

SEARCH_TABLE = "kb_search"  # and, on SQLite, FTS5's shadow tables kb_search_*


class KbArticle(db.Model):
    __tablename__ = "kb_articles"

    id: Mapped[str] = mapped_column(IdColumn(), primary_key=True, default=new_id)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(8))
    tags: Mapped[list] = mapped_column(JSON)
    product_models: Mapped[list] = mapped_column(JSON)
    fault_codes: Mapped[list] = mapped_column(JSON)
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_by: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    updated_by: Mapped[str | None] = mapped_column(ForeignKey("users.id"))

    __table_args__ = (Index("ix_kb_articles_created", "created_at", "id"),)


class KbUsage(db.Model):
    """An engineer's `kb.used`: this article helped on this order (once per pair)."""

    __tablename__ = "kb_usages"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(db.Integer, "sqlite"),
                                    primary_key=True, autoincrement=True)
    work_order_id: Mapped[str] = mapped_column(ForeignKey("work_orders.id"))
    article_id: Mapped[str] = mapped_column(ForeignKey("kb_articles.id"), index=True)
    article_version: Mapped[int] = mapped_column()
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    used_at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (UniqueConstraint("work_order_id", "article_id",
                                       name="uq_kb_usages_order_article"),)


def include_in_schema_comparison(obj, name, type_, reflected, compare_to) -> bool:
    """Alembic's filter: the search index tables are the migration's, not the models'."""
    return not (type_ == "table" and name is not None and name.startswith(SEARCH_TABLE))
