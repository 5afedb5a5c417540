"""The rate card: catalog items as dispatchers create them and devices pull them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from server.extensions import db
from server.models import CatalogItem
from server.services.validation import invalid
from sync.errors import Conflict
from sync.money import is_known_currency, plain


def catalog_document(item: CatalogItem) -> dict:
    return {"id": item.id, "code": item.code, "kind": item.kind,
            "description": item.description, "unit": item.unit,
            "unit_price": plain(item.unit_price), "tax_rate": plain(item.tax_rate),
            "currency": item.currency, "active": item.active, "version": item.version}


def create_catalog_item(data: dict, now: datetime) -> CatalogItem:
    """A new item; Conflict(code_taken) if its code exists."""
    currency = data.setdefault("currency", "CNY")
    if not is_known_currency(currency):
        raise invalid("currency", "Not an ISO 4217 currency.")
    if db.session.scalar(select(CatalogItem.id).where(CatalogItem.code == data["code"])):
        raise Conflict("a catalog item with this code exists", code="code_taken",
                       code_value=data["code"])
    item = CatalogItem(updated_at=now, **data)
    try:
        with db.session.begin_nested():  # a concurrent create of the same code loses here
            db.session.add(item)
    except IntegrityError as exc:
        raise Conflict("a catalog item with this code exists", code="code_taken",
                       code_value=data["code"]) from exc
    return item
