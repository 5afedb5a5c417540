"""The office's lists: filters, text search and keyset paging over (sort key, id).

A cursor is the last row's (sort key, id), so a page costs one index range scan however deep
the caller pages, and rows added meanwhile never shift a page.
"""

from __future__ import annotations

import base64
import binascii
import json
from datetime import UTC, datetime

from sqlalchemy import Select, or_, select, tuple_

from schemas.lists import DEFAULT_LIMIT
from schemas.roles import ENGINEER
from server.extensions import db
from server.models import CatalogItem, Customer, Site, User, WorkOrderRow
from sync.errors import BadRequest

CURSOR_VERSION = "k1"


def encode_cursor(key: list) -> str:
    raw = json.dumps([CURSOR_VERSION, key], separators=(",", ":"), ensure_ascii=False)
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, arity: int) -> list:
    """The key a cursor holds, or BadRequest(invalid_cursor)."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        version, key = json.loads(raw)
        if (version != CURSOR_VERSION or not isinstance(key, list) or len(key) != arity
                or not all(_storable_key(part) for part in key)):
            raise ValueError(raw)
        return key
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError, RecursionError) as exc:
        raise BadRequest("the cursor is not one this server gave out",
                         code="invalid_cursor") from exc


def _storable_key(part) -> bool:
    """A key part any database compares without error: a 64-bit integer or clean text."""
    if isinstance(part, bool):
        return False
    if isinstance(part, int):
        return -2**63 <= part < 2**63
    if isinstance(part, str):
        try:
            part.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate
            return False
        return "\x00" not in part
    return False


def contains(text: str) -> str:
    """A LIKE pattern matching `text` anywhere, with LIKE's wildcards taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _like(column, text: str):
    return column.ilike(contains(text), escape="\\")


def page(statement: Select, keys: tuple, query: dict, *, descending: bool = False,
         key_of=None) -> dict:
    """One page of `statement` ordered by `keys` (the last one unique): items and cursor."""
    limit = query.get("limit", DEFAULT_LIMIT)
    if "cursor" in query:
        after = decode_cursor(query["cursor"], len(keys))
        position = tuple_(*keys)
        bound = tuple_(*after)
        statement = statement.where(position < bound if descending else position > bound)
    order = [key.desc() if descending else key.asc() for key in keys]
    rows = list(db.session.scalars(statement.order_by(*order).limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    key_of = key_of or (lambda row: [getattr(row, key.key) for key in keys])
    return {"items": rows, "cursor": encode_cursor(key_of(rows[-1])) if more else None,
            "has_more": more}


def customers(query: dict) -> dict:
    statement = select(Customer)
    if "q" in query:
        statement = statement.where(or_(_like(Customer.name, query["q"]),
                                        _like(Customer.phone, query["q"])))
    return page(statement, (Customer.name, Customer.id), query)


def sites(query: dict) -> dict:
    statement = select(Site)
    if "customer_id" in query:
        statement = statement.where(Site.customer_id == query["customer_id"])
    return page(statement, (Site.address, Site.id), query)


def catalog(query: dict) -> dict:
    statement = select(CatalogItem)
    if "active" in query:
        statement = statement.where(CatalogItem.active.is_(query["active"]))
    return page(statement, (CatalogItem.code,), query)


def users(query: dict) -> dict:
    statement = select(User)
    if "role" in query:
        statement = statement.where(User.role == query["role"])
    if "region" in query:
        statement = statement.where(User.region == query["region"])
    if "q" in query:
        statement = statement.where(or_(_like(User.name, query["q"]),
                                        _like(User.username, query["q"])))
    return page(statement, (User.username,), query)


def work_orders(query: dict, user: User) -> dict:
    """Orders newest first; engineers see only their own."""
    statement = select(WorkOrderRow)
    if user.role == ENGINEER:
        statement = statement.where(WorkOrderRow.assigned_engineer_id == user.id)
    if "engineer_id" in query:
        statement = statement.where(WorkOrderRow.assigned_engineer_id == query["engineer_id"])
    if "status" in query:
        statement = statement.where(WorkOrderRow.status == query["status"])
    if "priority" in query:
        statement = statement.where(WorkOrderRow.priority == query["priority"])
    if "due_before" in query:
        statement = statement.where(WorkOrderRow.due_at < _utc(query["due_before"]))
    if "q" in query:
        matching_customers = select(Customer.id).where(_like(Customer.name, query["q"]))
        statement = statement.where(or_(_like(WorkOrderRow.number, query["q"]),
                                        _like(WorkOrderRow.title, query["q"]),
                                        WorkOrderRow.customer_id.in_(matching_customers)))
    return page(statement, (WorkOrderRow.serial,), query, descending=True)


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)
