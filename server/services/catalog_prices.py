"""The catalog's price versions: change a price from now on, list the history, and price a
charge at the version in effect when the device quoted it (sync/pricing.py decides which)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from server.extensions import db
from server.models import CatalogItem, CatalogPrice
from sync.errors import NotFound
from sync.model import CatalogEntry
from sync.pricing import PriceVersion, pricing_time, version_at

PRICE_FIELDS = ("unit_price", "tax_rate")


def item_by_code(code: str, *, lock: bool = False) -> CatalogItem:
    statement = select(CatalogItem).where(CatalogItem.code == code)
    if lock:  # two concurrent price changes must not both close the same version
        statement = statement.with_for_update().execution_options(populate_existing=True)
    item = db.session.scalar(statement)
    if item is None:
        raise NotFound("no such catalog item", code="not_found", catalog_code=code)
    return item


def _rows(item: CatalogItem) -> list[CatalogPrice]:
    return list(db.session.scalars(select(CatalogPrice)
                                   .where(CatalogPrice.catalog_item_id == item.id)
                                   .order_by(CatalogPrice.effective_from)))


def versions(item: CatalogItem) -> list[PriceVersion]:
    """Oldest first. An item never changed has one version, from its creation (`updated_at`
    until the first PATCH, which stores that version as a row), still open."""
    rows = _rows(item)
    if not rows:
        return [PriceVersion(item.unit_price, item.tax_rate, item.updated_at, None)]
    return [PriceVersion(r.unit_price, r.tax_rate, r.effective_from, r.effective_to)
            for r in rows]


def update_item(code: str, changes: dict, now: datetime) -> CatalogItem:
    """Change description / active as they are, and a price or tax rate as a new version
    effective now (the open version ends now); devices get the item on their next pull."""
    item = item_by_code(code, lock=True)
    rows = _rows(item)
    if not rows:  # the first change: keep the price it had since creation as history
        rows = [CatalogPrice(catalog_item_id=item.id, unit_price=item.unit_price,
                             tax_rate=item.tax_rate, effective_from=item.updated_at)]
        db.session.add(rows[0])
    repriced = any(name in changes and changes[name] != getattr(item, name)
                   for name in PRICE_FIELDS)
    if repriced:
        for row in rows:
            if row.effective_to is None:
                row.effective_to = now
        db.session.add(CatalogPrice(
            catalog_item_id=item.id, unit_price=changes.get("unit_price", item.unit_price),
            tax_rate=changes.get("tax_rate", item.tax_rate), effective_from=now))
    changed = {name: value for name, value in changes.items() if getattr(item, name) != value}
    if changed:  # the feed stamps the item, so devices get it on their next pull
        for name, value in changed.items():
            setattr(item, name, value)
        item.version += 1
        item.updated_at = now
    db.session.flush()
    return item


def history(code: str) -> list[PriceVersion]:
    """The item's price versions, oldest first."""
    return versions(item_by_code(code))


def entry_at(code: str, claimed: datetime | None, now: datetime) -> CatalogEntry | None:
    """The catalog entry a charge quoted at `claimed` is priced with (see sync/pricing.py)."""
    item = db.session.scalar(select(CatalogItem).where(CatalogItem.code == code))
    if item is None:
        return None
    entry = CatalogEntry(code=item.code, kind=item.kind, description=item.description,
                         unit=item.unit, unit_price=item.unit_price, tax_rate=item.tax_rate,
                         currency=item.currency, active=item.active, priced_at=now)
    grace = timedelta(hours=current_app.config["PRICE_GRACE_HOURS"])
    when = pricing_time(claimed, now, grace)
    version = version_at(versions(item), when)
    if version is None:  # quoted before the item existed: a clock we cannot trust
        return entry
    return replace(entry, unit_price=version.unit_price, tax_rate=version.tax_rate,
                   priced_at=when)
