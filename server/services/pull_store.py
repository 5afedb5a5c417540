"""The pull port of sync/ over the server's database: the change feed and the documents."""

from __future__ import annotations

from sqlalchemy import select

from server.extensions import db
from server.models import CatalogItem, FeedEntry
from server.services import orders_repo
from server.services.catalog import catalog_document
from server.services.feed import EVERYONE
from server.services.kb_usage import kb_documents
from sync.document import to_document
from sync.pull import FeedEntry as Entry
from sync.pull import PullStorage


class SqlPullStorage(PullStorage):
    def feed_after(self, user_id: str, after: int, limit: int,
                   visible_only: bool) -> list[Entry]:
        statement = (select(FeedEntry).where(FeedEntry.audience.in_([user_id, EVERYONE]),
                                             FeedEntry.seq > after)
                     .order_by(FeedEntry.seq).limit(limit))
        if visible_only:
            statement = statement.where(FeedEntry.visible.is_(True))
        return [Entry(seq=e.seq, type=e.entity_type, id=e.entity_id, visible=e.visible)
                for e in db.session.scalars(statement)]

    def load(self, kind: str, ids: list[str]) -> dict[str, dict]:
        if kind == "catalog_item":
            items = db.session.scalars(select(CatalogItem).where(CatalogItem.id.in_(ids)))
            return {item.id: catalog_document(item) for item in items}
        if kind == "kb_article":
            return kb_documents(ids)
        # Plain column reads in a fixed number of queries, not ORM rows: a page of 1,000
        # orders with their charge lines is a handful of statements.
        return {order_id: to_document(order)
                for order_id, order in orders_repo.load_aggregates(ids).items()}


