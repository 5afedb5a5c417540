"""The pull port of sync/ over the server's database: the change feed and the documents."""

from __future__ import annotations

import json

from sqlalchemy import select

from server.extensions import db
from server.models import CatalogItem, FeedEntry
from server.services import order_documents
from server.services.catalog import catalog_document
from server.services.feed import EVERYONE
from server.services.kb_usage import kb_documents
from sync.pull import FeedEntry as Entry
from sync.pull import PullStorage


class SqlPullStorage(PullStorage):
    def feed_after(self, user_id: str, after: int, limit: int,
                   visible_only: bool) -> list[Entry]:
        statement = (select(FeedEntry.seq, FeedEntry.entity_type, FeedEntry.entity_id,
                            FeedEntry.visible)
                     .where(FeedEntry.audience.in_([user_id, EVERYONE]), FeedEntry.seq > after)
                     .order_by(FeedEntry.seq).limit(limit))
        if visible_only:
            statement = statement.where(FeedEntry.visible.is_(True))
        return [Entry(seq=seq, type=kind, id=entity_id, visible=visible)
                for seq, kind, entity_id, visible in db.session.execute(statement)]

    def load(self, kind: str, ids: list[str]) -> dict[str, dict]:
        if kind == "catalog_item":
            items = db.session.scalars(select(CatalogItem).where(CatalogItem.id.in_(ids)))
            return {item.id: catalog_document(item) for item in items}
        if kind == "kb_article":
            return kb_documents(ids)
        return {order_id: json.loads(text)
                for order_id, text in order_documents.load_json(ids).items()}

    def load_json(self, kind: str, ids: list[str]) -> dict[str, str]:
        if kind == "workorder":  # stored encoded: three queries a page, nothing rebuilt
            return order_documents.load_json(ids)
        return super().load_json(kind, ids)


