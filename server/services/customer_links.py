"""The customer's private link (/c/<token>): issued with the order, found, revoked."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from server.extensions import db
from server.models import User, WorkOrderRow
from server.services import orders_repo, timeline, tokens
from sync.errors import NotFound

TOKEN_BYTES = 24  # 192 random bits


def new_link() -> tuple[str, str]:
    """A random customer-link token and the digest that is stored."""
    return tokens.new_token(TOKEN_BYTES)


def order_for_token(token: str) -> WorkOrderRow:
    """The order behind a customer token; 404 alike for unknown, revoked and malformed."""
    digest = tokens.digest(token)
    row = db.session.scalar(select(WorkOrderRow).where(
        WorkOrderRow.customer_token_hash == digest))
    if row is None or not tokens.matches(row.customer_token_hash, token):
        raise NotFound("this link is not valid", code="not_found")
    return row


def rotate_link(order_id: str, actor: User, now: datetime) -> str:
    """Revoke the order's customer link and return a new token."""
    row = orders_repo.load_row(order_id, lock=True)
    if row is None:
        raise NotFound("no such work order", code="not_found")
    token, row.customer_token_hash = new_link()
    timeline.record(row.id, actor_id=actor.id, actor=actor.name, role=actor.role,
                    action="customer_link_rotated", details={}, now=now)
    return token
